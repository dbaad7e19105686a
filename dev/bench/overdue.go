package bench

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
)

// overdue compares the managers' overdue list through the API (authentication, read model,
// JSON) with the same two Redis commands issued with bare go-redis, and reports a Temporal
// visibility query on the search attributes beside them.
func (r *run) overdue(ctx context.Context) error {
	store := r.app.Store
	rdb := r.app.Redis
	now := time.Now()
	seeded := 0
	usedBefore, measured := r.usedMemory(ctx)
	for _, size := range r.opts.OverdueSizes {
		if err := readmodel.Seed(ctx, store, size, now); err != nil {
			return err
		}
		seeded = size
		if usedAfter, ok := r.usedMemory(ctx); ok && measured {
			r.report.RedisMemory = &RedisMemory{Cases: size, BeforeBytes: usedBefore, AfterBytes: usedAfter, PerCase: float64(usedAfter-usedBefore) / float64(size)}
			r.progress("redis: %d projected cases, %.0f bytes per case", size, r.report.RedisMemory.PerCase)
		}
		ours := func(int) error {
			status, body, err := r.get(ctx, "/v1/overdue?limit=50", safeguarding.RoleManager)
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("overdue: %d %s", status, body)
			}
			return err
		}
		max := strconv.FormatInt(time.Now().UnixMilli(), 10)
		base := func(int) error {
			members, err := rdb.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "cf:rm:due:all", Start: "-inf", Stop: max, ByScore: true, Count: 50}).Result()
			if err != nil {
				return err
			}
			return rdb.HMGet(ctx, "cf:rm:rows", members...).Err()
		}
		a, b, err := interleaved(1, r.opts.OverdueQueries, ours, base)
		if err != nil {
			return err
		}
		var vis Sample
		query := fmt.Sprintf("WorkflowType = '%s' AND %s > 0", workflows.WorkflowName, workflows.AttrOverdueCount.GetName())
		for range 50 {
			t0 := time.Now()
			if _, err := r.temporal().ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default", Query: query, PageSize: 50}); err != nil {
				return err
			}
			vis = append(vis, time.Since(t0))
		}
		res := compare(fmt.Sprintf("Overdue dashboard, %d open cases", seeded),
			"GET /v1/overdue?limit=50 vs the same Redis commands with bare go-redis (ZRANGEBYSCORE LIMIT + HMGET)",
			summarise("caseflow", a, 1, true), summarise("bare go-redis", b, 1, true))
		res.Extra = []Arm{summarise("Temporal visibility query", vis, 1, false)}
		res.Note = "The visibility query runs over the real workflows of this run only (a few thousand, not the synthetic summaries); SQLite visibility has no ORDER BY, so it cannot give the latest first at all."
		r.report.Results = append(r.report.Results, res)
		r.progress("%s: caseflow p50 %.2fms p99 %.2fms, go-redis p50 %.2fms, visibility p50 %.1fms", res.Name, res.Ours.P50MS, res.Ours.P99MS, res.Baseline.P50MS, res.Extra[0].P50MS)
	}
	return nil
}
