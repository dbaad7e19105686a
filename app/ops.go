package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/app/metrics"
	"github.com/caseflow/caseflow/app/setup"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

// health is the readiness of this process: Temporal, the namespace and its search attributes,
// Redis, and a worker polling the case task queue.
func (a *App) health() *api.Health {
	checks := caseclient.ReadinessChecks(a.Temporal, a.cfg.TemporalNamespace)
	checks["search_attributes"] = func(ctx context.Context) error { return setup.Check(ctx, a.Temporal, a.cfg.TemporalNamespace) }
	return &api.Health{Redis: a.Redis, Checks: checks}
}

// startOps serves the process's own small HTTP port: /healthz, /readyz and /metrics. An API
// process answers /healthz and /readyz on its API port too, for the ingress; /metrics never.
func (a *App) startOps() error {
	health := a.health()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ready := health.Ready(r.Context())
		status := http.StatusOK
		if ready.Status != "ok" {
			status = http.StatusServiceUnavailable
		}
		writeJSON(w, status, ready)
	})
	mux.Handle("GET /metrics", a.Metrics.Handler())
	l, err := net.Listen("tcp", a.cfg.OpsHTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.OpsHTTPAddr, err)
	}
	a.opsListener = l
	a.opsServer = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	a.goBackground(func() {
		if err := a.opsServer.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.logger.Error("ops http server stopped", "error", err)
		}
	})
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// OpsURL is the base URL of the process's health and metrics port, empty when it has none.
func (a *App) OpsURL() string {
	if a.opsListener == nil {
		return ""
	}
	return "http://" + a.opsListener.Addr().String()
}

// caseloadEvery is how often a worker samples the caseload gauges: a visibility count and a
// walk of the overdue index are not free, and a gauge scraped every 15 to 60 seconds needs no
// more.
const caseloadEvery = 15 * time.Second

// keepCaseload samples the caseload gauges until ctx ends.
func (a *App) keepCaseload(ctx context.Context) {
	tick := time.NewTicker(caseloadEvery)
	defer tick.Stop()
	for {
		if err := a.sampleCaseload(ctx, time.Now()); err != nil && ctx.Err() == nil {
			a.logger.Warn("caseload metrics not sampled", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// maxOverdueSampled bounds the rows read for one sample of the overdue gauge.
const maxOverdueSampled = 50000

// sampleCaseload sets the caseload gauges: open cases from Temporal's visibility (the system of
// record), overdue actions by team and rule from the read model.
func (a *App) sampleCaseload(ctx context.Context, now time.Time) error {
	open, err := a.Temporal.WorkflowService().CountWorkflowExecutions(ctx, &workflowservice.CountWorkflowExecutionsRequest{
		Namespace: a.cfg.TemporalNamespace,
		Query:     fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running' AND %s = false", workflows.WorkflowName, workflows.AttrClosed.GetName()),
	})
	if err != nil {
		return fmt.Errorf("count open cases: %w", err)
	}
	overdue := map[metrics.OverdueKey]int{}
	// Counted as the Safeguarding Lead sees them: every case of the agency.
	everyone := readmodel.Visibility{Actor: safeguarding.Actor{UserID: "caseflow-worker", Role: safeguarding.RoleSafeguardingLead}}
	q := readmodel.OverdueQuery{Now: now, Visibility: everyone, Limit: readmodel.MaxLimit}
	for read := 0; read < maxOverdueSampled; {
		page, err := a.Store.Overdue(ctx, q)
		if err != nil {
			return fmt.Errorf("read overdue actions: %w", err)
		}
		for _, row := range page.Items {
			overdue[metrics.OverdueKey{Team: row.Team, Rule: row.Kind}]++
		}
		read += len(page.Items)
		if page.NextCursor == "" {
			break
		}
		q.Cursor = page.NextCursor
	}
	a.Metrics.SetCaseload(int(open.GetCount()), overdue)
	return nil
}
