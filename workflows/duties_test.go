package workflows

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// dutyClockCases are the clocks of the agency policy's seed duties, run by TestClocks and
// TestNothingFiresAfterCompletion with the timescales' own clocks.
func dutyClockCases() []clockCase {
	done := func(name string, body map[string]any) timedStep { return timedStep{0, name, sw, fixed(body)} }
	return []clockCase{
		// A further concern names an older 'boyfriend'.
		{rule: policy.CSODSDecision, setup: []timedStep{{m, "concern", carer, fixed(map[string]any{"observed_at": at(m),
			"indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Collected by a man in his twenties."})}}, start: m,
			complete: done("csods-request", map[string]any{"requested_at": "$now", "adult": "Dan", "reason": "Collects him from school."})},
		{rule: policy.CSODSAnswer, setup: []timedStep{{m, "csods-request", sw, fixed(map[string]any{"requested_at": at(m), "adult": "Dan", "reason": "Collects him."})}},
			start: m, complete: timedStep{0, "csods-answer", sw, func(h *harness) any {
				return map[string]any{"request_id": refOf(1)(h), "answered_at": h.env.Now().Format(time.RFC3339), "outcome": "nothing-to-disclose"}
			}}},
		// The local authority's decision is an outcome the young person is told of.
		{rule: policy.TellYoungPerson, setup: []timedStep{
			{m, "csc-referral", sw, fixed(map[string]any{"referred_at": at(m)})},
			{2 * m, "csc-decision", sw, fixed(map[string]any{"decided_at": at(2 * m), "decision": "child-in-need"})},
		}, start: 2 * m, complete: timedStep{0, "young-person-told", sw, func(h *harness) any {
			return map[string]any{"outcome_id": openActionOf(h, policy.TellYoungPerson).Ref, "told_at": h.env.Now().Format(time.RFC3339),
				"told_by": "Social worker", "how": "In person"}
		}}},
		{rule: policy.SpeakAlone, setup: []timedStep{{m, "contact", sw, fixed(map[string]any{"name": "Adult", "relationship": "Says he is an uncle", "accompanying": true})}},
			start: m, complete: timedStep{0, "spoke-alone", sw, func(h *harness) any {
				return map[string]any{"contact_id": refOf(1)(h), "at": h.env.Now().Format(time.RFC3339), "outcome": "spoken-alone"}
			}}},
		{rule: policy.NRMChallenge, setup: []timedStep{
			{m, "nrm-referral", sw, fixed(map[string]any{"submitted_at": at(m), "reference": "NRM-1", "first_responder": "local-authority"})},
			{2 * m, "nrm-rg-decision", sw, fixed(map[string]any{"decided_at": at(2 * m), "outcome": "negative"})},
		}, start: 2 * m, complete: done("nrm-challenge", map[string]any{"decision": "reasonable-grounds", "decided_at": "$now", "outcome": "challenge",
			"reason": "The ICTG's account was not considered."})},
		// The carer's 999 call is late: the Safeguarding Lead is told at 15 minutes, and asked
		// whether it is a conduct matter. The call and the notifications are then recorded, so that
		// their quarter-hourly re-chases do not fill the run.
		{rule: policy.ConductReview, danger: true, setup: []timedStep{
			{20 * m, "police-report", carer, fixed(map[string]any{"reported_at": at(20 * m), "channel": "999", "reference": "P-999"})},
			{20 * m, "social-worker-informed", carer, fixed(map[string]any{"informed_at": at(20 * m)})},
			{20 * m, "safeguarding-lead-informed", carer, fixed(map[string]any{"informed_at": at(20 * m)})},
		}, start: 15 * m, complete: timedStep{0, "conduct-decision", lead, func(h *harness) any {
			return map[string]any{"action_id": openActionOf(h, policy.ConductReview).ID, "decided_at": h.env.Now().Format(time.RFC3339),
				"outcome": "not-conduct-matter", "reason": "The carer called at once and recorded it late."}
		}}},
		{rule: policy.EndRelationship, setup: []timedStep{allegation("possible_offence"), {2 * m, "allegation-outcome", lead, func(h *harness) any {
			return map[string]any{"allegation_id": refOf(1)(h), "decided_at": at(2 * m), "outcome": "substantiated", "decided_by": "LADO"}
		}}}, start: 2 * m, complete: timedStep{0, "relationship-ended", manager, func(h *harness) any {
			return map[string]any{"allegation_id": refOf(1)(h), "decided_at": h.env.Now().Format(time.RFC3339), "decision": "ended",
				"decided_by": "Responsible Individual", "reason": "Involved in the child's exploitation."}
		}}},
	}
}

// openActionOf queries the case as the Safeguarding Lead for its first open action of kind.
func openActionOf(h *harness, kind policy.RuleID) safeguarding.ActionView {
	v, err := h.env.QueryWorkflow(QueryCase, lead)
	var answer CaseAnswer
	if err == nil {
		err = v.Get(&answer)
	}
	if err != nil || answer.View == nil {
		h.t.Errorf("query case: %v", err)
		return safeguarding.ActionView{}
	}
	a, _ := openAction(*answer.View, kind)
	return a
}

// TestAChaseToTheLeadAsksForAConductDecision: in a running case, the chase that tells the
// Safeguarding Lead a carer's 999 call is late opens the Lead's decision on conduct as it is
// sent, once; its notices go to the Lead alone, and a case on the fail-safe rules opens none.
func TestAChaseToTheLeadAsksForAConductDecision(t *testing.T) {
	for _, rules := range []safeguarding.RulesVersion{safeguarding.RulesCurrent, safeguarding.RulesFailSafe} {
		t.Run(fmt.Sprintf("rules %d", rules), func(t *testing.T) {
			h := newHarness(t, nil)
			if rules != safeguarding.RulesCurrent {
				h.env.OnGetVersion(rulesChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)).Return(workflow.Version(rules))
			}
			concern := raise("")
			concern["immediate_danger"] = true
			h.step(0, safeguarding.StepRaiseConcern, carer, concern)
			var reviews []safeguarding.ActionView
			h.view(14*m, lead, func(v safeguarding.View) {
				if _, ok := openAction(v, policy.ConductReview); ok {
					t.Error("a conduct review before the chase reached the Lead")
				}
			})
			h.view(16*m, lead, func(v safeguarding.View) {
				for _, a := range v.OpenActions {
					if a.Kind == policy.ConductReview {
						reviews = append(reviews, a)
					}
				}
			})
			var swView safeguarding.View
			h.view(46*m, sw, func(v safeguarding.View) { swView = v })
			h.run(3 * 24 * time.Hour)
			if rules != safeguarding.RulesCurrent {
				if len(reviews) != 0 {
					t.Errorf("a case on the fail-safe rules opened %v", reviews)
				}
				return
			}
			if len(reviews) != 1 || !reviews[0].StartedAt.Equal(testStart.Add(15*m)) || reviews[0].Owner != (safeguarding.Owner{Role: safeguarding.RoleSafeguardingLead}) {
				t.Fatalf("reviews %+v: want one, the Lead's, from the escalation at 15 minutes", reviews)
			}
			if slices.ContainsFunc(swView.Actions, func(a safeguarding.ActionView) bool { return a.Kind == policy.ConductReview }) {
				t.Error("the social worker sees the conduct review")
			}
			for _, n := range h.sent.forAction(reviews[0].ID) {
				for _, r := range n.To {
					if !r.Role.Oversees() {
						t.Errorf("a chase of the conduct review went to %+v", r)
					}
				}
			}
		})
	}
}

// TestARunOfAnEarlierReleaseMovesACaseOnlyToTheRulesItRecorded: a continued case on the
// fail-safe rules replays a run recorded before the seed duties on the rules that run moved it
// to (its rules-upgrade-target marker): no marker, the fail-safe rules; the age decision's
// release, version 3. On neither does a negative NRM decision open a challenge. A run of this
// release moves it to the current rules as it starts, and the same decision opens one.
func TestARunOfAnEarlierReleaseMovesACaseOnlyToTheRulesItRecorded(t *testing.T) {
	h := newHarness(t, nil)
	h.env.OnGetVersion(rulesChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)).Return(workflow.Version(safeguarding.RulesFailSafe))
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	next := h.continuedAsNew(m)
	if next.State.Rules != safeguarding.RulesFailSafe {
		t.Fatalf("the case follows rules %d, want the fail-safe rules", next.State.Rules)
	}
	for _, tt := range []struct {
		name     string
		recorded *workflow.Version // the move's marker as recorded; nil: this release's run
	}{
		{"recorded before the marker", new(workflow.DefaultVersion)},
		{"recorded on the age rules", new(workflow.Version(safeguarding.RulesAgeDecision))},
		{"this release", nil},
	} {
		recorded := tt.recorded != nil
		h := newHarness(t, nil)
		h.continueFrom(next)
		if recorded {
			h.env.OnGetVersion(upgradeChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)).Return(*tt.recorded)
		}
		// Request ids of their own: the case remembers those of the run before.
		referral, decision := errNotSent, errNotSent
		h.sendAs(m, UpdateStep, "referral", safeguarding.Request{Step: "nrm-referral", RequestID: "referral", Actor: sw,
			Body: []byte(`{"submitted_at":"` + at(m) + `","reference":"NRM-1","first_responder":"police"}`)}, &referral)
		h.sendAs(2*m, UpdateStep, "decision", safeguarding.Request{Step: "nrm-rg-decision", RequestID: "decision", Actor: sw,
			Body: []byte(`{"decided_at":"` + at(2*m) + `","outcome":"negative"}`)}, &decision)
		var challenged, decided bool
		h.view(3*m, manager, func(v safeguarding.View) {
			_, challenged = openAction(v, policy.NRMChallenge)
			decided = v.NRM.RG != nil
		})
		h.run(4 * m)
		if referral != nil || decision != nil || !decided {
			t.Fatalf("the referral %v and the decision %v (recorded %v)", referral, decision, decided)
		}
		if challenged == recorded {
			t.Errorf("%s: challenge opened %v", tt.name, challenged)
		}
	}
}
