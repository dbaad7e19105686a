package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"

	"time"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
)

type handlers struct {
	cfg     Config
	streams *streamSlots
	changes *readmodel.Fanout
}

// StepResponse is the answer to raising a concern or taking a step.
type StepResponse struct {
	CaseID    string   `json:"case_id"`
	Reference string   `json:"reference"`
	Revision  int64    `json:"revision"`
	Ref       string   `json:"ref,omitempty"`
	Opened    []string `json:"opened_actions,omitempty"`
	Replayed  bool     `json:"replayed,omitempty"`
	// ExistingCase: the concern was recorded on the case the child already has.
	ExistingCase bool `json:"existing_case,omitempty"`
}

func responseOf(r safeguarding.Result) StepResponse {
	return StepResponse{
		CaseID: r.CaseID, Reference: workflows.ReferenceFor(r.CaseID), Revision: r.Revision,
		Ref: r.Ref, Opened: r.Opened, Replayed: r.Replayed,
	}
}

// decodeStep reads and checks a step body before anything is sent to the workflow: malformed
// JSON, unknown fields and wrong types are 400; content that fails the step's rules is 422.
// It returns the bytes, not what it decoded: the workflow decodes the same bytes again, because
// they are what its history records and what its validator judges, and the few handlers that
// act on a field themselves (linking and merging cases, a concern about a child who has a case)
// read that field from them.
func decodeStep(c *gin.Context, step safeguarding.Step) ([]byte, error) {
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	cmd, err := step.Decode(body)
	if err != nil {
		detail := "The request could not be read."
		if se := (*safeguarding.Error)(nil); errors.As(err, &se) {
			detail = se.Message
		}
		return nil, &httpError{status: http.StatusBadRequest, detail: detail}
	}
	if err := cmd.Validate(time.Now()); err != nil {
		return nil, err
	}
	return body, nil
}

func (h *handlers) raiseConcern(c *gin.Context) {
	step, _ := safeguarding.StepNamed(safeguarding.StepRaiseConcern)
	body, err := decodeStep(c, step)
	if err != nil {
		abort(c, err)
		return
	}
	h.idempotent(c, body, func(requestID string) (int, any, error) {
		if done, status, out, err := h.raiseOnChildsCase(c, requestID, body); done {
			return status, out, err
		}
		if allowed, retry := h.newCaseAllowed(c); !allowed {
			c.Header("Retry-After", retryAfter(retry))
			return 0, nil, &httpError{status: http.StatusTooManyRequests, detail: "You have opened the most cases allowed in an hour. If this is an emergency, call the Safeguarding Lead; otherwise try again later."}
		}
		res, err := h.cfg.Cases.Raise(stepContext(c), mustActor(c), requestID, body)
		if err != nil {
			return 0, nil, err
		}
		nameCases(c, res.CaseID)
		c.Header("Location", "/v1/cases/"+res.CaseID)
		return http.StatusCreated, responseOf(res), nil
	})
}

// step returns the handler of one case step.
func (h *handlers) step(step safeguarding.Step) gin.HandlerFunc {
	return func(c *gin.Context) {
		caseID := c.Param("id")
		body, err := decodeStep(c, step)
		if err != nil {
			abort(c, err)
			return
		}
		h.idempotent(c, body, func(requestID string) (int, any, error) {
			switch step.Name {
			case safeguarding.StepLinkCase:
				return h.linkCases(c, caseID, requestID, body)
			case safeguarding.StepMergeInto:
				return h.mergeCases(c, caseID, requestID, body)
			}
			res, err := h.cfg.Cases.Step(stepContext(c), caseID, step.Name, mustActor(c), requestID, body)
			if err != nil {
				return h.followMerge(c, step, requestID, body, err)
			}
			if slices.Contains(spreadsExclusions, step.Name) {
				if err := h.spreadExclusions(c.Request.Context(), caseID, requestID); err != nil {
					_ = c.Error(err)
					return 0, nil, errNotSpread
				}
			}
			return http.StatusOK, responseOf(res), nil
		})
	}
}

// linkCases records that two cases are about the same child on both of them: on the other case
// first (which the caller must be able to see), then on this one, each once however often the
// request is retried.
func (h *handlers) linkCases(c *gin.Context, caseID, requestID string, body []byte) (int, any, error) {
	var link safeguarding.LinkCase
	if err := json.Unmarshal(body, &link); err != nil {
		return 0, nil, err
	}
	if link.CaseID == caseID {
		return 0, nil, &safeguarding.Error{Code: safeguarding.EInvalid, Message: "A case cannot be linked to itself.", Fields: map[string]string{"case_id": "is this case"}}
	}
	actor := mustActor(c)
	if _, err := h.cfg.Cases.Get(c.Request.Context(), caseID, actor); err != nil {
		return 0, nil, err
	}
	reverse, _ := json.Marshal(safeguarding.LinkCase{CaseID: caseID, Reason: link.Reason})

	reverseID := ""
	if requestID != "" {
		reverseID = requestID + "-linked"
	}
	if _, err := h.cfg.Cases.Step(c.Request.Context(), link.CaseID, safeguarding.StepLinkCase, actor, reverseID, reverse); err != nil && safeguarding.CodeOf(err) != safeguarding.EConflict {
		if safeguarding.CodeOf(err) == safeguarding.ENotFound {
			return 0, nil, &safeguarding.Error{Code: safeguarding.EInvalid, Message: "The other case is not one you can see.", Fields: map[string]string{"case_id": "unknown case"}}
		}
		return 0, nil, err
	}
	res, err := h.cfg.Cases.Step(c.Request.Context(), caseID, safeguarding.StepLinkCase, actor, requestID, body)
	if err != nil {
		return 0, nil, err
	}
	if err := h.spreadExclusions(c.Request.Context(), caseID, requestID); err != nil {
		_ = c.Error(err)
		return 0, nil, errNotSpread
	}
	return http.StatusOK, responseOf(res), nil
}

// KeepWordingHeader is the request header that, set to "true", keeps wording the language check
// flagged: the person recording confirms they are quoting someone.

const KeepWordingHeader = "Caseflow-Keep-Wording"

// stepContext is the request's context, carrying the person's confirmation that flagged wording
// stays as written.
func stepContext(c *gin.Context) context.Context {
	if c.GetHeader(KeepWordingHeader) == "true" {
		return workflows.KeepWording(c.Request.Context())
	}
	return c.Request.Context()
}

// newCaseAllowed takes one new case from the caller's hourly allowance.
func (h *handlers) newCaseAllowed(c *gin.Context) (bool, time.Duration) {
	if h.cfg.NewCases == nil {
		return true, 0
	}
	return h.cfg.NewCases.Allow(c.Request.Context(), mustActor(c).UserID)
}

func (h *handlers) getCase(c *gin.Context) {
	v, err := h.cfg.Cases.Get(c.Request.Context(), c.Param("id"), mustActor(c))
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// TimelineResponse is a page of the case timeline, oldest entry first; next_before asks for the
// page before it.
type TimelineResponse struct {
	Entries    []safeguarding.Entry `json:"entries"`
	NextBefore int                  `json:"next_before,omitempty"`
}

func (h *handlers) timeline(c *gin.Context) {
	limit, _, err := pageParams(c)
	if err != nil {
		abort(c, err)
		return
	}
	before := 0
	if s := c.Query("before"); s != "" {
		if before, err = strconv.Atoi(s); err != nil || before < 1 {
			abort(c, &httpError{status: http.StatusBadRequest, detail: "before must be the number of a timeline entry.", fields: map[string]string{"before": "must be a whole number from 1"}})
			return
		}
	}
	page, err := h.cfg.Cases.Timeline(c.Request.Context(), c.Param("id"), mustActor(c), before, limit)
	if err != nil {
		abort(c, err)
		return
	}
	out := TimelineResponse{Entries: page.Entries, NextBefore: page.NextBefore}
	if out.Entries == nil {
		out.Entries = []safeguarding.Entry{}
	}
	c.JSON(http.StatusOK, out)
}
