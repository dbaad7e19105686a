package metrics

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/caseflow/caseflow/notify/mail"
	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
)

// TestSideEffectFailuresCounted: each failed attempt of an activity is counted by activity,
// and one that can never succeed (a non-retryable error) as permanent.
func TestSideEffectFailuresCounted(t *testing.T) {
	m, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.SetWorkerOptions(worker.Options{Interceptors: []interceptor.WorkerInterceptor{m.SideEffects()}})
	env.RegisterActivityWithOptions(func(context.Context) error {
		return temporal.NewNonRetryableApplicationError("no case id", "InvalidInput", nil)
	}, activity.RegisterOptions{Name: "ProjectCase"})
	env.RegisterActivityWithOptions(func(context.Context) error {
		return errors.New("redis: connection refused")
	}, activity.RegisterOptions{Name: "NotifyAll"})
	env.RegisterActivityWithOptions(func(context.Context) error { return nil }, activity.RegisterOptions{Name: "Notify"})

	for _, name := range []string{"ProjectCase", "NotifyAll", "Notify"} {
		_, _ = env.ExecuteActivity(name)
	}
	for _, c := range []struct {
		activity, permanent string
		want                float64
	}{
		{"ProjectCase", "true", 1}, {"ProjectCase", "false", 0},
		{"NotifyAll", "false", 1}, {"NotifyAll", "true", 0},
		{"Notify", "false", 0},
	} {
		if got := testutil.ToFloat64(m.failures.WithLabelValues(c.activity, c.permanent)); got != c.want {
			t.Errorf("failures of %s (permanent=%s): %v, want %v", c.activity, c.permanent, got, c.want)
		}
	}
}

// TestHTTPCountsRouteTemplates: a request is counted under its route template, never its path.
func TestHTTPCountsRouteTemplates(t *testing.T) {
	m, err := New()
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(m.HTTP(nil))
	r.GET("/v1/cases/:id", func(c *gin.Context) { c.Status(http.StatusOK) })
	for _, path := range []string{"/v1/cases/abcdefghijklmnopqrstuvwx", "/v1/cases/zyxwvutsrqponmlkjihgfedc", "/nowhere"} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	if got := testutil.ToFloat64(m.httpRequests.WithLabelValues("GET", "/v1/cases/:id", "200")); got != 2 {
		t.Errorf("GET /v1/cases/:id 200 counted %v times, want 2", got)
	}
	if got := testutil.ToFloat64(m.httpRequests.WithLabelValues("GET", "unmatched", "404")); got != 1 {
		t.Errorf("unmatched 404 counted %v times, want 1", got)
	}
	if n := testutil.CollectAndCount(m.httpRequests); n != 2 {
		t.Errorf("%d label sets, want 2: a path became a label", n)
	}
}

// TestMailOutcomesCounted: what became of each email is exported by kind and outcome.
func TestMailOutcomesCounted(t *testing.T) {
	m, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var counter mail.Counter = m
	counter.Count("chase", mail.Sent)
	counter.Count("chase", mail.Sent)
	counter.Count("digest", mail.Failed)
	if n := testutil.ToFloat64(m.mail.WithLabelValues("chase", "sent")); n != 2 {
		t.Errorf("chase sent counted %v, want 2", n)
	}
	if n := testutil.ToFloat64(m.mail.WithLabelValues("digest", "failed")); n != 1 {
		t.Errorf("digest failed counted %v, want 1", n)
	}
}
