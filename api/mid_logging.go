package api

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/gin-gonic/gin"
)

// logRequests names each request and writes one structured line for it. It logs the route
// pattern, never the path (which holds case ids) or the query, and the caller's role, never who
// they are.
//
// caseflow names every request itself, and answers with the name (X-Request-Id): the name goes
// into the access log and into the proofs workers check, where a name the caller chose could
// pass one request off as another's. A caller's own id, when short and plain, is logged beside
// it (client_request_id) to follow a request across systems.
func logRequests(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		var b [8]byte
		_, _ = rand.Read(b[:])
		id := hex.EncodeToString(b[:])
		c.Header("X-Request-Id", id)
		withRequestID(c, id)
		c.Next()
		attrs := []any{
			"request_id", id, "method", c.Request.Method, "route", c.FullPath(),
			"status", c.Writer.Status(), "duration_ms", time.Since(start).Milliseconds(),
		}
		if client := c.GetHeader("X-Request-Id"); validRequestID(client) {
			attrs = append(attrs, "client_request_id", client)
		}
		if actor, ok := actorFrom(c); ok {
			attrs = append(attrs, "role", actor.Role)
		}
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
			if len(c.Errors) > 0 {
				attrs = append(attrs, "error", c.Errors.Last().Error())
			}
		}
		logger.Log(c.Request.Context(), level, "request", attrs...)
	}
}

// validRequestID accepts a client's request id only if it is short and plain: it goes into the
// logs.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
