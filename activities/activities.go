package activities

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"

	"github.com/caseflow/caseflow/notify"
)

// Activities are registered on the worker; the workflow calls them by method.
type Activities struct {
	Notifier notify.Sender
	// Emailer emails chases; nil when caseflow sends no email (chases stay in caseflow).
	Emailer *notify.Emailer
}

// NotifyAll delivers the chases of one wake-up of a case, each once.
func (a *Activities) NotifyAll(ctx context.Context, notices []notify.Notice) error {
	for _, n := range notices {
		if err := a.Notify(ctx, n); err != nil {
			return err
		}
	}
	return nil
}

// UndeliverableError is the application error type of a chase that can never be delivered: no
// id to deliver it once by, or no one to tell.
const UndeliverableError = "undeliverable"

// Activity names, for workflows that call them by name (local activities).
const (
	NotifyAllName   = "NotifyAll"
	EmailChasesName = "EmailChases"
)

// Notify delivers one chase.
func (a *Activities) Notify(ctx context.Context, n notify.Notice) error {
	if n.ID == "" || len(n.To) == 0 {
		return temporal.NewNonRetryableApplicationError(fmt.Sprintf("notify %q: a chase needs an id and someone to tell", n.ID), UndeliverableError, nil)
	}
	if err := a.Notifier.Send(ctx, n); err != nil {
		return fmt.Errorf("notify %s: %w", n.ID, err)
	}
	return nil
}

// EmailChases emails the chases of one wake-up, each message once however often it is retried
// (see notify.Emailer). It is a regular activity, not a local one: a mail server can be slow or
// down for a while, and the server keeps its retries, with backoff, without holding the case up.
// It heartbeats while it works, so a worker that dies mid-delivery is noticed within the
// heartbeat timeout and another takes over.
func (a *Activities) EmailChases(ctx context.Context, notices []notify.Notice) error {
	if a.Emailer == nil {
		return nil
	}
	stop := Heartbeat(ctx, emailHeartbeatEvery)
	defer stop()
	beat := func() { activity.RecordHeartbeat(ctx) }
	if err := a.Emailer.Email(ctx, notices, int(activity.GetInfo(ctx).Attempt), beat); err != nil {
		return fmt.Errorf("email chases: %w", err)
	}
	return nil
}

// emailHeartbeatEvery is well within the email activity's heartbeat timeout (workflows).
const emailHeartbeatEvery = 5 * time.Second

// Heartbeat records an activity heartbeat every interval until stopped: one send can take as
// long as the mail server's timeout, longer than a heartbeat timeout allows between two.
func Heartbeat(ctx context.Context, every time.Duration) (stop func()) {
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	return func() { close(done) }
}
