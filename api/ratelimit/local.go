package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Local allows each key Rate events per Period, in bursts of up to Burst.
type Local struct {
	every   rate.Limit
	burst   int
	maxKeys int

	mu   sync.Mutex
	keys map[string]*rate.Limiter
}

// DefaultMaxKeys bounds the keys remembered: beyond it, keys whose bucket has refilled are
// forgotten (they would start full anyway), then others.
const DefaultMaxKeys = 100_000

// NewLocal allows perPeriod events per period and each key, with bursts of burst. Values below
// one are raised to one.
func NewLocal(perPeriod int, period time.Duration, burst int) *Local {
	return &Local{
		every:   rate.Limit(float64(max(perPeriod, 1)) / period.Seconds()),
		burst:   max(burst, 1),
		maxKeys: DefaultMaxKeys,
		keys:    map[string]*rate.Limiter{},
	}
}

// Allow takes one event from key's allowance at now. When refused, retryAfter is how long until
// one would be allowed.
func (l *Local) Allow(key string, now time.Time) (allowed bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lim, ok := l.keys[key]
	if !ok {
		if len(l.keys) >= l.maxKeys {
			l.forget(now)
		}
		lim = rate.NewLimiter(l.every, l.burst)
		l.keys[key] = lim
	}
	r := lim.ReserveN(now, 1)
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		return false, delay
	}
	return true, 0
}

// forget drops the keys whose bucket is full again, and if that frees too little, half the rest:
// a flood of new keys (addresses) can weaken the limit for a moment but not exhaust memory.
func (l *Local) forget(now time.Time) {
	for k, lim := range l.keys {
		if lim.TokensAt(now) >= float64(l.burst) {
			delete(l.keys, k)
		}
	}
	for k := range l.keys {
		if len(l.keys) < l.maxKeys/2 {
			return
		}
		delete(l.keys, k)
	}
}
