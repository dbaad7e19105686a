package readmodel

import (
	"context"
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	ctx := context.Background()
	const perMinute, burst = 600, 3 // one request every 100ms, three at once
	l := NewLimiter(testRedis(t), perMinute, burst)
	allow := func(user string) (bool, time.Duration) {
		t.Helper()
		ok, after, err := l.Allow(ctx, user)
		if err != nil {
			t.Fatal(err)
		}
		return ok, after
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
	time.Sleep(retry + 10*time.Millisecond)
	if ok, _ := allow("u1"); !ok {
		t.Error("refused after waiting the retry delay")
	}
	if ok, _ := allow("u1"); ok {
		t.Error("a second request was allowed before the next emission")
	}
}
