package projection

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
)

// ReadModel is where summaries go (package readmodel's Store).
type ReadModel interface {
	// Project stores a summary unless a newer version is stored, reporting whether it did.
	Project(ctx context.Context, s Summary) (applied bool, err error)
	// Announce tells live views that the case changed.
	Announce(ctx context.Context, s Summary) error
	// RecordProjectionFailure counts a case that cannot be projected on the managers' board.
	RecordProjectionFailure(ctx context.Context, caseID string, at time.Time) error
	// IsEmpty reports whether the read model was never built in this release's layout.
	IsEmpty(ctx context.Context) (bool, error)
	// Reset clears what an older release left; MarkBuilt records that a rebuild completed.
	Reset(ctx context.Context) error
	MarkBuilt(ctx context.Context) error
	// SampleOverdue records how many actions are overdue now, for the board's trend.
	SampleOverdue(ctx context.Context, now time.Time) error
}

// Activity names and error types, for the workflow that calls the activity by name as a local
// activity.
const (
	ProjectCaseName = "ProjectCase"
	// UnprojectableError is the application error type of a summary the read model cannot hold.
	UnprojectableError = "unprojectable"
)

// Activity projects a case's summary after each change; register it on the case workers.
type Activity struct {
	ReadModel ReadModel
}

// ProjectCase writes a case summary to the read model. An older summary arriving after a newer
// one (a retry overtaken by the next change) is ignored by version.
//
// A summary the read model can never hold fails for good, at once: it is recorded as a
// projection failure (the managers' board counts them) and returned as a non-retryable error,
// which the workflow logs with the case id, instead of being retried forever.
func (a *Activity) ProjectCase(ctx context.Context, s Summary) error {
	applied, err := a.ReadModel.Project(ctx, s)
	if errors.Is(err, ErrUnprojectable) {
		if recErr := a.ReadModel.RecordProjectionFailure(ctx, s.CaseID, time.Now()); recErr != nil {
			return fmt.Errorf("project case %s: %w", s.CaseID, recErr)
		}
		return temporal.NewNonRetryableApplicationError(err.Error(), UnprojectableError, nil)
	}
	if err != nil {
		return fmt.Errorf("project case %s version %d: %w", s.CaseID, s.Version, err)
	}
	if applied {
		if err := a.ReadModel.Announce(ctx, s); err != nil {
			return fmt.Errorf("announce case %s: %w", s.CaseID, err)
		}
	}
	return nil
}
