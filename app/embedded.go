//go:build !nodev

package app

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/caseflow/caseflow/config"
	"github.com/caseflow/caseflow/devstack"
)

// embedded are the in-process servers of `caseflow dev` and the tests. The lean production
// build (tag nodev) has none: see embedded_nodev.go.
type embedded struct {
	temporal *devstack.Temporal
	redis    *devstack.Redis
}

// start starts the embedded Temporal server, and Redis when cfg names none, and points cfg at
// them.
func (e *embedded) start(ctx context.Context, cfg *config.Config, logger *slog.Logger) error {
	t, err := devstack.StartTemporal(ctx, devstack.TemporalOptions{
		DatabaseFile:    cfg.TemporalDBFile(),
		FrontendAddress: cfg.TemporalAddress,
		Namespace:       cfg.TemporalNamespace,
		Logger:          logger,
	})
	if err != nil {
		return fmt.Errorf("embedded temporal: %w", err)
	}
	e.temporal = t
	cfg.TemporalAddress = t.Address()
	if cfg.RedisURL == "" {
		r, err := devstack.StartRedis()
		if err != nil {
			return err
		}
		e.redis = r
		cfg.RedisURL = r.URL()
	}
	return nil
}

func (e *embedded) stop(logger *slog.Logger) {
	if e.temporal != nil {
		if err := e.temporal.Stop(); err != nil {
			logger.Warn("temporal server stop", "error", err)
		}
	}
	if e.redis != nil {
		e.redis.Stop()
	}
}

// EmbeddedTemporal is the in-process Temporal server of dev, nil against a cluster.
func (a *App) EmbeddedTemporal() *devstack.Temporal { return a.embedded.temporal }

// EmbeddedRedis is the in-process Redis, nil when a real one is used.
func (a *App) EmbeddedRedis() *devstack.Redis { return a.embedded.redis }
