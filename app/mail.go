package app

import (
	"cmp"
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/worker"

	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/notify/mail"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/contacts"
	"github.com/caseflow/caseflow/workflows/digest"
)

// Email: chases and the morning digest through the agency's mail server (config.Mail), or, in
// dev without one, into an in-process mailbox shown at /dev/mail.

// mailState is the email side of a process.
type mailState struct {
	// mailbox keeps dev's mail; nil unless the embedded servers run without a mail server.
	mailbox *mail.Capture
	// outcomes counts what became of every message, by kind and outcome.
	outcomes mail.Tally
}

// Mailbox is the in-process mailbox of dev, nil when mail goes to a server or nowhere.
func (a *App) Mailbox() *mail.Capture { return a.mail.mailbox }

// MailOutcomes counts what became of every message this process sent, for tests; the same
// counts are exported as caseflow_mail_messages_total.
func (a *App) MailOutcomes() *mail.Tally { return &a.mail.outcomes }

// mailSender is where messages go: the mail server, dev's mailbox, or nowhere (nil).
func (a *App) mailSender() (mail.Sender, error) {
	m := &a.cfg.Mail
	switch {
	case m.Enabled():
		return mail.NewSMTP(m.SMTP)
	case a.parts.Embedded:
		a.mail.mailbox = &mail.Capture{}
		return a.mail.mailbox, nil
	}
	return nil, nil
}

// registerMail registers the morning digest on the worker and returns the chases' emailer (nil
// when caseflow sends no email: chases stay in its notifications).
func (a *App) registerMail(bg context.Context, w worker.Worker, pol *policy.Policy) (*notify.Emailer, error) {
	m := &a.cfg.Mail
	sender, err := a.mailSender()
	if err != nil {
		return nil, err
	}
	logger := a.logger.With("component", "mail")
	links := notify.Links{BaseURL: m.BaseURL, Domain: m.MessageDomain()}
	digests := &digest.Activities{Directory: m.Directory, Store: a.Store, Links: links, Policy: func() *policy.Policy { return pol }, Logger: logger}
	digest.Register(w, digests)
	(&contacts.Workflow{Callers: a.protection.verifier}).Register(w)
	if sender == nil || m.Directory == nil {
		logger.Warn("caseflow sends no email: set --smtp-addr and --directory to email chases and the morning digest")
		return nil, nil
	}
	a.goBackground(func() { contacts.Follow(bg, a.Temporal, m.Directory, cmp.Or(m.FollowEvery, time.Minute), logger) })
	counter := mail.Counters{&a.mail.outcomes, a.Metrics}
	postman := &mail.Postman{Sender: sender, Redis: a.Redis, Keys: a.protection.ids, Counter: counter, Logger: logger, Lease: m.SendLease}
	digests.Postman = postman
	where := m.String()
	if a.mail.mailbox != nil {
		where = "mail kept in-process, shown at /dev/mail"
	}
	logger.Info(where, "people", m.Directory.Size(), "digest_at", m.DigestAt)
	return &notify.Emailer{
		Directory: m.Directory, Postman: postman, Inbox: notify.NewInbox(a.Redis, a.protection.ids, logger), Links: links,
		Calendar: pol.Calendar(""), Counter: counter, Logger: logger, Access: a.access(),
	}, nil
}

// contactTeller passes on what the identity provider says of people at sign-in, their email and
// name, signed, to the workers' directory (see contacts.Teller). It never overrides the
// directory file.
func (a *App) contactTeller() func(context.Context, safeguarding.Actor, string, string) {
	teller := &contacts.Teller{Client: a.Temporal, TaskQueue: workflows.TaskQueue, Signer: a.protection.signer}
	return func(ctx context.Context, actor safeguarding.Actor, email, name string) {
		if err := teller.Tell(ctx, actor, email, name); err != nil {
			a.logger.Warn("sign-in contact not passed on to the directory", "user", actor.UserID, "error", err)
		}
	}
}

// ensureDigestSchedule creates or updates the morning digest's schedule, as the setup does (and
// dev's setup at every start): a worker that emails does it too, so a deployment that turned
// email on without running the setup again still gets its digest, at the time --digest-at says.
// It is idempotent: workers starting together leave one schedule.
func (a *App) ensureDigestSchedule(ctx context.Context) {
	outcome, err := digest.EnsureSchedule(ctx, a.Temporal, workflows.TaskQueue, a.cfg.Mail.DigestAt)
	if err != nil {
		a.logger.Error("morning digest schedule", "error", err)
		return
	}
	a.logger.Info("morning digest schedule "+outcome, "schedule", digest.ScheduleID)
}

// mountDevMail shows dev's mailbox at /dev/mail: only when there is one, as /dev/token only
// with development sign-in.
func (a *App) mountDevMail(r *gin.Engine) {
	if a.mail.mailbox != nil {
		r.GET("/dev/mail", gin.WrapH(http.Handler(a.mail.mailbox)))
	}
}
