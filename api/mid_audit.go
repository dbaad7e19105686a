package api

import (
	"bytes"
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// Auditor stores access records (audit.Log in production).
type Auditor interface {
	AppendEach(ctx context.Context, records map[audit.Stream][]audit.Record) error
	AppendSoon(records map[audit.Stream][]audit.Record)
	ReadPage(ctx context.Context, s audit.Stream, reader safeguarding.Actor, at audit.Position, limit int, keep func(audit.Record) bool) ([]audit.Record, *audit.Position, error)
}

// namedCasesKey holds the cases a response names, set by handlers of lists and of new cases.
const namedCasesKey = "caseflow.named_cases"

// nameCases tells the audit which cases the response names.
func nameCases(c *gin.Context, ids ...string) {
	named, _ := c.Get(namedCasesKey)
	list, _ := named.([]string)
	for _, id := range ids {
		if !slices.Contains(list, id) {
			list = append(list, id)
		}
	}
	c.Set(namedCasesKey, list)
}

// auditAccess records, for every case a request names, who asked what and what they got.
//
// What shows a case's content (the case, its timeline, its access log) is held until its
// record is stored, and otherwise refused with 503: no one reads a case unrecorded.
//
// Everything else is answered at once, and its records stored right after (or, while the
// audit is unavailable, kept and tried again). A step that took effect is already in the
// case's own history, with the caller the API vouched for, in the same write that applied it;
// a refusal changed nothing and showed nothing; a list shows ids, references and action
// titles, never a child's details. Waiting for their records cost a step a quarter of its time
// and made the managers' board, which names fifty cases a page, a hundred times slower than
// its Redis reads.
func (h *handlers) auditAccess(action string) gin.HandlerFunc {
	return func(c *gin.Context) {
		held := &heldResponse{ResponseWriter: c.Writer, status: http.StatusOK}
		c.Writer = held
		// A panicking handler's 500 must reach the client: give the writer back first.
		defer func() { c.Writer = held.ResponseWriter }()
		c.Next()
		c.Writer = held.ResponseWriter

		rec := accessRecord(c, action, held.status)
		records := map[audit.Stream][]audit.Record{}
		for _, id := range h.casesNamed(c) {
			records[audit.CaseStream(id)] = []audit.Record{rec}
		}
		if id, r, ok := h.pathCase(c, rec); ok {
			records[audit.CaseStream(id)] = []audit.Record{r}
		}
		if len(records) == 0 {
			held.send()
			return
		}
		if !showsContent(c, rec.Outcome) {
			h.cfg.Audit.AppendSoon(records)
			held.send()
			return
		}
		if err := h.cfg.Audit.AppendEach(c.Request.Context(), records); err != nil {
			_ = c.Error(err)
			held.discard()
			fail(c, http.StatusServiceUnavailable, "This case cannot be shown just now, because access to it cannot be recorded. Please try again in a minute.")
			return
		}
		held.send()
	}
}

// casesNamed lists the cases a handler named, beside the case in the path.
func (h *handlers) casesNamed(c *gin.Context) []string {
	named, _ := c.Get(namedCasesKey)
	ids, _ := named.([]string)
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == c.Param("id") })
}

// pathCase is the case in the path and its record, when the request is to be recorded on it. A
// refusal is counted first (tallied), then recorded only for a case that exists, so that probing
// made-up ids creates nothing and a flood costs no more than its count.
func (h *handlers) pathCase(c *gin.Context, rec audit.Record) (string, audit.Record, bool) {
	id := c.Param("id")
	if !workflows.ValidCaseID(id) {
		return "", rec, false
	}
	rec, recorded := h.tallied(c, id, rec)
	if !recorded || (rec.Outcome == audit.Refused && !h.caseExists(c.Request.Context(), id)) {
		return "", rec, false
	}
	return id, rec, true
}

// tallied is the record of a request on a case, and whether to store it. A refusal that showed
// nothing of the case (404: the case is not the person's to know; 403: not their role's) is
// counted per person, case and hour, and stored only at the 1st, 10th, 100th...: each costs a
// signal to the audit, and anyone signed in who knows a case id could otherwise add thousands a
// minute and bury the real accesses. When the count cannot be kept, the refusal is stored.
func (h *handlers) tallied(c *gin.Context, caseID string, rec audit.Record) (audit.Record, bool) {
	if rec.Outcome != audit.Refused || (rec.Status != http.StatusNotFound && rec.Status != http.StatusForbidden) || h.cfg.Store == nil {
		return rec, true
	}
	n, err := h.cfg.Store.CountRefusal(c.Request.Context(), caseID, rec.UserID, rec.At)
	if err != nil {
		_ = c.Error(err)
		return rec, true
	}
	rec.Count = n
	return rec, powerOfTen(n)
}

// powerOfTen reports whether n is 1, 10, 100...
func powerOfTen(n int64) bool {
	for n >= 10 && n%10 == 0 {
		n /= 10
	}
	return n == 1
}

func (h *handlers) caseExists(ctx context.Context, id string) bool {
	ok, err := h.cfg.Cases.Exists(ctx, id)
	return err == nil && ok
}

// showsContent reports whether the response shows a case's content: a successful read of one
// case.
func showsContent(c *gin.Context, outcome string) bool {
	return outcome == audit.Allowed && c.Request.Method == http.MethodGet && c.Param("id") != ""
}

// accessRecord is the record of the caller's request for action, answered with status.
func accessRecord(c *gin.Context, action string, status int) audit.Record {
	actor := mustActor(c)
	return audit.Record{
		At: time.Now().UTC(), UserID: actor.UserID, Role: actor.Role, Team: actor.Team,
		Action: action, Outcome: outcomeOf(status), Status: status, RequestID: requestIDOf(c),
	}
}

func outcomeOf(status int) string {
	switch {
	case status < 400:
		return audit.Allowed
	case status < 500:
		return audit.Refused
	default:
		return audit.Failed
	}
}

// heldResponse keeps a response in memory until the audit has decided it may go.
type heldResponse struct {
	gin.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *heldResponse) WriteHeader(code int) {
	if code > 0 {
		w.status = code
	}
}
func (w *heldResponse) WriteHeaderNow()                   {}
func (w *heldResponse) Write(b []byte) (int, error)       { return w.body.Write(b) }
func (w *heldResponse) WriteString(s string) (int, error) { return w.body.WriteString(s) }
func (w *heldResponse) Status() int                       { return w.status }
func (w *heldResponse) Written() bool                     { return w.body.Len() > 0 }
func (w *heldResponse) Size() int                         { return w.body.Len() }
func (w *heldResponse) Flush()                            {}

// send writes the held response.
func (w *heldResponse) send() {
	w.ResponseWriter.WriteHeader(w.status)
	if w.body.Len() > 0 {
		_, _ = w.ResponseWriter.Write(w.body.Bytes())
	} else {
		w.ResponseWriter.WriteHeaderNow()
	}
}

// discard drops the held response and the headers it set.
func (w *heldResponse) discard() {
	for _, h := range []string{"Location", "Idempotent-Replayed", "Content-Type"} {
		w.Header().Del(h)
	}
	w.body.Reset()
}

// requestIDKey holds the request's id, for logs, proofs and the audit.
const requestIDKey = "caseflow.request_id"

func requestIDOf(c *gin.Context) string { return c.GetString(requestIDKey) }

// withRequestID puts the request id where the identity signer finds it.
func withRequestID(c *gin.Context, id string) {
	c.Set(requestIDKey, id)
	c.Request = c.Request.WithContext(identity.WithRequestID(c.Request.Context(), id))
}
