package ratelimit

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/security/pseudonym"
)

// Limiter limits how often each user may do something. The count lives in Redis so that every
// API replica shares it. It is the generic cell rate algorithm of github.com/go-redis/redis_rate:
// requests are spread evenly over the period, with a burst allowance on top, rather than a fixed
// window that lets twice the rate through across a window boundary.
//
// When Redis does not answer, the same limit is kept in this process instead: each replica then
// limits on its own, which is looser than the shared limit but never no limit at all.
type Limiter struct {
	limiter *redis_rate.Limiter
	limit   redis_rate.Limit
	ids     pseudonym.Key
	kind    string
	local   *Local
	logger  *slog.Logger
	// warned is when the last Redis failure was logged (unix nanoseconds): once a minute is
	// enough during an outage.
	warned atomic.Int64
}

// ratePrefix follows the "rate:" that github.com/go-redis/redis_rate puts before every key,
// so limiter keys read "rate:cf:<limit>:<keyed hash of the user id>".
const ratePrefix = "cf:"

// NewLimiter allows perMinute requests a minute per user, and bursts of up to burst at once.
// Values below one are raised to one: a limiter that refuses everyone is never intended.
func NewLimiter(rdb redis.UniversalClient, ids pseudonym.Key, perMinute, burst int) *Limiter {
	return newLimiter(rdb, ids, "req", max(perMinute, 1), time.Minute, max(burst, 1))
}

// NewCaseLimiter allows perHour new cases an hour per user, in bursts of up to a quarter of that.
func NewCaseLimiter(rdb redis.UniversalClient, ids pseudonym.Key, perHour int) *Limiter {
	perHour = max(perHour, 1)
	return newLimiter(rdb, ids, "cases", perHour, time.Hour, max(perHour/4, 1))
}

func newLimiter(rdb redis.UniversalClient, ids pseudonym.Key, kind string, rate int, period time.Duration, burst int) *Limiter {
	return &Limiter{
		limiter: redis_rate.NewLimiter(rdb),
		limit:   redis_rate.Limit{Rate: rate, Period: period, Burst: burst},
		ids:     ids,
		kind:    kind,
		local:   NewLocal(rate, period, burst),
		logger:  slog.Default(),
	}
}

// Allow takes one request from the user's allowance. When it is refused, retryAfter is how long
// until the next request would be allowed. It never fails: without Redis the process keeps the
// limit itself.
func (l *Limiter) Allow(ctx context.Context, userID string) (allowed bool, retryAfter time.Duration) {
	key := ratePrefix + l.kind + ":" + l.ids.Keyed("rate-"+l.kind, userID)
	res, err := l.limiter.Allow(ctx, key, l.limit)
	if err != nil {
		now := time.Now()
		if last := l.warned.Load(); now.UnixNano()-last > int64(time.Minute) && l.warned.CompareAndSwap(last, now.UnixNano()) {
			l.logger.Warn("rate limit kept in this process: Redis did not answer", "limit", l.kind, "error", err)
		}
		return l.local.Allow(key, now)
	}
	return res.Allowed > 0, res.RetryAfter
}
