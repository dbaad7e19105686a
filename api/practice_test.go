package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/test/testenv"
)

// Refusals a social worker can act on: each is a 422 problem naming the field to correct, and
// nothing is recorded.
func TestPracticeRefusalsNameTheField(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	adult := testenv.Concern(time.Now(), "sw-1", "north", "carer-1")
	adult["child"] = map[string]any{"name": "Sam", "date_of_birth": "2000-01-01"}
	unknownLA := testenv.Concern(time.Now(), "sw-1", "north", "carer-1")
	unknownLA["la"] = "E08000052"
	for name, tt := range map[string]struct {
		body  map[string]any
		field string
	}{
		"an adult as a child":        {adult, "child.date_of_birth"},
		"an unknown local authority": {unknownLA, "la"},
	} {
		r := env.Do(http.MethodPost, "/v1/cases", p.carer, tt.body)
		var problem api.Problem
		r.JSON(t, &problem)
		if r.Status != http.StatusUnprocessableEntity || problem.Errors[tt.field] == "" || r.Header.Get("Content-Type") != api.ProblemContentType {
			t.Errorf("%s: %d %s; want 422 naming %s", name, r.Status, r.Body, tt.field)
		}
	}

	// A twelve-year-old cannot withdraw consent to the NRM as an adult.
	young := testenv.Concern(time.Now().Add(-time.Hour), "sw-1", "north", "carer-1")
	young["child"] = map[string]any{"name": "Kim", "date_of_birth": time.Now().AddDate(-12, 0, 0).Format("2006-01-02")}
	var created api.StepResponse
	env.Do(http.MethodPost, "/v1/cases", p.carer, young).JSON(t, &created)
	path := "/v1/cases/" + created.CaseID
	mustStep(t, env, p.sw, path, "nrm-referral", map[string]any{"submitted_at": rfc3339(time.Now().Add(-time.Minute)), "reference": "N1", "first_responder": "police"})
	before := settledHistory(t, env, created.CaseID)
	r := env.Do(http.MethodPost, path+"/adult-consent", p.sw, map[string]any{"recorded_at": rfc3339(time.Now()), "consent": "withdrawn"})
	var problem api.Problem
	r.JSON(t, &problem)
	if r.Status != http.StatusUnprocessableEntity || problem.Errors["recorded_at"] == "" || !strings.Contains(problem.Detail, "12") {
		t.Errorf("consent at 12: %d %s", r.Status, r.Body)
	}
	if after := historyLength(t, env, created.CaseID); after != before {
		t.Errorf("a refused step changed the case history: %d events, then %d", before, after)
	}
}

// TestWordingIsQueriedThenKeptWhenQuoted: an account using language that blames the child is
// refused with the phrase and the wording to use; the same account, confirmed as a quotation,
// is recorded as written.
func TestWordingIsQueriedThenKeptWhenQuoted(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now().Add(-time.Hour))
	path := "/v1/cases/" + caseID + "/concern"
	body := map[string]any{"observed_at": rfc3339(time.Now()), "account": "Her friend said it was her lifestyle choice."}
	r := env.Do(http.MethodPost, path, p.carer, body)
	var problem api.Problem
	r.JSON(t, &problem)
	if r.Status != http.StatusUnprocessableEntity || !strings.Contains(problem.Errors["account"], "lifestyle choice") {
		t.Fatalf("blaming wording: %d %s", r.Status, r.Body)
	}
	if r := env.Do(http.MethodPost, path, p.carer, body, api.KeepWordingHeader, "true"); r.Status != http.StatusOK {
		t.Fatalf("the same words, quoted: %d %s", r.Status, r.Body)
	}
	v := viewAs(t, env, p.carer, caseID)
	if got := v.Concerns[len(v.Concerns)-1].Account; got != body["account"] {
		t.Errorf("account kept as %q", got)
	}
}

// TestCasesOfTheSameChildAreLinkedBothWays: linking records the link on both cases; a case the
// caller cannot see is refused and nothing is linked.
func TestCasesOfTheSameChildAreLinkedBothWays(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	first := raiseCase(t, env, p.carer, time.Now().Add(-2*time.Hour))
	// The school raised the child again, without a date of birth, before anyone saw it was one child.
	var second api.StepResponse
	env.Do(http.MethodPost, "/v1/cases", p.sw, testenv.ConcernFor(testenv.ChildName, "", time.Now().Add(-time.Hour), "sw-1", "north", "carer-2")).JSON(t, &second)
	mustStep(t, env, p.sw, "/v1/cases/"+first, "linked-case", map[string]any{"case_id": second.CaseID, "reason": "The same child, placed twice."})
	for own, other := range map[string]string{first: second.CaseID, second.CaseID: first} {
		if v := viewAs(t, env, p.sw, own); len(v.Links) != 1 || v.Links[0].CaseID != other {
			t.Errorf("case %s links %+v; want %s", own, v.Links, other)
		}
	}
	var other api.StepResponse
	env.Do(http.MethodPost, "/v1/cases", p.sw, testenv.ConcernFor("Kit Testchild", "2011-02-03", time.Now(), "sw-1", "north", "carer-1")).JSON(t, &other)
	unseen := other.CaseID
	// The other social worker works in another team: neither case is theirs.
	r := env.Do(http.MethodPost, "/v1/cases/"+first+"/linked-case", p.otherSW, map[string]any{"case_id": unseen, "reason": "x"})
	if r.Status != http.StatusNotFound {
		t.Errorf("linking a case one cannot see: %d %s", r.Status, r.Body)
	}
	if v := viewAs(t, env, p.sw, unseen); len(v.Links) != 0 {
		t.Errorf("a refused link was recorded: %+v", v.Links)
	}
}
