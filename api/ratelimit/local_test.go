package ratelimit

import (
	"fmt"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

func TestBurstThenRate(t *testing.T) {
	l := NewLocal(60, time.Minute, 3)
	for i := range 3 {
		if ok, _ := l.Allow("a", t0); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, retry := l.Allow("a", t0)
	if ok || retry <= 0 || retry > time.Second {
		t.Fatalf("fourth at once: allowed %v, retry after %v; want refused for up to 1s", ok, retry)
	}
	if ok, _ := l.Allow("b", t0); !ok {
		t.Error("another key shares the first one's allowance")
	}
	if ok, _ := l.Allow("a", t0.Add(time.Second)); !ok {
		t.Error("a second later one request should be allowed again")
	}
}

func TestRefusalsDoNotSpendAllowance(t *testing.T) {
	l := NewLocal(60, time.Minute, 1)
	l.Allow("a", t0)
	for range 100 {
		l.Allow("a", t0.Add(100*time.Millisecond))
	}
	if ok, _ := l.Allow("a", t0.Add(time.Second)); !ok {
		t.Error("refused requests pushed the next allowance back")
	}
}

func TestKeysStayBounded(t *testing.T) {
	l := NewLocal(1, time.Hour, 1)
	l.maxKeys = 100
	for i := range 1000 {
		l.Allow(fmt.Sprint("10.0.0.", i), t0)
	}
	if n := len(l.keys); n > 100 {
		t.Fatalf("%d keys remembered, want at most 100", n)
	}
}
