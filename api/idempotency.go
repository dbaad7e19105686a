package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/caseflow/caseflow/api/idempotency"
	"github.com/gin-gonic/gin"
)

// idempotencyTTL is how long a key is remembered: a client retries within minutes, and a day
// covers a laptop closed overnight.
const idempotencyTTL = 24 * time.Hour

const maxIdempotencyKey = 128

// idempotent runs do at most once per Idempotency-Key. The key also becomes the Temporal update
// id, so even when Redis has lost the key, a retried request is applied once.
func (h *handlers) idempotent(c *gin.Context, body []byte, do func(requestID string) (int, any, error)) {
	key := c.GetHeader("Idempotency-Key")
	if key == "" {
		status, payload, err := do("")
		respond(c, status, payload, err)
		return
	}
	if len(key) > maxIdempotencyKey {
		fail(c, http.StatusBadRequest, "The Idempotency-Key header is longer than 128 characters.")
		return
	}
	actor := mustActor(c)
	requestID := requestIDFor(actor.UserID, key)
	fingerprint := fingerprintOf(c.Request.Method, c.Request.URL.Path, body)
	rec, outcome, err := h.cfg.Idempotency.Begin(c.Request.Context(), actor.UserID, key, fingerprint, idempotencyTTL)
	if err != nil {
		// Without Redis the stored response is unavailable, but the update id still makes the
		// request take effect once.
		_ = c.Error(err)
		status, payload, err := do(requestID)
		respond(c, status, payload, err)
		return
	}
	switch outcome {
	case idempotency.Replay:
		c.Header("Idempotent-Replayed", "true")
		c.Data(rec.Status, rec.ContentType, rec.Body)
		return
	case idempotency.InProgress:
		c.Header("Retry-After", "1")
		fail(c, http.StatusConflict, "A request with this Idempotency-Key is still being processed. Try again in a moment.")
		return
	case idempotency.Mismatch:
		fail(c, http.StatusUnprocessableEntity, "This Idempotency-Key was already used for a different request. Use a new key for a new request.")
		return
	}
	status, payload, err := do(requestID)
	if err != nil {
		// Refused or failed: nothing to replay. Releasing the key lets a corrected request,
		// or a retry after an outage, use it again; the update id keeps that retry single.
		_ = h.cfg.Idempotency.Abandon(c.Request.Context(), actor.UserID, key)
		abort(c, err)
		return
	}
	encoded, err := json.Marshal(payload)
	if err != nil {
		abort(c, err)
		return
	}
	stored := idempotency.Record{Status: status, ContentType: "application/json; charset=utf-8", Body: encoded}
	if err := h.cfg.Idempotency.Complete(c.Request.Context(), actor.UserID, key, stored); err != nil {
		_ = c.Error(err)
	}
	c.Data(status, stored.ContentType, encoded)
}

func respond(c *gin.Context, status int, payload any, err error) {
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(status, payload)
}

// requestIDFor derives the Temporal update id from the caller and their key, so two users'
// keys never collide.
func requestIDFor(userID, key string) string {
	sum := sha256.Sum256([]byte("request\x00" + userID + "\x00" + key))
	return "k-" + hex.EncodeToString(sum[:16])
}

func fingerprintOf(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\x00"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}
