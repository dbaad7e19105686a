package readmodel

import (
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// summaryVisibleTo is the summary as the person may see it: only the actions they may see, and
// the people an allegation excluded only to those who may see allegations.
func summaryVisibleTo(s projection.Summary, sight safeguarding.Sight) projection.Summary {
	if !sight.SeesRestricted() {
		s.Excluded = nil
	}
	if sight.IsCarer() {
		s.Unconfirmed = nil
	}
	// The child's match keys find the child's case for caseflow itself; no list shows them.
	s.ChildKeys = nil
	actions := make([]projection.Action, 0, len(s.Actions))
	for _, a := range s.Actions {
		if actionVisibleTo(a, sight) {
			actions = append(actions, a)
		}
	}
	s.Actions = actions
	return s
}

func actionVisibleTo(a projection.Action, sight safeguarding.Sight) bool {
	return sight.SeesAction(safeguarding.Class(a.Class), safeguarding.Owner{Role: safeguarding.Role(a.OwnerRole), UserID: a.OwnerUser})
}

// ActionRow is an action in a list: the action, its case, and how late it is.
type ActionRow struct {
	projection.Action
	CaseID    string `json:"case_id"`
	Reference string `json:"reference"`
	Team      string `json:"team"`
	Stage     string `json:"stage"`
	// LateSeconds is how long past due the action is at the time of the query; negative when
	// it is not due yet.
	LateSeconds int64 `json:"late_seconds"`
	// people are the case's parties as the row stores them, for the visibility policy.
	people rowPeople
}

// visibleTo reports whether the person may see the row's action.
func (r ActionRow) visibleTo(v Visibility) bool {
	p := r.people.parties(r.Team)
	return actionVisibleTo(r.Action, v.sightOf(&p))
}
