package readmodel

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Limiter limits each user's request rate. The count lives in Redis so that every API replica
// shares it. It is the generic cell rate algorithm of github.com/go-redis/redis_rate: requests
// are spread evenly over the minute, with a burst allowance on top, rather than a fixed window
// that lets twice the rate through across a window boundary.
type Limiter struct {
	limiter *redis_rate.Limiter
	limit   redis_rate.Limit
}

// NewLimiter allows perMinute requests a minute per user, and bursts of up to burst at once.
// Values below one are raised to one: a limiter that refuses everyone is never intended.
func NewLimiter(rdb redis.UniversalClient, perMinute, burst int) *Limiter {
	return &Limiter{
		limiter: redis_rate.NewLimiter(rdb),
		limit:   redis_rate.Limit{Rate: max(perMinute, 1), Period: time.Minute, Burst: max(burst, 1)},
	}
}

// Allow takes one request from the user's allowance. When it is refused, retryAfter is how long
// until the next request would be allowed.
func (l *Limiter) Allow(ctx context.Context, userID string) (allowed bool, retryAfter time.Duration, err error) {
	res, err := l.limiter.Allow(ctx, ratePrefix+userID, l.limit)
	if err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	return res.Allowed > 0, res.RetryAfter, nil
}
