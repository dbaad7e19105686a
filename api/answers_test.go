package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/test/testenv"
)

// TestARecordDatedBeforeWhatItAnswersIsRefusedThroughTheAPI: a strategy meeting dated before the
// referral that called for it is refused with a 422 naming held_at, worded for the social worker,
// and the discussion stays open; dated after it, it closes it. Every role that may record a
// meeting gets the same answer, and nobody else gets past authorisation.
func TestARecordDatedBeforeWhatItAnswersIsRefusedThroughTheAPI(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	raised := time.Now().Add(-3 * time.Hour)
	caseID := raiseCase(t, env, p.carer, raised)
	path := "/v1/cases/" + caseID
	mustStep(t, env, p.sw, path, "csc-referral", map[string]any{"referred_at": rfc3339(raised.Add(time.Hour))})
	early := map[string]any{"held_at": rfc3339(raised.Add(30 * time.Minute)), "format": "phone", "outcome": "Spoke to the police."}
	for token, status := range map[string]int{
		p.sw: http.StatusUnprocessableEntity, p.fsw: http.StatusUnprocessableEntity, p.lead: http.StatusUnprocessableEntity,
		p.manager: http.StatusUnprocessableEntity, p.carer: http.StatusForbidden, p.otherSW: http.StatusNotFound,
	} {
		resp := env.Do(http.MethodPost, path+"/strategy-meeting-held", token, early)
		if resp.Status != status {
			t.Fatalf("an early meeting: %d %s, want %d", resp.Status, resp.Body, status)
		}
		if status != http.StatusUnprocessableEntity {
			continue
		}
		var problem api.Problem
		resp.JSON(t, &problem)
		if problem.Errors["held_at"] == "" || !strings.Contains(problem.Detail, "cannot answer it") || !strings.Contains(problem.Detail, "Check the date") {
			t.Errorf("the refusal does not name held_at in words a social worker can act on: %s", resp.Body)
		}
	}
	if !hasOpen(t, env, p.sw, caseID, policy.StrategyDiscussion) {
		t.Fatal("the strategy discussion closed")
	}
	mustStep(t, env, p.sw, path, "strategy-meeting-held", map[string]any{"held_at": rfc3339(raised.Add(2 * time.Hour)), "format": "phone", "outcome": "Plan agreed."})
	if hasOpen(t, env, p.sw, caseID, policy.StrategyDiscussion) {
		t.Fatal("a meeting after the referral did not close its strategy discussion")
	}
}

func hasOpen(t *testing.T, env *testenv.Env, token, caseID string, kind policy.RuleID) bool {
	t.Helper()
	for _, a := range openActions(t, env, token, caseID) {
		if a.Kind == kind {
			return true
		}
	}
	return false
}
