package safeguarding

import (
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Allegations about people who are not caseflow users, how an allegation ends, and the agency's
// relationship with the person it is about. The agency policy: "If it is found that Sparks
// Fostering staff, foster carers or suppliers are involved in child exploitation or trafficking,
// Sparks Fostering will terminate their relationship with them and report them to the relevant
// authorities", and of schools, "the majority of perpetrators in the context of schools are male
// teachers or other educational staff".
//
// An allegation may name someone outside caseflow (a supplier, a teacher, a driver): nobody's
// access changes, and the LADO clock runs as for anyone who works with children, with the police
// report as for any allegation (every one under the current rules, unless a manager records why
// not; one of a possible offence before). The DBS referral is the agency's to make only for its
// own supplier: for a teacher or a driver their employer refers, guided by the LADO. Everything
// about it is restricted, as every allegation is.
//
// Its outcome (substantiated, unsubstantiated, unfounded, false or malicious, as the LADO's
// process concludes) is recorded on any allegation. A substantiated allegation against a carer,
// a member of staff or a supplier opens the decision on ending the agency's relationship with
// them (end-relationship, a manager's or the Safeguarding Lead's), and reports them to the police
// and the DBS where that is not already done.

// ExternalSubject is the person an allegation is about when they are not a caseflow user.
type ExternalSubject struct {
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
	// Role is what they do: "teacher", "taxi driver", "agency supply worker".
	Role string `json:"role"`
	// Supplier: the person is, or works for, a supplier of the agency, which can end its
	// relationship with them.
	Supplier bool `json:"supplier,omitempty"`
}

// RecordExternalAllegation records an allegation against someone who is not a caseflow user.
type RecordExternalAllegation struct {
	ReceivedAt      time.Time `json:"received_at"`
	Name            string    `json:"name"`
	Organisation    string    `json:"organisation"`
	Role            string    `json:"role"`
	Supplier        bool      `json:"supplier,omitempty"`
	Summary         string    `json:"summary"`
	Urgent          bool      `json:"urgent"`
	PossibleOffence bool      `json:"possible_offence,omitempty"`
}

func (r *RecordExternalAllegation) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("received_at", r.ReceivedAt, now)
	for _, t := range []struct{ field, value string }{{"name", r.Name}, {"organisation", r.Organisation}, {"role", r.Role}} {
		f.required(t.field, t.value)
		f.text(t.field, t.value, maxShortText)
	}
	f.required("summary", r.Summary)
	f.text("summary", r.Summary, maxLongText)
	return f.err()
}

func (r *RecordExternalAllegation) freeText() []written { return []written{{"summary", r.Summary}} }

func (*RecordExternalAllegation) aboutAllegation() {}
func (*RecordAllegationOutcome) aboutAllegation()  {}
func (*DecideRelationship) aboutAllegation()       {}

func (r *RecordExternalAllegation) check(*Case, Sight) error { return nil }

func (r *RecordExternalAllegation) apply(c *Case, by Actor, env Env) Result {
	al := Allegation{
		ID: c.newRef("L"), ReceivedAt: r.ReceivedAt, Summary: r.Summary, Urgent: r.Urgent, PossibleOffence: r.PossibleOffence, By: by,
		External: &ExternalSubject{Name: r.Name, Organisation: r.Organisation, Role: r.Role, Supplier: r.Supplier},
	}
	c.Allegations = append(c.Allegations, al)
	lead := Owner{Role: RoleSafeguardingLead}
	lado := policy.LADO
	if r.Urgent {
		lado = policy.LADOUrgent
	}
	res := Result{Ref: al.ID, Opened: []string{c.openAction(env, lado, lead, r.ReceivedAt, 0, al.ID).ID}}
	// As for an allegation against a carer or member of staff: under the current rules the
	// police are told of every allegation unless a manager records why not (before, of a possible
	// offence); the DBS only of a supplier's.
	if r.PossibleOffence || c.Rules >= RulesAllegationReferrals {
		res.Opened = append(res.Opened, c.openAction(env, policy.AllegationPolice, lead, r.ReceivedAt, 0, al.ID).ID)
		if r.Supplier {
			res.Opened = append(res.Opened, c.openAction(env, policy.DBSReferral, lead, r.ReceivedAt, 0, al.ID).ID)
		}
	}
	c.note(r.ReceivedAt, by, "allegation", "Allegation recorded against someone outside caseflow: "+r.Role, al.ID).Restricted = true
	return res
}

// relationshipEnds reports whether the agency has a relationship with the person the allegation
// is about that it can end: a carer or member of staff (a caseflow user), or a supplier.
func (al *Allegation) relationshipEnds() bool {
	if al.External != nil {
		return al.External.Supplier
	}
	return al.AgainstUser != ""
}

// AllegationOutcome is how an allegation was concluded.
type AllegationOutcome struct {
	DecidedAt time.Time `json:"decided_at"`
	// Outcome is substantiated, unsubstantiated, unfounded, false or malicious.
	Outcome string `json:"outcome"`
	// DecidedBy says who concluded it: "LADO allegation management meeting".
	DecidedBy string `json:"decided_by"`
	Note      string `json:"note,omitempty"`
	By        Actor  `json:"by"`
}

// Substantiated is the outcome of an allegation found to be true.
const Substantiated = "substantiated"

// allegationOutcomes are the outcomes of an allegation, as Working Together and the LADO's
// process name them.
var allegationOutcomes = []string{Substantiated, "unsubstantiated", "unfounded", "false", "malicious"}

// RecordAllegationOutcome records how an allegation was concluded.
type RecordAllegationOutcome struct {
	AllegationID string    `json:"allegation_id"`
	DecidedAt    time.Time `json:"decided_at"`
	Outcome      string    `json:"outcome"`
	DecidedBy    string    `json:"decided_by"`
	Note         string    `json:"note,omitempty"`
}

func (r *RecordAllegationOutcome) Validate(now time.Time) error {
	f := fieldErrors{}
	f.requiredID("allegation_id", r.AllegationID)
	f.happened("decided_at", r.DecidedAt, now)
	f.oneOf("outcome", r.Outcome, allegationOutcomes...)
	f.required("decided_by", r.DecidedBy)
	f.text("decided_by", r.DecidedBy, maxShortText)
	f.text("note", r.Note, maxLongText)
	return f.err()
}

func (r *RecordAllegationOutcome) check(c *Case, s Sight) error {
	al := c.allegation(r.AllegationID)
	switch {
	case al == nil || !s.SeesRestricted():
		return invalid("allegation_id", "There is no allegation with this id.", "unknown allegation")
	case al.Outcome != nil:
		return Errorf(EConflict, "The outcome of this allegation is already recorded: %s.", al.Outcome.Outcome)
	case r.DecidedAt.Before(al.ReceivedAt):
		return invalid("decided_at", "An allegation cannot be concluded before it was received ("+ukTime(al.ReceivedAt)+").", "is before the allegation")
	}
	return nil
}

func (r *RecordAllegationOutcome) apply(c *Case, by Actor, env Env) Result {
	al := c.allegation(r.AllegationID)
	al.Outcome = &AllegationOutcome{DecidedAt: r.DecidedAt, Outcome: r.Outcome, DecidedBy: r.DecidedBy, Note: r.Note, By: by}
	res := Result{Ref: al.ID}
	if r.Outcome == Substantiated {
		res.Opened = c.actOnSubstantiated(env, al, r.DecidedAt)
	}
	c.note(r.DecidedAt, by, "allegation-outcome", "Allegation concluded: "+r.Outcome+", by "+r.DecidedBy, al.ID).Restricted = true
	return res
}

// actOnSubstantiated opens what a substantiated allegation calls for: the decision on ending the
// agency's relationship with the person, and their report to the police and the DBS where it is
// not made or under way. The LADO has been told already, or is still being chased.
func (c *Case) actOnSubstantiated(env Env, al *Allegation, at time.Time) []string {
	var opened []string
	if al.relationshipEnds() {
		owner := Owner{Role: RoleManager}
		if al.AgainstRole == RoleManager {
			owner = Owner{Role: RoleSafeguardingLead}
		}
		opened = append(opened, c.openOwnAction(env, policy.EndRelationship, owner, at, al.ID).ID)
	}
	lead := Owner{Role: RoleSafeguardingLead}
	if al.PoliceAt.IsZero() && !c.hasOpen(policy.AllegationPolice, al.ID) {
		opened = append(opened, c.openAction(env, policy.AllegationPolice, lead, at, 0, al.ID).ID)
	}
	if al.relationshipEnds() && al.DBSAt.IsZero() && !c.hasOpen(policy.DBSReferral, al.ID) {
		opened = append(opened, c.openAction(env, policy.DBSReferral, lead, at, 0, al.ID).ID)
	}
	return opened
}

// RelationshipDecision is the decision on ending the agency's relationship with the person a
// substantiated allegation is about.
type RelationshipDecision struct {
	DecidedAt time.Time `json:"decided_at"`
	// Decision is "ended" or "continued".
	Decision string `json:"decision"`
	// DecidedBy names who decided: "Registered Manager, after the fostering panel".
	DecidedBy string `json:"decided_by"`
	Reason    string `json:"reason"`
	By        Actor  `json:"by"`
}

// The decisions on the agency's relationship.
const (
	RelationshipEnded     = "ended"
	RelationshipContinued = "continued"
)

// DecideRelationship records the decision on ending the agency's relationship with the person a
// substantiated allegation is about: by whom, and why.
type DecideRelationship struct {
	AllegationID string    `json:"allegation_id"`
	DecidedAt    time.Time `json:"decided_at"`
	Decision     string    `json:"decision"`
	DecidedBy    string    `json:"decided_by"`
	Reason       string    `json:"reason"`
}

func (r *DecideRelationship) Validate(now time.Time) error {
	f := fieldErrors{}
	f.requiredID("allegation_id", r.AllegationID)
	f.happened("decided_at", r.DecidedAt, now)
	f.oneOf("decision", r.Decision, RelationshipEnded, RelationshipContinued)
	f.required("decided_by", r.DecidedBy)
	f.text("decided_by", r.DecidedBy, maxShortText)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *DecideRelationship) check(c *Case, s Sight) error {
	al := c.allegation(r.AllegationID)
	switch {
	case al == nil || !s.SeesRestricted():
		return invalid("allegation_id", "There is no allegation with this id.", "unknown allegation")
	case al.Outcome == nil || al.Outcome.Outcome != Substantiated:
		return Errorf(EConflict, "The agency's relationship is decided on once an allegation is substantiated: record the allegation's outcome first.")
	case !al.relationshipEnds():
		return Errorf(EConflict, "The agency has no relationship to end with this person: they are not a carer, a member of staff or a supplier.")
	case al.Relationship != nil:
		return Errorf(EConflict, "The decision on the agency's relationship with this person is already recorded: %s.", al.Relationship.Decision)
	case al.AgainstUser != "" && al.AgainstUser == s.Actor.UserID:
		return Errorf(EConflict, "A decision about your own relationship with the agency is made by someone else.")
	case r.DecidedAt.Before(al.Outcome.DecidedAt):
		return invalid("decided_at", "The decision cannot come before the allegation was substantiated ("+ukTime(al.Outcome.DecidedAt)+").",
			"is before the allegation's outcome")
	}
	return nil
}

func (r *DecideRelationship) apply(c *Case, by Actor, env Env) Result {
	al := c.allegation(r.AllegationID)
	al.Relationship = &RelationshipDecision{DecidedAt: r.DecidedAt, Decision: r.Decision, DecidedBy: r.DecidedBy, Reason: r.Reason, By: by}
	c.closeActions(policy.EndRelationship, al.ID, ActionDone, r.DecidedAt, by, r.Decision+" by "+r.DecidedBy+": "+r.Reason)
	summary := "The agency's relationship with them is ended"
	if r.Decision == RelationshipContinued {
		summary = "The agency's relationship with them continues"
	}
	c.note(r.DecidedAt, by, "relationship-decision", summary+", decided by "+r.DecidedBy+": "+r.Reason, al.ID).Restricted = true
	return Result{Ref: al.ID}
}
