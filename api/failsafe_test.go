package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
)

// The fail-safe rules through the real stack: what each role can and cannot do, and see.

func TestClosureKeepsObligationsThroughTheAPI(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	now := time.Now().Add(-time.Minute)
	caseID := raiseCase(t, env, p.carer, now)
	path := "/v1/cases/" + caseID
	mustStep(t, env, p.sw, path, "closure-request", map[string]any{"reason": "moved-to-another-agency", "note": "Moved to Leeds."})

	refused := env.Do(http.MethodPost, path+"/closure-approval", p.manager, map[string]any{"note": "Agreed."})
	var problem api.Problem
	refused.JSON(t, &problem)
	open := openActions(t, env, p.manager, caseID)
	if refused.Status != http.StatusConflict || len(problem.Errors) != len(open) {
		t.Fatalf("approval with %d obligations open: %d %s", len(open), refused.Status, refused.Body)
	}
	for _, a := range open {
		if !strings.Contains(problem.Detail, a.Title) || problem.Errors["resolutions["+a.ID+"]"] == "" {
			t.Errorf("the refusal does not name %s: %s", a.ID, refused.Body)
		}
	}
	mustStep(t, env, p.manager, path, "closure-approval", map[string]any{"note": "Agreed.", "resolutions": resolveAll(open, "Handed over to Leeds.")})
	if v := viewAs(t, env, p.manager, caseID); v.Stage != safeguarding.StageClosed || len(v.OpenActions) != 0 {
		t.Fatalf("after approval: stage %s, %d open", v.Stage, len(v.OpenActions))
	}

	// A carer can always record a new concern about the child: the case reopens, the closure's
	// obligations come back and the new concern's clocks start.
	res := mustStep(t, env, p.carer, path, "concern", map[string]any{"observed_at": rfc3339(time.Now()), "exploitation_types": []string{"sexual-exploitation"},
		"indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Picked up by an older man."})
	v := viewAs(t, env, p.manager, caseID)
	if v.Stage == safeguarding.StageClosed || len(v.OpenActions) < len(open)+2 {
		t.Fatalf("after a new concern: stage %s, %d open; want reopened with %d and more", v.Stage, len(v.OpenActions), len(open))
	}
	if !slices.ContainsFunc(v.OpenActions, func(a safeguarding.ActionView) bool { return a.Kind == policy.PoliceReport && a.Ref == res.Ref }) {
		t.Error("the new concern has no police report clock")
	}
}

func TestRecordsAnswerTheirConcernThroughTheAPI(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	first := time.Now().Add(-time.Hour)
	caseID := raiseCase(t, env, p.carer, first)
	path := "/v1/cases/" + caseID
	second := mustStep(t, env, p.carer, path, "concern", map[string]any{"observed_at": rfc3339(time.Now().Add(-time.Minute)), "immediate_danger": true,
		"exploitation_types": []string{"sexual-exploitation"}, "indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Taken away."})
	// A 101 report made before the second concern answers the first only.
	mustStep(t, env, p.carer, path, "police-report", map[string]any{"reported_at": rfc3339(first.Add(10 * time.Minute)), "channel": "101", "reference": "P-1"})
	open := openActions(t, env, p.sw, caseID)
	if slices.ContainsFunc(open, func(a safeguarding.ActionView) bool { return a.Kind == policy.PoliceReport }) {
		t.Error("the first concern's police report is still open")
	}
	if !slices.ContainsFunc(open, func(a safeguarding.ActionView) bool { return a.Kind == policy.ImmediateDanger && a.Ref == second.Ref }) {
		t.Fatal("the report before the second concern closed its 999 clock")
	}
	late := env.Do(http.MethodPost, path+"/police-report", p.carer, map[string]any{"reported_at": rfc3339(first.Add(10 * time.Minute)), "channel": "999",
		"reference": "P-2", "concern_ids": []string{second.Ref}})
	if late.Status != http.StatusUnprocessableEntity || !strings.Contains(string(late.Body), "concern_ids") {
		t.Fatalf("a report naming a later concern: %d %s", late.Status, late.Body)
	}
}

func TestAMissingChildThroughTheAPI(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now().Add(-time.Hour))
	path := "/v1/cases/" + caseID
	res := mustStep(t, env, p.carer, path, "missing-episode", map[string]any{"went_missing_at": rfc3339(time.Now().Add(-30 * time.Minute)), "reported_to_police": false})
	mine := map[policy.RuleID]bool{}
	for _, a := range openActions(t, env, p.carer, caseID) {
		if a.Ref == res.Ref {
			mine[a.Kind] = true
		}
	}
	for _, rule := range []policy.RuleID{policy.MissingChild, policy.MissingPoliceReport, policy.MissingNotifySW, policy.MissingNotifyLead} {
		if !mine[rule] {
			t.Errorf("the carer does not see the %s clock of the episode", rule)
		}
	}
	testenv.Eventually(t, 10*time.Second, "the episode's clocks in the carer's list", func() bool {
		var page api.ActionsPage
		env.Do(http.MethodGet, "/v1/me/actions", p.carer, nil).JSON(t, &page)
		return slices.ContainsFunc(page.Actions, func(r readmodel.ActionRow) bool { return r.Kind == string(policy.MissingPoliceReport) })
	})
	if r := env.Do(http.MethodPost, path+"/missing-episode", p.carer, map[string]any{"went_missing_at": rfc3339(time.Now()), "reported_to_police": true}); r.Status != http.StatusUnprocessableEntity {
		t.Errorf("reported to the police without a reference: %d", r.Status)
	}
	mustStep(t, env, p.carer, path, "missing-return", map[string]any{"episode_id": res.Ref, "returned_at": rfc3339(time.Now())})
	mustStep(t, env, p.sw, path, "return-interview", map[string]any{"episode_id": res.Ref, "held_at": rfc3339(time.Now()), "outcome": "declined", "offered_by": "Independent return worker"})
	for _, a := range openActions(t, env, p.sw, caseID) {
		if a.Ref == res.Ref && (a.Kind == policy.MissingChild || a.Kind == policy.ReturnInterview) {
			t.Errorf("%s still open after the return and the declined interview", a.Kind)
		}
	}
}

func TestAllegationsProtectTheChildThroughTheAPI(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now().Add(-time.Hour))
	path := "/v1/cases/" + caseID
	mustStep(t, env, p.lead, path, "allegation", map[string]any{"received_at": rfc3339(time.Now()), "against_user": "sw-1", "against_role": "social_worker",
		"summary": "Seen with the exploiter.", "urgent": true})
	if r := env.Do(http.MethodGet, path, p.sw, nil); r.Status != http.StatusNotFound {
		t.Fatalf("the accused social worker reads the case: %d", r.Status)
	}
	if r := env.Do(http.MethodPost, path+"/lado-informed", p.sw, map[string]any{"allegation_id": "L9", "informed_at": rfc3339(time.Now()), "reference": "L"}); r.Status != http.StatusNotFound {
		t.Fatalf("the accused social worker records the LADO step: %d", r.Status)
	}
	testenv.Eventually(t, 10*time.Second, "the case gone from the accused's lists", func() bool {
		var cases api.CasesPage
		env.Do(http.MethodGet, "/v1/cases", p.sw, nil).JSON(t, &cases)
		var mine api.ActionsPage
		env.Do(http.MethodGet, "/v1/me/actions", p.sw, nil).JSON(t, &mine)
		return len(cases.Cases) == 0 && len(mine.Actions) == 0
	})
	for _, a := range openActions(t, env, p.manager, caseID) {
		if a.Owner.UserID == "sw-1" {
			t.Errorf("%s still owned by the accused", a.Kind)
		}
	}
}

func TestOnlyAManagerExtendsADeadlineThroughTheAPI(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now().Add(-time.Hour))
	path := "/v1/cases/" + caseID
	var care safeguarding.ActionView
	for _, a := range openActions(t, env, p.sw, caseID) {
		if a.Kind == policy.CarePlan {
			care = a
		}
	}
	later := map[string]any{"action_id": care.ID, "due": rfc3339(care.Due.Add(14 * 24 * time.Hour)), "reason": "Family court hearing."}
	if r := env.Do(http.MethodPost, path+"/due-date", p.sw, later); r.Status != http.StatusForbidden {
		t.Fatalf("a social worker extending a policy deadline: %d %s", r.Status, r.Body)
	}
	mustStep(t, env, p.manager, path, "due-date", later)
	for _, a := range openActions(t, env, p.sw, caseID) {
		if a.ID == care.ID && (!a.OriginalDue.Equal(care.Due) || !a.Due.Equal(care.Due.Add(14*24*time.Hour))) {
			t.Errorf("moved action: due %v, original %v", a.Due, a.OriginalDue)
		}
	}
}

// TestEveryResponseAppliesTheVisibilityPolicy: a household of two carers, one of them accused,
// and a case with a planted allegation. Every role in every relation reads every response that
// can name a case; only those the policy lets see allegations find it, and the accused finds
// nothing at all.
func TestEveryResponseAppliesTheVisibilityPolicy(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	resp := env.Do(http.MethodPost, "/v1/cases", p.sw, testenv.Concern(time.Now().Add(-3*time.Hour), "sw-1", "north", "carer-1", "carer-2"))
	var created api.StepResponse
	resp.JSON(t, &created)
	caseID := created.CaseID
	path := "/v1/cases/" + caseID
	mustStep(t, env, p.lead, path, "allegation", map[string]any{"received_at": rfc3339(time.Now().Add(-2 * time.Hour)), "against_user": "carer-2",
		"against_role": "carer", "summary": "PLANTED-ALLEGATION", "possible_offence": true})
	teamSW := env.Token(safeguarding.RoleSocialWorker, "sw-3", "north")
	rows := []struct {
		name       string
		token      string
		sees       bool
		restricted bool
	}{
		{"carer of the child", p.carer, true, false},
		{"accused carer", p.otherCarer, false, false},
		{"social worker", p.sw, true, true},
		{"social worker of another team", p.otherSW, false, false},
		{"social worker of the team, without team access", teamSW, false, false},
		{"fostering social worker", p.fsw, true, false},
		{"another fostering social worker", p.otherFSW, false, false},
		{"safeguarding lead", p.lead, true, true},
		{"manager", p.manager, true, true},
	}
	// Wait for the read model to hold the allegation's actions.
	testenv.Eventually(t, 10*time.Second, "the restricted actions in the read model", func() bool {
		var page api.CasesPage
		env.Do(http.MethodGet, "/v1/cases", p.manager, nil).JSON(t, &page)
		return len(page.Cases) == 1 && slices.ContainsFunc(page.Cases[0].Actions, func(a projection.Action) bool { return a.Kind == "restricted" })
	})
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			responses := map[string]testenv.Response{
				"case":          env.Do(http.MethodGet, path, row.token, nil),
				"timeline":      env.Do(http.MethodGet, path+"/timeline", row.token, nil),
				"cases":         env.Do(http.MethodGet, "/v1/cases", row.token, nil),
				"my actions":    env.Do(http.MethodGet, "/v1/me/actions", row.token, nil),
				"notifications": env.Do(http.MethodGet, "/v1/me/notifications", row.token, nil),
			}
			if row.token == p.manager || row.token == p.lead {
				responses["overdue"] = env.Do(http.MethodGet, "/v1/overdue", row.token, nil)
			}
			for what, r := range responses {
				body := string(r.Body)
				if strings.Contains(body, "PLANTED-ALLEGATION") != (row.restricted && what == "case") {
					t.Errorf("%s: shows the allegation: %v", what, !row.restricted)
				}
				for _, kind := range []string{`"kind":"lado"`, `"kind":"dbs-referral"`, `"kind":"allegation-police-report"`} {
					if strings.Contains(body, kind) && (!row.restricted || what != "case") {
						t.Errorf("%s: names a restricted action (%s)", what, kind)
					}
				}
				if strings.Contains(body, "carer-2") && !row.restricted {
					t.Errorf("%s: names the accused carer", what)
				}
				// A refusal echoes the address asked for; a list must not name the case at all.
				if strings.Contains(body, caseID) && !row.sees && what != "case" && what != "timeline" {
					t.Errorf("%s: names the case to someone who may not see it", what)
				}
			}
			if got := responses["case"].Status; (got == http.StatusOK) != row.sees {
				t.Errorf("case: %d, want visible %v", got, row.sees)
			}
			var lado string
			for _, a := range openActions(t, env, p.lead, caseID) {
				if a.Kind == policy.LADO {
					lado = a.ID
				}
			}
			step := env.Do(http.MethodPost, path+"/action-done", row.token, map[string]any{"action_id": lado, "completed_at": rfc3339(time.Now())})
			if strings.Contains(string(step.Body), "Designated") && !row.restricted {
				t.Errorf("a step naming the hidden action names it back: %s", step.Body)
			}
		})
	}
}

// TestIdentitiesOutsideTheAllowListAreRefused: a token whose user or team id holds a space or a
// control character never reaches a case.
func TestIdentitiesOutsideTheAllowListAreRefused(t *testing.T) {
	env := start(t, testenv.Options{})
	for _, tok := range []string{
		env.Token(safeguarding.RoleSocialWorker, "sw 1", "north"),
		env.Token(safeguarding.RoleSocialWorker, "sw-1", "north\x1fsouth"),
	} {
		if r := env.Do(http.MethodGet, "/v1/cases", tok, nil); r.Status != http.StatusUnauthorized {
			t.Errorf("a token with a bad identifier: %d %s", r.Status, r.Body)
		}
	}
	body := testenv.Concern(time.Now(), "sw-1", "north\nteam", "carer-1")
	if r := env.Do(http.MethodPost, "/v1/cases", tokens(env).carer, body); r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), `"team"`) {
		t.Errorf("a concern with a team holding a control character: %d %s", r.Status, r.Body)
	}
}

func mustStep(t *testing.T, env *testenv.Env, token, path, step string, body map[string]any) api.StepResponse {
	t.Helper()
	r := env.Do(http.MethodPost, path+"/"+step, token, body)
	if r.Status != http.StatusOK {
		t.Fatalf("%s: %d %s", step, r.Status, r.Body)
	}
	var res api.StepResponse
	r.JSON(t, &res)
	return res
}

func viewAs(t *testing.T, env *testenv.Env, token, caseID string) safeguarding.View {
	t.Helper()
	r := env.Do(http.MethodGet, "/v1/cases/"+caseID, token, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("view: %d %s", r.Status, r.Body)
	}
	var v safeguarding.View
	r.JSON(t, &v)
	return v
}

func openActions(t *testing.T, env *testenv.Env, token, caseID string) []safeguarding.ActionView {
	t.Helper()
	return viewAs(t, env, token, caseID).OpenActions
}

func resolveAll(open []safeguarding.ActionView, reason string) []map[string]string {
	var out []map[string]string
	for _, a := range open {
		out = append(out, map[string]string{"action_id": a.ID, "reason": reason})
	}
	return out
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
