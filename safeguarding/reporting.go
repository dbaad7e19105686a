package safeguarding

import (
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Reporting is the track every concern starts: police, the child's social worker, the agency's
// Safeguarding Lead, and Children's Social Care.
type Reporting struct {
	PoliceReports        []PoliceReport `json:"police_reports,omitempty"`
	SocialWorkerInformed *Informed      `json:"social_worker_informed,omitempty"`
	LeadInformed         *Informed      `json:"lead_informed,omitempty"`
	CSCReferral          *CSCReferral   `json:"csc_referral,omitempty"`
	CSCDecision          *CSCDecision   `json:"csc_decision,omitempty"`
	Assessment           *Assessment    `json:"assessment,omitempty"`
}

// PoliceReport is a report to the police: 101, or 999 when the child is in immediate danger.
type PoliceReport struct {
	ReportedAt time.Time `json:"reported_at"`
	Channel    string    `json:"channel"`
	Reference  string    `json:"reference"`
	By         Actor     `json:"by"`
}

// Informed records that someone was told, when and how.
type Informed struct {
	At     time.Time `json:"at"`
	Method string    `json:"method,omitempty"`
	By     Actor     `json:"by"`
}

// CSCReferral is the referral to the local authority's Children's Social Care.
type CSCReferral struct {
	ReferredAt time.Time `json:"referred_at"`
	// SignificantHarm: reasonable cause to suspect significant harm, which calls for a strategy
	// discussion.
	SignificantHarm bool  `json:"significant_harm"`
	By              Actor `json:"by"`
}

// CSCDecision is the local authority's decision on its response to a referral.
type CSCDecision struct {
	DecidedAt time.Time `json:"decided_at"`
	Decision  string    `json:"decision"`
	Note      string    `json:"note,omitempty"`
}

// Assessment is the social-care assessment that follows a referral.
type Assessment struct {
	CompletedAt time.Time `json:"completed_at"`
	LateReason  string    `json:"late_reason,omitempty"`
}

// RecordPoliceReport records a report to the police.
type RecordPoliceReport struct {
	ReportedAt time.Time `json:"reported_at"`
	// Channel is "101", or "999" when the child was in immediate danger.
	Channel   string `json:"channel"`
	Reference string `json:"reference"`
}

func (r *RecordPoliceReport) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("reported_at", r.ReportedAt, now)
	f.oneOf("channel", r.Channel, "101", "999")
	f.required("reference", r.Reference)
	f.text("reference", r.Reference, maxShortText)
	return f.err()
}

func (r *RecordPoliceReport) check(*Case, Actor) error { return nil }

func (r *RecordPoliceReport) apply(c *Case, by Actor, env Env) Result {
	c.Reporting.PoliceReports = append(c.Reporting.PoliceReports, PoliceReport{ReportedAt: r.ReportedAt, Channel: r.Channel, Reference: r.Reference, By: by})
	c.closeActions(policy.PoliceReport, "", ActionDone, r.ReportedAt, by, "")
	c.note(r.ReportedAt, by, "police-report", "Reported to the police on "+r.Channel+", reference "+r.Reference, "")
	return Result{}
}

// RecordInformed records that the child's social worker or the Safeguarding Lead was told.
type RecordInformed struct {
	InformedAt time.Time `json:"informed_at"`
	// Method: phone, email, in person, meeting.
	Method string `json:"method,omitempty"`
	rule   policy.RuleID
}

func (r *RecordInformed) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("informed_at", r.InformedAt, now)
	f.text("method", r.Method, maxShortText)
	return f.err()
}

func (r *RecordInformed) check(*Case, Actor) error { return nil }

func (r *RecordInformed) apply(c *Case, by Actor, env Env) Result {
	rec := &Informed{At: r.InformedAt, Method: r.Method, By: by}
	who := "the child's social worker"
	if r.rule == policy.NotifySafeguardingLead {
		c.Reporting.LeadInformed, who = rec, "the Safeguarding Lead"
	} else {
		c.Reporting.SocialWorkerInformed = rec
	}
	c.closeActions(r.rule, "", ActionDone, r.InformedAt, by, "")
	c.note(r.InformedAt, by, string(r.rule), "Informed "+who, "")
	return Result{}
}

// ReferToCSC records the referral to Children's Social Care.
type ReferToCSC struct {
	ReferredAt      time.Time `json:"referred_at"`
	SignificantHarm bool      `json:"significant_harm"`
}

func (r *ReferToCSC) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("referred_at", r.ReferredAt, now)
	return f.err()
}

func (r *ReferToCSC) check(c *Case, _ Actor) error {
	if c.Reporting.CSCReferral != nil {
		return Errorf(EConflict, "A referral to Children's Social Care is already recorded.")
	}
	return nil
}

func (r *ReferToCSC) apply(c *Case, by Actor, env Env) Result {
	c.Reporting.CSCReferral = &CSCReferral{ReferredAt: r.ReferredAt, SignificantHarm: r.SignificantHarm, By: by}
	sw := c.socialWorker()
	res := Result{}
	res.Opened = append(res.Opened,
		c.openAction(env, policy.CSCDecision, sw, r.ReferredAt, 0, "").ID,
		c.openAction(env, policy.Assessment, sw, r.ReferredAt, 0, "").ID)
	if r.SignificantHarm && !c.hasOpen(policy.StrategyDiscussion, "") {
		res.Opened = append(res.Opened, c.openAction(env, policy.StrategyDiscussion, sw, r.ReferredAt, 0, "").ID)
	}
	c.note(r.ReferredAt, by, "csc-referral", "Referred to Children's Social Care", "")
	return res
}

// RecordCSCDecision records the local authority's decision on the referral.
type RecordCSCDecision struct {
	DecidedAt time.Time `json:"decided_at"`
	// Decision: s47-enquiry, child-in-need, assessment, no-further-action.
	Decision string `json:"decision"`
	Note     string `json:"note,omitempty"`
}

func (r *RecordCSCDecision) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("decided_at", r.DecidedAt, now)
	f.oneOf("decision", r.Decision, "s47-enquiry", "child-in-need", "assessment", "no-further-action")
	f.text("note", r.Note, maxLongText)
	return f.err()
}

func (r *RecordCSCDecision) check(c *Case, _ Actor) error {
	switch {
	case c.Reporting.CSCReferral == nil:
		return Errorf(EConflict, "Record the referral to Children's Social Care before its decision.")
	case c.Reporting.CSCDecision != nil:
		return Errorf(EConflict, "The local authority's decision is already recorded.")
	case r.DecidedAt.Before(c.Reporting.CSCReferral.ReferredAt):
		return invalid("decided_at", "The decision cannot come before the referral.", "is before the referral")
	}
	return nil
}

func (r *RecordCSCDecision) apply(c *Case, by Actor, env Env) Result {
	c.Reporting.CSCDecision = &CSCDecision{DecidedAt: r.DecidedAt, Decision: r.Decision, Note: r.Note}
	c.closeActions(policy.CSCDecision, "", ActionDone, r.DecidedAt, by, "")
	c.note(r.DecidedAt, by, "csc-decision", "Local authority decision: "+r.Decision, "")
	return Result{}
}

// RecordAssessment records that the social-care assessment is complete.
type RecordAssessment struct {
	CompletedAt time.Time `json:"completed_at"`
	// LateReason is required when the assessment took longer than the policy allows.
	LateReason string `json:"late_reason,omitempty"`
}

func (r *RecordAssessment) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("completed_at", r.CompletedAt, now)
	f.text("late_reason", r.LateReason, maxLongText)
	return f.err()
}

func (r *RecordAssessment) check(c *Case, _ Actor) error {
	if c.Reporting.CSCReferral == nil {
		return Errorf(EConflict, "Record the referral to Children's Social Care before the assessment.")
	}
	if c.Reporting.Assessment != nil {
		return Errorf(EConflict, "The assessment is already recorded as complete.")
	}
	for _, a := range c.Actions {
		if a.Open() && a.Kind == policy.Assessment && r.CompletedAt.After(a.Due) && r.LateReason == "" {
			return &Error{Code: EInvalid, Message: "The assessment finished after its deadline: record the reasons.",
				Fields: map[string]string{"late_reason": "is required when the assessment is late"}}
		}
	}
	return nil
}

func (r *RecordAssessment) apply(c *Case, by Actor, env Env) Result {
	c.Reporting.Assessment = &Assessment{CompletedAt: r.CompletedAt, LateReason: r.LateReason}
	c.closeActions(policy.Assessment, "", ActionDone, r.CompletedAt, by, r.LateReason)
	c.note(r.CompletedAt, by, "assessment", "Assessment completed", "")
	return Result{}
}
