package api

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/workflows/audit"
)

// recordEvent records that a live stream told the caller of a change of a case: like a list,
// it names the case and shows no content, so its record is stored after it is sent.
func (h *handlers) recordEvent(c *gin.Context, caseID string) {
	rec := accessRecord(c, "events", http.StatusOK)
	rec.Detail = "live update"
	h.cfg.Audit.AppendSoon(map[audit.Stream][]audit.Record{audit.CaseStream(caseID): {rec}})
}

// heartbeat keeps proxies from closing an idle event stream.
const heartbeat = 15 * time.Second

// events streams Server-Sent Events: "case" when a case the caller may see changed (the board
// refreshes), with ids only. It is fed by Redis pub/sub, so every API replica sees every change,
// through one subscription per process however many streams are open; each user may hold a few
// streams open at once.
func (h *handlers) events(c *gin.Context) {
	actor := mustActor(c)
	if !h.streams.take(actor.UserID) {
		tooMany(c, 30*time.Second, "You have too many live pages open. Close some tabs and try again.")
		return
	}
	defer h.streams.release(actor.UserID)
	changes, stop, err := h.changes.Subscribe(c.Request.Context())
	if err != nil {
		abort(c, err)
		return
	}
	defer stop()
	c.Header("Content-Type", "text/event-stream")
	c.Header("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	c.SSEvent("ready", gin.H{"role": actor.Role})
	c.Writer.Flush()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	c.Stream(func(w io.Writer) bool {
		select {
		case <-c.Request.Context().Done():
			return false
		case <-tick.C:
			_, _ = io.WriteString(w, ": heartbeat\n\n")
			return true
		case ch, ok := <-changes:
			if !ok {
				return false
			}
			if event, told := h.cfg.Store.EventFor(ch, readmodel.Visibility{Actor: actor, TeamAccess: h.cfg.Access.TeamAccess}); told {
				body, _ := json.Marshal(event)
				c.SSEvent("case", json.RawMessage(body))
				h.recordEvent(c, ch.CaseID)
			}
			return true
		}
	})
}
