package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"golang.org/x/sync/errgroup"
)

// MemoryPoint is the heap a worker process holds per cached idle workflow, for caseflow's cases
// and for a trivial workflow that waits for ever.
type MemoryPoint struct {
	Cases            int     `json:"cases"`
	HeapMB           float64 `json:"heap_mb"`
	PerCaseKiB       float64 `json:"per_case_kib"`
	LivePerCaseKiB   float64 `json:"live_per_case_kib"`
	StackPerCaseKiB  float64 `json:"stack_per_case_kib"`
	IdleHeapMB       float64 `json:"idle_heap_mb"`
	IdlePerCaseKiB   float64 `json:"idle_per_workflow_kib"`
	CasesPerSec      float64 `json:"cases_per_second"`
	EmptyWorkerMB    float64 `json:"empty_worker_mb"`
	EmptyIdleWorker  float64 `json:"empty_idle_worker_mb"`
	Measurement      string  `json:"measurement"`
	StickyCacheLimit int     `json:"sticky_cache_limit"`
}

// stickyCacheDefault is the SDK's default sticky workflow cache size, which caseflow's worker
// keeps: beyond it, the least recently used workflows are evicted and replayed when next needed.
const stickyCacheDefault = 10000

// memory opens idle cases against a fresh worker process of their own, and reads that process's
// heap growth per case. The cases are opened with the SDK's update-with-start of a concern, as
// the API opens them, so that the worker holds the case workflows alone: a case opened through
// the API also has its access-audit workflow, which the same worker runs and caches. The baseline is a second fresh worker process holding the
// same number of trivial workflows that wait for ever. The worker process of the other stages is
// stopped first, and every workflow they left running terminated, so that only this stage's
// cases reach the measured one; memory runs last.
func (r *run) memory(ctx context.Context) error {
	r.worker.stop()
	r.worker = nil
	if err := r.endEarlierWorkflows(ctx); err != nil {
		return err
	}
	raw, _ := json.Marshal(concern(time.Now()))
	points, err := r.memoryOf(ctx, ChildCases, func(ctx context.Context, key string) error {
		return r.rawStart(ctx, "memory", key, raw)
	})
	if err != nil {
		return err
	}
	idle, err := r.memoryOf(ctx, ChildIdle, func(ctx context.Context, key string) error {
		_, err := r.temporal().ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: key, TaskQueue: idleTaskQueue}, idleWorkflowName)
		return err
	})
	if err != nil {
		return err
	}
	for i, p := range points {
		p.IdleHeapMB, p.IdlePerCaseKiB, p.EmptyIdleWorker = idle[i].HeapMB, idle[i].PerCaseKiB, idle[i].EmptyWorkerMB
		p.StickyCacheLimit = stickyCacheDefault
		p.Measurement = "Heap in use after a collection in the worker process alone (the Temporal server and the API run in another), minus the same process's heap before its first case; cases opened with the SDK's update-with-start of a concern, so without their access-audit workflows; baseline: a fresh worker process of a trivial workflow that waits for ever, started as many times"
		r.report.Memory = append(r.report.Memory, p)
		r.progress("memory: %d idle cases, worker heap %.0f MB, %.1f KiB per case (live %.1f); trivial workflow %.1f KiB each", p.Cases, p.HeapMB, p.PerCaseKiB, p.LivePerCaseKiB, p.IdlePerCaseKiB)
	}
	// The other stages' worker again, for whatever runs after.
	r.worker, err = r.startChild(ctx, ChildCases)
	return err
}

// endEarlierWorkflows terminates every workflow the earlier stages left running: their clocks
// keep falling due (the timer-lag cases escalate for hours), and each would be loaded into the
// measured worker's cache beside the idle cases, several times their size each.
func (r *run) endEarlierWorkflows(ctx context.Context) error {
	ended := 0
	for range 200 {
		// The SDK's own deadline for a call is ten seconds, which a page of SQLite visibility
		// can outlast while the server is busy with what the earlier stages left.
		lctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		page, err := r.temporal().ListWorkflow(lctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: "ExecutionStatus = 'Running'", PageSize: 200,
		})
		cancel()
		if err != nil {
			return fmt.Errorf("list the earlier stages' workflows: %w", err)
		}
		if len(page.Executions) == 0 {
			r.progress("memory: %d workflows of the earlier stages terminated", ended)
			return nil
		}
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(16)
		for _, e := range page.Executions {
			g.Go(func() error {
				err := r.temporal().TerminateWorkflow(gctx, e.Execution.WorkflowId, e.Execution.RunId, "benchmark: the memory stage measures its own cases alone")
				var gone *serviceerror.NotFound
				if err != nil && !errors.As(err, &gone) {
					return fmt.Errorf("terminate %s: %w", e.Execution.WorkflowId, err)
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		ended += len(page.Executions)
	}
	return fmt.Errorf("workflows of the earlier stages still running after %d were terminated", ended)
}

// memoryOf starts a worker process of kind, opens MemoryCases workflows with open, and reads the
// process's heap before the first and after each size.
func (r *run) memoryOf(ctx context.Context, kind string, open func(context.Context, string) error) ([]MemoryPoint, error) {
	w, err := r.startChild(ctx, kind)
	if err != nil {
		return nil, err
	}
	defer w.stop()
	before, err := w.heap()
	if err != nil {
		return nil, err
	}
	var points []MemoryPoint
	created := 0
	stamp := time.Now().UnixNano()
	for _, target := range r.opts.MemoryCases {
		start := time.Now()
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(16)
		for i := created; i < target; i++ {
			g.Go(func() error { return open(gctx, fmt.Sprintf("mem-%s-%d-%d", kind, stamp, i)) })
		}
		if err := g.Wait(); err != nil {
			return nil, err
		}
		took := time.Since(start)
		n := target - created
		created = target
		if err := r.settle(ctx, w); err != nil {
			return nil, err
		}
		h, err := w.heap()
		if err != nil {
			return nil, err
		}
		points = append(points, MemoryPoint{
			Cases: target, HeapMB: mib(h.InUse), EmptyWorkerMB: mib(before.InUse),
			PerCaseKiB:      float64(h.InUse-min(h.InUse, before.InUse)) / float64(target) / 1024,
			LivePerCaseKiB:  float64(h.Live-min(h.Live, before.Live)) / float64(target) / 1024,
			StackPerCaseKiB: float64(h.Stack-min(h.Stack, before.Stack)) / float64(target) / 1024,
			CasesPerSec:     float64(n) / took.Seconds(),
		})
		r.progress("memory (%s): %d workflows, worker heap %.0f MB", kind, target, mib(h.InUse))
	}
	if r.opts.HeapProfile != "" {
		if err := w.profile(r.opts.HeapProfile + "." + kind); err != nil {
			return nil, err
		}
	}
	return points, nil
}

// settle waits until the worker's heap stops growing: projections, audit appends and first
// timers of the last cases opened have been handled.
func (r *run) settle(ctx context.Context, w *child) error {
	last, err := w.heap()
	if err != nil {
		return err
	}
	for range 10 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
		h, err := w.heap()
		if err != nil {
			return err
		}
		if h.InUse <= last.InUse+last.InUse/100 {
			return nil
		}
		last = h
	}
	return nil
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
