package safeguarding

import (
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Challenging a negative NRM decision. The agency policy asks the team to "advocate for the young
// person" and to "challenge professional views which are oppressive, judgmental, or rejecting the
// need for a child protection response (the fostering social worker and Sparks Fostering
// Safeguarding Lead can support with this if required)". A negative Reasonable Grounds or
// Conclusive Grounds decision starts the nrm-challenge clock, owned by the child's social worker:
// the team decides whether to ask for the decision to be reconsidered. Asking for it (this step,
// or the reconsideration step) closes the clock; accepting the decision is a manager's or the
// Safeguarding Lead's decision, with the reasons, as a decision not to refer is.

// Challenge is a decision whether to challenge a negative NRM decision.
type Challenge struct {
	Decision  string    `json:"decision"`
	DecidedAt time.Time `json:"decided_at"`
	// Outcome is "challenge" (a reconsideration was asked for) or "accept".
	Outcome string `json:"outcome"`
	Reason  string `json:"reason"`
	By      Actor  `json:"by"`
}

// The outcomes of a decision whether to challenge.
const (
	ChallengeDecision = "challenge"
	AcceptDecision    = "accept"
)

// openChallenge starts the decision whether to challenge a negative decision, from when it was
// made. Its action names the decision by its kind: a case has one current decision of each.
func (c *Case) openChallenge(env Env, kind string, d *Decision) *Action {
	if d == nil || d.Outcome != "negative" || c.hasOpen(policy.NRMChallenge, kind) {
		return nil
	}
	return c.openAction(env, policy.NRMChallenge, c.socialWorker(), d.DecidedAt, 0, kind)
}

// DecideChallenge records whether the agency challenges a negative NRM decision: asking for it
// to be reconsidered, or accepting it, with the reasons either way.
type DecideChallenge struct {
	// Decision is "reasonable-grounds" or "conclusive-grounds".
	Decision  string    `json:"decision"`
	DecidedAt time.Time `json:"decided_at"`
	Outcome   string    `json:"outcome"`
	Reason    string    `json:"reason"`
}

func (r *DecideChallenge) Validate(now time.Time) error {
	f := fieldErrors{}
	f.oneOf("decision", r.Decision, decisionRG, decisionCG)
	f.happened("decided_at", r.DecidedAt, now)
	f.oneOf("outcome", r.Outcome, ChallengeDecision, AcceptDecision)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *DecideChallenge) check(c *Case, s Sight) error {
	d := c.NRM.RG
	if r.Decision == decisionCG {
		d = c.NRM.CG
	}
	switch {
	case d == nil:
		return Errorf(EConflict, "There is no %s decision to challenge.", r.Decision)
	case d.Outcome != "negative":
		return Errorf(EConflict, "Only a negative decision is challenged; this decision is %s.", d.Outcome)
	case c.NRM.pending(r.Decision):
		return Errorf(EConflict, "A reconsideration of this decision is already pending.")
	case r.DecidedAt.Before(d.DecidedAt):
		return invalid("decided_at", "The decision to challenge cannot come before the NRM decision ("+ukTime(d.DecidedAt)+").",
			"is before the NRM decision")
	case r.Outcome == AcceptDecision && !s.Actor.Role.Oversees():
		return Errorf(EForbidden, "Only a manager or the Safeguarding Lead can decide not to challenge a negative NRM decision: ask them, or ask for a reconsideration.")
	}
	return nil
}

func (r *DecideChallenge) apply(c *Case, by Actor, env Env) Result {
	c.Duties.Challenges = append(c.Duties.Challenges, Challenge{Decision: r.Decision, DecidedAt: r.DecidedAt, Outcome: r.Outcome, Reason: r.Reason, By: by})
	res := Result{}
	if r.Outcome == ChallengeDecision {
		c.closeActions(policy.NRMChallenge, r.Decision, ActionDone, r.DecidedAt, by, "Reconsideration requested: "+r.Reason)
		res = (&RequestReconsideration{Decision: r.Decision, RequestedAt: r.DecidedAt, Reason: r.Reason}).apply(c, by, env)
		c.note(r.DecidedAt, by, "nrm-challenge", "The negative "+r.Decision+" decision is challenged: "+r.Reason, "")
		return res
	}
	c.closeActions(policy.NRMChallenge, r.Decision, ActionDone, r.DecidedAt, by, "Not challenged: "+r.Reason)
	c.note(r.DecidedAt, by, "nrm-challenge", "The negative "+r.Decision+" decision is not challenged: "+r.Reason, "")
	return res
}

// The NRM referral and parental responsibility. The agency policy: "In the case of a child, the
// child's best interests will be a primary consideration in the decision to make, or not make, a
// referral to the NRM. Consent may also be required by whoever has parental responsibility for
// the child." The NRM's own guidance (timescales.md, nrm-request) is that a child needs no consent
// to be referred. caseflow records the view of whoever holds parental responsibility where there
// is one, and why it was not sought where it was not, and never holds the referral up for it:
// the accompanying adult may not be a parent, a parent may be involved in the exploitation, and
// asking may put the child at further risk.

// ParentalView is the view on the NRM referral of whoever holds parental responsibility.
type ParentalView struct {
	RecordedAt time.Time `json:"recorded_at"`
	// Holder says who holds parental responsibility: "mother, in Eritrea", "Leeds City Council
	// (care order)".
	Holder string `json:"holder"`
	// View is "agrees", "objects" or "not-asked".
	View   string `json:"view"`
	Reason string `json:"reason,omitempty"`
	By     Actor  `json:"by"`
}

// The views of whoever holds parental responsibility.
const (
	ParentAgrees   = "agrees"
	ParentObjects  = "objects"
	ParentNotAsked = "not-asked"
)

// RecordParentalView records the view on the NRM referral of whoever holds parental
// responsibility. It changes no clock: the referral goes ahead whatever it is.
type RecordParentalView struct {
	RecordedAt time.Time `json:"recorded_at"`
	Holder     string    `json:"holder"`
	View       string    `json:"view"`
	// Reason is why they were not asked (required then), or what they said.
	Reason string `json:"reason,omitempty"`
}

func (r *RecordParentalView) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("recorded_at", r.RecordedAt, now)
	f.required("holder", r.Holder)
	f.text("holder", r.Holder, maxShortText)
	f.oneOf("view", r.View, ParentAgrees, ParentObjects, ParentNotAsked)
	if r.View == ParentNotAsked {
		f.required("reason", r.Reason)
	}
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *RecordParentalView) check(*Case, Sight) error { return nil }

func (r *RecordParentalView) apply(c *Case, by Actor, env Env) Result {
	c.Duties.ParentalViews = append(c.Duties.ParentalViews, ParentalView{RecordedAt: r.RecordedAt, Holder: r.Holder, View: r.View, Reason: r.Reason, By: by})
	summary := "The view on the NRM referral of whoever holds parental responsibility: " + r.View
	if r.View == ParentNotAsked {
		summary = "Whoever holds parental responsibility was not asked about the NRM referral: " + r.Reason
	}
	c.note(r.RecordedAt, by, "nrm-parental-view", summary+". A child's referral needs no consent, and does not wait for it.", "")
	return Result{}
}
