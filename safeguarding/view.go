package safeguarding

import "time"

// View is a case as one person may see it: the records their relation to the case allows (see
// the visibility policy), the stage, and the open actions with whether each is overdue.
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
	s := c.SightOf(actor, access)
	if !s.Sees() {
		return View{}, notFound()
	}
	v := View{Case: c.copyFor(s), Stage: c.Stage(), AsOf: now, OpenActions: []ActionView{}}
	v.Applied, v.NextID = nil, 0
	for _, a := range v.Case.OpenActions() {
		v.OpenActions = append(v.OpenActions, ActionView{Action: a, Overdue: a.Overdue(now)})
	}
	return v, nil
}

// TimelineFor returns the timeline entries actor may see.
func (c *Case) TimelineFor(actor Actor, access Access) ([]Entry, error) {
	s := c.SightOf(actor, access)
	if !s.Sees() {
		return nil, notFound()
	}
	return c.copyFor(s).Timeline, nil
}
