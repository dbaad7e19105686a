package workflows

import (
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// The case as practitioners live it, through the workflow with time skipping.

// TestIntakeThenCompleteTheRecord: a carer's crisis concern with only what they know opens the
// case; the Safeguarding Lead is chased to complete the record (the placement with the carer
// confirmed among it) until staff do, and not after.
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
	h.step(done+90*time.Second, safeguarding.StepConfirmPlacement, sw, map[string]any{"carer": carer.UserID, "decision": safeguarding.PlacementConfirmed, "reason": "Placed with them."})
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

// TestTheEighteenthBirthdayWakesTheCase: the case wakes at the 18th birthday with nothing else
// due, ends the child clocks and opens the transition; a corrected date of birth then moves the
// consent clock and brings the child clocks back.
func TestTheEighteenthBirthdayWakesTheCase(t *testing.T) {
	h := newHarness(t, nil)
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
		if _, ok := openAction(v, policy.NRMRGDecision); !ok {
			t.Error("the NRM decision clock stopped at 18")
		}
	})
	// An age assessment finds the young person is 16.
	h.step(after+m, "case-details", sw, map[string]any{"child": map[string]any{"date_of_birth": "2010-09-01", "age_disputed": true}, "reason": "Age assessment."})
	h.view(after+2*m, manager, func(v safeguarding.View) {
		if !v.TurnedAdult.IsZero() {
			t.Error("still treated as an adult after the correction")
		}
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
