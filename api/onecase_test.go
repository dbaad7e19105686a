package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// One case per child, through the service.

// waitListed waits until the read model holds the case, so that a concern can find it.
func waitListed(t *testing.T, env *testenv.Env, token, caseID string) {
	t.Helper()
	testenv.Eventually(t, 10*time.Second, "the case in the read model", func() bool {
		var page api.CasesPage
		env.Do(http.MethodGet, "/v1/cases", token, nil).JSON(t, &page)
		return slices.ContainsFunc(page.Cases, func(s projection.Summary) bool { return s.CaseID == caseID })
	})
}

// TestAConcernAboutAChildWithACaseGoesToTheirCase: whoever raises a concern about a child who
// already has a case (the same name and date of birth), it goes to that case when they may see
// it, reopening it if it was closed; anyone else is refused without being told which case that
// is, and the refusal is in the case's access log for the Safeguarding Lead.
func TestAConcernAboutAChildWithACaseGoesToTheirCase(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now().Add(-2*time.Hour))
	waitListed(t, env, p.manager, caseID)
	concern := func() map[string]any {
		c := testenv.Concern(time.Now().Add(-time.Minute), "sw-9", "south")
		c["child"].(map[string]any)["name"] = "OKONKWO TESTCHILD, Amara" // as the school typed it
		return c
	}
	before := len(viewAs(t, env, p.manager, caseID).Concerns)
	for name, token := range map[string]string{"carer": p.carer, "social worker": p.sw, "fostering social worker": p.fsw, "lead": p.lead, "manager": p.manager} {
		resp := env.Do(http.MethodPost, "/v1/cases", token, concern())
		var got api.StepResponse
		resp.JSON(t, &got)
		if resp.Status != http.StatusOK || got.CaseID != caseID || !got.ExistingCase || resp.Header.Get("Location") != "/v1/cases/"+caseID {
			t.Errorf("%s: %d %s; want the concern on the child's case %s", name, resp.Status, resp.Body, caseID)
		}
	}
	if v := viewAs(t, env, p.manager, caseID); len(v.Concerns) != before+5 || v.SocialWorker != "sw-1" {
		t.Errorf("the child's case holds %d concerns (want %d) and social worker %q", len(v.Concerns), before+5, v.SocialWorker)
	}
	for name, token := range map[string]string{"another carer": p.otherCarer, "another social worker": p.otherSW, "another fostering social worker": p.otherFSW} {
		resp := env.Do(http.MethodPost, "/v1/cases", token, concern())
		body := string(resp.Body)
		if resp.Status != http.StatusConflict || strings.Contains(body, caseID) || strings.Contains(body, workflows.ReferenceFor(caseID)) ||
			!strings.Contains(body, "Safeguarding Lead") {
			t.Errorf("%s: %d %s; want a refusal that does not name the case", name, resp.Status, body)
		}
	}
	var log api.AccessLog
	env.Do(http.MethodGet, "/v1/cases/"+caseID+"/access", p.lead, nil).JSON(t, &log)
	if !slices.ContainsFunc(log.Records, func(r audit.Record) bool { return r.UserID == "carer-2" && r.Outcome == audit.Refused }) {
		t.Errorf("the access log does not show the refused concern: %+v", log.Records)
	}

	// A closed case reopens for the concern.
	mustStep(t, env, p.sw, "/v1/cases/"+caseID, "closure-request", map[string]any{"reason": "risk-resolved", "note": "Plan complete."})
	mustStep(t, env, p.manager, "/v1/cases/"+caseID, "closure-approval", map[string]any{"resolutions": resolveAll(openActions(t, env, p.manager, caseID), "Done.")})
	resp := env.Do(http.MethodPost, "/v1/cases", p.carer, concern())
	if resp.Status != http.StatusOK || viewAs(t, env, p.sw, caseID).Stage == safeguarding.StageClosed {
		t.Fatalf("a concern about a child whose case is closed: %d %s; want the case reopened", resp.Status, resp.Body)
	}
}

// TestACarerRaisesAboutANewChildWhomStaffConfirm: a carer cannot put other carers on a case; a
// carer's concern about a child with no case opens it with its clocks running, and until staff
// confirm the placement the carer sees what they recorded and the actions they own; a carer
// staff find the child is not placed with loses the case, and their actions pass on.
func TestACarerRaisesAboutANewChildWhomStaffConfirm(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	newChild := func(name, dob string, carers ...string) map[string]any {
		return testenv.ConcernFor(name, dob, time.Now().Add(-time.Hour), "sw-1", "north", carers...)
	}
	if r := env.Do(http.MethodPost, "/v1/cases", p.otherCarer, newChild("Noor Testchild", "2012-06-07", "carer-2", "carer-1")); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "carers") {
		t.Fatalf("a carer naming another carer: %d %s", r.Status, r.Body)
	}
	resp := env.Do(http.MethodPost, "/v1/cases", p.otherCarer, newChild("Noor Testchild", "2012-06-07"))
	var created api.StepResponse
	resp.JSON(t, &created)
	if resp.Status != http.StatusCreated || created.ExistingCase {
		t.Fatalf("a carer's concern about a new child: %d %s", resp.Status, resp.Body)
	}
	path := "/v1/cases/" + created.CaseID
	mustStep(t, env, p.sw, path, "contact", map[string]any{"name": "PLANTED-CONTACT", "relationship": "says he is an uncle", "restricted": true})
	mustStep(t, env, p.sw, path, "case-details", map[string]any{"child": map[string]any{"first_language": "PLANTED-LANGUAGE"}, "reason": "From the LA."})

	carerView := viewAs(t, env, p.otherCarer, created.CaseID)
	if len(carerView.Contacts) != 0 || carerView.Child.FirstLanguage != "" || carerView.Child.Name != "Noor Testchild" {
		t.Errorf("before confirmation the carer sees %+v, %+v", carerView.Contacts, carerView.Child)
	}
	owned := 0
	for _, a := range carerView.OpenActions {
		if a.Owner.UserID != "carer-2" {
			t.Errorf("before confirmation the carer sees %s (%s), owned by %+v", a.ID, a.Kind, a.Owner)
		}
		if a.Kind == policy.PoliceReport {
			owned++
		}
	}
	if owned != 1 {
		t.Errorf("the carer's police report clock is not running: %+v", carerView.OpenActions)
	}
	if v := viewAs(t, env, p.sw, created.CaseID); !slices.Equal(v.UnconfirmedCarers, []string{"carer-2"}) {
		t.Errorf("staff do not see the placement awaiting confirmation: %v", v.UnconfirmedCarers)
	}
	for _, token := range []string{p.otherCarer, p.carer} {
		if r := env.Do(http.MethodPost, path+"/"+safeguarding.StepConfirmPlacement, token, map[string]any{"carer": "carer-2", "decision": "confirmed", "reason": "x"}); r.Status != http.StatusForbidden {
			t.Errorf("a carer confirming a placement: %d", r.Status)
		}
	}
	confirmPlacement(t, env, created.CaseID, "carer-2")
	if v := viewAs(t, env, p.otherCarer, created.CaseID); len(v.Contacts) != 1 || v.Child.FirstLanguage != "PLANTED-LANGUAGE" {
		t.Errorf("after confirmation the carer does not see the child's record: %+v, %+v", v.Contacts, v.Child)
	}

	// Another carer's claim the child's social worker declines.
	resp = env.Do(http.MethodPost, "/v1/cases", p.carer, newChild("Ash Testchild", ""))
	resp.JSON(t, &created)
	mustStep(t, env, p.sw, "/v1/cases/"+created.CaseID, safeguarding.StepConfirmPlacement,
		map[string]any{"carer": "carer-1", "decision": safeguarding.PlacementNotPlaced, "reason": "The child lives with another carer."})
	if r := env.Do(http.MethodGet, "/v1/cases/"+created.CaseID, p.carer, nil); r.Status != http.StatusNotFound {
		t.Errorf("a carer the child is not placed with reads the case: %d", r.Status)
	}
	for _, a := range openActions(t, env, p.sw, created.CaseID) {
		if a.Kind == policy.PoliceReport && a.Owner.UserID != "sw-1" {
			t.Errorf("the police report stayed with %+v", a.Owner)
		}
	}
}

// TestMergingTwoCasesOfOneChildCountsTheirEpisodesTogether: a manager merges a case raised twice
// into the one that continues; the merge is on both, the child's missing episodes are counted
// across both (three call for a strategy discussion), and a concern sent to the merged case goes
// to the one that continues, or is refused without naming it for someone who cannot see it.
func TestMergingTwoCasesOfOneChildCountsTheirEpisodesTogether(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	first := raiseCase(t, env, p.carer, time.Now().Add(-5*time.Hour))
	var second api.StepResponse
	resp := env.Do(http.MethodPost, "/v1/cases", p.sw, testenv.ConcernFor(testenv.ChildName, "", time.Now().Add(-5*time.Hour), "sw-1", "north", "carer-1", "carer-2"))
	resp.JSON(t, &second)
	if resp.Status != http.StatusCreated || second.CaseID == first {
		t.Fatalf("the second case of the child: %d %s", resp.Status, resp.Body)
	}
	merged, continuing := "/v1/cases/"+second.CaseID, "/v1/cases/"+first
	for _, h := range []time.Duration{4, 3} {
		mustStep(t, env, p.otherCarer, merged, "missing-episode", map[string]any{"went_missing_at": rfc3339(time.Now().Add(-h * time.Hour)),
			"returned_at": rfc3339(time.Now().Add(-h*time.Hour + 30*time.Minute)), "reported_to_police": true, "police_reference": "M-1"})
	}
	mustStep(t, env, p.carer, continuing, "missing-episode", map[string]any{"went_missing_at": rfc3339(time.Now().Add(-2 * time.Hour)),
		"returned_at": rfc3339(time.Now().Add(-time.Hour)), "reported_to_police": true, "police_reference": "M-2"})
	if hasOpen(t, env, p.sw, first, policy.StrategyDiscussion) {
		t.Fatal("a strategy discussion before the merge")
	}

	body := map[string]any{"case_id": first, "reason": "The same child: the school's concern had no date of birth."}
	if r := env.Do(http.MethodPost, merged+"/merge-into", p.sw, body); r.Status != http.StatusForbidden {
		t.Errorf("a social worker merging: %d %s", r.Status, r.Body)
	}
	if r := env.Do(http.MethodPost, merged+"/merge-into", p.manager, body); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "resolutions[") {
		t.Fatalf("a merge leaving obligations open: %d %s", r.Status, r.Body)
	}
	body["resolutions"] = resolveAll(openActions(t, env, p.manager, second.CaseID), "Carried on the child's other case.")
	mustStep(t, env, p.manager, merged, "merge-into", body)

	v := viewAs(t, env, p.manager, first)
	if len(v.MergedFrom) != 1 || v.MergedFrom[0].CaseID != second.CaseID || v.ChildCounts == nil || v.ChildCounts.MissingEpisodes != 3 || v.ChildCounts.Concerns != 2 {
		t.Fatalf("the case that continues: merged from %+v, counts %+v", v.MergedFrom, v.ChildCounts)
	}
	if !hasOpen(t, env, p.sw, first, policy.StrategyDiscussion) {
		t.Error("three missing episodes across the two cases started no strategy discussion")
	}
	if m := viewAs(t, env, p.manager, second.CaseID); m.MergedInto == nil || m.MergedInto.CaseID != first || m.Stage != safeguarding.StageClosed {
		t.Errorf("the merged case: merged into %+v, stage %s", m.MergedInto, m.Stage)
	}

	// A concern for the merged case goes to the one that continues for the carer of both; the
	// carer of the merged case alone is refused without being told which case continues.
	concern := map[string]any{"observed_at": rfc3339(time.Now()), "exploitation_types": []string{"sexual-exploitation"},
		"indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Seen with the same adults again."}
	got := mustStep(t, env, p.carer, merged, "concern", concern)
	if got.CaseID != first {
		t.Errorf("the concern went to %s, want the case that continues %s", got.CaseID, first)
	}
	r := env.Do(http.MethodPost, merged+"/concern", p.otherCarer, concern)
	if r.Status != http.StatusConflict || strings.Contains(string(r.Body), first) || strings.Contains(string(r.Body), "merged_into") {
		t.Errorf("the carer of the merged case alone: %d %s", r.Status, r.Body)
	}
}
