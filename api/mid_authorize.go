package api

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/safeguarding"
)

// authorize lets only the listed roles through. A role that may never use the endpoint gets 403;
// whether the caller may see a particular case is decided later and answers 404.
func authorize(roles ...safeguarding.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !slices.Contains(roles, mustActor(c).Role) {
			fail(c, http.StatusForbidden, "Your role cannot do this.")
			return
		}
		c.Next()
	}
}
