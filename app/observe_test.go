package app_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
)

// scrape reads /metrics as Prometheus would.
func scrape(t *testing.T, env *testenv.Env) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := env.Client.Get(env.OpsURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics answered %d", resp.StatusCode)
	}
	var parser expfmt.TextParser
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// labelled finds the metric of a family whose labels include want.
func labelled(f *dto.MetricFamily, want map[string]string) *dto.Metric {
	for _, m := range f.GetMetric() {
		matched := 0
		for _, l := range m.GetLabel() {
			if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
				matched++
			}
		}
		if matched == len(want) {
			return m
		}
	}
	return nil
}

// TestChaseMovesMetrics: a police report left undone on the short clocks is chased, and the
// chase counter and the timer-lag histogram move; the request that raised the case is counted
// under its route template, with no case id in any label; the Temporal SDK's own metrics are
// exported beside caseflow's.
func TestChaseMovesMetrics(t *testing.T) {
	pol, err := policy.LoadFile("../policy/testdata/short-clocks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB, Policy: pol})
	carer := env.Token(safeguarding.RoleCarer, "carer-1", "")
	resp := env.Do(http.MethodPost, "/v1/cases", carer, testenv.Concern(time.Now(), "sw-1", "north", "carer-1"))
	if resp.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s", resp.Status, resp.Body)
	}
	var created api.StepResponse
	resp.JSON(t, &created)

	overdue := map[string]string{"level": safeguarding.LevelOverdue.String(), "rule": string(policy.PoliceReport)}
	var families map[string]*dto.MetricFamily
	testenv.Eventually(t, 30*time.Second, "the overdue chase of the police report counted", func() bool {
		families = scrape(t, env)
		m := labelled(families["caseflow_chases_sent_total"], overdue)
		return m != nil && m.GetCounter().GetValue() == 1
	})
	lag := labelled(families["caseflow_chase_lag_seconds"], map[string]string{"level": overdue["level"]})
	if lag == nil || lag.GetHistogram().GetSampleCount() != 1 {
		t.Fatalf("timer lag of the overdue chase not observed once: %v", lag)
	}
	if s := lag.GetHistogram().GetSampleSum(); s <= 0 || s > 10 {
		t.Errorf("overdue chase sent %.3fs after it fell due, want a positive lag of seconds at most", s)
	}

	raised := labelled(families["caseflow_http_requests_total"], map[string]string{"method": "POST", "route": "/v1/cases", "status": "201"})
	if raised == nil || raised.GetCounter().GetValue() != 1 {
		t.Errorf("the raised concern is not counted once under POST /v1/cases 201: %v", raised)
	}
	for name, f := range families {
		if strings.HasPrefix(name, "caseflow_") && strings.Contains(f.String(), created.CaseID) {
			t.Errorf("metric %s carries a case id in a label", name)
		}
	}
	if _, ok := families["temporal_request_total"]; !ok {
		t.Error("the Temporal SDK's metrics (temporal_request_total) are not exported")
	}

	// The caseload gauges follow at the worker's next sample: one open case, its police report
	// overdue for team north.
	testenv.Eventually(t, 40*time.Second, "the caseload gauges sampled", func() bool {
		families = scrape(t, env)
		open := families["caseflow_open_cases"].GetMetric()
		late := labelled(families["caseflow_overdue_actions"], map[string]string{"team": "north", "rule": string(policy.PoliceReport)})
		return len(open) == 1 && open[0].GetGauge().GetValue() == 1 && late != nil && late.GetGauge().GetValue() == 1
	})
}

// collector is an OTLP trace receiver on loopback, keeping the spans it is sent.
type collector struct {
	collectortrace.UnimplementedTraceServiceServer
	mu    sync.Mutex
	spans map[string][]string // span names by trace id
}

func (c *collector) Export(_ context.Context, req *collectortrace.ExportTraceServiceRequest) (*collectortrace.ExportTraceServiceResponse, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, rs := range req.GetResourceSpans() {
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				id := string(s.GetTraceId())
				c.spans[id] = append(c.spans[id], s.GetName())
			}
		}
	}
	return &collectortrace.ExportTraceServiceResponse{}, nil
}

// TestTraceFollowsRequestIntoWorker: with an OTLP endpoint configured, raising a concern is one
// trace from the HTTP request, through the Temporal client's update-with-start, into the
// worker's handling of the update and its side effects.
func TestTraceFollowsRequestIntoWorker(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	received := &collector{spans: map[string][]string{}}
	srv := grpc.NewServer()
	collectortrace.RegisterTraceServiceServer(srv, received)
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(srv.Stop)

	cfg := &config.Config{
		DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", TemporalAddress: "127.0.0.1:0", TemporalNamespace: "default",
		RedisURL: testenv.RedisURL(t, redisDB), Auth: "dev", RateLimit: 1000, OTLPEndpoint: "http://" + l.Addr().String(),
	}
	a, err := app.Start(t.Context(), cfg, app.Parts{Embedded: true, Worker: true, API: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	env := &testenv.Env{T: t, App: a, URL: a.URL(), DataDir: cfg.DataDir, Client: &http.Client{Timeout: 30 * time.Second}}
	env.WaitReady()
	carer := env.Token(safeguarding.RoleCarer, "carer-1", "")
	if resp := env.Do(http.MethodPost, "/v1/cases", carer, testenv.Concern(time.Now(), "sw-1", "north", "carer-1")); resp.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s", resp.Status, resp.Body)
	}
	a.Stop(context.Background()) // flushes the spans still batched

	received.mu.Lock()
	defer received.mu.Unlock()
	want := []string{"POST /v1/cases", "UpdateWithStartWorkflow:", "HandleUpdate:" + workflows.UpdateStep, "RunActivity:" + projection.ProjectCaseName}
	for _, names := range received.spans {
		if !strings.Contains(strings.Join(names, "\n"), "POST /v1/cases") {
			continue
		}
		joined := "\n" + strings.Join(names, "\n")
		for _, w := range want {
			if !strings.Contains(joined, "\n"+w) {
				t.Errorf("the trace of POST /v1/cases has no span %q; it has:%s", w, joined)
			}
		}
		return
	}
	t.Fatalf("no trace holds the request's span; traces received: %v", received.spans)
}
