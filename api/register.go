package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/workflows"
)

// DestructionRegister is the agency's register of destroyed records, the latest destruction
// first: what was destroyed, when, who approved it, under which rule and why. It holds no
// personal data and nothing in caseflow deletes it.
type DestructionRegister struct {
	Entries []workflows.RegisterEntry `json:"entries"`
}

// destructionRegister lists the register for the Safeguarding Lead. It names no case to the
// access audit: the records it lists no longer exist, and recording an access to one would
// start its audit again.
func (h *handlers) destructionRegister(c *gin.Context) {
	entries, err := h.cfg.Cases.Register(c.Request.Context(), mustActor(c))
	if err != nil {
		abort(c, err)
		return
	}
	if entries == nil {
		entries = []workflows.RegisterEntry{}
	}
	c.JSON(http.StatusOK, DestructionRegister{Entries: entries})
}
