package policy

import "slices"

// RuleID names a timescale rule, as in the timescales table.
type RuleID string

// The rules. Ids never change once released: case histories hold them.
const (
	PoliceReport           RuleID = "police-report"
	ImmediateDanger        RuleID = "immediate-danger"
	NotifySocialWorker     RuleID = "notify-social-worker"
	NotifySafeguardingLead RuleID = "notify-safeguarding-lead"
	CompleteRecord         RuleID = "complete-record"
	CSCReferral            RuleID = "csc-referral"
	CSCDecision            RuleID = "csc-decision"
	NFAReview              RuleID = "nfa-review"
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
	MissingChild           RuleID = "missing-child"
	MissingPoliceReport    RuleID = "missing-police-report"
	MissingNotifySW        RuleID = "missing-notify-social-worker"
	MissingNotifyLead      RuleID = "missing-notify-safeguarding-lead"
	ReturnInterview        RuleID = "return-interview"
	LADO                   RuleID = "lado"
	LADOUrgent             RuleID = "lado-urgent"
	AllegationPolice       RuleID = "allegation-police-report"
	DBSReferral            RuleID = "dbs-referral"
	Age18Consent           RuleID = "age-18-consent"
	Transition             RuleID = "transition-at-18"
	// ConfirmAdulthood asks the Safeguarding Lead or a manager to decide whether a young person
	// the record shows as 18 moves to adulthood: their child clocks end only by that decision.
	ConfirmAdulthood RuleID = "confirm-adulthood"
	// NRMLeadDecision asks the Safeguarding Lead to decide whether a concern of a type the policy
	// does not refer by itself (sexual harassment, by default) is referred to the NRM.
	NRMLeadDecision RuleID = "nrm-lead-decision"

	// The agency policy's duties that had no clock of their own (see safeguarding/duties.go).

	// CSODSDecision asks the child's social worker to decide whether to request a police check
	// under the Child Sex Offender Disclosure Scheme, after a concern about an adult in contact
	// with the child; CSODSAnswer chases the police's answer to a check requested.
	CSODSDecision RuleID = "csods-decision"
	CSODSAnswer   RuleID = "csods-answer"
	// TellYoungPerson: the young person is told of an outcome caseflow recorded.
	TellYoungPerson RuleID = "tell-young-person"
	// SpeakAlone: speak with the child without the adult who accompanies them.
	SpeakAlone RuleID = "speak-alone"
	// NRMChallenge: decide whether to ask for a negative NRM decision to be reconsidered.
	NRMChallenge RuleID = "nrm-challenge"
	// ConductReview: the Safeguarding Lead, told that a named person's action is late, decides
	// whether their failure to act is a conduct matter.
	ConductReview RuleID = "conduct-review"
	// EndRelationship: decide on ending the agency's relationship with a carer, member of staff
	// or supplier an allegation against whom was substantiated.
	EndRelationship RuleID = "end-relationship"
	// RetentionReview is the review of a closed record whose retention period has ended.
	RetentionReview RuleID = "retention-review"
)

// RuleIDs lists every rule in the order of the timescales table (strategy-meeting follows the
// strategy discussion it completes; the immediate-danger, missing-child and allegation clocks
// follow the rule they sharpen; the review of a closed record comes last). A policy file must
// define each.
var RuleIDs = []RuleID{
	PoliceReport, ImmediateDanger, NotifySocialWorker, NotifySafeguardingLead, CompleteRecord, CSCReferral, CSCDecision, NFAReview, StrategyDiscussion,
	StrategyMeeting, ICPC, RCPCFirst, RCPCNext, Assessment, NRMRequest, NRMRGDecision, NRMRecovery,
	NRMCGDecision, ICTGReferral, ICTGAssignment, CarePlan, CarePlanReview, LACReview, SWVisit,
	MissingChild, MissingPoliceReport, MissingNotifySW, MissingNotifyLead, ReturnInterview,
	LADO, LADOUrgent, AllegationPolice, DBSReferral, Age18Consent, Transition,
	ConfirmAdulthood, NRMLeadDecision,
	CSODSDecision, CSODSAnswer, TellYoungPerson, SpeakAlone, NRMChallenge, ConductReview, EndRelationship,
	RetentionReview,
}

// Kind says whether a rule sets a deadline, chased when missed, or a minimum: an earliest date
// that is never chased (the NRM recovery period, during which a child may not be removed from
// support).
type Kind string

// The kinds, as written in policy files.
const (
	KindDeadline Kind = "deadline"
	KindMinimum  Kind = "minimum"
)

// Ladder is how an action is chased: a reminder to its owner before the due time, escalation to
// the manager after it, then to the Safeguarding Lead, and optionally a repeated chase while it
// stays open. A zero step is not taken.
type Ladder struct {
	RemindBefore       Duration `json:"remind_before,omitzero"`
	EscalateAfter      Duration `json:"escalate_after,omitzero"`
	EscalateAgainAfter Duration `json:"escalate_again_after,omitzero"`
	RechaseEvery       Duration `json:"rechase_every,omitzero"`
}

// Rule is one rule as in force at some instant for some local authority.
type Rule struct {
	ID    RuleID
	Title string // plain English, for the social worker who owns the action
	Kind  Kind
	// Source names the guidance or agency decision the limit comes from.
	Source string
	// Limits holds the limit of each occurrence of a repeating clock, the last one repeating:
	// [20WD 3mo 6mo] for looked-after child reviews. Most rules have one.
	Limits []Duration
	Ladder Ladder
}

// Limit is the limit of the nth occurrence, counting from 0; occurrences past the end of Limits
// use the last one.
func (r Rule) Limit(occurrence int) Duration {
	if len(r.Limits) == 0 {
		return Duration{}
	}
	return r.Limits[min(max(occurrence, 0), len(r.Limits)-1)]
}

// IsAnchored reports whether the rule's start is a date the action must be done by rather than
// the event that started it: a limit of zero, as for consent by the 18th birthday. Its reminder
// falls before the start.
func (r Rule) IsAnchored(occurrence int) bool { return r.Limit(occurrence).N == 0 }

func (id RuleID) valid() bool { return slices.Contains(RuleIDs, id) }
