package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/api/ratelimit"
)

// MaxBodyBytes bounds every request body: the longest step (a concern with its account) fits in
// a few kilobytes.
const MaxBodyBytes = 64 << 10

// limitBody rejects larger bodies with 413 before they are read into memory.
func limitBody(max int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > max {
			fail(c, http.StatusRequestEntityTooLarge, "The request is larger than "+strconv.FormatInt(max>>10, 10)+" KB.")
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, max)
		c.Next()
	}
}

// Limiter decides whether a user may do something again now. It never fails: without Redis it
// keeps the limit itself (see readmodel.Limiter).
type Limiter interface {
	Allow(ctx context.Context, userID string) (allowed bool, retryAfter time.Duration)
}

// rateLimit applies a per-user limit kept in Redis, so every API replica shares it.
func rateLimit(l Limiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		if allowed, retry := l.Allow(c.Request.Context(), mustActor(c).UserID); !allowed {
			tooMany(c, retry, "Too many requests in a short time. Please wait a moment and try again.")
			return
		}
		c.Next()
	}
}

// limitAddresses limits requests per client address before anything else runs, authentication
// included, so that a flood of forged or expired tokens costs this server little and the
// identity provider nothing. It is kept in each replica's memory: it must hold even when Redis
// does not, and it never touches Redis for a request that may be junk.
func limitAddresses(l *ratelimit.Local) gin.HandlerFunc {
	return func(c *gin.Context) {
		if allowed, retry := l.Allow(c.ClientIP(), time.Now()); !allowed {
			tooMany(c, retry, "Too many requests from your network in a short time. Please wait a moment and try again.")
			return
		}
		c.Next()
	}
}

func tooMany(c *gin.Context, retry time.Duration, detail string) {
	c.Header("Retry-After", retryAfter(retry))
	fail(c, http.StatusTooManyRequests, detail)
}

// retryAfter is a Retry-After value: whole seconds, at least one.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(int(math.Ceil(d.Seconds())), 1))
}

// streamSlots counts each user's open live-update streams in this process.
type streamSlots struct {
	max  int
	mu   sync.Mutex
	open map[string]int
}

func newStreamSlots(max int) *streamSlots { return &streamSlots{max: max, open: map[string]int{}} }

// take reserves a stream for the user, and false when they hold the most allowed.
func (s *streamSlots) take(user string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[user] >= s.max {
		return false
	}
	s.open[user]++
	return true
}

func (s *streamSlots) release(user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open[user]--; s.open[user] <= 0 {
		delete(s.open, user)
	}
}

// readBody reads a limited body, mapping an oversized one to 413.
func readBody(c *gin.Context) ([]byte, error) {
	body, err := c.GetRawData()
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, &httpError{status: http.StatusRequestEntityTooLarge, detail: "The request is larger than " + strconv.FormatInt(tooBig.Limit>>10, 10) + " KB."}
	}
	if err != nil {
		return nil, &httpError{status: http.StatusBadRequest, detail: "The request body could not be read."}
	}
	return body, nil
}
