package api_test

import (
	"fmt"
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
)

// dutyCase is a case brought to where one step of the seed duties can be taken.
type dutyCase struct {
	t    *testing.T
	env  *testenv.Env
	p    people
	id   string
	path string
	now  time.Time
}

func (d *dutyCase) at(ago time.Duration) string { return rfc3339(d.now.Add(-ago)) }

func (d *dutyCase) step(token, step string, body map[string]any) {
	d.t.Helper()
	mustStep(d.t, d.env, token, d.path, step, body)
}

// lead is the case as the Safeguarding Lead sees it.
func (d *dutyCase) lead() safeguarding.View {
	d.t.Helper()
	return viewAs(d.t, d.env, d.p.lead, d.id)
}

// dutyEndpoint is one step of the seed duties as the API serves it: how a case is brought to where
// it can be taken, and its body.
type dutyEndpoint struct {
	step string
	// roles may take it, and no other.
	roles []safeguarding.Role
	// raisedAgo is how long before the test the case's concern was seen (an hour unless set).
	raisedAgo time.Duration
	setup     func(d *dutyCase)
	body      func(d *dutyCase) map[string]any
}

func dutyEndpoints() []dutyEndpoint {
	decided := func(d *dutyCase) {
		d.step(d.p.sw, "csc-referral", map[string]any{"referred_at": d.at(50 * time.Minute)})
		d.step(d.p.sw, "csc-decision", map[string]any{"decided_at": d.at(40 * time.Minute), "decision": "child-in-need"})
	}
	adultConcern := func(d *dutyCase) {
		d.step(d.p.carer, "concern", map[string]any{"observed_at": d.at(50 * time.Minute), "exploitation_types": []string{"sexual-exploitation"},
			"indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Collected from school by a man in his twenties."})
	}
	accompanied := func(d *dutyCase) {
		d.step(d.p.sw, "contact", map[string]any{"name": "Accompanying adult", "relationship": "Says he is an uncle", "accompanying": true})
	}
	negative := func(d *dutyCase) {
		d.step(d.p.sw, "nrm-referral", map[string]any{"submitted_at": d.at(50 * time.Minute), "reference": "NRM-1", "first_responder": "police"})
		d.step(d.p.sw, "nrm-rg-decision", map[string]any{"decided_at": d.at(40 * time.Minute), "outcome": "negative"})
	}
	alleged := func(d *dutyCase) {
		d.step(d.p.lead, "allegation", map[string]any{"received_at": d.at(50 * time.Minute), "against_user": "staff-9",
			"against_role": "fostering_social_worker", "summary": "Seen with the exploiters."})
	}
	allegationID := func(d *dutyCase) string { return d.lead().Allegations[0].ID }
	sw, fsw, lead, manager := safeguarding.RoleSocialWorker, safeguarding.RoleFosteringSocialWorker, safeguarding.RoleSafeguardingLead, safeguarding.RoleManager
	staff, caseLeads, overseers := []safeguarding.Role{sw, fsw, lead, manager}, []safeguarding.Role{sw, lead, manager}, []safeguarding.Role{lead, manager}
	return []dutyEndpoint{
		{step: "young-person-told", roles: staff, setup: decided, body: func(d *dutyCase) map[string]any {
			return map[string]any{"outcome_id": d.lead().Duties.Outcomes[0].ID, "told_at": d.at(0), "told_by": "Social worker", "how": "In person"}
		}},
		{step: "csods-request", roles: caseLeads, setup: adultConcern, body: func(d *dutyCase) map[string]any {
			return map[string]any{"requested_at": d.at(0), "adult": "Dan", "reason": "Collects her from school."}
		}},
		{step: "csods-not-requested", roles: caseLeads, setup: adultConcern, body: func(d *dutyCase) map[string]any {
			return map[string]any{"decided_at": d.at(0), "reason": "A classmate, known to the school."}
		}},
		{step: "csods-answer", roles: caseLeads, setup: func(d *dutyCase) {
			d.step(d.p.sw, "csods-request", map[string]any{"requested_at": d.at(30 * time.Minute), "adult": "Dan", "reason": "Collects her."})
		}, body: func(d *dutyCase) map[string]any {
			return map[string]any{"request_id": d.lead().Duties.Checks[0].ID, "answered_at": d.at(0), "outcome": "nothing-to-disclose"}
		}},
		{step: "spoke-alone", roles: staff, setup: accompanied, body: func(d *dutyCase) map[string]any {
			// After the contact that started the obligation (a second on, as times are to the second).
			return map[string]any{"contact_id": d.lead().Contacts[0].ID, "at": time.Now().Add(time.Second).UTC().Format(time.RFC3339), "outcome": "spoken-alone"}
		}},
		{step: "nrm-challenge", roles: caseLeads, setup: negative, body: func(d *dutyCase) map[string]any {
			return map[string]any{"decision": "reasonable-grounds", "decided_at": d.at(0), "outcome": "challenge", "reason": "New evidence."}
		}},
		{step: "nrm-parental-view", roles: caseLeads, body: func(d *dutyCase) map[string]any {
			return map[string]any{"recorded_at": d.at(0), "holder": "Mother, in Eritrea", "view": "objects"}
		}},
		// The carer's police report was due three hours ago: its chase has reached the Lead.
		{step: "conduct-decision", roles: overseers, raisedAgo: 4 * time.Hour, setup: func(d *dutyCase) {
			testenv.Eventually(d.t, 20*time.Second, "the conduct review", func() bool {
				return slices.ContainsFunc(d.lead().OpenActions, func(a safeguarding.ActionView) bool { return a.Kind == policy.ConductReview })
			})
		}, body: func(d *dutyCase) map[string]any {
			var id string
			for _, a := range d.lead().OpenActions {
				if a.Kind == policy.ConductReview {
					id = a.ID
				}
			}
			return map[string]any{"action_id": id, "decided_at": d.at(0), "outcome": "not-conduct-matter", "reason": "Called at once, recorded late."}
		}},
		{step: "allegation-external", roles: staff, body: func(d *dutyCase) map[string]any {
			return map[string]any{"received_at": d.at(0), "name": "J. Smith", "organisation": "Northfield Academy", "role": "teacher", "summary": "Gifts."}
		}},
		{step: "allegation-outcome", roles: caseLeads, setup: alleged, body: func(d *dutyCase) map[string]any {
			return map[string]any{"allegation_id": allegationID(d), "decided_at": d.at(0), "outcome": "substantiated", "decided_by": "LADO"}
		}},
		{step: "relationship-ended", roles: overseers, setup: func(d *dutyCase) {
			alleged(d)
			d.step(d.p.lead, "allegation-outcome", map[string]any{"allegation_id": allegationID(d), "decided_at": d.at(30 * time.Minute),
				"outcome": "substantiated", "decided_by": "LADO"})
		}, body: func(d *dutyCase) map[string]any {
			return map[string]any{"allegation_id": allegationID(d), "decided_at": d.at(0), "decision": "ended", "decided_by": "Responsible Individual",
				"reason": "Involved in the child's exploitation."}
		}},
	}
}

// TestDutyEndpointsByRoleAndRelation takes each step of the seed duties, on a case brought to
// where it can happen, as every role connected with the child: a role the step lists records it
// (200), any other is refused (403); a carer, social worker or fostering social worker the step
// lists but who is not connected with the child is told there is no such case (404).
func TestDutyEndpointsByRoleAndRelation(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	connected := map[safeguarding.Role]string{
		safeguarding.RoleCarer: p.carer, safeguarding.RoleSocialWorker: p.sw, safeguarding.RoleFosteringSocialWorker: p.fsw,
		safeguarding.RoleSafeguardingLead: p.lead, safeguarding.RoleManager: p.manager, safeguarding.RoleDataProtectionOfficer: p.dpo,
	}
	strangers := map[safeguarding.Role]string{
		safeguarding.RoleCarer: p.otherCarer, safeguarding.RoleSocialWorker: p.otherSW, safeguarding.RoleFosteringSocialWorker: p.otherFSW,
	}
	// Each case is of a child of its own: a concern about a child with a case goes to that case.
	children := 0
	newDutyCase := func(t *testing.T, ep dutyEndpoint) *dutyCase {
		ago := ep.raisedAgo
		if ago == 0 {
			ago = time.Hour
		}
		now := time.Now()
		children++
		name := testenv.ChildName + " " + string(rune('A'+children%26)) + string(rune('a'+children/26))
		dob := fmt.Sprintf("2011-%02d-%02d", 1+children/28%12, 1+children%28)
		id := raiseCaseWith(t, env, p.carer, testenv.ConcernFor(name, dob, now.Add(-ago), "sw-1", "north", "carer-1"))
		d := &dutyCase{t: t, env: env, p: p, id: id, path: "/v1/cases/" + id, now: now}
		if ep.setup != nil {
			ep.setup(d)
		}
		return d
	}
	for _, ep := range dutyEndpoints() {
		s, ok := safeguarding.StepNamed(ep.step)
		if !ok {
			t.Fatalf("no step %s", ep.step)
		}
		t.Run(ep.step, func(t *testing.T) {
			if !slices.Equal(s.Roles, ep.roles) {
				t.Errorf("the step may be taken by %v, want %v", s.Roles, ep.roles)
			}
			for _, role := range safeguarding.Roles {
				d := newDutyCase(t, ep)
				body := ep.body(d)
				allowed := slices.Contains(ep.roles, role)
				if stranger, ok := strangers[role]; ok && allowed {
					if r := env.Do(http.MethodPost, d.path+"/"+ep.step, stranger, body); r.Status != http.StatusNotFound {
						t.Errorf("as a %s not connected with the child: %d %s, want 404", role, r.Status, r.Body)
					}
				}
				want := http.StatusForbidden
				if allowed {
					want = http.StatusOK
				}
				if r := env.Do(http.MethodPost, d.path+"/"+ep.step, connected[role], body); r.Status != want {
					t.Errorf("as the child's %s: %d %s, want %d", role, r.Status, r.Body, want)
				}
			}
		})
	}
	if missing := missingDutySteps(); len(missing) > 0 {
		t.Errorf("steps of the seed duties without an endpoint row: %v", missing)
	}
}

// missingDutySteps lists the steps of the seed duties that dutyEndpoints does not try.
func missingDutySteps() []string {
	rows := map[string]bool{}
	for _, ep := range dutyEndpoints() {
		rows[ep.step] = true
	}
	var missing []string
	for _, name := range []string{"young-person-told", "csods-request", "csods-not-requested", "csods-answer", "spoke-alone", "nrm-challenge",
		"nrm-parental-view", "conduct-decision", "allegation-external", "allegation-outcome", "relationship-ended"} {
		if !rows[name] {
			missing = append(missing, name)
		}
	}
	return missing
}

// TestDutiesRefusalsSpeakToTheSocialWorker: a social worker may not accept a negative NRM
// decision: the API answers 403 saying who may, nothing is recorded and the challenge stays open.
func TestDutiesRefusalsSpeakToTheSocialWorker(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	now := time.Now()
	caseID := raiseCase(t, env, p.carer, now.Add(-time.Hour))
	path := "/v1/cases/" + caseID
	mustStep(t, env, p.sw, path, "nrm-referral", map[string]any{"submitted_at": rfc3339(now.Add(-50 * time.Minute)), "reference": "N1", "first_responder": "police"})
	mustStep(t, env, p.sw, path, "nrm-rg-decision", map[string]any{"decided_at": rfc3339(now.Add(-40 * time.Minute)), "outcome": "negative"})
	before := settledHistory(t, env, caseID)
	r := env.Do(http.MethodPost, path+"/nrm-challenge", p.sw, map[string]any{"decision": "reasonable-grounds", "decided_at": rfc3339(now),
		"outcome": "accept", "reason": "No new evidence."})
	var problem api.Problem
	r.JSON(t, &problem)
	if r.Status != http.StatusForbidden || !strings.Contains(problem.Detail, "Safeguarding Lead") {
		t.Errorf("a social worker accepting a negative decision: %d %s", r.Status, r.Body)
	}
	if after := historyLength(t, env, caseID); after != before {
		t.Errorf("the refused step changed the case history: %d events, then %d", before, after)
	}
	if v := viewAs(t, env, p.sw, caseID); !slices.ContainsFunc(v.OpenActions, func(a safeguarding.ActionView) bool { return a.Kind == policy.NRMChallenge }) {
		t.Error("the challenge is no longer open")
	}
}

// TestConductReviewsAreForManagersAndTheLeadOnly: the review of a late carer's failure to act is
// on the Lead's and the manager's view of the case and the case list, and on no one else's: not
// the social worker's, the fostering social worker's or the carer's.
func TestConductReviewsAreForManagersAndTheLeadOnly(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now().Add(-4*time.Hour))
	var review safeguarding.ActionView
	testenv.Eventually(t, 20*time.Second, "the conduct review", func() bool {
		for _, a := range viewAs(t, env, p.lead, caseID).OpenActions {
			if a.Kind == policy.ConductReview {
				review = a
				return true
			}
		}
		return false
	})
	if review.Class != safeguarding.ClassConduct || review.Owner != (safeguarding.Owner{Role: safeguarding.RoleSafeguardingLead}) {
		t.Errorf("the review %+v", review)
	}
	for _, who := range []struct {
		name, token string
		sees        bool
	}{{"lead", p.lead, true}, {"manager", p.manager, true}, {"social worker", p.sw, false}, {"fostering social worker", p.fsw, false}, {"carer", p.carer, false}} {
		v := viewAs(t, env, who.token, caseID)
		if got := slices.ContainsFunc(v.Actions, func(a safeguarding.ActionView) bool { return a.ID == review.ID }); got != who.sees {
			t.Errorf("the %s sees the review on the case: %v, want %v", who.name, got, who.sees)
		}
		testenv.Eventually(t, 10*time.Second, "the case listed", func() bool {
			var page api.CasesPage
			env.Do(http.MethodGet, "/v1/cases", who.token, nil).JSON(t, &page)
			for _, c := range page.Cases {
				if c.CaseID == caseID {
					listed := slices.ContainsFunc(c.Actions, func(a projection.Action) bool { return a.ID == review.ID })
					if listed != who.sees {
						t.Errorf("the %s sees the review in the case list: %v, want %v", who.name, listed, who.sees)
					}
					return true
				}
			}
			return false
		})
	}
}
