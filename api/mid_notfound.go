package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// DefaultNotFoundFloor is the least time a "not found" answer takes from the request's arrival.
// Temporal answers at once for a case that does not exist, and only after the case's workflow
// has answered for one the person may not see (its query run, its step refused): some
// milliseconds later. Without a floor the difference would tell a stranger which case ids exist,
// though both answers say the same. The floor is above what the slower path takes on a busy
// worker, and costs only the refused.
const DefaultNotFoundFloor = 75 * time.Millisecond

// notFoundAtKey holds, in a request's context, when its not-found answer may leave.
const notFoundAtKey = "caseflow.not-found-at"

// evenNotFound dates, as each request arrives, when a not-found answer to it may leave.
func evenNotFound(floor time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Set(notFoundAtKey, time.Now().Add(floor))
		c.Next()
	}
}

// holdNotFound waits, before a not-found answer, until the request's floor has passed, or the
// client has gone.
func holdNotFound(c *gin.Context, status int) {
	if status != http.StatusNotFound {
		return
	}
	at, ok := c.Value(notFoundAtKey).(time.Time)
	if !ok {
		return
	}
	wait := time.NewTimer(time.Until(at))
	defer wait.Stop()
	select {
	case <-wait.C:
	case <-c.Request.Context().Done():
	}
}
