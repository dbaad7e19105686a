package safeguarding

import (
	"slices"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// View is a case as one person may see it: the records their role allows, the stage, and the
// open actions with whether each is overdue.
type View struct {
	Case
	Stage       Stage        `json:"stage"`
	OpenActions []ActionView `json:"open_actions"`
	AsOf        time.Time    `json:"as_of"`
}

// ActionView is an open action with its standing at the time of the view.
type ActionView struct {
	Action
	Overdue bool `json:"overdue"`
}

// ViewFor returns what actor may see of the case at now, or a not-found error when they may not
// know it exists.
func (c *Case) ViewFor(actor Actor, access Access, now time.Time) (View, error) {
	if !c.Opened() || !c.CanSee(actor, access) {
		return View{}, notFound()
	}
	v := View{Case: c.copyFor(actor), Stage: c.Stage(), AsOf: now, OpenActions: []ActionView{}}
	v.Applied, v.NextID = nil, 0
	for _, a := range v.Case.OpenActions() {
		v.OpenActions = append(v.OpenActions, ActionView{Action: a, Overdue: a.Overdue(now)})
	}
	return v, nil
}

// Timeline returns the timeline entries actor may see.
func (c *Case) TimelineFor(actor Actor, access Access) ([]Entry, error) {
	if !c.Opened() || !c.CanSee(actor, access) {
		return nil, notFound()
	}
	return c.copyFor(actor).Timeline, nil
}

// seesAllegations: allegations may concern carers and staff themselves, so only the child's
// social worker, the Safeguarding Lead and managers see them.
func seesAllegations(r Role) bool {
	return r == RoleSocialWorker || r == RoleSafeguardingLead || r == RoleManager
}

// carerTimeline lists what a carer sees of the timeline beyond their own entries: the life of
// the child in their home, not the professionals' deliberations.
var carerTimeline = []string{
	"care-plan-agreed", "care-plan-review", "missing", "returned", "return-interview",
	"looked-after", "contact", "closure-approved", "reopened",
}

// copyFor copies the case with what actor may not see removed. Slices are copied where they are
// filtered, so the copy can be changed without touching the case.
func (c *Case) copyFor(actor Actor) Case {
	v := *c
	if !seesAllegations(actor.Role) {
		v.Allegations = nil
		v.Revoked = nil
		v.Timeline = slices.DeleteFunc(slices.Clone(v.Timeline), func(e Entry) bool { return e.Restricted })
		v.Actions = slices.DeleteFunc(slices.Clone(v.Actions), func(a Action) bool { return a.Kind == policy.LADO })
	}
	if actor.Role != RoleCarer {
		return v
	}
	mine := func(by Actor) bool { return by.UserID == actor.UserID && by.Role == RoleCarer }
	v.Concerns = slices.DeleteFunc(slices.Clone(v.Concerns), func(k Concern) bool { return !mine(k.RaisedBy) })
	v.Reporting = Reporting{}
	for _, p := range c.Reporting.PoliceReports {
		if mine(p.By) {
			v.Reporting.PoliceReports = append(v.Reporting.PoliceReports, p)
		}
	}
	v.Meetings, v.Conferences, v.Offences = nil, nil, nil
	v.NRM = NRM{}
	v.Child.ParentalResponsibility = ""
	v.Timeline = slices.DeleteFunc(v.Timeline, func(e Entry) bool {
		return !mine(e.By) && !slices.Contains(carerTimeline, e.Kind)
	})
	return v
}
