package api

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/audit"
)

// AccessLog is a page of a case's access records, the newest first.
type AccessLog struct {
	Records    []audit.Record `json:"records"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// caseAccess shows who accessed a case: for the Safeguarding Lead and managers. Reading it is
// recorded like any read of the case, and shows in the next read.
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
	if !h.caseExists(c.Request.Context(), id) {
		fail(c, http.StatusNotFound, "No case with this reference is available to you.")
		return
	}
	records, err := h.cfg.Audit.Read(c.Request.Context(), audit.CaseStream(id), mustActor(c))
	if err != nil {
		abort(c, err)
		return
	}
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
