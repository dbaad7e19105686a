package api

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
)

// One case per child, through the API: a record for a child whose case was merged into another
// goes to the case that continues, and staff merge two cases of one child on both.

// withoutCaseOfChild removes from a refusal's fields the case a merged case continues in, which
// the domain names for the API alone: no answer ever names a case its reader may not see.
func withoutCaseOfChild(fields map[string]string) map[string]string {
	if _, ok := fields[safeguarding.MergedIntoField]; !ok {
		return fields
	}
	out := maps.Clone(fields)
	delete(out, safeguarding.MergedIntoField)
	if len(out) == 0 {
		return nil
	}
	return out
}

// maxMergeHops bounds how far a record follows merges (a case merged into one merged again).
const maxMergeHops = 4

// followMerge takes a concern or a missing episode refused because its case was merged into
// another to the case that continues, when the person may see that case: a child's new concern
// is never lost. Anyone else is refused without being told which case that is; they are told
// who can find it. Every other error passes through.
func (h *handlers) followMerge(c *gin.Context, step safeguarding.Step, requestID string, body []byte, err error) (int, any, error) {
	actor := mustActor(c)
	for range maxMergeHops {
		var refused *safeguarding.Error
		if !errors.As(err, &refused) || refused.Fields[safeguarding.MergedIntoField] == "" {
			return 0, nil, err
		}
		target := refused.Fields[safeguarding.MergedIntoField]
		if step.Name != "concern" && step.Name != "missing-episode" {
			return 0, nil, err
		}
		if _, seeErr := h.cfg.Cases.Get(c.Request.Context(), target, actor); seeErr != nil {
			nameCases(c, target)
			return 0, nil, &safeguarding.Error{Code: safeguarding.EConflict, Message: "This case was merged into another case of the child, " +
				"which you are not part of, so it was not recorded. Tell the Safeguarding Lead or a manager now: they can record it on the child's case. " +
				"If the child is in immediate danger, call 999 first."}
		}
		res, stepErr := h.cfg.Cases.Step(stepContext(c), target, step.Name, actor, requestID, body)
		if stepErr == nil {
			nameCases(c, target)
			return http.StatusOK, responseOf(res), nil
		}
		err = stepErr
	}
	return 0, nil, err
}

// mergeCases merges the case in the path into the case the body names, which continues: the
// merge is recorded on this case first (the manager's decision, with a resolution for each of
// its obligations), then on the case that continues, with the child's counts this case held. A
// retry records each once.
func (h *handlers) mergeCases(c *gin.Context, caseID, requestID string, body []byte) (int, any, error) {
	var merge safeguarding.MergeInto
	if err := json.Unmarshal(body, &merge); err != nil {
		return 0, nil, err
	}
	if merge.CaseID == caseID {
		return 0, nil, &safeguarding.Error{Code: safeguarding.EInvalid, Message: "A case cannot be merged into itself.", Fields: map[string]string{"case_id": "is this case"}}
	}
	ctx, actor := c.Request.Context(), mustActor(c)
	if _, err := h.cfg.Cases.Get(ctx, caseID, actor); err != nil {
		return 0, nil, err
	}
	continuing, err := h.cfg.Cases.Get(ctx, merge.CaseID, actor)
	switch {
	case safeguarding.CodeOf(err) == safeguarding.ENotFound:
		return 0, nil, &safeguarding.Error{Code: safeguarding.EInvalid, Message: "The case that continues is not one you can see.", Fields: map[string]string{"case_id": "unknown case"}}
	case err != nil:
		return 0, nil, err
	case continuing.MergedInto != nil:
		return 0, nil, safeguarding.Errorf(safeguarding.EConflict, "The other case is itself merged into another case of the child: merge into that one.")
	case continuing.Stage == safeguarding.StageClosed:
		return 0, nil, safeguarding.Errorf(safeguarding.EConflict, "The case that continues is closed: reopen it first, or merge it into this one.")
	}
	nameCases(c, merge.CaseID)
	res, err := h.cfg.Cases.Step(ctx, caseID, safeguarding.StepMergeInto, actor, requestID, body)
	if err != nil {
		return 0, nil, err
	}
	merged, err := h.cfg.Cases.Get(ctx, caseID, actor)
	if err != nil {
		return 0, nil, err
	}
	from := safeguarding.MergedFrom{CaseID: caseID, Reference: workflows.ReferenceFor(caseID), Reason: merge.Reason, MissingAt: []time.Time{}, By: actor}
	if merged.ChildCounts != nil {
		from.Concerns = merged.ChildCounts.Concerns
	}
	for _, e := range merged.Missing {
		from.MissingAt = append(from.MissingAt, e.WentMissingAt)
	}
	for _, m := range merged.MergedFrom {
		from.MissingAt = append(from.MissingAt, m.MissingAt...)
	}
	record, _ := json.Marshal(from)
	fromID := ""
	if requestID != "" {
		fromID = requestID + "-merged-from"
	}
	if _, err := h.cfg.Cases.Step(ctx, merge.CaseID, safeguarding.StepMergedFrom, safeguarding.Caseflow, fromID, record); err != nil {
		h.cfg.Logger.Error("a merge is recorded on the merged case but not yet on the case that continues; retrying the request records it",
			"case", caseID, "continues", merge.CaseID, "error", err)
		return 0, nil, err
	}
	return http.StatusOK, responseOf(res), nil
}

// raiseOnChildsCase records a concern on the case the child already has, when there is one: a
// child has one case, so everything about them stays together and their counts are whole. The
// child is matched by name and date of birth, or by the local authority's reference, through
// the read model's keyed hashes (readmodel.Store.CasesOfChild); the cases found are asked whether
// the person may see them. A case they may see takes the concern (reopening if it was closed);
// one they may not is not named: the concern is refused with who can record it. With no match,
// or while the read model cannot be read, the concern opens a case (done is false): a child at
// risk is never made to wait, and staff merge two cases of one child.
func (h *handlers) raiseOnChildsCase(c *gin.Context, requestID string, body []byte) (done bool, status int, out any, err error) {
	var raise safeguarding.RaiseConcern
	if err := json.Unmarshal(body, &raise); err != nil {
		return true, 0, nil, err
	}
	actor := mustActor(c)
	if actor.Role == safeguarding.RoleCarer && slices.ContainsFunc(raise.Carers, func(u string) bool { return u != actor.UserID }) {
		return true, 0, nil, &safeguarding.Error{Code: safeguarding.EInvalid,
			Message: "Only staff add carers to a child's case: leave the other carers out, and the child's social worker or a manager will add them.",
			Fields:  map[string]string{"carers": "only staff name other carers"}}
	}
	keys := safeguarding.ChildKeys(raise.Child, raise.LA)
	if len(keys) == 0 || h.cfg.Store == nil {
		return false, 0, nil, nil
	}
	ctx := c.Request.Context()
	found, err := h.cfg.Store.CasesOfChild(ctx, keys)
	if err != nil {
		h.cfg.Logger.Warn("the child's cases could not be looked up; the concern opens a case", "error", err)
		return false, 0, nil, nil
	}
	// Open cases first, then the most recently updated.
	slices.SortStableFunc(found, func(a, b readmodel.ChildCase) int {
		switch {
		case a.Closed == b.Closed:
			return 0
		case !a.Closed:
			return -1
		}
		return 1
	})
	var hidden []string
	for _, m := range found {
		if requestID != "" && m.CaseID == workflows.CaseIDFor(actor.UserID, requestID) {
			// The case this very request opened, on an earlier try whose answer was lost: the
			// raise is sent again, and its update id answers with what the first try did.
			return false, 0, nil, nil
		}
		_, err := h.cfg.Cases.Get(ctx, m.CaseID, actor)
		switch {
		case safeguarding.CodeOf(err) == safeguarding.ENotFound:
			hidden = append(hidden, m.CaseID)
			continue
		case err != nil:
			return true, 0, nil, err
		}
		concern, _ := json.Marshal(safeguarding.RecordConcern{ConcernDetails: raise.ConcernDetails})
		step, _ := safeguarding.StepNamed("concern")
		res, err := h.cfg.Cases.Step(stepContext(c), m.CaseID, step.Name, actor, requestID, concern)
		if err != nil {
			status, out, err := h.followMerge(c, step, requestID, concern, err)
			if resp, ok := out.(StepResponse); ok {
				resp.ExistingCase = true
				out = resp
			}
			return true, status, out, err
		}
		nameCases(c, m.CaseID)
		c.Header("Location", "/v1/cases/"+m.CaseID)
		resp := responseOf(res)
		resp.ExistingCase = true
		return true, http.StatusOK, resp, nil
	}
	if len(hidden) == 0 {
		return false, 0, nil, nil
	}
	// The refusal is recorded in the access log of each case found, for the Safeguarding Lead.
	nameCases(c, hidden...)
	return true, 0, nil, &safeguarding.Error{Code: safeguarding.EConflict,
		Message: "This child may already have a case with the agency, which you are not part of, so your concern was not recorded here. " +
			"Tell the Safeguarding Lead or a manager now: they can record it on the child's case. If the child is in immediate danger, call 999 first."}
}
