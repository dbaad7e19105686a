package safeguarding

import (
	"time"

	"github.com/caseflow/caseflow/policy"
)

// ICTG is the Independent Child Trafficking Guardian track, for children whose local authority is
// an ICTG site.
type ICTG struct {
	Referral *Informed `json:"referral,omitempty"`
	Guardian *Guardian `json:"guardian,omitempty"`
}

// Guardian is the ICTG assigned to the child.
type Guardian struct {
	AssignedAt time.Time `json:"assigned_at"`
	Type       string    `json:"type"`
	Reference  string    `json:"reference,omitempty"`
}

// The two ICTG roles: a Direct Worker advocates for the child when nobody in the UK holds
// parental responsibility; a Regional Practice Coordinator advises the professionals when
// somebody does.
const (
	GuardianDirectWorker = "direct-worker"
	GuardianCoordinator  = "regional-practice-coordinator"
)

// RecordICTGReferral records the referral to the ICTG service.
type RecordICTGReferral struct {
	ReferredAt time.Time `json:"referred_at"`
	Answers
}

func (r *RecordICTGReferral) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("referred_at", r.ReferredAt, now)
	r.Answers.validate(f)
	return f.err()
}

func (r *RecordICTGReferral) answering() answering {
	return answering{kinds: []policy.RuleID{policy.ICTGReferral}, at: r.ReferredAt, field: "referred_at", what: "This ICTG referral"}
}

func (r *RecordICTGReferral) check(c *Case, s Sight) error {
	switch {
	case !c.ICTGSite:
		return Errorf(EConflict, "The child's local authority (%s) is not an ICTG site under the current policy.", c.LA)
	case c.ICTG.Referral != nil:
		return Errorf(EConflict, "The ICTG referral is already recorded.")
	case c.answersChecked():
		_, err := c.answered(r.ActionIDs, r.answering(), s)
		return err
	}
	return nil
}

func (r *RecordICTGReferral) apply(c *Case, by Actor, env Env) Result {
	c.ICTG.Referral = &Informed{At: r.ReferredAt, By: by}
	if c.answersChecked() {
		c.closeAnswered(r.ActionIDs, r.answering(), by, "")
	} else {
		c.closeActions(policy.ICTGReferral, "", ActionDone, r.ReferredAt, by, "")
	}
	a := c.openAction(env, policy.ICTGAssignment, c.socialWorker(), r.ReferredAt, 0, "")
	c.note(r.ReferredAt, by, "ictg-referral", "Referred to the ICTG service", "")
	return Result{Opened: []string{a.ID}}
}

// RecordICTGAssignment records the guardian the ICTG service assigned.
type RecordICTGAssignment struct {
	AssignedAt time.Time `json:"assigned_at"`
	// GuardianType is "direct-worker" or "regional-practice-coordinator".
	GuardianType string `json:"guardian_type"`
	Reference    string `json:"reference,omitempty"`
	Answers
}

func (r *RecordICTGAssignment) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("assigned_at", r.AssignedAt, now)
	f.oneOf("guardian_type", r.GuardianType, GuardianDirectWorker, GuardianCoordinator)
	f.text("reference", r.Reference, maxShortText)
	r.Answers.validate(f)
	return f.err()
}

func (r *RecordICTGAssignment) answering() answering {
	return answering{kinds: []policy.RuleID{policy.ICTGAssignment}, at: r.AssignedAt, field: "assigned_at", what: "This assignment"}
}

func (r *RecordICTGAssignment) check(c *Case, s Sight) error {
	switch {
	case c.ICTG.Referral == nil:
		return Errorf(EConflict, "Record the ICTG referral before the guardian's assignment.")
	case c.ICTG.Guardian != nil:
		return Errorf(EConflict, "An ICTG guardian is already recorded.")
	case c.Child.ParentalResponsibility == PRNoneInUK && r.GuardianType != GuardianDirectWorker:
		return Errorf(EConflict, "Nobody in the UK holds parental responsibility for the child, so the guardian is a Direct Worker.")
	case c.Child.ParentalResponsibility == PRInUK && r.GuardianType != GuardianCoordinator:
		return Errorf(EConflict, "Someone in the UK holds parental responsibility for the child, so the guardian is a Regional Practice Coordinator.")
	case c.Child.ParentalResponsibility != PRInUK && c.Child.ParentalResponsibility != PRNoneInUK:
		return Errorf(EConflict, "Record who holds parental responsibility for the child first: it decides the type of guardian.")
	case c.answersChecked():
		_, err := c.answered(r.ActionIDs, r.answering(), s)
		return err
	}
	return nil
}

func (r *RecordICTGAssignment) apply(c *Case, by Actor, env Env) Result {
	c.ICTG.Guardian = &Guardian{AssignedAt: r.AssignedAt, Type: r.GuardianType, Reference: r.Reference}
	if c.answersChecked() {
		c.closeAnswered(r.ActionIDs, r.answering(), by, "")
	} else {
		c.closeActions(policy.ICTGAssignment, "", ActionDone, r.AssignedAt, by, "")
	}
	c.note(r.AssignedAt, by, "ictg-assignment", "ICTG assigned: "+r.GuardianType, "")
	return Result{}
}

// RecordParentalResponsibility records who holds parental responsibility for the child.
type RecordParentalResponsibility struct {
	// Holder is "in-uk" or "none-in-uk".
	Holder string `json:"holder"`
}

func (r *RecordParentalResponsibility) Validate(time.Time) error {
	f := fieldErrors{}
	f.oneOf("holder", r.Holder, PRInUK, PRNoneInUK)
	return f.err()
}

func (r *RecordParentalResponsibility) check(*Case, Sight) error { return nil }

func (r *RecordParentalResponsibility) apply(c *Case, by Actor, env Env) Result {
	c.Child.ParentalResponsibility = r.Holder
	c.note(env.Now(), by, "parental-responsibility", "Parental responsibility: "+r.Holder, "")
	return Result{}
}
