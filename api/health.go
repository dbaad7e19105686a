package api

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"
)

// Health answers the liveness and readiness probes.
type Health struct {
	Redis redis.UniversalClient
	// Timeout bounds each readiness check.
	Timeout time.Duration
	// Checks are the other readiness checks by name: Temporal's (caseclient.ReadinessChecks),
	// the namespace's search attributes.
	Checks map[string]func(context.Context) error
	// Logger receives why a check fails.
	Logger *slog.Logger
}

// Check is the outcome of one readiness check: its status only. Why a check fails goes to the
// log, not to whoever asks: backend errors name hosts, ports and versions.
type Check struct {
	Status string `json:"status"`
}

// Readiness is the body of /readyz.
type Readiness struct {
	Status string           `json:"status"`
	Checks map[string]Check `json:"checks"`
}

func (h *Health) alive(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

// ready checks, in parallel, everything a request needs: Redis answering, and the Checks.
func (h *Health) ready(c *gin.Context) {
	r := h.Ready(c.Request.Context())
	status := http.StatusOK
	if r.Status != "ok" {
		status = http.StatusServiceUnavailable
	}
	c.JSON(status, r)
}

// Ready runs the readiness checks.
func (h *Health) Ready(ctx context.Context) Readiness {
	timeout := h.Timeout
	if timeout == 0 {
		timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	checks := map[string]func(context.Context) error{
		"redis": func(ctx context.Context) error { return h.Redis.Ping(ctx).Err() },
	}
	maps.Copy(checks, h.Checks)
	out := Readiness{Status: "ok", Checks: map[string]Check{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, check := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := Check{Status: "ok"}
			if err := check(ctx); err != nil {
				res = Check{Status: "failing"}
				if h.Logger != nil {
					h.Logger.Warn("readiness check failing", "check", name, "error", err)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			out.Checks[name] = res
			if res.Status != "ok" {
				out.Status = "failing"
			}
		}()
	}
	wg.Wait()
	return out
}
