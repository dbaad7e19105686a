package projection

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// Cases are the case workflows as the rebuild reads them (package caseclient's Client).
type Cases interface {
	// Running calls each with the id of every running case, a page at a time, and stops at the
	// first error each returns.
	Running(ctx context.Context, each func(caseID string) error) error
	// Summary asks a case's workflow for its summary.
	Summary(ctx context.Context, caseID string) (Summary, error)
}

// rebuildConcurrency bounds the summary queries in flight during a rebuild.
const rebuildConcurrency = 8

// Rebuild projects every running case's summary into the read model and reports how many it
// projected: after Redis is flushed or replaced, or on an operator's demand (caseflow reindex).
// A case that changes meanwhile is still projected at its newest version, since projection is
// versioned.
func Rebuild(ctx context.Context, cases Cases, rm ReadModel, logger *slog.Logger) (int, error) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(rebuildConcurrency)
	var projected atomic.Int64
	listErr := cases.Running(gctx, func(caseID string) error {
		g.Go(func() error {
			sum, err := cases.Summary(gctx, caseID)
			if err != nil {
				// A workflow that never opened a case has no summary: skip it.
				logger.Debug("case skipped in rebuild", "case", caseID, "error", err)
				return nil
			}
			if _, err := rm.Project(gctx, sum); err != nil {
				return err
			}
			projected.Add(1)
			return nil
		})
		return gctx.Err()
	})
	err := g.Wait()
	n := int(projected.Load())
	// A failed projection cancels the listing too: report the projection's error.
	if err == nil {
		err = listErr
	}
	if err != nil {
		return n, fmt.Errorf("rebuild read model: %w", err)
	}
	if err := rm.MarkBuilt(ctx); err != nil {
		return n, err
	}
	return n, nil
}
