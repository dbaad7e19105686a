package activities

import (
	"fmt"
	"slices"

	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
)

// SummaryOf projects a case to its read-model summary: ids, stage, and the open actions with
// their due times and chase levels. Nothing personal: no names, no free text.
func SummaryOf(c *safeguarding.Case) CaseSummary {
	s := CaseSummary{
		CaseID:                c.ID,
		Reference:             c.Reference,
		Version:               c.Revision,
		Stage:                 string(c.Stage()),
		Closed:                c.Closed(),
		LA:                    c.LA,
		Team:                  c.Team,
		SocialWorker:          c.SocialWorker,
		FosteringSocialWorker: c.FosteringSocialWorker,
		Carers:                append([]string{}, c.Carers...),
		Excluded:              slices.Clone(c.Excluded),
		OpenedAt:              c.OpenedAt,
		UpdatedAt:             c.UpdatedAt,
		Actions:               []readmodel.ActionSummary{},
	}
	for _, a := range c.OpenActions() {
		s.Actions = append(s.Actions, readmodel.ActionSummary{
			ID:         a.ID,
			Kind:       listedKind(&a),
			Class:      string(a.Class()),
			OwnerRole:  string(a.Owner.Role),
			OwnerUser:  a.Owner.UserID,
			Due:        a.Due,
			Escalation: int(a.Level),
		})
	}
	return s
}

// listedKind is the action's kind as lists may name it: a restricted action is only "restricted".
func listedKind(a *safeguarding.Action) string {
	if a.Class() == safeguarding.ClassRestricted {
		return string(safeguarding.ClassRestricted)
	}
	return string(a.Kind)
}

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
		Kind:      listedKind(&a),
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
	}
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
