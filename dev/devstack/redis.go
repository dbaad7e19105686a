package devstack

import (
	"fmt"

	"github.com/alicebob/miniredis/v2"
)

// Redis is an in-process Redis (miniredis) for `caseflow dev` when REDIS_URL is unset. It is
// memory only: the read model it holds is rebuilt from the workflows at every start.
type Redis struct{ server *miniredis.Miniredis }

// StartRedis starts an in-process Redis on a free loopback port.
func StartRedis() (*Redis, error) {
	s := miniredis.NewMiniRedis()
	if err := s.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("start in-process redis: %w", err)
	}
	return &Redis{server: s}, nil
}

// URL is a redis:// URL for go-redis.
func (r *Redis) URL() string { return "redis://" + r.server.Addr() }

// Stop closes the server.
func (r *Redis) Stop() { r.server.Close() }
