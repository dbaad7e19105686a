package activities

import (
	"fmt"
	"slices"

	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// NoticeFor builds the notice of a chase. Its id is stable for the chase (case, action, level,
// repeat and due time), so a retried activity delivers it once, and a chase after a due-date
// change is a new notice.
func NoticeFor(c *safeguarding.Case, chase safeguarding.DueChase) notify.Notice {
	a := findAction(c, chase.ActionID)
	return notify.Notice{
		ID:        fmt.Sprintf("%s/%s/%d/%d/%d", c.ID, chase.ActionID, chase.Level, chase.Repeat, chase.Due.Unix()),
		CaseID:    c.ID,
		Reference: c.Reference,
		ActionID:  chase.ActionID,
		Kind:      projection.ListedKind(&a),
		Class:     string(a.Class()),
		Owner:     a.Owner,
		Title:     noticeTitle(a),
		Level:     int(chase.Level),
		LevelName: chase.Level.String(),
		Repeat:    chase.Repeat,
		Due:       chase.Due,
		FellDue:   chase.At,
		SentAt:    a.Chases[len(a.Chases)-1].At,
		To:        chase.To,
		HourClock: !a.Quiet.Keeps(),
		Excluded:  slices.Clone(c.Excluded),
		Parties:   partiesOf(c),
	}
}

// partiesOf is a copy of the case's people, for the notice to carry.
func partiesOf(c *safeguarding.Case) *safeguarding.Parties {
	p := c.Parties
	p.Carers, p.Excluded = slices.Clone(p.Carers), slices.Clone(p.Excluded)
	return &p
}

func findAction(c *safeguarding.Case, id string) safeguarding.Action {
	for _, a := range c.Actions {
		if a.ID == id {
			return a
		}
	}
	return safeguarding.Action{}
}

// noticeTitle is the action's title unless people wrote it (at a meeting): free text may name
// someone, and a notice must not. An action that follows an allegation is not named either: an
// inbox, an email or a phone's lock screen is no place to say one was made.
func noticeTitle(a safeguarding.Action) string {
	switch {
	case a.Class() == safeguarding.ClassRestricted:
		return notify.RestrictedTitle
	case a.Kind == safeguarding.MeetingAction:
		return notify.MeetingActionTitle
	}
	return a.Title
}
