package metrics

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/caseflow/caseflow/notify/mail"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.temporal.io/sdk/client"
	temporalotel "go.temporal.io/sdk/contrib/opentelemetry"
)

// Metrics holds a process's collectors.
type Metrics struct {
	registry *prometheus.Registry
	// sdkMeters feeds the Temporal SDK's metrics (through OpenTelemetry) into the registry.
	sdkMeters *sdkmetric.MeterProvider
	sdk       client.MetricsHandler

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	chasesSent   *prometheus.CounterVec
	chaseLag     *prometheus.HistogramVec
	openCases    prometheus.Gauge
	overdue      *prometheus.GaugeVec
	failures     *prometheus.CounterVec
	mail         *prometheus.CounterVec
}

// New returns the collectors of one process, registered on a registry of their own.
func New() (*Metrics, error) {
	reg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg), otelprom.WithoutScopeInfo(), otelprom.WithoutTargetInfo())
	if err != nil {
		return nil, err
	}
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	m := &Metrics{
		registry:  reg,
		sdkMeters: provider,
		sdk: temporalotel.NewMetricsHandler(temporalotel.MetricsHandlerOptions{
			Meter:                provider.Meter("temporal-sdk-go"),
			UseMonotonicCounters: true,
			OnError:              func(error) {}, // a metric that cannot be recorded must not stop a worker
		}),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "caseflow_http_requests_total",
			Help: "HTTP requests answered, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "caseflow_http_request_duration_seconds",
			Help:    "How long HTTP requests took, by method and route template.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 15},
		}, []string{"method", "route"}),
		chasesSent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "caseflow_chases_sent_total",
			Help: "Chases delivered (each once), by chase level and policy rule.",
		}, []string{"level", "rule"}),
		chaseLag: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "caseflow_chase_lag_seconds",
			Help:    "From the moment a chase fell due to its delivery: timer, worker and delivery delays together.",
			Buckets: []float64{.1, .25, .5, 1, 2, 5, 10, 30, 60, 300, 900, 3600},
		}, []string{"level"}),
		openCases: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "caseflow_open_cases",
			Help: "Cases open (raised and not closed), as last sampled by a worker.",
		}),
		overdue: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "caseflow_overdue_actions",
			Help: "Overdue actions by team and policy rule, as last sampled by a worker from the read model.",
		}, []string{"team", "rule"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "caseflow_side_effect_failures_total",
			Help: "Failed attempts of the workflow's side effects (ProjectCase: read model projections; NotifyAll, Notify: chases), by activity and whether retrying can help.",
		}, []string{"activity", "permanent"}),
		mail: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "caseflow_mail_messages_total",
			Help: "What became of each email to each recipient (chase, digest, report), by kind and outcome: sent, already_sent, failed, rejected, unaddressed.",
		}, []string{"kind", "outcome"}),
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration, m.chasesSent, m.chaseLag, m.openCases, m.overdue, m.failures, m.mail,
	)
	return m, nil
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Registry is the process's registry, for tests that read a metric.
func (m *Metrics) Registry() *prometheus.Registry { return m.registry }

// Temporal is the Temporal SDK's metrics handler, for client.Options.MetricsHandler.
func (m *Metrics) Temporal() client.MetricsHandler { return m.sdk }

// HTTP counts and times each request by its route template, never its path: a path holds a
// case id. Requests that match no route count as route "unmatched".
//
// label names the route of a request as the metrics show it (the route template when nil).
func (m *Metrics) HTTP(label func(route string) string) gin.HandlerFunc {
	if label == nil {
		label = func(route string) string { return route }
	}
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := label(c.FullPath())
		if route == "" {
			route = "unmatched"
		}
		m.httpRequests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.httpDuration.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

// ChaseSent records one chase delivered, lag after it fell due.
func (m *Metrics) ChaseSent(level, rule string, lag time.Duration) {
	m.chasesSent.WithLabelValues(level, rule).Inc()
	m.chaseLag.WithLabelValues(level).Observe(max(lag, 0).Seconds())
}

// OverdueKey is one cell of the overdue gauge.
type OverdueKey struct{ Team, Rule string }

// SetCaseload records a sample of the caseload: open cases, and overdue actions by team and rule.
// Cells missing from overdue are cleared, so a team whose actions were all done reads nothing.
func (m *Metrics) SetCaseload(open int, overdue map[OverdueKey]int) {
	m.openCases.Set(float64(open))
	m.overdue.Reset()
	for k, n := range overdue {
		m.overdue.WithLabelValues(k.Team, k.Rule).Set(float64(n))
	}
}

// SideEffectFailed counts one failed attempt of an activity.
func (m *Metrics) SideEffectFailed(activity string, permanent bool) {
	m.failures.WithLabelValues(activity, strconv.FormatBool(permanent)).Inc()
}

// Count records what became of one email to one recipient (mail.Counter).
func (m *Metrics) Count(kind string, outcome mail.Outcome) {
	m.mail.WithLabelValues(kind, string(outcome)).Inc()
}

// Close stops the SDK's meter provider.
func (m *Metrics) Close(ctx context.Context) error {
	err := m.sdkMeters.Shutdown(ctx)
	if errors.Is(err, sdkmetric.ErrReaderShutdown) {
		return nil
	}
	return err
}
