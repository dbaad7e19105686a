package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
)

// Age is a decision, not an edit: by the API, per role.

func openOf(v safeguarding.View, kind policy.RuleID) (safeguarding.ActionView, bool) {
	for _, a := range v.OpenActions {
		if a.Kind == kind {
			return a, true
		}
	}
	return safeguarding.ActionView{}, false
}

// TestAnAgeDisputedYoungPersonKeepsTheChildClocksUntilAssessedAndTheLeadDecides: a concern about
// a young person whose recorded date of birth makes them 26, their age disputed, keeps the care
// plan, the referral to Children's Social Care and the ICTG referral open; only the child's
// social worker, a manager or the Safeguarding Lead record an age assessment, and only a manager
// or the Safeguarding Lead confirm the move to adulthood, which then ends the child clocks.
func TestAnAgeDisputedYoungPersonKeepsTheChildClocksUntilAssessedAndTheLeadDecides(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	concern := testenv.Concern(time.Now().Add(-time.Hour), "sw-1", "north", "carer-1")
	concern["child"] = map[string]any{"name": "Sam", "date_of_birth": "2000-05-01", "age_disputed": true, "parental_responsibility": "none-in-uk"}
	var created api.StepResponse
	if r := env.Do(http.MethodPost, "/v1/cases", p.carer, concern); r.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s", r.Status, r.Body)
	} else {
		r.JSON(t, &created)
	}
	path := "/v1/cases/" + created.CaseID
	v := viewAs(t, env, p.manager, created.CaseID)
	for _, kind := range []policy.RuleID{policy.CarePlan, policy.CSCReferral, policy.ICTGReferral} {
		if _, ok := openOf(v, kind); !ok {
			t.Errorf("%s is not open for an age-disputed young person", kind)
		}
	}
	if _, ok := openOf(v, policy.ConfirmAdulthood); ok || !v.TurnedAdult.IsZero() {
		t.Fatal("an age-disputed young person was treated as an adult")
	}
	decide := map[string]any{"decided_at": rfc3339(time.Now().Add(-time.Minute)), "reason": "Looks older than 18."}
	if r := env.Do(http.MethodPost, path+"/adulthood", p.manager, decide); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "disputed") {
		t.Fatalf("confirming adulthood while the age is disputed: %d %s", r.Status, r.Body)
	}

	assessment := map[string]any{"assessed_at": rfc3339(time.Now().Add(-30 * time.Minute)), "assessed_by": "Croydon Children's Services", "date_of_birth": "2000-05-01"}
	for name, tt := range map[string]struct {
		token  string
		status int
	}{
		"a carer": {p.carer, http.StatusForbidden}, "the fostering social worker": {p.fsw, http.StatusForbidden},
		"another team's social worker": {p.otherSW, http.StatusNotFound},
	} {
		if r := env.Do(http.MethodPost, path+"/age-assessment", tt.token, assessment); r.Status != tt.status {
			t.Errorf("an age assessment by %s: %d, want %d", name, r.Status, tt.status)
		}
	}
	mustStep(t, env, p.sw, path, "age-assessment", assessment)
	stillOpen(t, v, viewAs(t, env, p.manager, created.CaseID), "the assessment")
	v = viewAs(t, env, p.manager, created.CaseID)
	confirm, ok := openOf(v, policy.ConfirmAdulthood)
	carePlan, _ := openOf(v, policy.CarePlan)
	if !ok || confirm.Owner.Role != safeguarding.RoleSafeguardingLead || !slices.Contains(v.Age.ConfirmingEnds, carePlan.ID) || len(v.Age.Assessments) != 1 {
		t.Fatalf("after the assessment: confirm %+v, age %+v", confirm, v.Age)
	}

	for name, token := range map[string]string{"a carer": p.carer, "the social worker": p.sw, "the fostering social worker": p.fsw} {
		if r := env.Do(http.MethodPost, path+"/adulthood", token, decide); r.Status != http.StatusForbidden {
			t.Errorf("adulthood confirmed by %s: %d, want 403", name, r.Status)
		}
	}
	mustStep(t, env, p.lead, path, "adulthood", decide)
	v = viewAs(t, env, p.manager, created.CaseID)
	if _, ok := openOf(v, policy.ConfirmAdulthood); ok {
		t.Error("the decision is still open after the confirmation")
	}
	for _, a := range v.Actions {
		if a.ID == carePlan.ID && (a.Status != safeguarding.ActionResolved || a.ClosedBy == nil || a.ClosedBy.UserID != "lead-1" || !strings.Contains(a.Note, "Looks older")) {
			t.Errorf("the care plan after the confirmation: %+v", a)
		}
	}
	if _, ok := openOf(v, policy.Transition); !ok || v.TurnedAdult.IsZero() {
		t.Error("no transition after the confirmation")
	}
	if r := env.Do(http.MethodPost, path+"/adulthood", p.manager, decide); r.Status != http.StatusConflict {
		t.Errorf("a second confirmation: %d, want 409", r.Status)
	}
}

// TestACorrectedDateOfBirthOnlyProposesTheMoveToAdulthood: a fostering social worker's
// correction that makes the young person 18 opens the decision for the Safeguarding Lead and
// ends nothing.
func TestACorrectedDateOfBirthOnlyProposesTheMoveToAdulthood(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now().Add(-5*24*time.Hour))
	path := "/v1/cases/" + caseID
	before := viewAs(t, env, p.manager, caseID)
	// Their 18th birthday two days ago: a child when the concern was raised, 18 now.
	today := time.Now().In(policy.London)
	dob := time.Date(today.Year()-18, today.Month(), today.Day()-2, 0, 0, 0, 0, policy.London).Format("2006-01-02")
	res := mustStep(t, env, p.fsw, path, "case-details", map[string]any{"child": map[string]any{"date_of_birth": dob}, "reason": "Typo in the year."})
	after := viewAs(t, env, p.manager, caseID)
	stillOpen(t, before, after, "the correction")
	confirm, ok := openOf(after, policy.ConfirmAdulthood)
	if !ok || !slices.Equal(res.Opened, []string{confirm.ID}) {
		t.Fatalf("the correction opened %v; want the decision alone (%+v)", res.Opened, confirm)
	}
	// The Safeguarding Lead decides: the child clocks end.
	mustStep(t, env, p.lead, path, "adulthood", map[string]any{"decided_at": rfc3339(time.Now()), "reason": "Birth certificate seen."})
	if _, ok := openOf(viewAs(t, env, p.manager, caseID), policy.CarePlan); ok {
		t.Error("the care plan clock runs on after the confirmation")
	}
}

// stillOpen fails for each action open in before that after shows ended.
func stillOpen(t *testing.T, before, after safeguarding.View, what string) {
	t.Helper()
	for _, b := range before.OpenActions {
		if _, ok := openOf(after, b.Kind); !ok {
			t.Errorf("%s ended %s (%s)", what, b.ID, b.Kind)
		}
	}
}
