package safeguarding

import (
	"strconv"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// NRM is the National Referral Mechanism track. caseflow records and chases; people decide.
// Nothing here is ever decided automatically.
type NRM struct {
	Requests []NRMRequest `json:"requests,omitempty"`
	Referral *NRMReferral `json:"referral,omitempty"`
	RG       *Decision    `json:"reasonable_grounds,omitempty"`
	// RecoveryUntil is the end of the minimum recovery period after a positive RG decision.
	RecoveryUntil    time.Time         `json:"recovery_until,omitzero"`
	CG               *Decision         `json:"conclusive_grounds,omitempty"`
	Reconsiderations []Reconsideration `json:"reconsiderations,omitempty"`
	Superseded       []Decision        `json:"superseded_decisions,omitempty"`
	AdultConsent     *AdultConsent     `json:"adult_consent,omitempty"`
	NotReferred      []NotReferred     `json:"not_referred,omitempty"`
}

// NRMRequest is the agency asking a First Responder (the LA or the police) to refer: a fostering
// agency cannot refer itself.
type NRMRequest struct {
	RequestedAt time.Time `json:"requested_at"`
	RequestedOf string    `json:"requested_of"`
	By          Actor     `json:"by"`
}

// NRMReferral is the referral a First Responder submitted.
type NRMReferral struct {
	SubmittedAt    time.Time `json:"submitted_at"`
	Reference      string    `json:"reference"`
	FirstResponder string    `json:"first_responder"`
	// ReferredBy names who at the First Responder made it, when the agency did not ask them to
	// (another First Responder referred the child).
	ReferredBy string `json:"referred_by,omitempty"`
}

// NotReferred records a decision that the child is not referred to the NRM, with why and by whom.
type NotReferred struct {
	DecidedAt time.Time `json:"decided_at"`
	Reason    string    `json:"reason"`
	// DecidedBy names who decided (a role and organisation, e.g. "LA team manager").
	DecidedBy string `json:"decided_by"`
	By        Actor  `json:"by"`
}

// Decision is a Reasonable Grounds or Conclusive Grounds decision.
type Decision struct {
	Kind      string    `json:"kind"`
	DecidedAt time.Time `json:"decided_at"`
	Outcome   string    `json:"outcome"`
}

// Reconsideration is a request to reconsider a negative decision.
type Reconsideration struct {
	Decision    string    `json:"decision"`
	RequestedAt time.Time `json:"requested_at"`
	Reason      string    `json:"reason"`
	Pending     bool      `json:"pending"`
}

// AdultConsent is the young person's choice, at 18, to remain in the NRM or leave it.
type AdultConsent struct {
	RecordedAt time.Time `json:"recorded_at"`
	Consent    string    `json:"consent"`
}

// FirstResponders are the organisations that may submit an NRM referral.
var FirstResponders = []string{
	"local-authority", "police", "home-office", "border-force", "national-crime-agency",
	"gangmasters-labour-abuse-authority", "salvation-army", "barnardos", "migrant-help",
	"medaille-trust", "kalayaan", "other-first-responder",
}

const (
	decisionRG = "reasonable-grounds"
	decisionCG = "conclusive-grounds"
)

// RequestNRMReferral records that the agency asked the LA or police to refer the child.
type RequestNRMReferral struct {
	RequestedAt time.Time `json:"requested_at"`
	// RequestedOf is "local-authority" or "police".
	RequestedOf string `json:"requested_of"`
}

func (r *RequestNRMReferral) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("requested_at", r.RequestedAt, now)
	f.oneOf("requested_of", r.RequestedOf, "local-authority", "police")
	return f.err()
}

func (r *RequestNRMReferral) check(c *Case, _ Sight) error {
	if c.NRM.Referral != nil {
		return Errorf(EConflict, "The NRM referral is already submitted.")
	}
	return nil
}

func (r *RequestNRMReferral) apply(c *Case, by Actor, env Env) Result {
	c.NRM.Requests = append(c.NRM.Requests, NRMRequest{RequestedAt: r.RequestedAt, RequestedOf: r.RequestedOf, By: by})
	c.note(r.RequestedAt, by, "nrm-request", "Asked the "+r.RequestedOf+" to make the NRM referral", "")
	res := Result{}
	if c.hasOpen(policy.NRMLeadDecision, "") {
		// The child is to be referred: the decision is made, and the request is chased until the
		// First Responder's reference is recorded.
		c.closeActions(policy.NRMLeadDecision, "", ActionDone, r.RequestedAt, by, "")
		if !c.hasOpen(policy.NRMRequest, "") {
			res.Opened = append(res.Opened, c.openAction(env, policy.NRMRequest, c.socialWorker(), r.RequestedAt, 0, "").ID)
		}
	}
	return res
}

// RecordNRMReferral records the referral a First Responder submitted, with its reference; the
// agency's request, or another First Responder's own referral, named by who made it.
type RecordNRMReferral struct {
	SubmittedAt    time.Time `json:"submitted_at"`
	Reference      string    `json:"reference"`
	FirstResponder string    `json:"first_responder"`
	ReferredBy     string    `json:"referred_by,omitempty"`
}

func (r *RecordNRMReferral) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("submitted_at", r.SubmittedAt, now)
	f.required("reference", r.Reference)
	f.text("reference", r.Reference, maxShortText)
	f.oneOf("first_responder", r.FirstResponder, FirstResponders...)
	f.text("referred_by", r.ReferredBy, maxShortText)
	return f.err()
}

func (r *RecordNRMReferral) check(c *Case, _ Sight) error {
	if c.NRM.Referral != nil {
		return Errorf(EConflict, "The NRM referral is already recorded (reference %s).", c.NRM.Referral.Reference)
	}
	return nil
}

func (r *RecordNRMReferral) apply(c *Case, by Actor, env Env) Result {
	c.NRM.Referral = &NRMReferral{SubmittedAt: r.SubmittedAt, Reference: r.Reference, FirstResponder: r.FirstResponder, ReferredBy: r.ReferredBy}

	c.closeActions(policy.NRMRequest, "", ActionDone, r.SubmittedAt, by, "")
	c.closeActions(policy.NRMLeadDecision, "", ActionDone, r.SubmittedAt, by, "")
	sw := c.socialWorker()
	res := Result{}
	res.Opened = append(res.Opened, c.openRGDecision(env, sw, r.SubmittedAt, "").ID)
	if c.ICTGSite && c.ICTG.Referral == nil && !c.hasOpen(policy.ICTGReferral, "") {
		res.Opened = append(res.Opened, c.openAction(env, policy.ICTGReferral, sw, r.SubmittedAt, 0, "").ID)
	}
	// The consent clock runs only while an NRM case is open at the 18th birthday; a referral
	// made after it needs the young person's consent at once.
	if !c.failSafe() {
		if birthday, ok := c.Child.DateOfBirth.Birthday(18); ok && birthday.After(env.Now()) {
			res.Opened = append(res.Opened, c.openAction(env, policy.Age18Consent, sw, birthday, 0, "").ID)
		}
	} else if a := c.openAdultConsent(env, c.adultAt()); a != nil {
		res.Opened = append(res.Opened, a.ID)
	}
	c.note(r.SubmittedAt, by, "nrm-referral", "NRM referral submitted by "+r.FirstResponder+", reference "+r.Reference, "")
	return res
}

// RecordDecision records a Reasonable Grounds or Conclusive Grounds decision.
type RecordDecision struct {
	DecidedAt time.Time `json:"decided_at"`
	// Outcome is "positive" or "negative".
	Outcome string `json:"outcome"`
	kind    string
}

func (r *RecordDecision) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("decided_at", r.DecidedAt, now)
	f.oneOf("outcome", r.Outcome, "positive", "negative")
	return f.err()
}

func (r *RecordDecision) check(c *Case, _ Sight) error {
	n := &c.NRM
	if r.kind == decisionRG {
		switch {
		case n.Referral == nil:
			return Errorf(EConflict, "A Reasonable Grounds decision needs an NRM referral, which is not recorded yet.")
		case n.RG != nil && !n.pending(decisionRG):
			return Errorf(EConflict, "The Reasonable Grounds decision is already recorded; request a reconsideration to record a new one.")
		case r.DecidedAt.Before(n.Referral.SubmittedAt):
			return invalid("decided_at", "The decision cannot come before the referral.", "is before the NRM referral")
		}
		return nil
	}
	switch {
	case n.RG == nil:
		return Errorf(EConflict, "A Conclusive Grounds decision comes after a Reasonable Grounds decision, which is not recorded yet.")
	case n.RG.Outcome != "positive":
		return Errorf(EConflict, "A Conclusive Grounds decision follows only a positive Reasonable Grounds decision.")
	case n.CG != nil && !n.pending(decisionCG):
		return Errorf(EConflict, "The Conclusive Grounds decision is already recorded; request a reconsideration to record a new one.")
	case r.DecidedAt.Before(n.RG.DecidedAt):
		return invalid("decided_at", "The decision cannot come before the Reasonable Grounds decision.", "is before the Reasonable Grounds decision")
	}
	return nil
}

func (r *RecordDecision) apply(c *Case, by Actor, env Env) Result {
	n := &c.NRM
	d := &Decision{Kind: r.kind, DecidedAt: r.DecidedAt, Outcome: r.Outcome}
	n.settle(r.kind)
	res := Result{}
	sw := c.socialWorker()
	if r.kind == decisionRG {
		if n.RG != nil {
			n.Superseded = append(n.Superseded, *n.RG)
		}
		n.RG = d
		c.closeActions(policy.NRMRGDecision, "", ActionDone, r.DecidedAt, by, "")
		if r.Outcome == "positive" {
			n.RecoveryUntil = env.Deadline(policy.NRMRecovery, r.DecidedAt, c.LA, 0).Due
			if n.CG == nil && !c.hasOpen(policy.NRMCGDecision, "") {
				res.Opened = append(res.Opened, c.openAction(env, policy.NRMCGDecision, sw, r.DecidedAt, 0, "").ID)
			}
		}
		c.note(r.DecidedAt, by, "nrm-rg-decision", "Reasonable Grounds decision: "+r.Outcome, "")
		return res
	}
	if n.CG != nil {
		n.Superseded = append(n.Superseded, *n.CG)
	}
	n.CG = d
	c.closeActions(policy.NRMCGDecision, "", ActionDone, r.DecidedAt, by, "")
	c.note(r.DecidedAt, by, "nrm-cg-decision", "Conclusive Grounds decision: "+r.Outcome, "")
	return res
}

func (n *NRM) pending(kind string) bool {
	for _, r := range n.Reconsiderations {
		if r.Decision == kind && r.Pending {
			return true
		}
	}
	return false
}

func (n *NRM) settle(kind string) {
	for i := range n.Reconsiderations {
		if n.Reconsiderations[i].Decision == kind {
			n.Reconsiderations[i].Pending = false
		}
	}
}

// RequestReconsideration asks for a negative decision to be reconsidered; the decision clock
// runs again from the request.
type RequestReconsideration struct {
	// Decision is "reasonable-grounds" or "conclusive-grounds".
	Decision    string    `json:"decision"`
	RequestedAt time.Time `json:"requested_at"`
	Reason      string    `json:"reason"`
}

func (r *RequestReconsideration) Validate(now time.Time) error {
	f := fieldErrors{}
	f.oneOf("decision", r.Decision, decisionRG, decisionCG)
	f.happened("requested_at", r.RequestedAt, now)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *RequestReconsideration) check(c *Case, _ Sight) error {
	d := c.NRM.RG
	if r.Decision == decisionCG {
		d = c.NRM.CG
	}
	switch {
	case d == nil:
		return Errorf(EConflict, "There is no %s decision to reconsider.", r.Decision)
	case d.Outcome != "negative":
		return Errorf(EConflict, "Only a negative decision can be reconsidered.")
	case c.NRM.pending(r.Decision):
		return Errorf(EConflict, "A reconsideration of this decision is already pending.")
	}
	return nil
}

func (r *RequestReconsideration) apply(c *Case, by Actor, env Env) Result {
	c.NRM.Reconsiderations = append(c.NRM.Reconsiderations, Reconsideration{Decision: r.Decision, RequestedAt: r.RequestedAt, Reason: r.Reason, Pending: true})
	var a *Action
	if r.Decision == decisionCG {
		a = c.openAction(env, policy.NRMCGDecision, c.socialWorker(), r.RequestedAt, 0, "reconsideration")
	} else {
		a = c.openRGDecision(env, c.socialWorker(), r.RequestedAt, "reconsideration")
	}
	c.note(r.RequestedAt, by, "nrm-reconsideration", "Reconsideration of the "+r.Decision+" decision requested", "")
	return Result{Opened: []string{a.ID}}
}

// RecordAdultConsent records whether the young person, at 18, consents to remain in the NRM.
type RecordAdultConsent struct {
	RecordedAt time.Time `json:"recorded_at"`
	// Consent is "given" or "withdrawn".
	Consent string `json:"consent"`
}

func (r *RecordAdultConsent) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("recorded_at", r.RecordedAt, now)
	f.oneOf("consent", r.Consent, "given", "withdrawn")
	return f.err()
}

func (r *RecordAdultConsent) check(c *Case, _ Sight) error {
	if c.NRM.Referral == nil {
		return Errorf(EConflict, "Adult consent applies to an open NRM case, and no NRM referral is recorded.")
	}
	if !c.failSafe() {
		return nil
	}
	adult := c.adultAt()
	switch {
	case adult.IsZero():
		return Errorf(EConflict, "Record the young person's date of birth first: adult consent is given from 30 days before the 18th birthday.")
	case r.RecordedAt.Before(adult.AddDate(0, 0, -consentWindowDays)):
		dob, _ := c.Child.DateOfBirth.Time()
		return invalid("recorded_at", "Adult consent is given from 30 days before the 18th birthday; the young person is "+
			strconv.Itoa(ageAt(dob, r.RecordedAt))+".", "is more than 30 days before the 18th birthday")
	}
	return nil
}

// consentWindowDays: consent to stay in the NRM as an adult is sought from a month before 18.
const consentWindowDays = 30

func (r *RecordAdultConsent) apply(c *Case, by Actor, env Env) Result {
	c.NRM.AdultConsent = &AdultConsent{RecordedAt: r.RecordedAt, Consent: r.Consent}
	c.closeActions(policy.Age18Consent, "", ActionDone, r.RecordedAt, by, "")
	c.note(r.RecordedAt, by, "age-18-consent", "Consent to remain in the NRM at 18: "+r.Consent, "")
	return Result{}
}

// RecordNotReferred records a decision not to refer the child to the NRM, with why and by whom.
// Every child suspected of being trafficked must be referred, so it is a manager's or the
// Safeguarding Lead's record, and it ends the referral clock for that reason.
type RecordNotReferred struct {
	DecidedAt time.Time `json:"decided_at"`
	Reason    string    `json:"reason"`
	DecidedBy string    `json:"decided_by"`
}

func (r *RecordNotReferred) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("decided_at", r.DecidedAt, now)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	f.required("decided_by", r.DecidedBy)
	f.text("decided_by", r.DecidedBy, maxShortText)
	return f.err()
}

func (r *RecordNotReferred) check(c *Case, _ Sight) error {
	if c.NRM.Referral != nil {
		return Errorf(EConflict, "The NRM referral is already recorded (reference %s).", c.NRM.Referral.Reference)
	}
	return nil
}

func (r *RecordNotReferred) apply(c *Case, by Actor, env Env) Result {
	c.NRM.NotReferred = append(c.NRM.NotReferred, NotReferred{DecidedAt: r.DecidedAt, Reason: r.Reason, DecidedBy: r.DecidedBy, By: by})
	res := Result{}
	for i := range c.Actions {
		if a := &c.Actions[i]; a.Open() && (a.Kind == policy.NRMRequest || a.Kind == policy.NRMLeadDecision) {
			a.end(ActionResolved, r.DecidedAt, by, "Decision not to refer, by "+r.DecidedBy+": "+r.Reason)
		}
	}
	c.note(r.DecidedAt, by, "nrm-not-referred", "Decision not to refer to the NRM, by "+r.DecidedBy+": "+r.Reason, "")
	return res
}

// openRGDecision starts the Reasonable Grounds clock. In a devolved child decision pilot area
// the pilot's limit does not apply to a child referred within the policy's margin of their 18th
// birthday (by the date of birth recorded, disputed or not: the national limit is the shorter),
// who keeps the national one. Cases on earlier rules took the local authority's limit.
func (c *Case) openRGDecision(env Env, owner Owner, start time.Time, ref string) *Action {
	if !c.ageDecided() {
		return c.openAction(env, policy.NRMRGDecision, owner, start, 0, ref)
	}
	return c.openActionBy(env.ChildDeadline(policy.NRMRGDecision, start, c.LA, 0, c.adultAt()), policy.NRMRGDecision, owner, start, 0, ref)
}
