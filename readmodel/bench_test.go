package readmodel

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// BenchmarkOverdue measures the managers' overdue list (limit 50) at 10,000 and (against a real
// Redis) 100,000 open cases, side by side with a baseline of the same Redis commands issued with
// bare go-redis: one ZRANGEBYSCORE with LIMIT and one HMGET. The ratio is what the package adds.
func BenchmarkOverdue(b *testing.B) {
	sizes := []int{10000}
	if os.Getenv("REDIS_URL") != "" {
		sizes = append(sizes, 100000)
	}
	for _, n := range sizes {
		rdb := testRedis(b)
		s := New(rdb)
		if err := Seed(context.Background(), s, n, now); err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.Run("cases="+strconv.Itoa(n)+"/caseflow", func(b *testing.B) {
			for b.Loop() {
				page, err := s.Overdue(ctx, OverdueQuery{Now: now, Limit: 50})
				if err != nil || len(page.Items) != 50 {
					b.Fatalf("%d rows, %v", len(page.Items), err)
				}
			}
		})
		b.Run("cases="+strconv.Itoa(n)+"/baseline-go-redis", func(b *testing.B) {
			max := strconv.FormatInt(now.UnixMilli(), 10)
			for b.Loop() {
				members, err := rdb.ZRangeByScore(ctx, dueAllKey(), &redis.ZRangeBy{Min: "-inf", Max: max, Count: 50}).Result()
				if err != nil || len(members) != 50 {
					b.Fatalf("%d members, %v", len(members), err)
				}
				if err := rdb.HMGet(ctx, rowsKey(), members...).Err(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
