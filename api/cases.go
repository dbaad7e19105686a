package api

import (
	"context"
	"net/http"

	"time"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/caseclient"
	"github.com/caseflow/caseflow/safeguarding"
)

type handlers struct{ cfg Config }

// StepResponse is the answer to raising a concern or taking a step.
type StepResponse struct {
	CaseID    string   `json:"case_id"`
	Reference string   `json:"reference"`
	Revision  int64    `json:"revision"`
	Ref       string   `json:"ref,omitempty"`
	Opened    []string `json:"opened_actions,omitempty"`
	Replayed  bool     `json:"replayed,omitempty"`
}

func responseOf(r safeguarding.Result) StepResponse {
	return StepResponse{
		CaseID: r.CaseID, Reference: caseclient.ReferenceFor(r.CaseID), Revision: r.Revision,
		Ref: r.Ref, Opened: r.Opened, Replayed: r.Replayed,
	}
}

// decodeStep reads and checks a step body before anything is sent to the workflow: malformed
// JSON, unknown fields and wrong types are 400; content that fails the step's rules is 422.
func decodeStep(c *gin.Context, step safeguarding.Step) ([]byte, error) {
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	cmd, err := step.Decode(body)
	if err != nil {
		return nil, &httpError{status: http.StatusBadRequest, detail: err.(*safeguarding.Error).Message}
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
		res, err := h.cfg.Cases.Raise(stepContext(c), mustActor(c), requestID, body)
		if err != nil {
			return 0, nil, err
		}
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
			res, err := h.cfg.Cases.Step(stepContext(c), caseID, step.Name, mustActor(c), requestID, body)
			if err != nil {
				return 0, nil, err
			}
			return http.StatusOK, responseOf(res), nil
		})
	}
}

// KeepWordingHeader, set to "true", keeps wording the language check flagged: the person
// recording confirms they are quoting someone.
const KeepWordingHeader = "Caseflow-Keep-Wording"

// stepContext is the request's context, carrying the person's confirmation that flagged wording
// stays as written.
func stepContext(c *gin.Context) context.Context {
	if c.GetHeader(KeepWordingHeader) == "true" {
		return caseclient.KeepWording(c.Request.Context())
	}
	return c.Request.Context()
}

func (h *handlers) getCase(c *gin.Context) {
	v, err := h.cfg.Cases.Get(c.Request.Context(), c.Param("id"), mustActor(c))
	if err != nil {
		abort(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// TimelineResponse is the case timeline.
type TimelineResponse struct {
	Entries []safeguarding.Entry `json:"entries"`
}

func (h *handlers) timeline(c *gin.Context) {
	t, err := h.cfg.Cases.Timeline(c.Request.Context(), c.Param("id"), mustActor(c))
	if err != nil {
		abort(c, err)
		return
	}
	if t == nil {
		t = []safeguarding.Entry{}
	}
	c.JSON(http.StatusOK, TimelineResponse{Entries: t})
}
