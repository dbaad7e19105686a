package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
)

// TestPowersReachOnlyTheirTeam: each refusal of the scoped powers, through the API: 403, a
// problem saying who acts instead, and nothing changed (the step is taken after by whoever may).
func TestPowersReachOnlyTheirTeam(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	southManager := env.Token(safeguarding.RoleManager, "mgr-2", "south")
	caseID := raiseCase(t, env, p.carer, time.Now().Add(-time.Hour))
	var view safeguarding.View
	env.Do(http.MethodGet, "/v1/cases/"+caseID, p.manager, nil).JSON(t, &view)
	var anAction string
	for _, a := range view.Actions {
		if a.Status == safeguarding.ActionOpen && a.Kind == "nrm-request" {
			anAction = a.ID
		}
	}
	if anAction == "" {
		t.Fatal("no open NRM request to end")
	}
	now := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)
	for _, c := range []struct {
		name, step, token, says string
		body                    map[string]any
	}{
		{"a manager of another team ends an obligation", "action-resolve", southManager, "team north",
			map[string]any{"action_id": anAction, "reason": "Done elsewhere."}},
		{"a manager of another team moves the case to their team", "team", southManager, "team north",
			map[string]any{"team": "south", "reason": "Ours now."}},
		{"a fostering social worker names another social worker", "case-details", p.fsw, "manager or the Safeguarding Lead",
			map[string]any{"social_worker": "sw-2", "reason": "Vacant."}},
		{"a social worker records an allegation against a manager", "allegation", p.sw, "Safeguarding Lead or another manager",
			map[string]any{"received_at": now, "against_user": "mgr-1", "against_role": "manager", "summary": "Shared the address."}},
	} {
		got := env.Do(http.MethodPost, "/v1/cases/"+caseID+"/"+c.step, c.token, c.body)
		var problem api.Problem
		got.JSON(t, &problem)
		if got.Status != http.StatusForbidden || got.Header.Get("Content-Type") != api.ProblemContentType || !strings.Contains(problem.Detail, c.says) {
			t.Errorf("%s: %d %s, want 403 saying %q", c.name, got.Status, got.Body, c.says)
		}
	}
	var after safeguarding.View
	env.Do(http.MethodGet, "/v1/cases/"+caseID, p.manager, nil).JSON(t, &after)
	if after.Team != "north" || after.SocialWorker != "sw-1" || len(after.Allegations) != 0 {
		t.Errorf("a refused step changed the case: team %q, social worker %q, %d allegations", after.Team, after.SocialWorker, len(after.Allegations))
	}
	if got := env.Do(http.MethodPost, "/v1/cases/"+caseID+"/action-resolve", p.manager, map[string]any{"action_id": anAction, "reason": "Referred by the police."}); got.Status != http.StatusOK {
		t.Errorf("the team's manager ends it: %d %s", got.Status, got.Body)
	}
	// A manager the identity provider grants the north team (the caseflow_teams claim) acts on
	// it like its own manager; the grant travels signed, so it is the token's, not the request's.
	covering, err := env.App.Tokens.Mint(safeguarding.Actor{UserID: "mgr-4", Role: safeguarding.RoleManager, Team: "south", Teams: "north"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got := env.Do(http.MethodPost, "/v1/cases/"+caseID+"/team", covering, map[string]any{"team": "north", "social_worker": "sw-2", "reason": "Reallocated while sw-1 is away."}); got.Status != http.StatusOK {
		t.Errorf("a manager granted the case's team assigns its social worker: %d %s", got.Status, got.Body)
	}
}
