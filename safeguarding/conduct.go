package safeguarding

import (
	"time"

	"github.com/caseflow/caseflow/policy"
)

// The agency policy: "Foster carers or staff who are involved in, or fail to act appropriately
// when modern slavery is identified would be subject to disciplinary procedures". caseflow sees a
// failure to act when the chase of an action a named person owns reaches the Safeguarding Lead:
// the Lead is then asked to decide whether it is a conduct matter (the conduct-review clock), and
// records the decision with a reason. The review, its action and its timeline entries are seen by
// managers and the Safeguarding Lead only (ClassConduct): the person whose failure to act is
// reviewed may be the child's social worker.

// conductEntries are the timeline entries of conduct reviews, seen by managers and the
// Safeguarding Lead only, whether read from the case or from an earlier run's archive.
var conductEntries = map[string]bool{"conduct-review": true, "conduct-decision": true}

// ConductReview is the Safeguarding Lead's review of a late action a named person owned.
type ConductReview struct {
	// ReviewID is the id of the review's own action; Action the late action, Title its title.
	ReviewID string `json:"review_id"`
	Action   string `json:"action_id"`
	Title    string `json:"title"`
	// Subject is who owned the late action when the chase reached the Lead.
	Subject     Owner            `json:"subject"`
	EscalatedAt time.Time        `json:"escalated_at"`
	Decision    *ConductDecision `json:"decision,omitempty"`
}

// ConductDecision is the decision whether a failure to act is a conduct matter, and why.
type ConductDecision struct {
	DecidedAt time.Time `json:"decided_at"`
	// Outcome is "conduct-matter" or "not-conduct-matter".
	Outcome string `json:"outcome"`
	Reason  string `json:"reason"`
	By      Actor  `json:"by"`
}

// The outcomes of a conduct review.
const (
	ConductMatter    = "conduct-matter"
	NotConductMatter = "not-conduct-matter"
)

// openConductReview asks the Safeguarding Lead (a manager, when the late action is a Lead's own)
// whether the failure to act on late is a conduct matter, from when the chase reached the Lead.
func (c *Case) openConductReview(env Env, late *Action, escalatedAt time.Time) *Action {
	owner := Owner{Role: RoleSafeguardingLead}
	if late.Owner.Role == RoleSafeguardingLead {
		owner = Owner{Role: RoleManager}
	}
	a := c.openOwnAction(env, policy.ConductReview, owner, escalatedAt, late.ID)
	a.Title += ": " + late.Title
	c.Duties.Conduct = append(c.Duties.Conduct, ConductReview{
		ReviewID: a.ID, Action: late.ID, Title: late.Title, Subject: late.Owner, EscalatedAt: escalatedAt,
	})
	e := c.note(escalatedAt, systemActor, "conduct-review", "The Safeguarding Lead was told that "+lowerFirst(late.Title)+
		" is late: is the failure to act a conduct matter?", a.ID)
	e.Restricted, e.RecordedAt = true, env.Now()
	return a
}

func (c *Case) conductReview(actionID string) *ConductReview {
	for i := range c.Duties.Conduct {
		if c.Duties.Conduct[i].ReviewID == actionID {
			return &c.Duties.Conduct[i]
		}
	}
	return nil
}

// DecideConduct records whether a failure to act is a conduct matter, with the reason.
type DecideConduct struct {
	// ActionID is the id of the conduct review's action.
	ActionID  string    `json:"action_id"`
	DecidedAt time.Time `json:"decided_at"`
	Outcome   string    `json:"outcome"`
	Reason    string    `json:"reason"`
}

func (r *DecideConduct) Validate(now time.Time) error {
	f := fieldErrors{}
	f.requiredID("action_id", r.ActionID)
	f.happened("decided_at", r.DecidedAt, now)
	f.oneOf("outcome", r.Outcome, ConductMatter, NotConductMatter)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *DecideConduct) check(c *Case, s Sight) error {
	a, err := c.openActionByID(r.ActionID, s)
	if err != nil {
		return err
	}
	review := c.conductReview(a.ID)
	switch {
	case a.Kind != policy.ConductReview || review == nil:
		return invalid("action_id", "This action is not a decision on conduct: name the action that asks whether a failure to act is a conduct matter.",
			"is not a conduct review")
	case review.Subject.UserID == s.Actor.UserID:
		return Errorf(EConflict, "A decision about your own failure to act is made by someone else: a manager or the Safeguarding Lead.")
	case r.DecidedAt.Before(a.StartedAt):
		return invalid("decided_at", "The decision cannot come before the Safeguarding Lead was told the action was late ("+ukTime(a.StartedAt)+").",
			"is before the escalation")
	}
	return nil
}

func (r *DecideConduct) apply(c *Case, by Actor, env Env) Result {
	review := c.conductReview(r.ActionID)
	review.Decision = &ConductDecision{DecidedAt: r.DecidedAt, Outcome: r.Outcome, Reason: r.Reason, By: by}
	c.action(r.ActionID).end(ActionDone, r.DecidedAt, by, r.Outcome+": "+r.Reason)
	summary := "Not a conduct matter"
	if r.Outcome == ConductMatter {
		summary = "A conduct matter: disciplinary procedures follow"
	}
	c.note(r.DecidedAt, by, "conduct-decision", summary+" ("+lowerFirst(review.Title)+"): "+r.Reason, r.ActionID).Restricted = true
	return Result{Ref: r.ActionID}
}
