package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows/audit"
)

// AccessLog is a page of a case's access records, the newest first.
type AccessLog struct {
	Records    []audit.Record `json:"records"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// caseAccess shows who accessed a case: for the Safeguarding Lead and managers who may see the
// case, and of it only the records of what the visibility policy lets them know happened (see
// seesRecord). Reading it is recorded like any read of the case, and shows in the next read.
// The log is read a page at a time from its newest record (audit.Log.ReadPage), so a page costs
// the same however long the log has grown; a page may hold fewer records than asked, and still
// name the next.
func (h *handlers) caseAccess(c *gin.Context) {
	at, limit, ok := logPage(c)
	if !ok {
		return
	}
	id := c.Param("id")
	// The case's own visibility policy decides: someone an allegation excluded from the case is
	// told it does not exist, as by every other door.
	sight, err := h.cfg.Cases.Sight(c.Request.Context(), id, mustActor(c))
	if err != nil {
		abort(c, err)
		return
	}
	h.logPageOf(c, audit.CaseStream(id), at, limit, func(r audit.Record) bool { return seesRecord(sight, r) })
}

// decryptions is the agency's record of decryptions, for the data protection officer: every
// decode and refused decode through the codec endpoints, by whom, of which case's workflow,
// and a digest of what was decoded, the newest first. It is read like a case's access log, a
// page at a time, and is the same record each case's log holds of its own decryptions.
func (h *handlers) decryptions(c *gin.Context) {
	if at, limit, ok := logPage(c); ok {
		h.logPageOf(c, audit.CodecStream, at, limit, func(audit.Record) bool { return true })
	}
}

// logPage reads the page size and the position a page of an audit log starts at; a request
// that names neither starts at the newest record.
func logPage(c *gin.Context) (at audit.Position, limit int, ok bool) {
	limit, cursor, err := pageParams(c)
	if err != nil {
		abort(c, err)
		return audit.Position{}, 0, false
	}
	if at, err = audit.ParsePosition(cursor); err != nil {
		fail(c, http.StatusBadRequest, "The page cursor is not valid: start again from the first page.")
		return audit.Position{}, 0, false
	}
	return at, limit, true
}

// logPageOf answers with a page of an audit stream's records that keep accepts.
func (h *handlers) logPageOf(c *gin.Context, s audit.Stream, at audit.Position, limit int, keep func(audit.Record) bool) {
	records, next, err := h.cfg.Audit.ReadPage(c.Request.Context(), s, mustActor(c), at, limit, keep)
	if err != nil {
		abort(c, err)
		return
	}
	// Newest first, by when the access happened: a list's records are stored after it is
	// answered, so after accesses that came later.
	slices.SortStableFunc(records, func(a, b audit.Record) int { return b.At.Compare(a.At) })
	out := AccessLog{Records: records}
	if next != nil {
		out.NextCursor = next.String()
	}
	c.JSON(http.StatusOK, out)
}

// seesRecord reports whether a person with this sight of a case may see a record of access to
// it: a record of a step is shown only to those who may know the step was taken (a step about an
// allegation, to those who see allegations).
func seesRecord(sight safeguarding.Sight, r audit.Record) bool {
	if name, ok := strings.CutPrefix(r.Action, stepOperation); ok {
		if step, known := safeguarding.StepNamed(name); known {
			return sight.SeesStep(step)
		}
	}
	return sight.Sees()
}
