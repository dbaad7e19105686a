// Package activities holds the side effects of case workflows. Each is idempotent, because
// Temporal retries it until it succeeds: projecting a case summary is versioned, and sending a
// chase is keyed by the chase's id.
package activities

import (
	"context"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/readmodel"
)

// Activities are registered on the worker; the workflow calls them by method.
type Activities struct {
	Store    *readmodel.Store
	Notifier notify.Sender
}

// CaseSummary is what the read model holds of a case: no personal data.
type CaseSummary = readmodel.CaseSummary

// ProjectCase writes a case summary to the read model. An older summary arriving after a newer
// one (a retry overtaken by the next change) is ignored by version.
func (a *Activities) ProjectCase(ctx context.Context, s CaseSummary) error {
	if s.CaseID == "" || s.Version < 0 {
		return permanent("project case %q version %d: not a summary the read model can hold", s.CaseID, s.Version)
	}
	applied, err := a.Store.Project(ctx, s)
	if err != nil {
		return fmt.Errorf("project case %s version %d: %w", s.CaseID, s.Version, err)
	}
	if applied {
		if err := a.Store.Publish(ctx, readmodel.ChangeOf(s)); err != nil {
			return fmt.Errorf("announce case %s: %w", s.CaseID, err)
		}
	}
	return nil
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

// InvalidInput is the error type of a side effect that can never succeed, however often it is
// tried: its error is non-retryable, so Temporal stops at once and the failure is counted.
const InvalidInput = "InvalidInput"

func permanent(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), InvalidInput, nil)
}

// Activity names, for workflows that call them by name (local activities).
const (
	ProjectCaseName = "ProjectCase"
	NotifyAllName   = "NotifyAll"
)

// Notify delivers one chase.
func (a *Activities) Notify(ctx context.Context, n notify.Notice) error {
	if n.ID == "" || len(n.To) == 0 {
		return permanent("notify %q: a chase needs an id and someone to tell", n.ID)
	}
	if err := a.Notifier.Send(ctx, n); err != nil {
		return fmt.Errorf("notify %s: %w", n.ID, err)
	}
	return nil
}
