// Package policy holds the clocks of caseflow: the statutory and agency timescales for a child
// suspected of being a victim of modern slavery or exploitation, as rules with effective dates
// and per-local-authority overrides, and the working-day calendars they count in.
//
// It is pure Go with no Temporal import: given a rule, the instant its starting event happened
// and a local authority, Deadline always returns the same answer. The workflow records each
// answer in history, so a new policy file changes clocks started after it, never old ones.
package policy

import "time"

// RuleID names a timescale rule, as in the timescales table.
type RuleID string

// The rules. Ids never change once released: case histories hold them.
const (
	PoliceReport           RuleID = "police-report"
	NotifySocialWorker     RuleID = "notify-social-worker"
	NotifySafeguardingLead RuleID = "notify-safeguarding-lead"
	CSCDecision            RuleID = "csc-decision"
	StrategyDiscussion     RuleID = "strategy-discussion"
	StrategyMeeting        RuleID = "strategy-meeting"
	ICPC                   RuleID = "icpc"
	RCPCFirst              RuleID = "rcpc-first"
	RCPCNext               RuleID = "rcpc-next"
	Assessment             RuleID = "assessment"
	NRMRequest             RuleID = "nrm-request"
	NRMRGDecision          RuleID = "nrm-rg-decision"
	NRMRecovery            RuleID = "nrm-recovery"
	NRMCGDecision          RuleID = "nrm-cg-decision"
	ICTGReferral           RuleID = "ictg-referral"
	ICTGAssignment         RuleID = "ictg-assignment"
	CarePlan               RuleID = "care-plan"
	CarePlanReview         RuleID = "care-plan-review"
	LACReview              RuleID = "lac-review"
	SWVisit                RuleID = "sw-visit"
	ReturnInterview        RuleID = "return-interview"
	LADO                   RuleID = "lado"
	Age18Consent           RuleID = "age-18-consent"
)

// RuleIDs lists every rule in the order of the timescales table; a policy file must define each.
var RuleIDs = []RuleID{
	PoliceReport, NotifySocialWorker, NotifySafeguardingLead, CSCDecision, StrategyDiscussion,
	StrategyMeeting, ICPC, RCPCFirst, RCPCNext, Assessment, NRMRequest, NRMRGDecision, NRMRecovery,
	NRMCGDecision, ICTGReferral, ICTGAssignment, CarePlan, CarePlanReview, LACReview, SWVisit,
	ReturnInterview, LADO, Age18Consent,
}

// Kind says whether a rule sets a deadline, chased when missed, or a minimum, an earliest date
// that is never chased (the NRM recovery period).
type Kind string

const (
	KindDeadline Kind = "deadline"
	KindMinimum  Kind = "minimum"
)

// Ladder is how an action is chased: a reminder before its due time, escalation to the manager
// after it, then to the Safeguarding Lead, and optionally repeated chases after that.
type Ladder struct {
	RemindBefore       Duration `yaml:"remind_before" json:"remind_before,omitzero"`
	EscalateAfter      Duration `yaml:"escalate_after" json:"escalate_after,omitzero"`
	EscalateAgainAfter Duration `yaml:"escalate_again_after" json:"escalate_again_after,omitzero"`
	RechaseEvery       Duration `yaml:"rechase_every" json:"rechase_every,omitzero"`
}

// Rule is one rule as in force at some instant for some local authority.
type Rule struct {
	ID     RuleID
	Title  string
	Kind   Kind
	Source string
	// Limits holds the limit of each occurrence of a repeating clock (the last repeats); most
	// rules have one.
	Limits []Duration
	Ladder Ladder
}

// Limit is the limit of the nth occurrence (0 is the first).
func (r Rule) Limit(occurrence int) Duration {
	if occurrence >= len(r.Limits) {
		occurrence = len(r.Limits) - 1
	}
	if occurrence < 0 {
		occurrence = 0
	}
	return r.Limits[occurrence]
}

// Deadline is a rule applied to one starting instant: when the action is due and when each chase
// of its ladder falls. Zero times mean "no such chase".
type Deadline struct {
	Rule            RuleID    `json:"rule"`
	Title           string    `json:"title"`
	Kind            Kind      `json:"kind"`
	Start           time.Time `json:"start"`
	Limit           Duration  `json:"limit"`
	Due             time.Time `json:"due"`
	RemindAt        time.Time `json:"remind_at,omitzero"`
	EscalateAt      time.Time `json:"escalate_at,omitzero"`
	EscalateAgainAt time.Time `json:"escalate_again_at,omitzero"`
	RechaseEvery    Duration  `json:"rechase_every,omitzero"`
	PolicyVersion   string    `json:"policy_version"`
	LA              string    `json:"la,omitempty"`
	Nation          Nation    `json:"nation"`
}

// place puts a ladder around a due time. A reminder at or before the start is dropped: the
// owner was just told, by the event itself. A rule anchored on a date (a limit of zero: the 18th
// birthday) keeps its reminder, since its start is the anchor, not an event.
func place(l Ladder, start, due time.Time, cal *Calendar) (remind, escalate, again time.Time) {
	anchored := start.Equal(due)
	if !l.RemindBefore.IsZero() {
		remind = l.RemindBefore.SubtractFrom(due, cal)
		if (!anchored && !remind.After(start)) || !remind.Before(due) {
			remind = time.Time{}
		}
	}
	if !l.EscalateAfter.IsZero() {
		escalate = l.EscalateAfter.AddTo(due, cal)
		if !l.EscalateAgainAfter.IsZero() {
			again = l.EscalateAgainAfter.AddTo(escalate, cal)
		}
	}
	return remind, escalate, again
}
