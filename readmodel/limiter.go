package readmodel

import (
	"context"
	"fmt"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// Limiter limits each user's request rate, in Redis so every API replica shares one count. It
// uses the GCRA of github.com/go-redis/redis_rate: smooth, with a burst allowance.
type Limiter struct {
	limiter *redis_rate.Limiter
	limit   redis_rate.Limit
}

// NewLimiter allows perMinute requests a minute per user, with bursts of burst.
func NewLimiter(rdb redis.UniversalClient, perMinute, burst int) *Limiter {
	return &Limiter{
		limiter: redis_rate.NewLimiter(rdb),
		limit:   redis_rate.Limit{Rate: perMinute, Period: time.Minute, Burst: burst},
	}
}

// Allow takes one request from the user's allowance.
func (l *Limiter) Allow(ctx context.Context, userID string) (bool, time.Duration, error) {
	res, err := l.limiter.Allow(ctx, ratePrefix+userID, l.limit)
	if err != nil {
		return false, 0, fmt.Errorf("rate limit: %w", err)
	}
	return res.Allowed > 0, res.RetryAfter, nil
}
