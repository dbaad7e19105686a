package api

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/auth"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// The codec endpoints are Temporal's remote codec protocol: the official CLI
// (--codec-endpoint URL/codec/workflows/case-<id> --codec-auth "Bearer TOKEN") and the Web UI
// (codec endpoint setting) post a JSON Payloads document to <endpoint>/decode and show what comes
// back. They decrypt case records for whoever may call them, so they are for the Safeguarding
// Lead only, and every call is recorded in the codec audit stream.
//
// A payload does not say which case it belongs to, and the CLI and the Web UI send only the
// namespace (X-Namespace), so the case is named by the endpoint itself: the protocol looks only
// at the last segment of the address, and /codec/workflows/<workflow id>/decode decodes the
// payloads of that workflow's case (its own, its record chunks' or its access audit's) for a Lead
// whom the case's visibility policy lets see it. A Lead an allegation excluded from the case is
// told it does not exist, as by every other door. A decode naming no case is refused, for
// everyone, saying how to name it; a payload of another case's does not open at a case's address
// (payloads are bound to their case: see encryption.Codec.BoundBy). Encoding shows nothing, and
// needs no case.

// maxCodecBytes bounds a codec request: a page of a history's payloads.
const maxCodecBytes = 8 << 20

// codecRoles may use the codec endpoints.
var codecRoles = []safeguarding.Role{safeguarding.RoleSafeguardingLead}

// CodecCookie holds a bearer token for the codec endpoints, for a browser (the Temporal Web UI)
// that cannot send an Authorization header to them.
const CodecCookie = "caseflow_codec"

func (h *handlers) mountCodec(r *gin.Engine) {
	codec := r.Group("/codec", h.codecCORS)
	for _, path := range codecPaths {
		codec.OPTIONS(path, preflight)
	}
	guarded := codec.Group("", authenticateCodec(h.cfg.Verifier), rateLimit(h.cfg.Limiter), authorize(codecRoles...))
	guarded.POST("/encode", h.codecCall("codec-encode", converter.PayloadCodec.Encode))
	guarded.POST("/decode", decodeNamingNoCase)
	guarded.POST(codecOfWorkflow+"/encode", h.codecCase, h.codecCall("codec-encode", converter.PayloadCodec.Encode))
	guarded.POST(codecOfWorkflow+"/decode", h.codecCase, h.codecCall("codec-decode", converter.PayloadCodec.Decode))
}

// codecOfWorkflow is the prefix of the codec endpoints of one workflow's payloads.
const codecOfWorkflow = "/workflows/:workflow"

// codecPaths are the codec endpoints, under /codec.
var codecPaths = []string{"/encode", "/decode", codecOfWorkflow + "/encode", codecOfWorkflow + "/decode"}

// decodeNamingNoCase refuses a decode that does not say whose payloads it decodes.
func decodeNamingNoCase(c *gin.Context) {
	fail(c, http.StatusBadRequest, "Name the case whose records you are decoding: use the codec endpoint of its workflow, "+
		"/codec/workflows/case-<case id> (the CLI's --codec-endpoint, or the Web UI's codec server setting), instead of /codec.")
}

// codecCase lets a decode of a workflow's payloads through only when the caller may see the case
// the workflow belongs to, by the case's own visibility policy; the refusal is recorded.
func (h *handlers) codecCase(c *gin.Context) {
	caseID, ok := workflows.CaseOfWorkflow(c.Param("workflow"))
	if !ok {
		fail(c, http.StatusNotFound, "This workflow is not a case's: only the records of a case can be decoded here.")
		return
	}
	if _, err := h.cfg.Cases.Sight(c.Request.Context(), caseID, mustActor(c)); err != nil {
		if p := problemFor(err); p.Status == http.StatusNotFound && h.cfg.Audit != nil {
			rec := accessRecord(c, "codec-refused", p.Status)
			rec.Detail = "workflow " + c.Param("workflow")
			records := map[audit.Stream][]audit.Record{audit.CodecStream: {rec}}
			// On the case's own log too, when it exists: a Lead the case excludes asked to
			// read it. Counted like any refusal, so that asking again and again buries nothing.
			if r, recorded := h.tallied(c, caseID, rec); recorded && h.caseExists(c.Request.Context(), caseID) {
				records[audit.CaseStream(caseID)] = []audit.Record{r}
			}
			h.cfg.Audit.AppendSoon(records)
		}
		abort(c, err)
		return
	}
	c.Next()
}

// codecCall reads a Payloads document, runs f on it, records the call and answers with the
// result. A decode is answered only once its record is stored.
func (h *handlers) codecCall(action string, f func(converter.PayloadCodec, []*commonpb.Payload) ([]*commonpb.Payload, error)) gin.HandlerFunc {
	return func(c *gin.Context) {
		if h.cfg.Codec == nil {
			fail(c, http.StatusServiceUnavailable, "This server holds no keys to decode with.")
			return
		}
		body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxCodecBytes+1))
		if err != nil || len(body) > maxCodecBytes {
			fail(c, http.StatusRequestEntityTooLarge, "The payloads are larger than "+strconv.Itoa(maxCodecBytes>>20)+" MB; send fewer at a time.")
			return
		}
		var in commonpb.Payloads
		if err := protojson.Unmarshal(body, &in); err != nil {
			fail(c, http.StatusBadRequest, "The body is not a JSON Payloads document.")
			return
		}
		out, codecErr := f(codecOf(h.cfg.Codec, c.Param("workflow")), in.GetPayloads())
		rec := accessRecord(c, action, http.StatusOK)
		rec.Detail = codecDetail(c, len(in.GetPayloads()), body)
		if codecErr != nil {
			rec.Outcome, rec.Status = audit.Failed, http.StatusBadRequest
		}
		// Every decoding is on the agency's record of decryptions and, named by its workflow,
		// on that case's own access log, where its Safeguarding Lead and managers read it.
		records := map[audit.Stream][]audit.Record{audit.CodecStream: {rec}}
		if caseID, ok := workflows.CaseOfWorkflow(c.Param("workflow")); ok {
			records[audit.CaseStream(caseID)] = []audit.Record{rec}
		}
		if err := h.cfg.Audit.AppendEach(c.Request.Context(), records); err != nil {
			_ = c.Error(err)
			fail(c, http.StatusServiceUnavailable, "Payloads cannot be decoded just now, because the decoding cannot be recorded.")
			return
		}
		if codecErr != nil {
			fail(c, http.StatusBadRequest, "The payloads could not be decoded with this server's keys.")
			return
		}
		data, err := protojson.Marshal(&commonpb.Payloads{Payloads: out})
		if err != nil {
			abort(c, err)
			return
		}
		c.Data(http.StatusOK, "application/json", data)
	}
}

// codecOf is the codec for the payloads of the workflow the address names: one that opens only
// payloads written for that workflow's case (see encryption.Codec.BoundBy), so that a case's
// records cannot be read through another case's address, where they would be recorded as that
// case's.
func codecOf(codec converter.PayloadCodec, workflowID string) converter.PayloadCodec {
	if bound, ok := codec.(converter.PayloadCodecWithSerializationContext); ok && workflowID != "" {
		return bound.WithSerializationContext(converter.WorkflowSerializationContext{WorkflowID: workflowID})
	}
	return codec
}

// codecDetail says what a codec call handled: how many payloads, a digest of them (which
// payloads were read can be told later from the history, without keeping them here), the
// workflow named, and the namespace the caller named, when it is a namespace's name at all: the
// header is the caller's text, and no more of it than that goes into the record.
func codecDetail(c *gin.Context, payloads int, body []byte) string {
	sum := sha256.Sum256(body)
	detail := strconv.Itoa(payloads) + " payloads, sha256 " + hex.EncodeToString(sum[:8])
	if wf := c.Param("workflow"); wf != "" {
		detail += ", workflow " + wf
	}
	if ns := c.GetHeader("X-Namespace"); namespaceName.MatchString(ns) {
		detail += ", namespace " + ns
	} else if ns != "" {
		detail += ", namespace not a name"
	}
	return detail
}

// namespaceName is what a Temporal namespace's name may be.
var namespaceName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// authenticateCodec accepts the bearer token of the Authorization header, or of the codec
// cookie.
func authenticateCodec(v auth.Verifier) gin.HandlerFunc {
	header := authenticate(v, nil) // tokens only: the pages' session cookie does not open the codec
	return func(c *gin.Context) {
		if _, ok := bearerToken(c.Request); !ok {
			if cookie, err := c.Request.Cookie(CodecCookie); err == nil && cookie.Value != "" {
				c.Request.Header.Set("Authorization", "Bearer "+cookie.Value)
			}
		}
		header(c)
	}
}

// codecCORS lets the configured Temporal Web UI origins call the codec endpoints from a
// browser, with credentials; any other origin gets no CORS headers, so browsers refuse it.
func (h *handlers) codecCORS(c *gin.Context) {
	origin := c.GetHeader("Origin")
	if origin != "" && slices.Contains(h.cfg.CodecOrigins, origin) {
		hd := c.Writer.Header()
		hd.Set("Access-Control-Allow-Origin", origin)
		hd.Set("Access-Control-Allow-Credentials", "true")
		hd.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Namespace")
		hd.Set("Access-Control-Max-Age", "600")
		hd.Add("Vary", "Origin")
	}
	c.Next()
}

func preflight(c *gin.Context) { c.Status(http.StatusNoContent) }
