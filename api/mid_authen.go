package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/auth"
	"github.com/caseflow/caseflow/security/session"
)

const actorKey = "caseflow.actor"

// authenticate checks the bearer token on every request it guards and puts the caller in the
// context. Any failure is a 401 that says what to do, not which check failed in detail. A
// request of the pages carries no token but a session cookie, checked by sessions.
func authenticate(v auth.Verifier, sessions Sessions) gin.HandlerFunc {
	return func(c *gin.Context) {
		raw, ok := bearerToken(c.Request)
		if !ok && sessions != nil {
			actor, err := sessions.Actor(c.Request)
			if !errors.Is(err, session.ErrNone) {
				if err != nil {
					abort(c, err)
					return
				}
				// The pages' data shows children's records: no cache may keep it.
				c.Header("Cache-Control", "no-store")
				c.Set(actorKey, actor)
				c.Next()
				return
			}
		}
		if !ok {
			c.Header("WWW-Authenticate", `Bearer realm="caseflow"`)
			fail(c, http.StatusUnauthorized, "Sign in: send your token in the Authorization header as 'Bearer <token>'.")
			return
		}
		actor, err := v.Verify(c.Request.Context(), raw)
		if err != nil {
			reason := "Your sign-in is not valid. Please sign in again."
			if errors.Is(err, auth.ErrUnauthenticated) {
				reason = "Your sign-in is not valid (" + strings.TrimPrefix(err.Error(), auth.ErrUnauthenticated.Error()+": ") + "). Please sign in again."
			}
			c.Header("WWW-Authenticate", `Bearer realm="caseflow", error="invalid_token"`)
			fail(c, http.StatusUnauthorized, reason)
			return
		}
		// Identifiers have one allow-list; an identity outside it is refused at the door, so it
		// can never reach a case, a key of the read model or a log line.
		if !safeguarding.ValidID(actor.UserID) || (actor.Team != "" && !safeguarding.ValidID(actor.Team)) {
			c.Header("WWW-Authenticate", `Bearer realm="caseflow", error="invalid_token"`)
			fail(c, http.StatusUnauthorized, "Your sign-in carries a user or team id caseflow cannot accept. Ask your administrator to check your account.")
			return
		}
		c.Set(actorKey, actor)
		c.Next()
	}
}

func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, found := strings.Cut(h, " ")
	if !found || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

func actorFrom(c *gin.Context) (safeguarding.Actor, bool) {
	v, ok := c.Get(actorKey)
	if !ok {
		return safeguarding.Actor{}, false
	}
	a, ok := v.(safeguarding.Actor)
	return a, ok
}

// mustActor returns the authenticated caller; routes behind authenticate always have one.
func mustActor(c *gin.Context) safeguarding.Actor {
	a, _ := actorFrom(c)
	return a
}
