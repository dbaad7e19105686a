package readmodel

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/redis/go-redis/v9"
)

// BenchmarkOverdue measures the first page (50 rows) of the agency-wide overdue list at 10,000
// open cases, and at 100,000 against the real Redis of REDIS_URL (miniredis is too slow to seed
// that many usefully). Beside it, a baseline issues the same Redis work with bare go-redis, one
// ZRANGE BYSCORE with LIMIT and one HMGET, so the ratio of the two is what the package adds:
// the cursor-safe window script and decoding the rows.
func BenchmarkOverdue(b *testing.B) {
	sizes := []int{10_000}
	if os.Getenv("REDIS_URL") != "" {
		sizes = append(sizes, 100_000)
	}
	const limit = 50
	for _, n := range sizes {
		ctx := context.Background()
		rdb := testRedis(b)
		s := New(rdb, testIDs)
		if err := Seed(ctx, s, n, now); err != nil {
			b.Fatal(err)
		}
		prefix := "cases=" + strconv.Itoa(n)

		b.Run(prefix+"/readmodel", func(b *testing.B) {
			for b.Loop() {
				page, err := s.Overdue(ctx, OverdueQuery{Visibility: overseer, Now: now, Limit: limit})
				if err != nil || len(page.Items) != limit {
					b.Fatalf("%d rows, %v", len(page.Items), err)
				}
			}
		})
		b.Run(prefix+"/baseline-go-redis", func(b *testing.B) {
			by := &redis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10), Count: limit}
			for b.Loop() {
				members, err := rdb.ZRangeByScore(ctx, dueAllKey(), by).Result()
				if err != nil || len(members) != limit {
					b.Fatalf("%d members, %v", len(members), err)
				}
				rows, err := rdb.HMGet(ctx, rowsKey(), members...).Result()
				if err != nil || len(rows) != limit {
					b.Fatalf("%d rows, %v", len(rows), err)
				}
			}
		})
	}
}
