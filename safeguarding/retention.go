package safeguarding

import (
	"slices"
	"strings"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// A closed case's record is kept until its retention date, computed by the policy from what the
// case holds when it closes (see policy.Retention), and no longer than that without a person's
// decision. When the date passes the workflow wakes and opens a review for the Safeguarding
// Lead, chased like any other action. A manager or the Safeguarding Lead then approves the
// record's destruction, for a reason, or places a legal hold, for a reason, which keeps it until
// someone lifts the hold (for a reason); the review falls due again then. Reopening the case
// sets the date aside: it is computed again at the next closure. Nothing is ever destroyed by
// default, and an approval of a date the policy had to estimate (no date of birth, no pension
// age) names each assumption and is refused until the approver confirms them.

// Retention is a closed case's retention date and why.
type Retention struct {
	policy.RetentionDate
	// From is the closure the date counts from.
	From time.Time `json:"from"`
}

// LegalHold keeps a record, whatever its retention date, until it is lifted.
type LegalHold struct {
	PlacedAt   time.Time `json:"placed_at"`
	PlacedBy   Actor     `json:"placed_by"`
	Reason     string    `json:"reason"`
	LiftedAt   time.Time `json:"lifted_at,omitzero"`
	LiftedBy   *Actor    `json:"lifted_by,omitempty"`
	LiftReason string    `json:"lift_reason,omitempty"`
}

// Destruction is the approval of a record's destruction: what the agency's destruction
// register keeps of it, beside what was destroyed.
type Destruction struct {
	ApprovedAt time.Time         `json:"approved_at"`
	ApprovedBy Actor             `json:"approved_by"`
	Reason     string            `json:"reason"`
	Rule       policy.RecordType `json:"rule"`
	// RetainedUntil is the retention date that had passed.
	RetainedUntil time.Time `json:"retained_until"`
	// Confirmed are the assumptions the approver confirmed (see Retention.Estimated).
	Confirmed []string `json:"confirmed,omitempty"`
}

// retains reports whether the case follows the rules that keep records until a retention date.
func (c *Case) retains() bool { return c.Rules >= RulesRetention }

// OnHold reports whether a legal hold keeps the record.
func (c *Case) OnHold() bool {
	n := len(c.LegalHolds)
	return n > 0 && c.LegalHolds[n-1].LiftedAt.IsZero()
}

// DestructionApproved reports whether a person approved destroying the record: the workflow
// then destroys it, and refuses every step meanwhile.
func (c *Case) DestructionApproved() bool { return c.Destruction != nil }

// retentionFacts are what the case holds that its retention date depends on.
func (c *Case) retentionFacts(closedAt time.Time) policy.RetentionFacts {
	f := policy.RetentionFacts{OpenedAt: c.OpenedAt, ClosedAt: closedAt, BirthUncertain: c.Child.AgeDisputed, LookedAfter: c.LookedAfter != nil}
	if born, err := c.Child.DateOfBirth.Time(); err == nil {
		f.DateOfBirth = born
	}
	for _, al := range c.Allegations {
		a := policy.AllegationFacts{ReceivedAt: al.ReceivedAt}
		if on, err := al.PensionAgeOn.Time(); err == nil {
			a.PensionAgeOn = on
		}
		f.Allegations = append(f.Allegations, a)
	}
	return f
}

// keepUntilRetention sets the closed case's retention date, and says so in the timeline; an
// entry that follows from an allegation is restricted like the allegation.
func (c *Case) keepUntilRetention(env Env, closedAt time.Time) {
	d := env.Retention(c.retentionFacts(closedAt))
	c.Retention = &Retention{RetentionDate: d, From: closedAt}
	e := c.note(env.Now(), systemActor, "retention-date", "The closed record is kept until "+ukDate(d.Until)+" ("+d.Title+")", "")
	e.Restricted = d.Rule == policy.RecordAllegation
}

// setRetentionAside forgets the retention date of a case reopened, and ends the review that
// was waiting: the record is needed again, and its date counts from its next closure.
func (c *Case) setRetentionAside(at time.Time, by Actor) {
	if !c.retains() || c.Retention == nil {
		return
	}
	c.Retention = nil
	for i := range c.Actions {
		if a := &c.Actions[i]; a.Open() && a.Kind == policy.RetentionReview {
			a.end(ActionResolved, at, by, "The case was reopened: its record is needed again")
		}
	}
}

// retentionReviewAt is when the record's review falls due, zero while nothing waits for it: the
// case is open, on hold, already reviewing, or its destruction approved.
func (c *Case) retentionReviewAt() time.Time {
	if !c.retains() || !c.Closed() || c.Retention == nil || c.OnHold() || c.DestructionApproved() || c.hasOpen(policy.RetentionReview, "") {
		return time.Time{}
	}
	return c.Retention.Until
}

// RetentionReviewDue reports whether the record's retention date has passed with no review
// open.
func (c *Case) RetentionReviewDue(now time.Time) bool {
	at := c.retentionReviewAt()
	return !at.IsZero() && !now.Before(at)
}

// OpenRetentionReview opens the review of a record whose retention date has passed, owned by
// the Safeguarding Lead, recorded by caseflow itself. Its deadline counts from now: a worker that
// was down when the date passed never makes the review overdue at once.
func (c *Case) OpenRetentionReview(env Env) Result {
	wereOpen := c.openActionIDs()
	r := c.Retention
	a := c.openAction(env, policy.RetentionReview, Owner{Role: RoleSafeguardingLead}, env.Now(), 0, "")
	if len(r.Estimated) > 0 {
		a.Title += " (assumed dates to confirm)"
	}
	e := c.note(env.Now(), systemActor, "retention-review", "The record's retention period ended on "+ukDate(r.Until)+": the Safeguarding Lead reviews it", a.ID)
	e.Restricted = r.Rule == policy.RecordAllegation
	c.Revision++
	c.UpdatedAt = env.Now()
	return Result{CaseID: c.ID, Revision: c.Revision, Opened: []string{a.ID}, Closed: c.endedSince(wereOpen)}
}

// ukDate writes a date as people in the UK read it in the timeline.
func ukDate(t time.Time) string { return t.In(london).Format("2 January 2006") }

// ApproveDestruction approves destroying a closed record whose retention period has ended: a
// manager's or the Safeguarding Lead's decision, for a reason the destruction register keeps.
type ApproveDestruction struct {
	Reason string `json:"reason"`
	// ConfirmAssumptions confirms the dates the policy had to assume (see the review).
	ConfirmAssumptions bool `json:"confirm_assumptions,omitempty"`
}

func (r *ApproveDestruction) Validate(time.Time) error { return reasonGiven(r.Reason) }

func (r *ApproveDestruction) check(c *Case, _ Sight) error {
	switch {
	case !c.retains() || !c.Closed() || c.Retention == nil:
		return Errorf(EConflict, "Only a closed case's record can be destroyed, once its retention period has ended.")
	case c.OnHold():
		return Errorf(EConflict, "A legal hold keeps this record: lift the hold, with its reason, before approving its destruction.")
	case !c.hasOpen(policy.RetentionReview, ""):
		return Errorf(EConflict, "This record is kept until %s (%s): it cannot be destroyed before then.", ukDate(c.Retention.Until), c.Retention.Title)
	case len(c.Retention.Estimated) > 0 && !r.ConfirmAssumptions:
		return &Error{Code: EInvalid,
			Message: "The retention date rests on assumptions: " + strings.Join(c.Retention.Estimated, " ") + " Check each, then confirm them.",
			Fields:  map[string]string{"confirm_assumptions": "confirm the assumed dates"}}
	}
	return nil
}

func (r *ApproveDestruction) apply(c *Case, by Actor, env Env) Result {
	now := env.Now()
	c.Destruction = &Destruction{ApprovedAt: now, ApprovedBy: by, Reason: r.Reason, Rule: c.Retention.Rule, RetainedUntil: c.Retention.Until}
	if r.ConfirmAssumptions {
		c.Destruction.Confirmed = slices.Clone(c.Retention.Estimated)
	}
	// The review's note names the decision, not its reason: the reason is restricted like the
	// timeline's entry, and the review is seen by the whole team.
	c.closeActions(policy.RetentionReview, "", ActionDone, now, by, reasonKept("Destruction approved"))
	c.note(now, by, "destruction-approved", "Destruction of the record approved (reason: "+r.Reason+")", "").Restricted = true
	return Result{}
}

// PlaceLegalHold keeps a record whatever its retention date: litigation, an inquiry, a
// subject access request in progress. It may be placed at any time, open or closed. What the
// timeline says of holds and of an approved destruction is restricted: their reasons may name a
// claim against a carer or member of staff, so carers and fostering social workers never see
// them.
type PlaceLegalHold struct {
	Reason string `json:"reason"`
}

func (r *PlaceLegalHold) Validate(time.Time) error { return reasonGiven(r.Reason) }

func (r *PlaceLegalHold) check(c *Case, _ Sight) error {
	if c.OnHold() {
		return Errorf(EConflict, "A legal hold already keeps this record.")
	}
	return nil
}

func (r *PlaceLegalHold) apply(c *Case, by Actor, env Env) Result {
	now := env.Now()
	c.LegalHolds = append(c.LegalHolds, LegalHold{PlacedAt: now, PlacedBy: by, Reason: r.Reason})
	c.closeActions(policy.RetentionReview, "", ActionResolved, now, by, reasonKept("Legal hold placed"))
	c.note(now, by, "legal-hold", "Legal hold placed on the record (reason: "+r.Reason+")", "").Restricted = true
	return Result{}
}

// reasonKept is the note a decision on the record leaves on its review: the decision, and where
// its reason is kept.
func reasonKept(decision string) string {
	return decision + ": its reason is kept in the restricted timeline"
}

// LiftLegalHold lifts the legal hold; a record whose retention date has passed is reviewed again.
type LiftLegalHold struct {
	Reason string `json:"reason"`
}

func (r *LiftLegalHold) Validate(time.Time) error { return reasonGiven(r.Reason) }

func (r *LiftLegalHold) check(c *Case, _ Sight) error {
	if !c.OnHold() {
		return Errorf(EConflict, "There is no legal hold on this record.")
	}
	return nil
}

func (r *LiftLegalHold) apply(c *Case, by Actor, env Env) Result {
	now := env.Now()
	h := &c.LegalHolds[len(c.LegalHolds)-1]
	who := by
	h.LiftedAt, h.LiftedBy, h.LiftReason = now, &who, r.Reason
	c.note(now, by, "legal-hold-lifted", "Legal hold lifted (reason: "+r.Reason+")", "").Restricted = true
	return Result{}
}

// RetentionView is what managers and the Safeguarding Lead see of a record's retention.
type RetentionView struct {
	// Until is the retention date of a closed case, zero while it is open.
	Until         time.Time         `json:"until,omitzero"`
	Rule          policy.RecordType `json:"rule,omitempty"`
	Basis         []string          `json:"basis,omitempty"`
	Estimated     []string          `json:"estimated,omitempty"`
	PolicyVersion string            `json:"policy_version,omitempty"`
	OnHold        bool              `json:"on_hold"`
	LegalHolds    []LegalHold       `json:"legal_holds,omitempty"`
	Destruction   *Destruction      `json:"destruction,omitempty"`
}

// retentionFor is the record's retention as the person may see it: only those who decide on it.
func (c *Case) retentionFor(s Sight) *RetentionView {
	if s.Relation != RelationOverseer || (c.Retention == nil && len(c.LegalHolds) == 0 && c.Destruction == nil) {
		return nil
	}
	v := &RetentionView{OnHold: c.OnHold(), LegalHolds: c.LegalHolds, Destruction: c.Destruction}
	if r := c.Retention; r != nil {
		v.Until, v.Rule, v.Basis, v.Estimated, v.PolicyVersion = r.Until, r.Rule, r.Basis, r.Estimated, r.PolicyVersion
	}
	return v
}
