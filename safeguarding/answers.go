package safeguarding

import (
	"slices"
	"strings"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// A record answers what it is about, and only what began at or before it. The rule is one for
// every record: a police report or "I told the social worker" answers concerns (About, in
// reporting.go); a meeting, conference, assessment, interview, referral, decision, review or
// visit answers the open actions it closes (Answers, below). Each names what it answers or, left
// out, answers what began at or before the time it records; naming something that began after
// it is refused, and so is a record that would close only what began after it. Yesterday's
// strategy meeting never answers the strategy discussion today's referral calls for.

// Answers names the open actions a record answers.
type Answers struct {
	// ActionIDs are the open actions the record answers. Left out, it answers the open actions
	// of its kinds that began at or before the time it records.
	ActionIDs []string `json:"action_ids,omitempty"`
}

func (a *Answers) validate(f fieldErrors) { f.ids("action_ids", a.ActionIDs, maxReferences) }

// answering says what one record may answer.
type answering struct {
	// kinds are the kinds of action the record closes; ref, when set, limits them to the
	// actions about one record (a missing episode, a referral).
	kinds []policy.RuleID
	ref   string
	// at is when the record's event happened, field the request field that says so, and what
	// names the record in refusals ("This strategy meeting").
	at    time.Time
	field string
	what  string
	// one: the record answers a single action, so when several could be meant it must name
	// which (one assessment completes one referral's assessment).
	one bool
}

func (w answering) closes(a *Action) bool {
	return slices.Contains(w.kinds, a.Kind) && (w.ref == "" || a.Ref == w.ref)
}

// answered returns the open actions a record answers: those named, or by default the open
// actions of its kinds that began at or before it, among those the person can see. It refuses
// an action named that the record cannot answer, one that began after the record, and a record
// that would close only actions that began after it.
func (c *Case) answered(named []string, w answering, s Sight) ([]*Action, error) {
	if len(named) > 0 {
		out := make([]*Action, 0, len(named))
		for _, id := range named {
			a := c.visibleAction(id, s)
			switch {
			case a == nil || !w.closes(a):
				return nil, invalid("action_ids", "There is no action "+id+" on the case that this record answers.", "unknown action "+quote(id))
			case !a.Open():
				return nil, invalid("action_ids", "Action "+id+" is already "+string(a.Status)+".", "action "+quote(id)+" is not open")
			case a.StartedAt.After(w.at):
				return nil, predates("action_ids", w.what, w.at, c.actionBegan(a), a.StartedAt)
			}
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
		return out, nil
	}
	var before, after []*Action
	for i := range c.Actions {
		a := &c.Actions[i]
		if !a.Open() || !w.closes(a) || !s.seesAction(a) {
			continue
		}
		if a.StartedAt.After(w.at) {
			after = append(after, a)
		} else {
			before = append(before, a)
		}
	}
	switch {
	case len(before) == 0 && len(after) > 0:
		return nil, predates(w.field, w.what, w.at, c.actionBegan(after[0]), after[0].StartedAt)
	case w.one && len(before) > 1:
		ids := make([]string, len(before))
		for i, a := range before {
			ids[i] = a.ID
		}
		return nil, invalid("action_ids", w.what+" answers one action, and several are open: say which one ("+strings.Join(ids, ", ")+").",
			"is required when several actions are open")
	}
	return before, nil
}

// answersAll is a sight that sees every action: apply uses it, after check refused what the
// person could not see.
var answersAll = Sight{Relation: RelationOverseer}

// closeAnswered closes the actions a record answers, as check found them.
func (c *Case) closeAnswered(named []string, w answering, by Actor, note string) {
	answered, _ := c.answered(named, w, answersAll)
	for _, a := range answered {
		a.end(ActionDone, w.at, by, note)
	}
}

// predates is the refusal of a record made before what it would answer began ("since", such as
// "concern C2 was raised on"), worded for the person recording. field is the record's time
// when it answers by default, or the list that named what it cannot answer.
func predates(field, what string, at time.Time, since string, began time.Time) *Error {
	return invalid(field,
		what+" is dated "+ukTime(at)+", before "+since+" "+ukTime(began)+", so it cannot answer it. "+
			"Check the date: a record answers only what began at or before it. If the date is right, record what answers the later one when it happens, "+
			"or ask a manager or the Safeguarding Lead to end it for a reason.",
		"is before what it answers began ("+began.UTC().Format(time.RFC3339)+")")
}

// actionBegan names an action for predates.
func (c *Case) actionBegan(a *Action) string {
	return "“" + c.inTheirWords(a.Title) + "” (" + a.ID + ") began on"
}

// answersChecked reports whether the case follows the rule that records answer only what began
// at or before them (RulesOneCase). Cases on earlier rules replay as they ran: a record closed
// every open action of its kinds.
func (c *Case) answersChecked() bool { return c.Rules >= RulesOneCase }
