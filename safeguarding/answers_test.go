package safeguarding

import (
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Every record is checked against what it answers: it closes the actions it names, or by default
// those that began at or before it, and is refused when it predates what it would close.

// refuseField takes a step that must be refused as invalid, naming field, and leave the case as
// it was; it returns the refusal.
func (f *fixture) refuseField(step string, by Actor, b body, field string) *Error {
	f.t.Helper()
	before, open := f.c.Revision, len(f.c.OpenActions())
	_, err := f.try(step, by, b)
	var e *Error
	if !asError(err, &e) || e.Code != EInvalid || e.Fields[field] == "" {
		f.t.Fatalf("%s by %s: %v, want it refused as invalid naming %s", step, by.Role, err, field)
	}
	if f.c.Revision != before || len(f.c.OpenActions()) != open {
		f.t.Fatalf("%s was refused but changed the case", step)
	}
	return e
}

func TestAStrategyMeetingBeforeTheReferralDoesNotCloseTheDiscussionItCalledFor(t *testing.T) {
	f := newCase(t, "E1")
	f.referred() // at 02:00: the referral calls for a strategy discussion
	discussion := f.open(policy.StrategyDiscussion)[0]
	meeting := body{"format": FormatMeeting, "outcome": "Safety plan."}

	e := f.refuseField("strategy-meeting-held", aSW, with(meeting, "held_at", ts(time.Hour)), "held_at")
	if !strings.Contains(e.Message, discussion.ID) || !strings.Contains(e.Message, "cannot answer it") {
		t.Errorf("the refusal does not say what the meeting cannot answer: %q", e.Message)
	}
	// Naming the discussion does not make an earlier meeting answer it.
	f.refuseField("strategy-meeting-held", aSW, with(with(meeting, "held_at", ts(time.Hour)), "action_ids", []string{discussion.ID}), "action_ids")
	// Nor can a meeting name an action it does not answer.
	f.refuseField("strategy-meeting-held", aSW, with(with(meeting, "held_at", ts(3*time.Hour)), "action_ids", []string{f.open(policy.PoliceReport)[0].ID}), "action_ids")

	res := f.must("strategy-meeting-held", aSW, with(meeting, "held_at", ts(3*time.Hour)))
	if len(res.Closed) != 1 || res.Closed[0] != discussion.ID {
		t.Fatalf("the meeting after the referral closed %v, want %s", res.Closed, discussion.ID)
	}
}

func TestOneAssessmentCompletesOneReferralsAssessment(t *testing.T) {
	f := newCase(t, "E1")
	f.referred()
	f.decided(DecisionAssessment) // referral R at 02:00, its assessment running
	f.must("csc-referral", aSW, body{"referred_at": ts(5 * time.Hour)})
	f.must("csc-decision", aSW, body{"decided_at": ts(6 * time.Hour), "decision": DecisionAssessment})
	open := f.open(policy.Assessment)
	if len(open) != 2 {
		t.Fatalf("assessments open: %+v", open)
	}
	first, second := open[0], open[1]
	if first.StartedAt.After(second.StartedAt) {
		first, second = second, first
	}

	// Finished before the second referral, it can only be the first referral's.
	res := f.must("assessment", aSW, body{"completed_at": ts(4 * time.Hour)})
	if len(res.Closed) != 1 || res.Closed[0] != first.ID {
		t.Fatalf("an assessment before the second referral closed %v, want %s", res.Closed, first.ID)
	}
	// With both running, an assessment says which it completes.
	f.must("csc-referral", aSW, body{"referred_at": ts(7 * time.Hour)})
	f.must("csc-decision", aSW, body{"decided_at": ts(8 * time.Hour), "decision": DecisionAssessment})
	f.refuseField("assessment", aSW, body{"completed_at": ts(9 * time.Hour)}, "action_ids")
	res = f.must("assessment", aSW, body{"completed_at": ts(9 * time.Hour), "action_ids": []string{second.ID}})
	if len(res.Closed) != 1 || res.Closed[0] != second.ID || len(f.open(policy.Assessment)) != 1 {
		t.Fatalf("the named assessment closed %v; open %+v", res.Closed, f.open(policy.Assessment))
	}
}

func TestAReturnInterviewBeforeTheReturnDoesNotEndItsClock(t *testing.T) {
	f := newCase(t, "E1")
	f.missing(true) // missing at 02:00, back at 03:00
	episode := f.c.Missing[0].ID
	e := f.refuseField("return-interview", aSW, body{"episode_id": episode, "held_at": ts(150 * time.Minute)}, "held_at")
	if !strings.Contains(e.Message, "return") {
		t.Errorf("the refusal does not say the interview came before the return: %q", e.Message)
	}
	f.refuseField("return-interview", aSW, body{"episode_id": episode, "outcome": InterviewDeclined, "offered_by": "Barnardo's", "held_at": ts(150 * time.Minute)}, "held_at")
	if len(f.open(policy.ReturnInterview)) != 1 {
		t.Fatal("the 72-hour clock ended")
	}
	f.must("return-interview", aSW, body{"episode_id": episode, "held_at": ts(4 * time.Hour)})
	if len(f.open(policy.ReturnInterview)) != 0 {
		t.Fatal("an interview after the return did not end the clock")
	}
}

// TestEveryRecordPredatingWhatItAnswersIsRefused takes each record that closes an action, dated
// before the action it would close began: each is refused, naming its time field.
func TestEveryRecordPredatingWhatItAnswersIsRefused(t *testing.T) {
	rows := []struct {
		name, step string
		by         Actor
		setup      func(f *fixture)
		body       body
		field      string
	}{
		{"a strategy discussion before the referral", "strategy-meeting-held", aSW, func(f *fixture) { f.referred() },
			body{"held_at": ts(time.Hour), "format": FormatPhone, "outcome": "x"}, "held_at"},
		{"an initial conference before the section 47 decision", "conference", aSW, func(f *fixture) { f.referred(); f.decided(DecisionS47) },
			body{"kind": "initial", "held_at": ts(150 * time.Minute)}, "held_at"},
		{"a review conference before the initial one", "conference", aSW, func(f *fixture) { f.referred(); f.decided(DecisionS47); f.conference("initial") },
			body{"kind": "review", "held_at": ts(210 * time.Minute)}, "held_at"},
		{"an assessment before the referral", "assessment", aSW, func(f *fixture) { f.referred() },
			body{"completed_at": ts(time.Hour)}, "completed_at"},
		{"a referral to Children's Social Care before the concern", "csc-referral", aSW, nil,
			body{"referred_at": ts(-time.Hour)}, "referred_at"},
		{"a review of no further action before the decision", "nfa-review", aLead, func(f *fixture) { f.referred(); f.decided(DecisionNoFurtherAction) },
			body{"reviewed_at": ts(150 * time.Minute), "outcome": "agreed", "note": "x"}, "reviewed_at"},
		{"an NRM referral before the concern", "nrm-referral", aSW, nil,
			body{"submitted_at": ts(-time.Hour), "reference": "N1", "first_responder": "police"}, "submitted_at"},
		{"a decision not to refer before the concern", "nrm-not-referred", aLead, nil,
			body{"decided_at": ts(-time.Hour), "reason": "x", "decided_by": "LA team manager"}, "decided_at"},
		{"a Reasonable Grounds decision before the reconsideration it answers", "nrm-rg-decision", aSW, func(f *fixture) {
			f.nrmReferred()
			f.rg("negative")
			f.must("nrm-reconsideration", aSW, body{"decision": decisionRG, "requested_at": ts(5 * time.Hour), "reason": "New evidence."})
		}, body{"decided_at": ts(4 * time.Hour), "outcome": "positive"}, "decided_at"},
		{"a Conclusive Grounds decision before the reconsideration it answers", "nrm-cg-decision", aSW, func(f *fixture) {
			f.nrmReferred()
			f.rg("positive")
			f.must("nrm-cg-decision", aSW, body{"decided_at": ts(4 * time.Hour), "outcome": "negative"})
			f.must("nrm-reconsideration", aSW, body{"decision": decisionCG, "requested_at": ts(6 * time.Hour), "reason": "New evidence."})
		}, body{"decided_at": ts(5 * time.Hour), "outcome": "positive"}, "decided_at"},
		{"an ICTG referral before the concern", "ictg-referral", aSW, nil,
			body{"referred_at": ts(-time.Hour)}, "referred_at"},
		{"an ICTG guardian before the referral", "ictg-assignment", aSW, func(f *fixture) { f.ictgReferred() },
			body{"assigned_at": ts(time.Hour), "guardian_type": GuardianCoordinator}, "assigned_at"},
		{"a care plan before the concern", "care-plan-agreed", aSW, nil,
			body{"agreed_at": ts(-time.Hour), "summary": "x", "no_contribution_reason": "x"}, "agreed_at"},
		{"a care plan review before the plan", "care-plan-review", aSW, func(f *fixture) { f.agreed() },
			body{"held_at": ts(2 * time.Hour), "outcome": "x"}, "held_at"},
		{"a looked-after review before the child was looked after", "lac-review", aSW, func(f *fixture) { f.lookedAfter() },
			body{"held_at": ts(time.Hour)}, "held_at"},
		{"a visit before the placement", "sw-visit", aSW, func(f *fixture) { f.lookedAfter() },
			body{"visited_at": ts(time.Hour)}, "visited_at"},
		{"a return home interview before the return", "return-interview", aSW, func(f *fixture) { f.missing(true) },
			body{"episode_id": "E5", "held_at": ts(150 * time.Minute)}, "held_at"},
		{"an agreed action done before the meeting", "action-done", aSW, func(f *fixture) { f.agreedActions() },
			body{"action_id": "", "completed_at": ts(3 * time.Hour)}, "completed_at"},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			f := newCase(t, "E1")
			if r.setup != nil {
				r.setup(f)
			}
			b := r.body
			if r.step == "return-interview" {
				b = with(b, "episode_id", f.c.Missing[0].ID)
			}
			if r.step == "action-done" {
				b = with(b, "action_id", f.open(MeetingAction)[0].ID)
			}
			f.refuseField(r.step, r.by, b, r.field)
		})
	}
}

// TestACaseOnEarlierRulesClosesAsItDid: a case opened before these rules replays as it ran, a
// record closing every open action of its kinds, until the worker moves it to the current rules.
func TestACaseOnEarlierRulesClosesAsItDid(t *testing.T) {
	f := &fixture{t: t, c: NewCase("c1", "CF-TEST", RulesFailSafe), env: &testEnv{now: t0.Add(time.Minute)}}
	f.must(StepRaiseConcern, aCarer, firstConcern("E1"))
	f.env.now = t0.Add(24 * time.Hour)
	f.referred()
	res := f.must("strategy-meeting-held", aSW, body{"held_at": ts(time.Hour), "format": FormatPhone, "outcome": "x"})
	if len(res.Closed) != 1 || f.c.action(res.Closed[0]).Kind != policy.StrategyDiscussion {
		t.Fatalf("on the fail-safe rules the meeting closed %v", res.Closed)
	}
	f.c.UpgradeRules(f.env)
	f.must("csc-decision", aSW, body{"decided_at": ts(3 * time.Hour), "decision": DecisionAssessment})
	f.refuseField("assessment", aSW, body{"completed_at": ts(time.Hour)}, "completed_at")
}

// TestARequestForAnNRMReferralAnswersOnlyTheLeadsDecisionAskedBeforeIt: the Safeguarding Lead's
// request that the child be referred is their decision on the concerns that asked for it; one
// dated before a concern asked answers nothing of it, so the decision stays open and no referral
// is chased on its account. A case on earlier rules replays as it ran: any request ended it.
func TestARequestForAnNRMReferralAnswersOnlyTheLeadsDecisionAskedBeforeIt(t *testing.T) {
	harassment := func(rules RulesVersion) *fixture {
		f := &fixture{t: t, c: NewCase("c1", "CF-TEST", rules), env: &testEnv{now: t0.Add(time.Minute)}}
		concern := firstConcern("E1")
		concern["exploitation_types"] = []string{"sexual-harassment"}
		delete(concern, "trafficking_purposes")
		f.must(StepRaiseConcern, aCarer, concern)
		f.env.now = t0.Add(24 * time.Hour)
		return f
	}
	early := body{"requested_at": ts(-time.Hour), "requested_of": "local-authority"}
	f := harassment(RulesCurrent)
	if res := f.must("nrm-request", aLead, early); len(res.Opened) != 0 || len(f.open(policy.NRMLeadDecision)) != 1 {
		t.Fatalf("a request dated before the concern: opened %v, the Lead's decision open %v", res.Opened, f.open(policy.NRMLeadDecision))
	}
	f.must("nrm-request", aLead, body{"requested_at": ts(2 * time.Hour), "requested_of": "local-authority"})
	if len(f.open(policy.NRMLeadDecision)) != 0 || len(f.open(policy.NRMRequest)) != 1 {
		t.Fatalf("a request after the concern: decision %v, request %v", f.open(policy.NRMLeadDecision), f.open(policy.NRMRequest))
	}

	old := harassment(RulesAgeDecision)
	old.must("nrm-request", aLead, early)
	if len(old.open(policy.NRMLeadDecision)) != 0 || len(old.open(policy.NRMRequest)) != 1 {
		t.Fatalf("on earlier rules the early request left decision %v, request %v", old.open(policy.NRMLeadDecision), old.open(policy.NRMRequest))
	}
}
