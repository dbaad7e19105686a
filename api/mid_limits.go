package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
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

// Limiter decides whether a user may make another request now.
type Limiter interface {
	Allow(ctx context.Context, userID string) (allowed bool, retryAfter time.Duration, err error)
}

// rateLimit applies a per-user limit kept in Redis, so every API replica shares it. When Redis
// cannot answer, requests pass: safeguarding work must not stop because a counter is missing.
func rateLimit(l Limiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		allowed, retry, err := l.Allow(c.Request.Context(), mustActor(c).UserID)
		if err != nil || allowed {
			c.Next()
			return
		}
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
		fail(c, http.StatusTooManyRequests, "Too many requests in a short time. Please wait a moment and try again.")
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
