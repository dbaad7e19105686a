package api

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/session"
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
			if !h.stillSignedIn(c, actor) {
				c.SSEvent("signed-out", gin.H{})
				return false
			}
			_, _ = io.WriteString(w, ": heartbeat\n\n")
			return true
		case ch, ok := <-changes:
			if !ok {
				return false
			}
			if !h.stillSignedIn(c, actor) {
				c.SSEvent("signed-out", gin.H{})
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

// stillSignedIn reports whether the stream's request still signs in the same person with the
// same role and team. A stream outlives no sign-in: a token that expired, a session ended (by
// signing out, on this device or every device) or a role or team changed ends it at the next
// change or heartbeat, before anything more is sent. Checking a session this way does not
// count as its use, so an open page does not keep its session alive.
func (h *handlers) stillSignedIn(c *gin.Context, actor safeguarding.Actor) bool {
	if raw, ok := bearerToken(c.Request); ok {
		now, err := h.cfg.Verifier.Verify(c.Request.Context(), raw)
		return err == nil && now == actor
	}
	if h.cfg.Sessions == nil {
		return false
	}
	r := c.Request.Clone(c.Request.Context())
	r.Header.Set(session.BackgroundHeader, "1")
	now, err := h.cfg.Sessions.Actor(r)
	return err == nil && now == actor
}
