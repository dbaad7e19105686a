package bench

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"

	"golang.org/x/sync/errgroup"
)

// MemoryPoint is the heap the process holds per idle open case.
type MemoryPoint struct {
	Cases       int     `json:"cases"`
	HeapMB      float64 `json:"heap_mb"`
	PerCaseKB   float64 `json:"per_case_kb"`
	CreateSecs  float64 `json:"create_seconds"`
	CasesPerSec float64 `json:"cases_per_second"`
	Measurement string  `json:"measurement"`
}

func heapInUse() uint64 {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// memory opens idle cases, which the worker keeps in its sticky cache, and reports the growth
// of the heap per case. The process also holds the embedded Temporal server and the API, so the
// figure is an upper bound for a worker on its own.
func (r *run) memory(ctx context.Context) error {
	created := 0
	before := heapInUse()
	stamp := time.Now().UnixNano()
	for _, target := range r.opts.MemoryCases {
		start := time.Now()
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(16)
		for i := created; i < target; i++ {
			g.Go(func() error {
				_, err := r.createCase(gctx, fmt.Sprintf("mem-%d-%d", stamp, i))
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		took := time.Since(start)
		n := target - created
		created = target
		time.Sleep(2 * time.Second) // projections and first timers settle
		heap := heapInUse()
		p := MemoryPoint{
			Cases: target, HeapMB: float64(heap) / (1 << 20), PerCaseKB: float64(heap-min(heap, before)) / float64(target) / 1024,
			CreateSecs: took.Seconds(), CasesPerSec: float64(n) / took.Seconds(),
			Measurement: "Heap in use after GC, whole process (worker cache, embedded server, API), minus the heap before the first case",
		}
		r.report.Memory = append(r.report.Memory, p)
		r.progress("memory: %d idle cases, heap %.0f MB, %.1f KB per case (created at %.0f cases/s)", p.Cases, p.HeapMB, p.PerCaseKB, p.CasesPerSec)
	}
	return nil
}
