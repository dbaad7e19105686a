package workflows

import (
	"errors"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
)

// accused is the carer an allegation names: from the allegation on, the case is hidden from them.
var accused = carer

// allegationAgainst is an allegation against the carer, received at offset d.
func allegationAgainst(d time.Duration) map[string]any {
	return map[string]any{"received_at": at(d), "against_user": accused.UserID, "against_role": string(accused.Role), "summary": "Seen hitting him."}
}

// queryAs asks the case query as actor at offset d and keeps the answer.
func (h *harness) queryAs(d time.Duration, actor safeguarding.Actor, answer *CaseAnswer) {
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryCase, actor)
		if err != nil {
			h.t.Errorf("query case: %v", err)
			return
		}
		if err := v.Get(answer); err != nil {
			h.t.Errorf("decode case: %v", err)
		}
	}, d)
}

// TestAStartFromAStolenInputHoldsNothingOfIt: the input a case carried across continue-as-new
// after an allegation, copied from its history into a fresh start, brings back nothing: the run
// holds no case, the accused carer cannot see one, a manager neither, and the run ends quietly
// when no concern comes. The same input continued by the case's own run keeps the case.
func TestAStartFromAStolenInputHoldsNothingOfIt(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	h.step(m/2, "allegation", sw, allegationAgainst(m/2))
	h.env.RegisterDelayedCallback(func() { h.env.SetCurrentHistoryLength(DefaultMaxHistory) }, m)
	h.step(m+time.Second, "care-plan-contribution", sw, map[string]any{"text": "the step after which the run continues as new"})
	stolen := h.runUntilContinued(time.Hour)
	if !stolen.State.Opened() || len(stolen.State.Allegations) != 1 {
		t.Fatal("the run carried no case with an allegation")
	}

	forged := newHarness(t, nil)
	forged.input = stolen // a fresh start: nothing links it to the run that carried the input
	var byAccused, byManager CaseAnswer
	forged.queryAs(m, accused, &byAccused)
	forged.queryAs(m, manager, &byManager)
	forged.env.RegisterDelayedCallback(forged.env.CancelWorkflow, 2*unopenedLifetime)
	forged.env.ExecuteWorkflow(WorkflowName, forged.input)
	if err := forged.env.GetWorkflowError(); err != nil {
		t.Errorf("the forged start ended with %v, want a quiet end with no concern", err)
	}
	for who, a := range map[string]CaseAnswer{"the accused": byAccused, "a manager": byManager} {
		if a.View != nil || safeguarding.CodeOf(a.Refused) != safeguarding.ENotFound {
			t.Errorf("%s asking the forged run: view %v, refused %v; want no case", who, a.View != nil, a.Refused)
		}
	}

	continued := newHarness(t, nil)
	continued.continueFrom(stolen)
	var kept CaseAnswer
	continued.queryAs(m, manager, &kept)
	continued.run(2 * m)
	if kept.View == nil || kept.View.Revision != stolen.State.Revision {
		t.Errorf("the case's own continuation lost its state: %+v", kept.Refused)
	}
}

// callsFor vouches for calls made for one case only, as proofs the API signed for it would.
type callsFor string

func (c callsFor) Verify(call identity.Call, _ identity.Proof) error {
	if call.Subject != string(c) {
		return identity.ErrForged
	}
	return nil
}

// TestACaseIsTheOneItsWorkflowIDNames: a start naming another case under a case's workflow id
// opens the case the id names, with that case's reference; a call vouched for the case the
// start named is refused.
func TestACaseIsTheOneItsWorkflowIDNames(t *testing.T) {
	const id, named = "aaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbb"
	opened := newHarness(t, nil)
	opened.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: WorkflowID(id)})
	opened.cw.Callers = callsFor(id)
	opened.input = Input{CaseID: named, Reference: "CF-FORGED"}
	opened.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	opened.view(m, manager, func(v safeguarding.View) {
		if v.ID != id || v.Reference != ReferenceFor(id) {
			t.Errorf("case %q with reference %q, want %q with %q", v.ID, v.Reference, id, ReferenceFor(id))
		}
	})
	opened.run(2 * m)
	if len(opened.results) != 1 || opened.results[0].CaseID != id {
		t.Errorf("the concern opened %+v, want case %s", opened.results, id)
	}

	refused := newHarness(t, nil)
	refused.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: WorkflowID(id)})
	refused.cw.Callers = callsFor(named)
	refused.input = Input{CaseID: named, Reference: ReferenceFor(named)}
	refused.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	refused.env.RegisterDelayedCallback(refused.env.CancelWorkflow, m)
	refused.env.ExecuteWorkflow(WorkflowName, refused.input)
	if len(refused.results) != 0 || len(refused.errs) != 1 || safeguarding.CodeOf(errors.Unwrap(refused.errs[0])) != safeguarding.EForbidden {
		t.Errorf("a concern vouched for the case the start named: results %+v, errors %v; want refused", refused.results, refused.errs)
	}
}
