package api

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"
)

// recoverPanics turns a panic in a handler into a 500 problem and a log line with the stack, so
// one bad request never takes the server down.
func recoverPanics(logger *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if v := recover(); v != nil {
				logger.Error("handler panic", "route", c.FullPath(), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if !c.Writer.Written() {
					fail(c, http.StatusInternalServerError, "The request failed unexpectedly.")
				}
			}
		}()
		c.Next()
	}
}
