package workflows

import (
	"slices"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// The case as practitioners live it, through the workflow with time skipping.

// TestIntakeThenCompleteTheRecord: a carer's crisis concern with only what they know opens the
// case; the Safeguarding Lead is chased to complete the record until staff do, and not after.
func TestIntakeThenCompleteTheRecord(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, map[string]any{"observed_at": at(0), "immediate_danger": false,
		"child": map[string]any{"name": "Sam"}, "account": "Came home with cash."})
	var complete safeguarding.ActionView
	h.view(m, lead, func(v safeguarding.View) {
		for _, a := range v.OpenActions {
			if a.Kind == policy.CompleteRecord {
				complete = a
			}
		}
	})
	// Monday 21 December, after the Safeguarding Lead was chased.
	done := 3*24*time.Hour + 2*time.Hour
	h.step(done, "case-details", lead, map[string]any{"la": testLA, "team": "north", "social_worker": "sw-1", "reason": "Confirmed with the LA."})
	h.step(done+m, "case-details", sw, map[string]any{"concern_id": "C1", "add_exploitation_types": []string{"criminal-exploitation"},
		"add_indicators": []map[string]string{{"code": "multiple-phones"}}, "reason": "From the account."})
	h.view(done+2*m, manager, func(v safeguarding.View) {
		for _, a := range v.Actions {
			if a.ID == complete.ID && a.Status != safeguarding.ActionDone {
				t.Errorf("complete-record is %s after the record was completed", a.Status)
			}
		}
		if v.SocialWorker != "sw-1" || v.LA != testLA {
			t.Errorf("record after completion: social worker %q, LA %q", v.SocialWorker, v.LA)
		}
	})
	h.run(done + 10*24*time.Hour)
	if complete.ID == "" {
		t.Fatal("no complete-record action")
	}
	var before, after int
	for _, n := range h.sent.forAction(complete.ID) {
		if n.SentAt.Before(testStart.Add(done)) {
			before++
			if !sentTo(n, safeguarding.RoleSafeguardingLead) {
				t.Errorf("complete-record chase to %+v", n.To)
			}
		} else {
			after++
		}
	}
	if before == 0 || after != 0 {
		t.Fatalf("complete-record chases: %d before completion, %d after; want some, then none", before, after)
	}
}

// TestTheEighteenthBirthdayWakesTheCaseToAskForADecision: the case wakes at the 18th birthday
// with nothing else due and asks the Safeguarding Lead or a manager to confirm the move to
// adulthood, chasing them, while every child clock runs on; the Lead's confirmation ends the child
// clocks and opens the transition; a later record that makes the young person a child again runs
// the child clocks again, and keeps the consent clock's date.
func TestTheEighteenthBirthdayWakesTheCaseToAskForADecision(t *testing.T) {
	h := newHarness(t, nil)
	birthday := time.Date(2027, 1, 27, 0, 0, 0, 0, policy.London)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise("2009-01-27"))
	h.step(m, "looked-after", sw, map[string]any{"since": at(0), "placement_start": at(0)})
	h.step(2*m, "nrm-referral", sw, map[string]any{"submitted_at": at(2 * m), "reference": "NRM-1", "first_responder": "police"})
	after := birthday.Sub(testStart) + time.Hour
	var confirm safeguarding.ActionView
	h.view(after, manager, func(v safeguarding.View) {
		var ok bool
		if confirm, ok = openAction(v, policy.ConfirmAdulthood); !ok || confirm.Owner.Role != safeguarding.RoleSafeguardingLead {
			t.Errorf("the birthday did not ask the Safeguarding Lead to decide: %+v", confirm)
		}
		if !v.TurnedAdult.IsZero() {
			t.Error("the case treated the young person as an adult without a decision")
		}
		for _, kind := range []policy.RuleID{policy.LACReview, policy.SWVisit, policy.CarePlan, policy.NRMRGDecision} {
			if _, ok := openAction(v, kind); !ok {
				t.Errorf("%s stopped at the 18th birthday", kind)
			}
		}
		if len(v.Age.ConfirmingEnds) == 0 {
			t.Error("the view does not list what confirming would end")
		}
	})
	// Three working days later, the Lead has been chased and confirms.
	decided := after + 6*24*time.Hour
	h.step(decided, "adulthood", lead, map[string]any{"decided_at": at(decided), "reason": "Settled with the leaving-care team."})
	h.view(decided+m, manager, func(v safeguarding.View) {
		if v.TurnedAdult.IsZero() {
			t.Error("the confirmation did not move the young person to adulthood")
		}
		if _, ok := openAction(v, policy.Transition); !ok {
			t.Error("no transition action after the confirmation")
		}
		if _, ok := openAction(v, policy.LACReview); ok {
			t.Error("the looked-after review clock runs on after the confirmation")
		}
		if _, ok := openAction(v, policy.NRMRGDecision); !ok {
			t.Error("the NRM decision clock stopped at the confirmation")
		}
	})
	// An age assessment finds the young person is 16.
	h.step(decided+2*m, "case-details", sw, map[string]any{"child": map[string]any{"date_of_birth": "2010-09-01", "age_disputed": true}, "reason": "Age assessment started."})
	h.view(decided+3*m, manager, func(v safeguarding.View) {
		if !v.TurnedAdult.IsZero() {
			t.Error("still treated as an adult after the correction")
		}
		if _, ok := openAction(v, policy.LACReview); !ok {
			t.Error("the looked-after review clock was not re-armed")
		}
		if consent, ok := openAction(v, policy.Age18Consent); !ok || !consent.Due.Equal(birthday) {
			t.Errorf("consent clock %+v; want it kept at the first 18th birthday (moving it later is a manager's decision)", consent)
		}
	})
	h.run(decided + 4*m)
	var chased []string
	for _, n := range h.sent.forAction(confirm.ID) {
		chased = append(chased, n.LevelName)
	}
	if len(chased) < 2 {
		t.Errorf("the decision was chased %v; want its reminder and overdue notice at least", chased)
	}
}

// TestTheEighteenthBirthdayOfAFailSafeCase: a case begun under the fail-safe rules replays them
// until upgraded: the birthday ended its child clocks by itself, and a corrected date of birth
// moved the consent clock and brought the child clocks back.
func TestTheEighteenthBirthdayOfAFailSafeCase(t *testing.T) {
	h := newHarness(t, nil)
	h.env.OnGetVersion(rulesChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)).Return(workflow.Version(safeguarding.RulesFailSafe))
	birthday := time.Date(2027, 1, 27, 0, 0, 0, 0, policy.London)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise("2009-01-27"))
	h.step(m, "looked-after", sw, map[string]any{"since": at(0), "placement_start": at(0)})
	h.step(2*m, "nrm-referral", sw, map[string]any{"submitted_at": at(2 * m), "reference": "NRM-1", "first_responder": "police"})
	after := birthday.Sub(testStart) + time.Hour
	h.view(after, manager, func(v safeguarding.View) {
		if v.TurnedAdult.IsZero() {
			t.Error("the case did not act on the 18th birthday")
		}
		if _, ok := openAction(v, policy.Transition); !ok {
			t.Error("no transition action at 18")
		}
		if _, ok := openAction(v, policy.LACReview); ok {
			t.Error("the looked-after review clock runs on past 18")
		}
	})
	h.step(after+m, "case-details", sw, map[string]any{"child": map[string]any{"date_of_birth": "2010-09-01", "age_disputed": true}, "reason": "Age assessment."})
	h.view(after+2*m, manager, func(v safeguarding.View) {
		if _, ok := openAction(v, policy.LACReview); !ok {
			t.Error("the looked-after review clock was not re-armed")
		}
		consent, ok := openAction(v, policy.Age18Consent)
		if !ok || !consent.Due.Equal(time.Date(2028, 9, 1, 0, 0, 0, 0, policy.London)) {
			t.Errorf("consent clock %+v; want due on the new 18th birthday", consent)
		}
	})
	h.run(after + 3*m)
}

// TestEveryReferralMeetsAndNoFurtherActionIsReviewed: a referral without significant harm
// ticked still starts the strategy discussion clock; "no further action" ends the assessment
// clock and chases the Safeguarding Lead to review it until they record their challenge.
func TestEveryReferralMeetsAndNoFurtherActionIsReviewed(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	h.step(m, "csc-referral", sw, map[string]any{"referred_at": at(m), "significant_harm": false})
	h.step(2*m, "csc-decision", sw, map[string]any{"decided_at": at(2 * m), "decision": "no-further-action"})
	var review safeguarding.ActionView
	h.view(3*m, manager, func(v safeguarding.View) {
		if _, ok := openAction(v, policy.StrategyDiscussion); !ok {
			t.Error("no strategy discussion for a referral without significant harm ticked")
		}
		if _, ok := openAction(v, policy.Assessment); ok {
			t.Error("the assessment clock runs on after no further action")
		}
		for _, a := range v.OpenActions {
			if a.Kind == policy.NFAReview {
				review = a
			}
		}
	})
	challenged := 5 * 24 * time.Hour // Wednesday 23 December
	h.step(challenged, "nfa-review", lead, map[string]any{"reviewed_at": at(challenged), "outcome": "challenged", "note": "Raised with the LA's team manager."})
	h.run(challenged + 14*24*time.Hour)
	if review.ID == "" {
		t.Fatal("no review of the no-further-action decision")
	}
	var before, after int
	for _, n := range h.sent.forAction(review.ID) {
		if n.SentAt.Before(testStart.Add(challenged)) {
			before++
		} else {
			after++
		}
	}
	if before == 0 || after != 0 {
		t.Fatalf("review chases: %d before the challenge, %d after", before, after)
	}
}

// TestAChildNearEighteenKeepsTheNationalReasonableGroundsLimitInThePilot: in a devolved child
// decision pilot area (Kingston upon Hull), a child referred 45 days before their 18th birthday
// keeps the national 5 working days, and is chased when it passes; a younger child has the
// pilot's 45 calendar days.
func TestAChildNearEighteenKeepsTheNationalReasonableGroundsLimitInThePilot(t *testing.T) {
	const hull = "E06000010"
	for _, tt := range []struct {
		dob  string
		want policy.Deadline
	}{
		{"2009-02-01", must(policy.Default().Deadline(policy.NRMRGDecision, testStart.Add(m), "", 0))},
		{"2010-02-01", must(policy.Default().Deadline(policy.NRMRGDecision, testStart.Add(m), hull, 0))},
	} {
		t.Run(tt.dob, func(t *testing.T) {
			h := newHarness(t, nil)
			concern := raise(tt.dob)
			concern["la"] = hull
			h.step(0, safeguarding.StepRaiseConcern, carer, concern)
			h.step(m, "nrm-referral", sw, map[string]any{"submitted_at": at(m), "reference": "NRM-1", "first_responder": "local-authority"})
			var id string
			h.view(2*m, manager, func(v safeguarding.View) {
				rg, ok := openAction(v, policy.NRMRGDecision)
				if !ok || !rg.Due.Equal(tt.want.Due) {
					t.Errorf("Reasonable Grounds clock %+v; want due %v (%s)", rg, tt.want.Due, tt.want.Limit)
				}
				id = rg.ID
			})
			overdue := tt.want.Quiet.Deliver(tt.want.Due)
			h.run(overdue.Sub(testStart) + time.Hour)
			var told bool
			for _, n := range h.sent.forAction(id) {
				told = told || (n.Level == int(safeguarding.LevelOverdue) && n.SentAt.Equal(overdue))
			}
			if !told {
				t.Errorf("no overdue chase at %v: %v", overdue, describe(h.sent.forAction(id)))
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestACrisisIntakeWithoutATeamReachesTheDutyManagerAndTheLead: a concern taken in a crisis
// before anyone knows the child's team: the 15-minute escalation of the 999 call, and the chases
// of the social worker's actions the managers hold while the post is vacant, go to the agency's
// duty manager (the managers of no team) and the Safeguarding Lead.
func TestACrisisIntakeWithoutATeamReachesTheDutyManagerAndTheLead(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, map[string]any{"observed_at": at(0), "immediate_danger": true,
		"child": map[string]any{"name": "Sam"}, "account": "Taken away in a car."})
	h.run(4 * 24 * time.Hour)
	duty := safeguarding.Recipient{Role: safeguarding.RoleManager}
	var escalated, vacant int
	for _, n := range h.sent.all() {
		if !slices.Contains(n.To, duty) {
			continue
		}
		if !sentTo(n, safeguarding.RoleSafeguardingLead) {
			t.Errorf("%s (%s) went to the managers of no team without the Safeguarding Lead: %+v", n.Kind, n.LevelName, n.To)
		}
		switch {
		case n.Kind == string(policy.ImmediateDanger) && n.SentAt.Equal(testStart.Add(15*m)):
			escalated++
		case n.Owner.Role == safeguarding.RoleManager:
			vacant++
		}
	}
	if escalated == 0 || vacant == 0 {
		t.Fatalf("the 999 call's escalation at 15 minutes %d, the vacant post's chases %d: %v", escalated, vacant, describe(h.sent.all()))
	}
}
