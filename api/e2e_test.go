package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
)

// TestEndToEnd follows one case through HTTP with real tokens for each role: a carer raises a
// concern, the social worker records the police report and the NRM referral, the carer adds to
// the care plan, and once the steps are done the manager approves the closure the social worker
// asked for.
func TestEndToEnd(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	now := time.Now().Add(-time.Minute)
	ts := now.UTC().Format(time.RFC3339)
	caseID := raiseCase(t, env, p.carer, now)
	path := "/v1/cases/" + caseID

	steps := []struct {
		token, step string
		body        map[string]any
	}{
		{p.carer, "social-worker-informed", map[string]any{"informed_at": ts, "method": "phone"}},
		{p.carer, "safeguarding-lead-informed", map[string]any{"informed_at": ts}},
		{p.sw, "police-report", map[string]any{"reported_at": ts, "channel": "101", "reference": "CAD-4471"}},
		{p.fsw, "nrm-request", map[string]any{"requested_at": ts, "requested_of": "local-authority"}},
		{p.sw, "nrm-referral", map[string]any{"submitted_at": ts, "reference": "NRM-2026-0091", "first_responder": "local-authority"}},
		{p.carer, "care-plan-contribution", map[string]any{"text": "Calmer after football; wants to stay at his school.", "topic": "routine"}},
		{p.fsw, "care-plan-contribution", map[string]any{"text": "The carers need respite every other weekend.", "topic": "support"}},

		{p.sw, "care-plan-agreed", map[string]any{"agreed_at": ts, "summary": "Plan agreed with the team around the child."}},
		{p.sw, "nrm-rg-decision", map[string]any{"decided_at": ts, "outcome": "positive"}},
		{p.sw, "ictg-referral", map[string]any{"referred_at": ts}},
		{p.sw, "closure-request", map[string]any{"reason": "risk-resolved", "note": "Steps complete; risk reduced."}},
	}
	for _, s := range steps {
		resp := env.Do(http.MethodPost, path+"/"+s.step, s.token, s.body)
		if resp.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", s.step, resp.Status, resp.Body)
		}
	}
	if resp := env.Do(http.MethodPost, path+"/closure-approval", p.carer, map[string]any{}); resp.Status != http.StatusForbidden {
		t.Fatalf("a carer approving closure: %d, want 403", resp.Status)
	}
	// The clocks still running (reviews, the ICTG, the NRM decisions) stop only when the manager
	// resolves each with a reason.
	refused := env.Do(http.MethodPost, path+"/closure-approval", p.manager, map[string]any{"note": "Agreed."})
	if refused.Status != http.StatusConflict {
		t.Fatalf("closure approval with obligations open: %d %s", refused.Status, refused.Body)
	}
	var open safeguarding.View
	env.Do(http.MethodGet, path, p.manager, nil).JSON(t, &open)
	var resolutions []map[string]string
	for _, a := range open.OpenActions {
		resolutions = append(resolutions, map[string]string{"action_id": a.ID, "reason": "Transferred to the LA with a handover meeting."})
	}
	if resp := env.Do(http.MethodPost, path+"/closure-approval", p.manager, map[string]any{"note": "Agreed.", "resolutions": resolutions}); resp.Status != http.StatusOK {
		t.Fatalf("closure approval: %d %s", resp.Status, resp.Body)
	}

	var v safeguarding.View
	env.Do(http.MethodGet, path, p.manager, nil).JSON(t, &v)
	switch {
	case v.Stage != safeguarding.StageClosed:
		t.Errorf("stage %q, want closed", v.Stage)
	case len(v.Reporting.PoliceReports) != 1 || v.Reporting.PoliceReports[0].Reference != "CAD-4471":
		t.Errorf("police report %+v", v.Reporting.PoliceReports)
	case v.NRM.Referral == nil || v.NRM.Referral.Reference != "NRM-2026-0091":
		t.Errorf("NRM referral %+v", v.NRM.Referral)
	case len(v.CarePlan.Contributions) != 2 || v.CarePlan.Contributions[0].By.UserID != "carer-1":
		t.Errorf("care plan contributions %+v", v.CarePlan.Contributions)
	case len(v.OpenActions) != 0:
		t.Errorf("open actions after closure: %+v", v.OpenActions)
	}

	// The carer sees their child's case without the professionals' records.
	var carerView safeguarding.View
	env.Do(http.MethodGet, path, p.carer, nil).JSON(t, &carerView)
	if carerView.NRM.Referral != nil || carerView.Child.Name != testenv.ChildName || len(carerView.CarePlan.Contributions) != 2 {
		t.Errorf("carer's view: NRM %+v, child %q, contributions %d", carerView.NRM.Referral, carerView.Child.Name, len(carerView.CarePlan.Contributions))
	}

	var tl api.TimelineResponse
	env.Do(http.MethodGet, path+"/timeline", p.sw, nil).JSON(t, &tl)
	kinds := map[string]bool{}
	for _, e := range tl.Entries {
		kinds[e.Kind] = true
	}
	for _, k := range []string{"concern-raised", "police-report", "nrm-referral", "care-plan-contribution", "closure-requested", "closure-approved"} {
		if !kinds[k] {
			t.Errorf("timeline has no %q entry: %+v", k, tl.Entries)
		}
	}
}
