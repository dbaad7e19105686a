package bench

import (
	"context"
	"strconv"
	"strings"
)

// RedisMemory is the Redis memory the read model takes per projected case.
type RedisMemory struct {
	Cases       int     `json:"cases"`
	BeforeBytes int64   `json:"used_memory_before"`
	AfterBytes  int64   `json:"used_memory_after"`
	PerCase     float64 `json:"bytes_per_case"`
}

// usedMemory is Redis's INFO memory used_memory; false when the server does not report it,
// as the in-process Redis does not.
func (r *run) usedMemory(ctx context.Context) (int64, bool) {
	info, err := r.app.Redis.Info(ctx, "memory").Result()
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}
