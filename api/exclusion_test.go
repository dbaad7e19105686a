package api_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
)

// TestAnAllegationExcludesTheAccusedFromEveryCaseOfTheChild: an allegation on one case of a
// child takes the accused off every case of the child: the cases already linked to it, and a
// case linked later. No one may give them work there, and the exclusion is shown only to those
// who see allegations. The allegation opens the police and DBS referrals, which a manager may
// end only by recording why not.
func TestAnAllegationExcludesTheAccusedFromEveryCaseOfTheChild(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	now := time.Now()
	caseA := raiseCase(t, env, p.carer, now)
	caseB := raiseDuplicate(t, env, p.carer, now) // the same child, raised twice
	mustStep(t, env, p.sw, "/v1/cases/"+caseA, "linked-case", map[string]any{"case_id": caseB, "reason": "Raised twice the same night."})
	allegation := mustStep(t, env, p.lead, "/v1/cases/"+caseA, "allegation", map[string]any{"received_at": rfc3339(now.Add(-time.Minute)),
		"against_user": "carer-1", "against_role": "carer", "summary": "Seen taking the child to a trap house."})

	for name, id := range map[string]string{"the case of the allegation": caseA, "the linked case": caseB} {
		if got := env.Do(http.MethodGet, "/v1/cases/"+id, p.carer, nil).Status; got != http.StatusNotFound {
			t.Errorf("the accused carer reads %s: %d, want 404", name, got)
		}
	}
	linked := viewAs(t, env, p.manager, caseB)
	if !slices.Contains(linked.Excluded, "carer-1") || len(linked.Exclusions) != 1 || linked.Exclusions[0].FromCase != caseA {
		t.Errorf("the linked case excludes %v, exclusions %+v: want carer-1, from %s", linked.Excluded, linked.Exclusions, caseA)
	}
	if v := viewAs(t, env, p.fsw, caseB); len(v.Exclusions) != 0 || len(v.Excluded) != 0 {
		t.Errorf("the fostering social worker sees the exclusion: %+v %v", v.Exclusions, v.Excluded)
	}
	if got := env.Do(http.MethodPost, "/v1/cases/"+caseB+"/team", p.manager, map[string]any{"add_carers": []string{"carer-1"}, "reason": "Back home."}); got.Status != http.StatusConflict {
		t.Errorf("placing the child with the accused on the linked case: %d %s, want 409", got.Status, got.Body)
	}

	// A case of the same child linked later is closed to them too.
	caseC := raiseDuplicate(t, env, p.sw, now)
	if got := env.Do(http.MethodGet, "/v1/cases/"+caseC, p.carer, nil).Status; got != http.StatusOK {
		t.Fatalf("the carer of a case not yet linked: %d", got)
	}
	mustStep(t, env, p.sw, "/v1/cases/"+caseC, "linked-case", map[string]any{"case_id": caseA, "reason": "The same child, found later."})
	if got := env.Do(http.MethodGet, "/v1/cases/"+caseC, p.carer, nil).Status; got != http.StatusNotFound {
		t.Errorf("the accused reads a case of the child linked after the allegation: %d, want 404", got)
	}

	// Police and DBS referrals are open; a manager records why the DBS is not told.
	kinds := func() []policy.RuleID {
		var out []policy.RuleID
		for _, a := range openActions(t, env, p.lead, caseA) {
			if a.Ref == allegation.Ref {
				out = append(out, a.Kind)
			}
		}
		slices.Sort(out)
		return out
	}
	if got, want := kinds(), []policy.RuleID{policy.AllegationPolice, policy.DBSReferral, policy.LADO}; !slices.Equal(got, want) {
		t.Errorf("the allegation opened %v, want %v", got, want)
	}
	notReferred := map[string]any{"allegation_id": allegation.Ref, "referral": "dbs", "decided_at": rfc3339(now), "reason": "The LADO advised no referral."}
	if got := env.Do(http.MethodPost, "/v1/cases/"+caseA+"/allegation-not-referred", p.lead, notReferred).Status; got != http.StatusForbidden {
		t.Errorf("the Safeguarding Lead deciding not to refer: %d, want 403 (a manager's decision)", got)
	}
	mustStep(t, env, p.manager, "/v1/cases/"+caseA, "allegation-not-referred", notReferred)
	if got, want := kinds(), []policy.RuleID{policy.AllegationPolice, policy.LADO}; !slices.Equal(got, want) {
		t.Errorf("after the decision not to refer to the DBS: %v open, want %v", got, want)
	}
}

// TestTheLeadExtendsAnExclusionToAnotherChildOfTheHousehold: the Safeguarding Lead, for a
// reason, excludes from another child's case someone an allegation about a child of the same
// household is about; nobody else may.
func TestTheLeadExtendsAnExclusionToAnotherChildOfTheHousehold(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	sister := raiseCase(t, env, p.sw, time.Now()) // placed with carer-1 too
	body := map[string]any{"against_user": "carer-1", "against_role": "carer", "reason": "Cares for both sisters; accused on the elder's case."}
	for _, token := range []string{p.sw, p.manager, p.fsw} {
		if got := env.Do(http.MethodPost, "/v1/cases/"+sister+"/"+safeguarding.StepHouseholdExclusion, token, body).Status; got != http.StatusForbidden {
			t.Errorf("%s extending an exclusion: %d, want 403", token[:8], got)
		}
	}
	mustStep(t, env, p.lead, "/v1/cases/"+sister, safeguarding.StepHouseholdExclusion, body)
	if got := env.Do(http.MethodGet, "/v1/cases/"+sister, p.carer, nil).Status; got != http.StatusNotFound {
		t.Errorf("the excluded carer reads the other child's case: %d, want 404", got)
	}
	if v := viewAs(t, env, p.lead, sister); len(v.Exclusions) != 1 || v.Exclusions[0].Reason == "" {
		t.Errorf("exclusions %+v: want the Lead's, with the reason", v.Exclusions)
	}
}
