package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/caseflow/caseflow/test/testredis"
	"github.com/redis/go-redis/v9"
)

// TestLimiter runs on miniredis, whose clock the test sets: Redis's TIME is the limiter's clock,
// so waiting out the retry delay is a step of that clock, not a sleep. Requests come a
// millisecond apart, as they would at the fastest.
func TestLimiter(t *testing.T) {
	ctx := context.Background()
	mr := miniredis.RunT(t)
	clock := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	const perMinute, burst = 600, 3 // one request every 100ms, three at once
	l := NewLimiter(rdb, testredis.Pseudonyms, perMinute, burst)
	allow := func(user string) (bool, time.Duration) {
		clock = clock.Add(time.Millisecond)
		mr.SetTime(clock)
		return l.Allow(ctx, user)
	}
	for i := range burst {
		if ok, _ := allow("u1"); !ok {
			t.Fatalf("request %d of a burst of %d refused", i+1, burst)
		}
	}
	ok, retry := allow("u1")
	if ok || retry <= 0 || retry > time.Minute/perMinute {
		t.Fatalf("over the burst: allowed %v, retry after %v; want refused for at most 100ms", ok, retry)
	}
	if ok, _ := allow("u2"); !ok {
		t.Error("another user was limited")
	}
	refused := clock
	clock = refused.Add(retry / 2)
	if ok, _ := allow("u1"); ok {
		t.Error("allowed before the retry delay was over")
	}
	clock = refused.Add(retry)
	if ok, _ := allow("u1"); !ok {
		t.Error("refused after waiting the retry delay")
	}
	if ok, _ := allow("u1"); ok {
		t.Error("a second request was allowed before the next emission")
	}
}

// TestLimiterWithoutRedis: when Redis fails, the limit is kept in the process, never dropped.
func TestLimiterWithoutRedis(t *testing.T) {
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { _ = rdb.Close() })
	l := NewLimiter(rdb, testredis.Pseudonyms, 1, 5) // the burst, then one a minute
	allowed := 0
	for range 20 {
		if ok, _ := l.Allow(ctx, "u1"); ok {
			allowed++
		}
	}
	if allowed != 5 {
		t.Fatalf("with Redis down %d of 20 requests at once were allowed, want the burst of 5", allowed)
	}
	if ok, _ := l.Allow(ctx, "u2"); !ok {
		t.Error("with Redis down another user shares the first one's limit")
	}
	cases := NewCaseLimiter(rdb, testredis.Pseudonyms, 4)
	if ok, _ := cases.Allow(ctx, "u1"); !ok {
		t.Error("the first new case was refused")
	}
	if ok, retry := cases.Allow(ctx, "u1"); ok || retry < 10*time.Minute {
		t.Errorf("second new case at once: allowed %v, retry after %v; want refused for about 15 minutes", ok, retry)
	}
}
