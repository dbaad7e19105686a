package safeguarding

import (
	"slices"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Exclusion follows the person, not the case. An allegation removes the accused from the case it
// is recorded on (RecordAllegation), and caseflow removes them from every other case of the same
// child, the cases linked to it, by a step of its own (StepLinkedExclusion) that the API takes on
// each linked case, when the allegation is recorded and whenever two cases are linked. The
// Safeguarding Lead may extend an exclusion to the case of another child of the same household,
// for a reason (StepHouseholdExclusion). On every case that excludes them, the accused stands in
// no relation to the case (see the visibility policy) and may not be given work on it (see
// notAssignable).

// The exclusion steps.
const (
	// StepLinkedExclusion is caseflow's own step: it carries an exclusion to a linked case.
	StepLinkedExclusion = "linked-exclusion"
	// StepHouseholdExclusion is the Safeguarding Lead's extension of an exclusion to the case
	// of another child of the household.
	StepHouseholdExclusion = "household-exclusion"
)

// Exclusion records someone removed from the case because of an allegation recorded elsewhere:
// on a linked case of the same child, or on the case of another child of the household.
type Exclusion struct {
	UserID string    `json:"user_id"`
	Role   Role      `json:"role"`
	At     time.Time `json:"at"`
	// FromCase is the case of the allegation: the linked case the exclusion came from, or the
	// other child's case the Safeguarding Lead named.
	FromCase string `json:"from_case,omitempty"`
	Reason   string `json:"reason"`
	By       Actor  `json:"by"`
}

// Excluded is someone a case excludes, with the role they were excluded in.
type Excluded struct {
	UserID string `json:"user_id"`
	Role   Role   `json:"role"`
}

// CaseExclusions are who a case excludes and which cases it is linked to: what caseflow needs to
// exclude the same people from every case of the child.
type CaseExclusions struct {
	Excluded []Excluded `json:"excluded,omitempty"`
	Links    []string   `json:"links,omitempty"`
}

// ExclusionsToSpread lists who the case excludes, each once with the role of the allegation, and
// the cases linked to it.
func (c *Case) ExclusionsToSpread() CaseExclusions {
	var out CaseExclusions
	add := func(user string, role Role) {
		if c.isExcluded(user) && !slices.ContainsFunc(out.Excluded, func(e Excluded) bool { return e.UserID == user }) {
			out.Excluded = append(out.Excluded, Excluded{UserID: user, Role: role})
		}
	}
	for _, al := range c.Allegations {
		add(al.AgainstUser, al.AgainstRole)
	}
	for _, e := range c.Exclusions {
		add(e.UserID, e.Role)
	}
	for _, l := range c.Links {
		out.Links = append(out.Links, l.CaseID)
	}
	return out
}

// LinkedExclusion excludes from this case someone an allegation on a linked case of the same
// child is about. caseflow takes it itself (the API, on every linked case, as RoleSystem), never a
// person: the case it names must be linked to this one.
type LinkedExclusion struct {
	FromCase    string `json:"from_case"`
	AgainstUser string `json:"against_user"`
	AgainstRole Role   `json:"against_role"`
}

func (*LinkedExclusion) aboutAllegation() {}

func (r *LinkedExclusion) Validate(time.Time) error {
	f := fieldErrors{}
	f.requiredID("from_case", r.FromCase)
	validateAccused(f, r.AgainstUser, r.AgainstRole)
	return f.err()
}

func (r *LinkedExclusion) check(c *Case, _ Sight) error {
	switch {
	case !c.Opened():
		return NotFound()
	case !slices.ContainsFunc(c.Links, func(l Link) bool { return l.CaseID == r.FromCase }):
		return invalid("from_case", "This case is not linked to that one.", "not a linked case")
	case c.isExcluded(r.AgainstUser):
		return Errorf(EConflict, "This person is already excluded from the case.")
	}
	return nil
}

func (r *LinkedExclusion) apply(c *Case, by Actor, env Env) Result {
	c.excludeFor(Exclusion{UserID: r.AgainstUser, Role: r.AgainstRole, At: env.Now(), FromCase: r.FromCase,
		Reason: "An allegation on a linked case of the same child", By: by})
	return Result{}
}

// HouseholdExclusion is the Safeguarding Lead's decision to exclude from this case someone an
// allegation on the case of another child of the same household is about, for a reason.
type HouseholdExclusion struct {
	AgainstUser string `json:"against_user"`
	AgainstRole Role   `json:"against_role"`
	// OtherCase is the other child's case, when caseflow holds it.
	OtherCase string `json:"other_case,omitempty"`
	Reason    string `json:"reason"`
}

func (*HouseholdExclusion) aboutAllegation() {}

func (r *HouseholdExclusion) Validate(time.Time) error {
	f := fieldErrors{}
	validateAccused(f, r.AgainstUser, r.AgainstRole)
	f.id("other_case", r.OtherCase)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *HouseholdExclusion) check(c *Case, s Sight) error {
	switch {
	case r.AgainstUser == s.Actor.UserID:
		return Errorf(EConflict, "Someone else must decide to exclude you from a case.")
	case r.OtherCase == c.ID:
		return invalid("other_case", "Name the other child's case, not this one.", "is this case")
	case c.isExcluded(r.AgainstUser):
		return Errorf(EConflict, "This person is already excluded from the case.")
	}
	return nil
}

func (r *HouseholdExclusion) apply(c *Case, by Actor, env Env) Result {
	c.excludeFor(Exclusion{UserID: r.AgainstUser, Role: r.AgainstRole, At: env.Now(), FromCase: r.OtherCase,
		Reason: "An allegation about another child of the household: " + r.Reason, By: by})
	return Result{}
}

func validateAccused(f fieldErrors, user string, role Role) {
	f.requiredID("against_user", user)
	if _, err := ParseRole(string(role)); err != nil {
		f.add("against_role", "must be a caseflow role")
	}
}

// excludeFor removes someone from the case because of an allegation recorded elsewhere, and keeps
// the record of why (restricted, like everything about an allegation).
func (c *Case) excludeFor(e Exclusion) {
	c.excludeWith(e.UserID, e.Role, e.At, e.Reason)
	c.Exclusions = append(c.Exclusions, e)
	c.note(e.At, e.By, "excluded", "Someone was excluded from the case: "+e.Reason, "").Restricted = true
}

// DeclineAllegationReferral records a manager's decision that an allegation is not reported to
// the police, or not referred to the DBS, and why. Under the current rules every allegation
// opens both referrals (the agency policy: carers or staff involved in exploitation, or failing to
// act, are reported "to the police and to the local authority designated officer and DBS"); only
// a manager's recorded reason ends one without the referral.
type DeclineAllegationReferral struct {
	AllegationID string    `json:"allegation_id"`
	Referral     string    `json:"referral"`
	DecidedAt    time.Time `json:"decided_at"`
	Reason       string    `json:"reason"`
}

// The referrals a manager may decide against.
const (
	ReferralPolice = "police"
	ReferralDBS    = "dbs"
)

// ReferralsDeclinable lists them, for the API's code list.
var ReferralsDeclinable = []string{ReferralPolice, ReferralDBS}

func (*DeclineAllegationReferral) aboutAllegation() {}

func (r *DeclineAllegationReferral) Validate(now time.Time) error {
	f := fieldErrors{}
	f.requiredID("allegation_id", r.AllegationID)
	f.oneOf("referral", r.Referral, ReferralsDeclinable...)
	f.happened("decided_at", r.DecidedAt, now)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

// referral is who the decision is about.
func (r *DeclineAllegationReferral) referral() referralTo {
	if r.Referral == ReferralDBS {
		return toDBS
	}
	return toPolice
}

func (r *DeclineAllegationReferral) check(c *Case, s Sight) error {
	al := c.allegation(r.AllegationID)
	if al == nil || !s.SeesRestricted() {
		return invalid("allegation_id", "There is no allegation with this id.", "unknown allegation")
	}
	to := r.referral()
	if at, _ := to.field(al); !at.IsZero() {
		return Errorf(EConflict, "%s is already recorded as told of this allegation.", upperFirst(to.name))
	}
	if r.DecidedAt.Before(al.ReceivedAt) {
		return invalid("decided_at", "The decision cannot come before the allegation was received.", "is before the allegation")
	}
	if !slices.ContainsFunc(c.Actions, func(a Action) bool { return a.Open() && a.Ref == al.ID && slices.Contains(to.rules, a.Kind) }) {
		return Errorf(EConflict, "Nothing is waiting for %s to be told of this allegation.", to.name)
	}
	return nil
}

func (r *DeclineAllegationReferral) apply(c *Case, by Actor, env Env) Result {
	al := c.allegation(r.AllegationID)
	to := r.referral()
	al.NotReferred = append(al.NotReferred, ReferralDeclined{Referral: r.Referral, DecidedAt: r.DecidedAt, Reason: r.Reason, By: by})
	note := "Not told " + to.name + ", by a manager's decision: " + r.Reason
	for i := range c.Actions {
		if a := &c.Actions[i]; a.Open() && a.Ref == al.ID && slices.Contains(to.rules, a.Kind) {
			a.end(ActionResolved, r.DecidedAt, by, note)
		}
	}
	c.note(r.DecidedAt, by, "allegation-not-referred", note, al.ID).Restricted = true
	return Result{Ref: al.ID}
}

// ReferralDeclined is a manager's decision not to tell the police or the DBS of an allegation.
type ReferralDeclined struct {
	Referral  string    `json:"referral"`
	DecidedAt time.Time `json:"decided_at"`
	Reason    string    `json:"reason"`
	By        Actor     `json:"by"`
}

// allegationReferrals are the referrals every allegation opens under the current rules, beside
// the LADO's: the police and the DBS.
var allegationReferrals = []policy.RuleID{policy.AllegationPolice, policy.DBSReferral}
