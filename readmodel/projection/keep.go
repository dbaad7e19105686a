package projection

import (
	"context"
	"log/slog"
	"time"
)

// DefaultKeepEvery is how often Keep looks for an emptied read model and samples the overdue
// count.
const DefaultKeepEvery = 30 * time.Second

// Keep watches the read model until ctx ends: when it finds it empty (Redis flushed or replaced,
// or a release that changed its layout), it clears what is left and rebuilds it from the
// workflows; every time, it samples the overdue count for the managers' board.
func Keep(ctx context.Context, every time.Duration, cases Cases, rm ReadModel, logger *slog.Logger) {
	if every <= 0 {
		every = DefaultKeepEvery
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if empty, err := rm.IsEmpty(ctx); err == nil && empty {
			if err := rm.Reset(ctx); err != nil {
				logger.Error("read model reset failed", "error", err)
			}
			n, err := Rebuild(ctx, cases, rm, logger)
			if err != nil {
				logger.Error("read model rebuild failed", "error", err)
			} else {
				logger.Info("read model rebuilt", "cases", n)
			}
		}
		if err := rm.SampleOverdue(ctx, time.Now()); err != nil && ctx.Err() == nil {
			logger.Warn("overdue sample not recorded", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
