package safeguarding

import (
	"strings"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Reporting is the track every concern starts: police, the child's social worker, the agency's
// Safeguarding Lead, and Children's Social Care.
type Reporting struct {
	PoliceReports        []PoliceReport `json:"police_reports,omitempty"`
	SocialWorkerInformed *Informed      `json:"social_worker_informed,omitempty"`
	LeadInformed         *Informed      `json:"lead_informed,omitempty"`
	// Referrals lists the referrals to Children's Social Care; CSCReferral and CSCDecision are
	// the latest referral and decision.
	Referrals   []CSCReferral `json:"csc_referrals,omitempty"`
	CSCReferral *CSCReferral  `json:"csc_referral,omitempty"`
	CSCDecision *CSCDecision  `json:"csc_decision,omitempty"`
	Assessment  *Assessment   `json:"assessment,omitempty"`
}

// PoliceReport is a report to the police: 101, or 999 when the child is in immediate danger.
type PoliceReport struct {
	ReportedAt time.Time `json:"reported_at"`
	Channel    string    `json:"channel"`
	Reference  string    `json:"reference"`
	By         Actor     `json:"by"`
	About
}

// Informed records that someone was told, when and how.
type Informed struct {
	At     time.Time `json:"at"`
	Method string    `json:"method,omitempty"`
	By     Actor     `json:"by"`
	About
}

// About names what a report or a notification answers: concerns, or one missing episode. A
// record closes only the actions of what it answers, so a report about yesterday's concern never
// closes today's "call 999".
type About struct {
	// ConcernIDs are the concerns answered. Left empty, they are the concerns raised (seen or
	// heard) at or before the time of the record, among those the person recording can see.
	ConcernIDs []string `json:"concern_ids,omitempty"`
	// EpisodeID names a missing episode instead: the report or notification that the child is
	// missing.
	EpisodeID string `json:"episode_id,omitempty"`
}

func (a *About) validate(f fieldErrors) {
	f.ids("concern_ids", a.ConcernIDs, maxReferences)
	f.id("episode_id", a.EpisodeID)
	if a.EpisodeID != "" && len(a.ConcernIDs) > 0 {
		f.add("episode_id", "name concerns or a missing episode, not both")
	}
}

// check refuses what the record cannot answer: an unknown episode, a concern the person cannot
// see, or a concern raised after the record was made (see answers.go: one rule for every record).
func (a *About) check(c *Case, s Sight, at time.Time, what string) error {
	if a.EpisodeID != "" {
		if c.episode(a.EpisodeID) == nil {
			return unknownEpisode()
		}
		return nil
	}
	for _, id := range a.ConcernIDs {
		k := c.concern(id)
		switch {
		case k == nil || !seesConcern(s.Actor, *k):
			return invalid("concern_ids", "There is no concern with this id on the case.", "unknown concern "+quote(id))
		case k.ObservedAt.After(at):
			return predates("concern_ids", what, at, "concern "+id+" was raised on", k.ObservedAt)
		}
	}
	return nil
}

// concerns are the concerns the record answers: those named, or by default those raised at or
// before it among the ones the person can see.
func (a *About) concerns(c *Case, by Actor, at time.Time) []string {
	if a.EpisodeID != "" {
		return nil
	}
	if len(a.ConcernIDs) > 0 {
		return a.ConcernIDs
	}
	var ids []string
	for _, k := range c.Concerns {
		if !k.ObservedAt.After(at) && seesConcern(by, k) {
			ids = append(ids, k.ID)
		}
	}
	return ids
}

// describe names what the record answered, for the timeline.
func (a *About) describe(concerns []string) string {
	if a.EpisodeID != "" {
		return " (missing episode " + a.EpisodeID + ")"
	}
	if len(concerns) == 0 {
		return ""
	}
	return " (concerns " + strings.Join(concerns, ", ") + ")"
}

func (c *Case) concern(id string) *Concern {
	for i := range c.Concerns {
		if c.Concerns[i].ID == id {
			return &c.Concerns[i]
		}
	}
	return nil
}

// CSCReferral is a referral to the local authority's Children's Social Care, with the local
// authority's decision on it and the agency's review of a "no further action" decision.
type CSCReferral struct {
	ID         string    `json:"id,omitempty"`
	ReferredAt time.Time `json:"referred_at"`
	// SignificantHarm: reasonable cause to suspect significant harm, which calls for a strategy
	// discussion.
	SignificantHarm bool         `json:"significant_harm"`
	By              Actor        `json:"by"`
	Decision        *CSCDecision `json:"decision,omitempty"`
	Review          *Review      `json:"review,omitempty"`
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

// RecordPoliceReport records a report to the police about concerns or a missing episode.
type RecordPoliceReport struct {
	ReportedAt time.Time `json:"reported_at"`
	// Channel is "101", or "999" when the child was in immediate danger.
	Channel   string `json:"channel"`
	Reference string `json:"reference"`
	About
}

func (r *RecordPoliceReport) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("reported_at", r.ReportedAt, now)
	f.oneOf("channel", r.Channel, "101", "999")
	f.required("reference", r.Reference)
	f.text("reference", r.Reference, maxShortText)
	r.About.validate(f)
	return f.err()
}

func (r *RecordPoliceReport) check(c *Case, s Sight) error {
	return r.About.check(c, s, r.ReportedAt, "This police report")
}

// apply records the report and closes the police actions of what it answers: the police report,
// and the 999 call only when the report was a 999 call.
func (r *RecordPoliceReport) apply(c *Case, by Actor, env Env) Result {
	rec := PoliceReport{ReportedAt: r.ReportedAt, Channel: r.Channel, Reference: r.Reference, By: by}
	res := Result{}
	summary := "Reported to the police on " + r.Channel + ", reference " + r.Reference
	switch {
	case !c.failSafe():
		// The first release's rules: a report closed every police action of the case.
		c.closeActions(policy.PoliceReport, "", ActionDone, r.ReportedAt, by, "")
	case r.EpisodeID != "":
		rec.EpisodeID = r.EpisodeID
		e := c.episode(r.EpisodeID)
		e.ReportedToPolice, e.PoliceReference = true, r.Reference
		c.closeActions(policy.MissingPoliceReport, r.EpisodeID, ActionDone, r.ReportedAt, by, "")
		summary += r.About.describe(nil)
	default:
		rec.ConcernIDs = r.About.concerns(c, by, r.ReportedAt)
		for _, id := range rec.ConcernIDs {
			c.closeActions(policy.PoliceReport, id, ActionDone, r.ReportedAt, by, "")
			if r.Channel == "999" {
				c.closeActions(policy.ImmediateDanger, id, ActionDone, r.ReportedAt, by, "")
			}
		}
		summary += r.About.describe(rec.ConcernIDs)
	}
	c.Reporting.PoliceReports = append(c.Reporting.PoliceReports, rec)
	c.note(r.ReportedAt, by, "police-report", summary, r.EpisodeID)
	return res
}

// RecordInformed records that the child's social worker or the Safeguarding Lead was told about
// concerns or a missing episode.
type RecordInformed struct {
	InformedAt time.Time `json:"informed_at"`
	// Method: phone, email, in person, meeting.
	Method string `json:"method,omitempty"`
	About
	rule policy.RuleID
}

func (r *RecordInformed) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("informed_at", r.InformedAt, now)
	f.text("method", r.Method, maxShortText)
	r.About.validate(f)
	return f.err()
}

func (r *RecordInformed) check(c *Case, s Sight) error {
	return r.About.check(c, s, r.InformedAt, "This record of telling them")
}

func (r *RecordInformed) apply(c *Case, by Actor, env Env) Result {
	rec := &Informed{At: r.InformedAt, Method: r.Method, By: by}
	who, missingRule := "the child's social worker", policy.MissingNotifySW
	if r.rule == policy.NotifySafeguardingLead {
		who, missingRule = "the Safeguarding Lead", policy.MissingNotifyLead
	}
	res := Result{}
	switch {
	case !c.failSafe():
		// The first release's rules: telling them closed every such action of the case.
		c.closeActions(r.rule, "", ActionDone, r.InformedAt, by, "")
	case r.EpisodeID != "":
		rec.EpisodeID = r.EpisodeID
		c.closeActions(missingRule, r.EpisodeID, ActionDone, r.InformedAt, by, "")
	default:
		rec.ConcernIDs = r.About.concerns(c, by, r.InformedAt)
		for _, id := range rec.ConcernIDs {
			c.closeActions(r.rule, id, ActionDone, r.InformedAt, by, "")
		}
	}
	if r.rule == policy.NotifySafeguardingLead {
		c.Reporting.LeadInformed = rec
	} else {
		c.Reporting.SocialWorkerInformed = rec
	}
	c.note(r.InformedAt, by, string(r.rule), "Informed "+who+r.About.describe(rec.ConcernIDs), r.EpisodeID)
	return res
}

// ReferToCSC records a referral to Children's Social Care; a case may need more than one. A
// concern of trafficking or exploitation is a child protection concern, so every referral starts
// the strategy discussion clock whatever significant_harm says.
type ReferToCSC struct {
	ReferredAt      time.Time `json:"referred_at"`
	SignificantHarm bool      `json:"significant_harm"`
	Answers
}

func (r *ReferToCSC) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("referred_at", r.ReferredAt, now)
	r.Answers.validate(f)
	return f.err()
}

func (r *ReferToCSC) answering() answering {
	return answering{kinds: []policy.RuleID{policy.CSCReferral}, at: r.ReferredAt, field: "referred_at", what: "This referral"}
}

func (r *ReferToCSC) check(c *Case, s Sight) error {
	if c.failSafe() {
		if p := c.pendingReferral(); p != nil {
			return Errorf(EConflict, "Referral %s to Children's Social Care still awaits the local authority's decision; record it first.", p.ID)
		}
		if c.answersChecked() {
			_, err := c.answered(r.ActionIDs, r.answering(), s)
			return err
		}
		return nil
	}
	if c.Reporting.CSCReferral != nil {
		return Errorf(EConflict, "A referral to Children's Social Care is already recorded.")
	}
	return nil
}

func (r *ReferToCSC) apply(c *Case, by Actor, env Env) Result {
	ref := &CSCReferral{ReferredAt: r.ReferredAt, SignificantHarm: r.SignificantHarm, By: by}
	sw := c.socialWorker()
	res := Result{}
	if !c.failSafe() {
		// The first release's rules: one referral, a strategy discussion only for significant harm.
		c.Reporting.CSCReferral = ref
		res.Opened = append(res.Opened,
			c.openAction(env, policy.CSCDecision, sw, r.ReferredAt, 0, "").ID,
			c.openAction(env, policy.Assessment, sw, r.ReferredAt, 0, "").ID)
		if r.SignificantHarm && !c.hasOpen(policy.StrategyDiscussion, "") {
			res.Opened = append(res.Opened, c.openAction(env, policy.StrategyDiscussion, sw, r.ReferredAt, 0, "").ID)
		}
		c.note(r.ReferredAt, by, "csc-referral", "Referred to Children's Social Care", "")
		return res
	}
	ref.ID = c.newRef("R")
	c.Reporting.Referrals = append(c.Reporting.Referrals, *ref)
	c.Reporting.CSCReferral = ref
	res.Ref = ref.ID
	if c.answersChecked() {
		c.closeAnswered(r.ActionIDs, r.answering(), by, "")
	} else {
		c.closeActions(policy.CSCReferral, "", ActionDone, r.ReferredAt, by, "")
	}
	res.Opened = append(res.Opened,
		c.openAction(env, policy.CSCDecision, sw, r.ReferredAt, 0, ref.ID).ID,
		c.openAction(env, policy.Assessment, sw, r.ReferredAt, 0, ref.ID).ID)
	if !c.hasOpen(policy.StrategyDiscussion, "") {
		res.Opened = append(res.Opened, c.openAction(env, policy.StrategyDiscussion, sw, r.ReferredAt, 0, ref.ID).ID)
	}
	c.note(r.ReferredAt, by, "csc-referral", "Referred to Children's Social Care", ref.ID)
	return res
}

// pendingReferral is the referral still waiting for the local authority's decision, if any.
func (c *Case) pendingReferral() *CSCReferral {
	for i := range c.Reporting.Referrals {
		if r := &c.Reporting.Referrals[i]; r.Decision == nil {
			return r
		}
	}
	return nil
}

// referral finds a referral by id.
func (c *Case) referral(id string) *CSCReferral {
	for i := range c.Reporting.Referrals {
		if c.Reporting.Referrals[i].ID == id {
			return &c.Reporting.Referrals[i]
		}
	}
	return nil
}

// CSC decisions.
const (
	DecisionS47             = "s47-enquiry"
	DecisionChildInNeed     = "child-in-need"
	DecisionAssessment      = "assessment"
	DecisionNoFurtherAction = "no-further-action"
)

// RecordCSCDecision records the local authority's decision on a referral. "No further action"
// ends the assessment clock and starts the Safeguarding Lead's review, where the agency may
// challenge it; a section 47 enquiry starts the initial child protection conference clock.
type RecordCSCDecision struct {
	DecidedAt time.Time `json:"decided_at"`
	// Decision: s47-enquiry, child-in-need, assessment, no-further-action.
	Decision string `json:"decision"`
	Note     string `json:"note,omitempty"`
}

func (r *RecordCSCDecision) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("decided_at", r.DecidedAt, now)
	f.oneOf("decision", r.Decision, DecisionS47, DecisionChildInNeed, DecisionAssessment, DecisionNoFurtherAction)
	f.text("note", r.Note, maxLongText)
	return f.err()
}

func (r *RecordCSCDecision) check(c *Case, _ Sight) error {
	referredAt := time.Time{}
	switch p := c.pendingReferral(); {
	case !c.failSafe() && c.Reporting.CSCReferral == nil, c.failSafe() && p == nil && c.Reporting.CSCReferral == nil:
		return Errorf(EConflict, "Record the referral to Children's Social Care before its decision.")
	case c.failSafe() && p == nil, !c.failSafe() && c.Reporting.CSCDecision != nil:
		return Errorf(EConflict, "The local authority's decision is already recorded.")
	case p != nil:
		referredAt = p.ReferredAt
	default:
		referredAt = c.Reporting.CSCReferral.ReferredAt
	}
	if r.DecidedAt.Before(referredAt) {
		return invalid("decided_at", "The decision cannot come before the referral.", "is before the referral")
	}
	return nil
}

func (r *RecordCSCDecision) apply(c *Case, by Actor, env Env) Result {
	d := &CSCDecision{DecidedAt: r.DecidedAt, Decision: r.Decision, Note: r.Note}
	c.Reporting.CSCDecision = d
	res := Result{}
	if !c.failSafe() {
		c.closeActions(policy.CSCDecision, "", ActionDone, r.DecidedAt, by, "")
		c.note(r.DecidedAt, by, "csc-decision", "Local authority decision: "+r.Decision, "")
		return res
	}
	ref := c.pendingReferral()
	ref.Decision = d
	res.Ref = ref.ID
	c.closeActions(policy.CSCDecision, ref.ID, ActionDone, r.DecidedAt, by, "")
	sw := c.socialWorker()
	switch r.Decision {
	case DecisionNoFurtherAction:
		for i := range c.Actions {
			if a := &c.Actions[i]; a.Open() && a.Kind == policy.Assessment && a.Ref == ref.ID {
				a.end(ActionResolved, r.DecidedAt, by, "The local authority decided no further action: there is no assessment")
			}
		}
		res.Opened = append(res.Opened, c.openAction(env, policy.NFAReview, Owner{Role: RoleSafeguardingLead}, r.DecidedAt, 0, ref.ID).ID)
	case DecisionS47:
		if !c.hasOpen(policy.ICPC, "") && !c.hasConference("initial") {
			res.Opened = append(res.Opened, c.openAction(env, policy.ICPC, sw, r.DecidedAt, 0, ref.ID).ID)
		}
	}
	c.note(r.DecidedAt, by, "csc-decision", "Local authority decision: "+r.Decision, ref.ID)
	return res
}

// ReviewNFA records the Safeguarding Lead's review of a "no further action" decision: agreed,
// or challenged with the local authority, as the agency policy asks of views that reject the
// need for a child protection response.
type ReviewNFA struct {
	ReviewedAt time.Time `json:"reviewed_at"`
	// Outcome is "agreed" or "challenged".
	Outcome string `json:"outcome"`
	// Note says why; for a challenge, how and with whom it was raised.
	Note string `json:"note"`
	// ReferralID names the referral whose decision is reviewed; required when several await review.
	ReferralID string `json:"referral_id,omitempty"`
}

func (r *ReviewNFA) Validate(now time.Time) error {
	f := fieldErrors{}
	f.id("referral_id", r.ReferralID)
	f.happened("reviewed_at", r.ReviewedAt, now)
	f.oneOf("outcome", r.Outcome, "agreed", "challenged")
	f.required("note", r.Note)
	f.text("note", r.Note, maxLongText)
	return f.err()
}

func (r *ReviewNFA) check(c *Case, s Sight) error {
	waiting := 0
	for _, a := range c.Actions {
		if a.Open() && a.Kind == policy.NFAReview {
			waiting++
		}
	}
	switch {
	case waiting == 0:
		return Errorf(EConflict, "No \"no further action\" decision is waiting for review.")
	case r.ReferralID != "" && !c.hasOpen(policy.NFAReview, r.ReferralID):
		return invalid("referral_id", "No \"no further action\" decision on this referral is waiting for review.", "no review waiting for this referral")
	case r.ReferralID == "" && waiting > 1:
		return invalid("referral_id", "Several \"no further action\" decisions are waiting for review: say which referral this review is of.", "is required when several decisions await review")
	case c.answersChecked():
		_, err := c.answered(nil, r.answering(), s)
		return err
	}
	return nil
}

// answering: a review answers the review of the referral it names, or the one waiting.
func (r *ReviewNFA) answering() answering {
	return answering{kinds: []policy.RuleID{policy.NFAReview}, ref: r.ReferralID, at: r.ReviewedAt, field: "reviewed_at", what: "This review"}
}

func (r *ReviewNFA) apply(c *Case, by Actor, env Env) Result {
	res := Result{}
	for i := range c.Actions {
		a := &c.Actions[i]
		if !a.Open() || a.Kind != policy.NFAReview || (r.ReferralID != "" && a.Ref != r.ReferralID) {
			continue
		}
		if ref := c.referral(a.Ref); ref != nil {
			ref.Review = &Review{HeldAt: r.ReviewedAt, Outcome: r.Outcome + ": " + r.Note, By: by}
		}
		a.end(ActionDone, r.ReviewedAt, by, r.Outcome)
	}
	c.note(r.ReviewedAt, by, "nfa-review", "\"No further action\" decision "+r.Outcome+": "+r.Note, "")
	return res
}

// RecordAssessment records that the social-care assessment is complete.
type RecordAssessment struct {
	CompletedAt time.Time `json:"completed_at"`
	// LateReason is required when the assessment took longer than the policy allows.
	LateReason string `json:"late_reason,omitempty"`
	Answers
}

func (r *RecordAssessment) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("completed_at", r.CompletedAt, now)
	f.text("late_reason", r.LateReason, maxLongText)
	r.Answers.validate(f)
	return f.err()
}

// answering: an assessment completes one referral's assessment.
func (r *RecordAssessment) answering() answering {
	return answering{kinds: []policy.RuleID{policy.Assessment}, at: r.CompletedAt, field: "completed_at", what: "This assessment", one: true}
}

func (r *RecordAssessment) check(c *Case, s Sight) error {
	if c.Reporting.CSCReferral == nil {
		return Errorf(EConflict, "Record the referral to Children's Social Care before the assessment.")
	}
	if c.answersChecked() {
		answered, err := c.answered(r.ActionIDs, r.answering(), s)
		switch {
		case err != nil:
			return err
		case len(answered) == 0:
			return Errorf(EConflict, "No assessment is waiting to be recorded as complete.")
		case r.CompletedAt.After(answered[0].Due) && r.LateReason == "":
			return &Error{Code: EInvalid, Message: "The assessment finished after its deadline: record the reasons.",
				Fields: map[string]string{"late_reason": "is required when the assessment is late"}}
		}
		return nil
	}
	open := false
	for _, a := range c.Actions {
		if a.Open() && a.Kind == policy.Assessment {
			open = true
			if r.CompletedAt.After(a.Due) && r.LateReason == "" {
				return &Error{Code: EInvalid, Message: "The assessment finished after its deadline: record the reasons.",
					Fields: map[string]string{"late_reason": "is required when the assessment is late"}}
			}
		}
	}
	if !open {
		return Errorf(EConflict, "No assessment is waiting to be recorded as complete.")
	}
	return nil
}

func (r *RecordAssessment) apply(c *Case, by Actor, env Env) Result {
	c.Reporting.Assessment = &Assessment{CompletedAt: r.CompletedAt, LateReason: r.LateReason}
	if c.answersChecked() {
		c.closeAnswered(r.ActionIDs, r.answering(), by, r.LateReason)
	} else {
		c.closeActions(policy.Assessment, "", ActionDone, r.CompletedAt, by, r.LateReason)
	}
	c.note(r.CompletedAt, by, "assessment", "Assessment completed", "")
	return Result{}
}
