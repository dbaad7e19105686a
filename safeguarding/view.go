package safeguarding

import (
	"strings"
	"time"
)

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
	c.wordsFor(&v.Case)
	for _, a := range v.Case.OpenActions() {
		v.OpenActions = append(v.OpenActions, ActionView{Action: a, Overdue: a.Overdue(now)})
	}
	return v, nil
}

// wordsFor writes the view's texts about the child as the child asked to be described.
func (c *Case) wordsFor(v *Case) {
	for i := range v.Actions {
		v.Actions[i].Title = c.inTheirWords(v.Actions[i].Title)
	}
	for i := range v.Timeline {
		v.Timeline[i].Summary = c.inTheirWords(v.Timeline[i].Summary)
	}
}

// inTheirWords writes "the child" in caseflow's own texts (action titles, timeline summaries) as
// the child's preferred term: "the young person", "the survivor". The records people wrote
// (accounts, notes, contributions) are theirs and are shown as written.
func (c *Case) inTheirWords(s string) string {
	term := strings.TrimSpace(c.Child.PreferredTerm)
	if term == "" || strings.EqualFold(term, "child") {
		return s
	}
	return strings.NewReplacer(
		"the child's", "the "+term+"'s", "The child's", "The "+term+"'s",

		"the child", "the "+term, "The child", "The "+term,
	).Replace(s)
}

// TimelineFor returns the timeline entries actor may see.
func (c *Case) TimelineFor(actor Actor, access Access) ([]Entry, error) {
	s := c.SightOf(actor, access)
	if !s.Sees() {
		return nil, notFound()
	}
	v := c.copyFor(s)
	c.wordsFor(&v)
	return v.Timeline, nil
}
