package readmodel

import (
	"errors"
	"net"

	"github.com/redis/go-redis/v9"
)

// Unreachable reports whether err means Redis could not be asked (refused, timed out, closed)
// rather than that it answered with an error: the lists are then unavailable for a while, and
// the API says so with a 503 instead of an unexplained failure.
func Unreachable(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) || errors.Is(err, redis.ErrClosed) || errors.Is(err, redis.ErrPoolTimeout)
}
