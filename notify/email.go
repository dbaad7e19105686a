package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/caseflow/caseflow/notify/directory"
	"github.com/caseflow/caseflow/notify/mail"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// Emailer emails chases to the people the directory names for their recipients, each message
// once (mail.Postman). What cannot be emailed is never dropped: a recipient without an address,
// and a message the mail server refuses, are reported to the Safeguarding Lead at once (in
// caseflow and by email); a mail server that keeps failing is reported to them after
// ReportAfter attempts, while the activity goes on retrying.
type Emailer struct {
	Directory *directory.Directory
	Postman   *mail.Postman
	// Inbox receives the in-app notices of the reports, and the out-of-hours cover's.
	Inbox *Inbox
	Links Links
	// Calendar holds the agency's working days: the out-of-hours cover is on duty outside them.
	Calendar *policy.Calendar
	// Counter counts recipients without an address (the postman counts the rest).
	Counter mail.Counter
	// Access is the agency's choice of who sees what (team access), for the visibility policy
	// each message is checked against.
	Access safeguarding.Access
	Logger *slog.Logger
	// ReportAfter is the attempt after which a failing mail server is reported to the Lead
	// (DefaultReportAfter when zero).
	ReportAfter int
}

// DefaultReportAfter is four failed attempts: with the delivery activity's backoff (5 s, doubling), the fourth attempt
// comes within a minute of the first; a mail server down that long is worth telling the Lead of.
const DefaultReportAfter = 4

// Links makes the addresses of caseflow's pages in messages, and their Message-IDs.
type Links struct {
	// BaseURL is where people open caseflow, such as https://caseflow.agency.example.
	BaseURL string
	// Domain ends every Message-ID: the domain of the sender's address.
	Domain string
}

// Case is the address of a case's page.
func (l Links) Case(caseID string) string {
	return strings.TrimRight(l.BaseURL, "/") + "/cases/" + caseID
}

// MessageID is a Message-ID for a message of kind, stable for key. The key (ids, a date) is
// hashed: mail servers log Message-IDs, and identifiers may hold characters a Message-ID may not.
func (l Links) MessageID(kind, key string) string {
	sum := sha256.Sum256([]byte(kind + "\n" + key))
	return hex.EncodeToString(sum[:12]) + "." + kind + "@" + l.Domain
}

// addressee is someone a chase is emailed to, and why.
type addressee struct {
	directory.Person
	why string
}

// described names the addressee without their user id, for the Safeguarding Lead's report,
// which is kept in Redis: their role, and their team when they have one.
func (a addressee) described() string {
	if a.Team != "" {
		return "a " + a.Role.Name() + " of team " + a.Team
	}
	return "a " + a.Role.Name()
}

// Email sends the emails of one wake-up's chases. attempt counts the delivery activity's
// attempts from 1; beat is called after each message (the activity heartbeats). It returns an
// error when some message may still pass on a retry.
func (e *Emailer) Email(ctx context.Context, notices []Notice, attempt int, beat func()) error {
	var retry []error
	for _, n := range notices {
		if err := e.email(ctx, n, attempt, beat); err != nil {
			retry = append(retry, err)
		}
	}
	return errors.Join(retry...)
}

func (e *Emailer) email(ctx context.Context, n Notice, attempt int, beat func()) error {
	to, unresolved := e.addressees(n)
	to, unresolved = e.mayBeTold(n, to, unresolved)
	if cover := e.cover(n, to); len(cover) > 0 {
		if err := e.tellCover(ctx, n, cover); err != nil {
			return err
		}
		to = append(to, cover...)
	}
	problems := slices.Clone(unresolved)
	for range unresolved {
		e.count("chase", mail.Unaddressed)
	}
	var failing []error
	for _, a := range to {
		_, err := e.Postman.Deliver(ctx, chaseMessage(n, a, e.Links))
		beat()
		switch {
		case err == nil:
		case mail.IsRefused(err):
			problems = append(problems, fmt.Sprintf("%s (the mail server refused their address, code %d)", a.described(), refusalCode(err)))
		default:
			failing = append(failing, err)
		}
	}
	if len(problems) > 0 {
		if err := e.report(ctx, n, "unaddressed", "Not emailed to: "+strings.Join(problems, "; ")+". Tell them, and correct the directory."); err != nil {
			return err
		}
	}
	if len(failing) == 0 {
		return nil
	}
	err := errors.Join(failing...)
	e.Logger.Error("chase email failing", "notice", n.ID, "case", n.CaseID, "action", n.ActionID, "attempt", attempt, "messages", len(failing))
	if attempt >= cmpOr(e.ReportAfter, DefaultReportAfter) {
		note := fmt.Sprintf("Emailing this chase to %d people is failing (the mail server, attempt %d); caseflow keeps trying. They can see it in caseflow.", len(failing), attempt)
		if repErr := e.report(ctx, n, "mail-failing", note); repErr != nil {
			return errors.Join(err, repErr)
		}
	}
	return err
}

// addressees resolves the notice's recipients through the directory, each person once.
func (e *Emailer) addressees(n Notice) ([]addressee, []string) {
	var out []addressee
	var unresolved []string
	for _, r := range n.To {
		people, missing := e.Directory.Resolve(r, n.excluded())
		unresolved = append(unresolved, missing...)
		for _, p := range people {
			if !slices.ContainsFunc(out, func(a addressee) bool { return a.ID == p.ID }) {
				out = append(out, addressee{Person: p, why: reason(r, n)})
			}
		}
	}
	return out, unresolved
}

// tells reports whether a person may be told of the notice's action, by the visibility policy
// with their relation to the case: never anyone an allegation excluded, whatever their role (a
// manager's or the Safeguarding Lead's too), and never someone who may not see the action. A
// notice of an earlier release, without the case's people, is judged by who is excluded alone.
func (e *Emailer) tells(n Notice, p directory.Person) bool {
	if slices.Contains(n.excluded(), p.ID) {
		return false
	}
	if n.Parties == nil {
		return true
	}
	sight := n.Parties.SightOf(safeguarding.Actor{UserID: p.ID, Role: p.Role, Team: p.Team}, e.Access)
	return sight.SeesAction(safeguarding.Class(n.Class), n.Owner)
}

// excluded lists everyone an allegation excluded from the case.
func (n Notice) excluded() []string {
	if n.Parties == nil {
		return n.Excluded
	}
	return slices.Concat(n.Excluded, n.Parties.Excluded)
}

// mayBeTold keeps the addressees the visibility policy lets be told of the notice's action. One
// it leaves out who is not excluded (named on a chase of a case they no longer work on, say) is
// reported to the Safeguarding Lead with the other problems, so no chase ends in silence; who an
// allegation excluded is never named.
func (e *Emailer) mayBeTold(n Notice, to []addressee, unresolved []string) ([]addressee, []string) {
	var kept []addressee
	for _, a := range to {
		switch {
		case e.tells(n, a.Person):
			kept = append(kept, a)
		case !slices.Contains(n.excluded(), a.ID):
			unresolved = append(unresolved, a.ID+" (may not see this action of the case)")
		}
	}
	return kept, unresolved
}

// cover is the out-of-hours cover to tell of an hour clock's chase made while the office was
// closed, leaving out those already told and anyone excluded from the case.
func (e *Emailer) cover(n Notice, told []addressee) []addressee {
	if !n.HourClock {
		return nil
	}
	var out []addressee
	for _, p := range e.Directory.CoverAt(n.SentAt, e.Calendar) {
		if p.Email == "" || !e.tells(n, p) || slices.ContainsFunc(told, func(a addressee) bool { return a.ID == p.ID }) {
			continue
		}
		out = append(out, addressee{Person: p, why: "you cover out of hours, and this clock runs day and night"})
	}
	return out
}

// tellCover puts the chase in the cover's own inboxes in caseflow too.
func (e *Emailer) tellCover(ctx context.Context, n Notice, cover []addressee) error {
	c := n
	c.ID, c.To, c.Note = n.ID+"/cover", nil, "Out of hours: you are told as the cover."
	for _, a := range cover {
		c.To = append(c.To, safeguarding.Recipient{UserID: a.ID, Role: a.Role, Team: a.Team})
	}
	return e.Inbox.Send(ctx, c)
}

// report tells the Safeguarding Lead of a chase caseflow could not email: in caseflow, and by
// email to the Leads and deputies who may see the case. Both are sent once per chase and what.
func (e *Emailer) report(ctx context.Context, n Notice, what, note string) error {
	r := n
	r.ID, r.Note = n.ID+"/"+what, note
	r.To = []safeguarding.Recipient{{Role: safeguarding.RoleSafeguardingLead}}
	if err := e.Inbox.Send(ctx, r); err != nil {
		return err
	}
	leads, _ := e.Directory.Resolve(r.To[0], n.excluded())
	leads = slices.DeleteFunc(leads, func(p directory.Person) bool { return !e.tells(n, p) })
	if len(leads) == 0 {
		e.Logger.Error("no Safeguarding Lead to email a delivery problem to", "notice", n.ID, "case", n.CaseID)
	}
	var errs []error
	for _, p := range leads {
		if _, err := e.Postman.Deliver(ctx, reportMessage(r, p.Email, e.Links)); err != nil && !mail.IsRefused(err) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (e *Emailer) count(kind string, o mail.Outcome) {
	if e.Counter != nil {
		e.Counter.Count(kind, o)
	}
}

func refusalCode(err error) int {
	var se *mail.SendError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// reason says why a recipient is told, in the message.
func reason(r safeguarding.Recipient, n Notice) string {
	switch {
	case r.UserID != "" && r.UserID == n.Owner.UserID:
		return "the action is yours"
	case r.UserID != "":
		return "you are named on the chase"
	case r.Role == safeguarding.RoleManager && r.Team == "":
		return "you are the agency's duty manager, and the case has no team yet"
	case r.Role == safeguarding.RoleManager:
		return "you manage team " + r.Team
	case r.Role == safeguarding.RoleSafeguardingLead:
		return "you are the agency's Safeguarding Lead (or their deputy)"
	}
	return "the action is for your role"
}

func cmpOr(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}
