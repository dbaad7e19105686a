package api

import (
	"net/http"
	"slices"
	"strconv"
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
func (h *handlers) caseAccess(c *gin.Context) {
	limit, cursor, err := pageParams(c)
	if err != nil {
		abort(c, err)
		return
	}
	skip := 0
	if cursor != "" {
		if skip, err = strconv.Atoi(cursor); err != nil || skip < 0 {
			fail(c, http.StatusBadRequest, "The page cursor is not valid: start again from the first page.")
			return
		}
	}
	id := c.Param("id")
	// The case's own visibility policy decides: someone an allegation excluded from the case is
	// told it does not exist, as by every other door.
	sight, err := h.cfg.Cases.Sight(c.Request.Context(), id, mustActor(c))
	if err != nil {
		abort(c, err)
		return
	}
	records, err := h.cfg.Audit.Read(c.Request.Context(), audit.CaseStream(id), mustActor(c))
	if err != nil {
		abort(c, err)
		return
	}
	records = slices.DeleteFunc(records, func(r audit.Record) bool { return !seesRecord(sight, r) })
	// Newest first, by when the access happened: a list's records are stored after it is
	// answered, so after accesses that came later.
	slices.SortStableFunc(records, func(a, b audit.Record) int { return b.At.Compare(a.At) })
	out := AccessLog{Records: []audit.Record{}}
	if skip < len(records) {
		out.Records = records[skip:min(skip+limit, len(records))]
	}
	if skip+limit < len(records) {
		out.NextCursor = strconv.Itoa(skip + limit)
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
