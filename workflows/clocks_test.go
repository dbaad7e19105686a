package workflows

import (
	"fmt"
	"testing"
	"time"

	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// timedStep is an update at an offset from the start.
type timedStep struct {
	at   time.Duration
	name string
	by   safeguarding.Actor
	body func(h *harness) any
}

// clockCase says how a rule's clock starts and stops in a case: the steps that open its action,
// when its starting event happened, and the step that completes it.
type clockCase struct {
	rule   policy.RuleID
	dob    string
	danger bool // the concern says the child is in immediate danger
	// types are the kinds of exploitation the concern names, when not raise's.
	types []string
	// completeAt is when TestNothingFiresAfterCompletion completes the action, when it cannot
	// be a few minutes after it opened (consent is given only within a month of the birthday).
	completeAt time.Duration
	setup      []timedStep
	start      time.Duration // when the starting event happened, from the test start
	anchor     time.Time     // a clock anchored on a date (the 18th birthday) instead
	occurrence int
	complete   timedStep
}

func fixed(body map[string]any) func(*harness) any { return func(*harness) any { return body } }

// refOf returns the ref created by the nth step result.
func refOf(n int) func(h *harness) string {
	return func(h *harness) string {
		if n >= len(h.results) {
			return "missing"
		}
		return h.results[n].Ref
	}
}

const m = time.Minute

func clockCases() []clockCase {
	cscReferral := timedStep{m, "csc-referral", sw, fixed(map[string]any{"referred_at": at(m), "significant_harm": true})}
	s47Meeting := timedStep{m, "strategy-meeting-held", sw, fixed(map[string]any{"held_at": at(m), "format": "meeting", "outcome": "s47 enquiry", "s47_enquiry": true})}
	initialCPC := timedStep{2 * m, "conference", sw, fixed(map[string]any{"kind": "initial", "held_at": at(2 * m), "child_protection_plan": true})}
	reviewCPC := func(d time.Duration, plan bool) timedStep {
		return timedStep{d, "conference", sw, fixed(map[string]any{"kind": "review", "held_at": at(d), "child_protection_plan": plan})}
	}
	nrmReferral := timedStep{m, "nrm-referral", sw, fixed(map[string]any{"submitted_at": at(m), "reference": "NRM-1", "first_responder": "local-authority"})}
	positiveRG := timedStep{2 * m, "nrm-rg-decision", sw, fixed(map[string]any{"decided_at": at(2 * m), "outcome": "positive"})}
	lookedAfter := timedStep{m, "looked-after", sw, fixed(map[string]any{"since": at(0), "placement_start": at(0)})}
	done := func(name string, body map[string]any) timedStep { return timedStep{0, name, sw, fixed(body)} }
	birthday := time.Date(2027, 1, 27, 0, 0, 0, 0, policy.London)

	return []clockCase{
		{rule: policy.PoliceReport, complete: timedStep{0, "police-report", carer, fixed(map[string]any{"reported_at": "$now", "channel": "101", "reference": "P-1"})}},
		{rule: policy.NotifySocialWorker, complete: timedStep{0, "social-worker-informed", carer, fixed(map[string]any{"informed_at": "$now"})}},
		{rule: policy.NotifySafeguardingLead, complete: timedStep{0, "safeguarding-lead-informed", carer, fixed(map[string]any{"informed_at": "$now"})}},
		{rule: policy.NRMRequest, complete: done("nrm-referral", map[string]any{"submitted_at": "$now", "reference": "NRM-1", "first_responder": "police"})},
		{rule: policy.CarePlan, complete: done("care-plan-agreed", map[string]any{"agreed_at": "$now", "summary": "Plan agreed.", "no_contribution_reason": "Carers away."})},
		{rule: policy.ICTGReferral, complete: done("ictg-referral", map[string]any{"referred_at": "$now"})},
		{rule: policy.CSCDecision, setup: []timedStep{cscReferral}, start: m, complete: done("csc-decision", map[string]any{"decided_at": "$now", "decision": "s47-enquiry"})},
		{rule: policy.Assessment, setup: []timedStep{cscReferral}, start: m, complete: done("assessment", map[string]any{"completed_at": "$now"})},
		{rule: policy.StrategyDiscussion, setup: []timedStep{cscReferral}, start: m, complete: done("strategy-meeting-held", map[string]any{"held_at": "$now", "format": "meeting", "outcome": "agreed"})},
		{rule: policy.StrategyMeeting, setup: []timedStep{{m, "strategy-meeting-held", sw, fixed(map[string]any{"held_at": at(m), "format": "phone", "outcome": "call"})}}, start: m,
			complete: done("strategy-meeting-held", map[string]any{"held_at": "$now", "format": "meeting", "outcome": "met"})},
		{rule: policy.ICPC, setup: []timedStep{s47Meeting}, start: m, complete: done("conference", map[string]any{"kind": "initial", "held_at": "$now"})},
		{rule: policy.RCPCFirst, setup: []timedStep{s47Meeting, initialCPC}, start: 2 * m, complete: done("conference", map[string]any{"kind": "review", "held_at": "$now"})},
		{rule: policy.RCPCNext, setup: []timedStep{s47Meeting, initialCPC, reviewCPC(3*m, true)}, start: 3 * m, complete: done("conference", map[string]any{"kind": "review", "held_at": "$now"})},
		{rule: policy.NRMRGDecision, setup: []timedStep{nrmReferral}, start: m, complete: done("nrm-rg-decision", map[string]any{"decided_at": "$now", "outcome": "negative"})},
		{rule: policy.NRMCGDecision, setup: []timedStep{nrmReferral, positiveRG}, start: 2 * m, complete: done("nrm-cg-decision", map[string]any{"decided_at": "$now", "outcome": "positive"})},
		{rule: policy.ICTGAssignment, setup: []timedStep{{m, "ictg-referral", sw, fixed(map[string]any{"referred_at": at(m)})}}, start: m,
			complete: done("ictg-assignment", map[string]any{"assigned_at": "$now", "guardian_type": "direct-worker"})},
		{rule: policy.CarePlanReview, setup: []timedStep{{m, "care-plan-agreed", sw, fixed(map[string]any{"agreed_at": at(m), "summary": "Plan.", "no_contribution_reason": "Carers away."})}}, start: m,
			complete: done("care-plan-review", map[string]any{"held_at": "$now", "outcome": "Reviewed."})},
		{rule: policy.LACReview, setup: []timedStep{lookedAfter}, complete: done("lac-review", map[string]any{"held_at": "$now"})},
		{rule: policy.SWVisit, setup: []timedStep{lookedAfter}, complete: done("sw-visit", map[string]any{"visited_at": "$now"})},
		{rule: policy.ReturnInterview, setup: []timedStep{{m, "missing-episode", carer, fixed(map[string]any{"went_missing_at": at(0), "returned_at": at(30 * time.Second)})}}, start: 30 * time.Second,
			complete: timedStep{0, "return-interview", sw, func(h *harness) any {
				return map[string]any{"episode_id": refOf(1)(h), "held_at": h.env.Now().Format(time.RFC3339)}
			}}},
		{rule: policy.LADO, setup: []timedStep{{m, "allegation", lead, fixed(map[string]any{"received_at": at(m), "against_user": "staff-9", "against_role": "fostering_social_worker", "summary": "Allegation."})}}, start: m,
			complete: timedStep{0, "lado-informed", lead, func(h *harness) any {
				return map[string]any{"allegation_id": refOf(1)(h), "informed_at": h.env.Now().Format(time.RFC3339), "reference": "LADO-1"}
			}}},
		// Consent's window opens 30 days before the birthday, on 28 December (a bank holiday);
		// its reminder comes at the next opening, 29 December.
		{rule: policy.Age18Consent, dob: "2009-01-27", setup: []timedStep{nrmReferral}, anchor: birthday, completeAt: 10 * 24 * time.Hour,
			complete: done("adult-consent", map[string]any{"recorded_at": "$now", "consent": "given"})},
		{rule: policy.ImmediateDanger, danger: true,
			complete: timedStep{0, "police-report", carer, fixed(map[string]any{"reported_at": "$now", "channel": "999", "reference": "P-999"})}},
		{rule: policy.MissingChild, setup: []timedStep{missing}, start: m, complete: aboutEpisode(carer, "missing-return", "returned_at")},
		{rule: policy.MissingPoliceReport, setup: []timedStep{missing}, start: m,
			complete: aboutEpisode(carer, "police-report", "reported_at", "channel", "101", "reference", "MISS-1")},
		{rule: policy.MissingNotifySW, setup: []timedStep{missing}, start: m, complete: aboutEpisode(carer, "social-worker-informed", "informed_at")},
		{rule: policy.MissingNotifyLead, setup: []timedStep{missing}, start: m, complete: aboutEpisode(carer, "safeguarding-lead-informed", "informed_at")},
		{rule: policy.LADOUrgent, setup: []timedStep{allegation("urgent")}, start: m, complete: toAllegation("lado-informed")},
		{rule: policy.AllegationPolice, setup: []timedStep{allegation("possible_offence")}, start: m, complete: toAllegation("allegation-police-report")},
		{rule: policy.DBSReferral, setup: []timedStep{allegation("possible_offence")}, start: m, complete: toAllegation("dbs-referral")},
		// The case wakes at the 18th birthday (a Wednesday, at midnight) and asks the Safeguarding
		// Lead or a manager to confirm the move to adulthood.
		{rule: policy.ConfirmAdulthood, dob: "2009-01-27", start: birthday.Sub(testStart), anchor: birthday,
			complete: timedStep{0, "adulthood", lead, fixed(map[string]any{"decided_at": "$now", "reason": "Settled with adult services."})}},
		// Sexual harassment alone asks the Lead whether to refer to the NRM.
		{rule: policy.NRMLeadDecision, types: []string{"sexual-harassment"},
			complete: timedStep{0, "nrm-request", lead, fixed(map[string]any{"requested_at": "$now", "requested_of": "local-authority"})}},
		// A further concern after the local authority decided the referral is referred again.
		{rule: policy.CSCReferral, setup: []timedStep{cscReferral,
			{2 * m, "csc-decision", sw, fixed(map[string]any{"decided_at": at(2 * m), "decision": "child-in-need"})},
			{3 * m, "concern", carer, fixed(map[string]any{"observed_at": at(3 * m), "exploitation_types": []string{"criminal-exploitation"}, "account": "Seen again."})}},
			start: 3 * m, complete: done("csc-referral", map[string]any{"referred_at": "$now"})},
	}
}

// missing is a carer recording, a minute in, that the child went missing then and is still out,
// with no police report made yet.
var missing = timedStep{m, "missing-episode", carer, fixed(map[string]any{"went_missing_at": at(m), "reported_to_police": false})}

// aboutEpisode is a step naming the episode the setup recorded, its time field set to now and
// the other fields given in pairs.
func aboutEpisode(by safeguarding.Actor, name, timeField string, pairs ...string) timedStep {
	return timedStep{0, name, by, func(h *harness) any {
		body := map[string]any{"episode_id": refOf(1)(h), timeField: h.env.Now().Format(time.RFC3339)}
		for i := 0; i+1 < len(pairs); i += 2 {
			body[pairs[i]] = pairs[i+1]
		}
		return body
	}}
}

// allegation is the Safeguarding Lead recording, a minute in, an allegation against a fostering
// social worker with the given flag set.
func allegation(flag string) timedStep {
	return timedStep{m, "allegation", lead, fixed(map[string]any{"received_at": at(m), "against_user": "staff-9",
		"against_role": "fostering_social_worker", "summary": "Allegation.", flag: true})}
}

// toAllegation records that the allegation of the setup was passed on.
func toAllegation(name string) timedStep {
	return timedStep{0, name, lead, func(h *harness) any {
		return map[string]any{"allegation_id": refOf(1)(h), "informed_at": h.env.Now().Format(time.RFC3339), "reference": "REF-1"}
	}}
}

// withNow fills "$now" fields with the environment's time when the step is sent.
func withNow(h *harness, body any) any {
	b, ok := body.(map[string]any)
	if !ok {
		return body
	}
	out := map[string]any{}
	for k, v := range b {
		if v == "$now" {
			v = h.env.Now().UTC().Format(time.RFC3339)
		}
		out[k] = v
	}
	return out
}

// openClock raises the concern and takes the steps that start the case's clock. Unless they are
// the clock under test, the concern's hour clocks are then met, so that their hourly re-chases
// do not fill a run of months.
func (h *harness) openClock(c clockCase) {
	concern := raise(c.dob)
	concern["immediate_danger"] = c.danger
	if c.types != nil {
		concern["exploitation_types"] = c.types
	}
	h.step(0, safeguarding.StepRaiseConcern, carer, concern)
	for _, s := range c.setup {
		h.apply(s)
	}
	quiet := map[policy.RuleID]timedStep{
		policy.PoliceReport:           {4 * m, "police-report", carer, fixed(map[string]any{"reported_at": at(4 * m), "channel": "101", "reference": "P-0"})},
		policy.NotifySocialWorker:     {4 * m, "social-worker-informed", carer, fixed(map[string]any{"informed_at": at(4 * m)})},
		policy.NotifySafeguardingLead: {4 * m, "safeguarding-lead-informed", carer, fixed(map[string]any{"informed_at": at(4 * m)})},
	}
	if c.danger {
		return
	}
	for _, rule := range []policy.RuleID{policy.PoliceReport, policy.NotifySocialWorker, policy.NotifySafeguardingLead} {
		if rule != c.rule {
			h.apply(quiet[rule])
		}
	}
}

func (h *harness) apply(s timedStep) {
	h.step(s.at, s.name, s.by, func() any { return withNow(h, s.body(h)) })
}

// expected computes, independently of the workflow, when the rule's action is due and chased.
func (c clockCase) expected(pol *policy.Policy) policy.Deadline {
	start := testStart.Add(c.start)
	if !c.anchor.IsZero() {
		start = c.anchor
	}
	d, err := pol.Deadline(c.rule, start, testLA, c.occurrence)
	if err != nil {
		panic(err)
	}
	return d
}

// ladderOf lists the chases a deadline plans, in order, up to the last escalation.
func ladderOf(d policy.Deadline) []struct {
	level safeguarding.Level
	at    time.Time
} {
	var out []struct {
		level safeguarding.Level
		at    time.Time
	}
	add := func(l safeguarding.Level, t time.Time) {
		if !t.IsZero() {
			out = append(out, struct {
				level safeguarding.Level
				at    time.Time
			}{l, t})
		}
	}
	add(safeguarding.LevelReminded, d.RemindAt)
	// The overdue notice of a clock that keeps office hours waits for the office to open.
	add(safeguarding.LevelOverdue, d.Quiet.Deliver(d.Due))
	add(safeguarding.LevelManager, d.EscalateAt)
	add(safeguarding.LevelLead, d.EscalateAgainAt)
	return out
}

// TestClocks runs every rule of the timescales through a workflow with time skipping: the action
// opens due when the policy says (across weekends and bank holidays), the owner is reminded, the
// action turns overdue, and the manager then the Safeguarding Lead are told, each at its time and
// in order.
func TestClocks(t *testing.T) {
	for _, c := range append(clockCases(), dutyClockCases()...) {
		t.Run(string(c.rule), func(t *testing.T) {
			h := newHarness(t, nil)
			want := c.expected(h.pol)
			h.openClock(c)
			var actionID string
			h.view(c.start+5*m, manager, func(v safeguarding.View) {
				a, ok := openAction(v, c.rule)
				if !ok {
					t.Errorf("no open %s action after setup", c.rule)
					return
				}
				actionID = a.ID
				if !a.Due.Equal(want.Due) || !a.RemindAt.Equal(want.RemindAt) || !a.EscalateAt.Equal(want.EscalateAt) || !a.EscalateAgainAt.Equal(want.EscalateAgainAt) {
					t.Errorf("action times: due %v remind %v escalate %v again %v; policy says due %v remind %v escalate %v again %v",
						a.Due, a.RemindAt, a.EscalateAt, a.EscalateAgainAt, want.Due, want.RemindAt, want.EscalateAt, want.EscalateAgainAt)
				}
				if a.PolicyVersion != h.pol.Version() {
					t.Errorf("policy version %q, want %q", a.PolicyVersion, h.pol.Version())
				}
			})
			ladder := ladderOf(want)
			h.run(ladder[len(ladder)-1].at.Sub(testStart) + time.Hour)

			var got []notify.Notice
			for _, n := range h.sent.forAction(actionID) {
				if n.Repeat == 0 { // repeated chases are TestCGDecisionRechasedMonthly's
					got = append(got, n)
				}
			}
			if len(got) != len(ladder) {
				t.Fatalf("%d chases sent, want %d: %v", len(got), len(ladder), describe(got))
			}
			for i, step := range ladder {
				if got[i].Level != int(step.level) || !got[i].SentAt.Equal(step.at) {
					t.Errorf("chase %d: %s at %v, want %s at %v", i, got[i].LevelName, got[i].SentAt, step.level, step.at)
				}
			}
			last := got[len(got)-1]
			if last.Level == int(safeguarding.LevelLead) && (!sentTo(last, safeguarding.RoleManager) || !sentTo(last, safeguarding.RoleSafeguardingLead)) {
				t.Errorf("last escalation went to %+v, want the owner, the manager and the Safeguarding Lead", last.To)
			}
		})
	}
}

// TestNothingFiresAfterCompletion completes each rule's action before any chase: no reminder,
// no overdue notice and no escalation is ever sent for it.
func TestNothingFiresAfterCompletion(t *testing.T) {
	for _, c := range append(clockCases(), dutyClockCases()...) {
		t.Run(string(c.rule), func(t *testing.T) {
			h := newHarness(t, nil)
			want := c.expected(h.pol)
			h.openClock(c)
			var actionID string
			h.view(c.start+5*m, manager, func(v safeguarding.View) {
				if a, ok := openAction(v, c.rule); ok {
					actionID = a.ID
				}
			})
			complete := c.complete
			complete.at = c.start + 6*m
			if c.completeAt > 0 {
				complete.at = c.completeAt
			}
			if !want.RemindAt.IsZero() && want.RemindAt.Before(testStart.Add(complete.at)) {
				t.Fatalf("test setup: the reminder at %v falls before the completion", want.RemindAt)
			}
			h.apply(complete)
			h.view(complete.at+m, manager, func(v safeguarding.View) {
				for _, a := range v.Actions {

					if a.ID == actionID && a.Status != safeguarding.ActionDone {
						t.Errorf("action %s is %s after its completing step", a.ID, a.Status)
					}
				}
			})
			ladder := ladderOf(want)
			h.run(ladder[len(ladder)-1].at.Sub(testStart) + 48*time.Hour)
			if actionID == "" {
				t.Fatal("the action never opened")
			}
			if got := h.sent.forAction(actionID); len(got) > 0 {
				t.Errorf("chases sent after completion: %v", describe(got))
			}
		})
	}
}

// TestDueDateChangeRearms moves a due date later and then earlier: the overdue notice follows the
// new date each time, and nothing fires at the old one.
func TestDueDateChangeRearms(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	var carePlan safeguarding.ActionView
	h.view(m, manager, func(v safeguarding.View) { carePlan, _ = openAction(v, policy.CarePlan) })
	later := testStart.AddDate(0, 0, 30)
	// Brought forward before the policy's own due date: the social worker may do that.
	earlier := testStart.AddDate(0, 0, 15)
	// Moving a policy deadline later is a manager's decision.
	h.step(2*m, "due-date", manager, func() any {
		return map[string]any{"action_id": carePlan.ID, "due": later.Format(time.RFC3339), "reason": "family court hearing"}
	})
	h.step(3*m, "due-date", sw, func() any {
		return map[string]any{"action_id": carePlan.ID, "due": earlier.Format(time.RFC3339), "reason": "hearing brought forward"}
	})
	h.run(40 * 24 * time.Hour)

	var overdue []notify.Notice
	for _, n := range h.sent.forAction(carePlan.ID) {
		if n.Level == int(safeguarding.LevelOverdue) {
			overdue = append(overdue, n)
		}
	}
	// Saturday 2 January: the notice waits for Monday's opening.
	rule, _ := h.pol.Deadline(policy.CarePlan, testStart, testLA, 0)
	if want := rule.Quiet.Deliver(earlier); len(overdue) != 1 || !overdue[0].SentAt.Equal(want) || want.Equal(earlier) {

		t.Fatalf("overdue notices %v, want exactly one at %v", describe(overdue), want)
	}
}

// TestCGDecisionRechasedMonthly: the Conclusive Grounds decision has no target, so once it is
// overdue the owner is chased again every month.
func TestCGDecisionRechasedMonthly(t *testing.T) {
	h := newHarness(t, nil)
	c := clockCases()[14]
	if c.rule != policy.NRMCGDecision {
		t.Fatalf("clock case 14 is %s", c.rule)
	}
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	for _, s := range c.setup {
		h.apply(s)
	}
	var id string
	h.view(10*m, manager, func(v safeguarding.View) { a, _ := openAction(v, policy.NRMCGDecision); id = a.ID })
	want := c.expected(h.pol)
	h.run(want.Due.Sub(testStart) + 75*24*time.Hour)
	got := h.sent.forAction(id)
	repeats := 0
	for _, n := range got {
		if n.Level == int(safeguarding.LevelOverdue) && n.Repeat > 0 {
			repeats++
		}
	}
	if repeats != 2 {
		t.Fatalf("%d monthly repeat chases in 75 days after due, want 2: %v", repeats, describe(got))
	}
}

// sentTo reports whether a notice went to someone in a role.
func sentTo(n notify.Notice, role safeguarding.Role) bool {
	for _, r := range n.To {
		if r.Role == role {
			return true
		}
	}
	return false
}

func describe(ns []notify.Notice) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = fmt.Sprintf("%s@%s", n.LevelName, n.SentAt.Format(time.RFC3339))
	}
	return out
}
