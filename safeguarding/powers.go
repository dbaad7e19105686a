package safeguarding

import (
	"slices"
	"strconv"
)

// Powers scoped to the team. Seeing and acting differ: managers see every case of the agency
// (the board is agency-wide), but use their powers only on their own team's cases, on the
// further teams the identity provider grants them (Actor.Teams), and on cases with no team yet
// (a crisis intake reaches the duty manager); the Safeguarding Lead's reach the whole agency. A
// step anyone who sees the case may take (a concern, a police report, a missing episode: those
// open to carers) is no power: nobody is refused a safety record by their team.
//
// Some acts are an overseer's alone, whatever roles a step admits: assigning who works with the
// child (the team, the social worker, the fostering social worker), and recording an allegation
// against a manager or the Safeguarding Lead, never left to the accused's subordinate. Ending an
// obligation that follows an allegation without its event is the Safeguarding Lead's alone.

// checkPowers refuses a step the person's powers do not reach on this case.
func (c *Case) checkPowers(step Step, cmd Command, s Sight) error {
	a := s.Actor
	power := !slices.Contains(step.Roles, RoleCarer)
	if power && a.Role == RoleManager && c.Team != "" && !a.ActsFor(c.Team) {
		return Errorf(EForbidden, "This case belongs to team %s: its managers or the Safeguarding Lead act on it.", c.Team)
	}
	switch r := cmd.(type) {
	case *CaseDetails:
		if s.Relation != RelationOverseer {
			for _, a := range r.assignments(c) {
				if a.given != "" && a.given != a.held {
					return forbidden(a.field, "A manager or the Safeguarding Lead decides who works with the child.", "assigned by a manager or the Safeguarding Lead")
				}
			}
		}
	case *RecordAllegation:
		if r.AgainstRole.Oversees() && s.Relation != RelationOverseer {
			return forbidden("against_role", "An allegation against a manager or the Safeguarding Lead is recorded by the Safeguarding Lead or another manager: tell them now.", "recorded by an overseer")
		}
	}
	if res, ok := cmd.(resolving); ok && a.Role != RoleSafeguardingLead {
		for i, r := range res.resolutionsGiven() {
			if act := c.action(r.ActionID); act != nil && act.Class() == ClassRestricted {
				return forbidden("resolutions["+strconv.Itoa(i)+"].action_id", "Only the Safeguarding Lead ends an obligation that follows an allegation without its event.", "the Safeguarding Lead's to end")
			}
		}
	}
	return nil
}

// resolving is a step that ends obligations without their event, each for a reason.
type resolving interface{ resolutionsGiven() []Resolution }

func (r *ResolveAction) resolutionsGiven() []Resolution { return []Resolution{r.Resolution} }
func (r *DecideClosure) resolutionsGiven() []Resolution { return r.Resolutions }
func (r *MergeInto) resolutionsGiven() []Resolution     { return r.Resolutions }

// forbidden refuses one field for want of authority, with a message for the person.
func forbidden(field, message, reason string) *Error {
	return &Error{Code: EForbidden, Message: message, Fields: map[string]string{field: reason}}
}
