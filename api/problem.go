package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/session"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// Problem is an RFC 9457 problem detail. Detail is written for the social worker reading it;
// Errors names each request field that needs correcting.
type Problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Detail   string            `json:"detail,omitempty"`
	Instance string            `json:"instance,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
}

// ProblemContentType is the media type of every error response.
const ProblemContentType = "application/problem+json"

// statusOf maps each domain error code to its HTTP status: the one place this mapping lives.
var statusOf = map[safeguarding.ErrorCode]int{
	safeguarding.EInvalid:   http.StatusUnprocessableEntity,
	safeguarding.EConflict:  http.StatusConflict,
	safeguarding.EForbidden: http.StatusForbidden,
	safeguarding.ENotFound:  http.StatusNotFound,
}

// titles are the short, fixed summaries of each status.
var titles = map[int]string{
	http.StatusBadRequest:            "The request could not be read",
	http.StatusUnauthorized:          "Sign-in needed",
	http.StatusForbidden:             "Not allowed for your role",
	http.StatusNotFound:              "Not found",
	http.StatusConflict:              "Not possible at this point in the case",
	http.StatusRequestEntityTooLarge: "The request is too large",
	http.StatusUnprocessableEntity:   "Some details need correcting",
	http.StatusTooManyRequests:       "Too many requests",
	http.StatusServiceUnavailable:    "The service is temporarily unavailable",
	http.StatusInternalServerError:   "Something went wrong",
}

// problemType gives each status a stable type URI, documented in the OpenAPI document.
func problemType(status int) string {
	return "https://caseflow.invalid/problems/" + strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "-"))
}

// abort ends the request with a problem built from err.
func abort(c *gin.Context, err error) {
	p := problemFor(err)
	p.Instance = c.Request.URL.Path
	if p.Status >= 500 {
		_ = c.Error(err)
	}
	holdNotFound(c, p.Status)
	body, err := json.Marshal(p)
	if err != nil {
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	// The answer is sent whole at once, its length told: what the middleware does after it (the
	// access record of a refusal on a case that exists) must not make one refusal slower than
	// another, and the client need not wait for it.
	c.Header("Content-Length", strconv.Itoa(len(body)))
	c.Data(p.Status, ProblemContentType, body)
	c.Writer.Flush()
	c.Abort()
}

// fail ends the request with a problem of a given status and detail.
func fail(c *gin.Context, status int, detail string) {
	abort(c, &httpError{status: status, detail: detail})
}

// httpError is an error that already knows its HTTP status: malformed JSON, a missing token.
type httpError struct {
	status int
	detail string
	fields map[string]string
}

func (e *httpError) Error() string { return e.detail }

func problemFor(err error) Problem {
	var h *httpError
	var d *safeguarding.Error
	switch {
	case errors.As(err, &h):
		return newProblem(h.status, h.detail, h.fields)
	case errors.As(err, &d):
		return newProblem(statusOf[d.Code], d.Message, withoutCaseOfChild(d.Fields))
	case errors.Is(err, session.ErrExpired):
		return newProblem(http.StatusUnauthorized, "Your sign-in has ended. Please sign in again.", nil)
	case errors.Is(err, session.ErrForged):
		return newProblem(http.StatusForbidden, "This request did not come from caseflow's own pages. Reload the page and try again.", nil)
	case errors.Is(err, session.ErrUnavailable):
		return newProblem(http.StatusServiceUnavailable, "Your sign-in cannot be checked just now. Nothing was changed; please try again in a minute.", nil)
	case errors.Is(err, readmodel.ErrBadCursor):
		return newProblem(http.StatusBadRequest, "The page cursor is not valid: start again from the first page.", map[string]string{"cursor": "not issued by this service"})
	case errors.Is(err, workflows.ErrUnavailable):
		return newProblem(http.StatusServiceUnavailable, "Case records cannot be reached just now. Nothing was changed; please try again in a minute.", nil)
	case readmodel.Unreachable(err):
		return newProblem(http.StatusServiceUnavailable, "Case lists and notices cannot be reached just now; please try again in a minute.", nil)
	case errors.Is(err, audit.ErrUnavailable):
		return newProblem(http.StatusServiceUnavailable, "The record of who accessed this case cannot be reached just now; please try again in a minute.", nil)
	default:
		return newProblem(http.StatusInternalServerError, "The request failed unexpectedly. Nothing you sent was lost if it was accepted; please check the case before trying again.", nil)
	}
}

func newProblem(status int, detail string, fields map[string]string) Problem {
	if status == 0 {
		status = http.StatusInternalServerError
	}
	return Problem{Type: problemType(status), Title: titles[status], Status: status, Detail: detail, Errors: fields}
}
