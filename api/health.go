package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/workflows"
)

// Health answers the liveness and readiness probes.
type Health struct {
	Temporal  client.Client
	Namespace string
	Redis     redis.UniversalClient
	// Timeout bounds each readiness check.
	Timeout time.Duration
	// Checks are further readiness checks by name, such as the namespace's search attributes.
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

// ready checks, in parallel, everything a request needs: Temporal reachable, the namespace
// present, Redis answering, and a worker polling the case task queue (without one, updates
// would wait until they time out).
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
		"temporal":  h.temporalReachable,
		"namespace": h.namespacePresent,
		"redis":     func(ctx context.Context) error { return h.Redis.Ping(ctx).Err() },
		"worker":    h.workerPolling,
	}
	for name, check := range h.Checks {
		checks[name] = check
	}
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

func (h *Health) temporalReachable(ctx context.Context) error {
	_, err := h.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{})
	return err
}

func (h *Health) namespacePresent(ctx context.Context) error {
	_, err := h.Temporal.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: h.Namespace})
	return err
}

func (h *Health) workerPolling(ctx context.Context) error {
	resp, err := h.Temporal.WorkflowService().DescribeTaskQueue(ctx, &workflowservice.DescribeTaskQueueRequest{
		Namespace:     h.Namespace,
		TaskQueue:     &taskqueuepb.TaskQueue{Name: workflows.TaskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
		TaskQueueType: enumspb.TASK_QUEUE_TYPE_WORKFLOW,
	})
	if err != nil {
		return err
	}
	if len(resp.GetPollers()) == 0 {
		return fmt.Errorf("no worker is polling task queue %q", workflows.TaskQueue)
	}
	return nil
}
