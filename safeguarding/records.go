package safeguarding

import (
	"slices"
	"time"
)

// Contact is a person connected with the child. Restricted contacts (an accompanying adult who
// may not be what they claim) are recorded so that nobody raises concerns with them: caseflow
// never notifies any contact.
type Contact struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Relationship string `json:"relationship"`
	Restricted   bool   `json:"restricted"`
	Note         string `json:"note,omitempty"`
	// Accompanying: the adult accompanies the child, and may not be a parent or have the
	// authority to care for them. Such a contact is restricted, and the child is spoken with
	// without them (see speakalone.go).
	Accompanying bool `json:"accompanying,omitempty"`
}

// RecordContact records a contact of the child.
type RecordContact struct {
	Name         string `json:"name"`
	Relationship string `json:"relationship"`
	Restricted   bool   `json:"restricted"`
	Note         string `json:"note,omitempty"`
	Accompanying bool   `json:"accompanying,omitempty"`
}

func (r *RecordContact) Validate(time.Time) error {
	f := fieldErrors{}
	f.required("name", r.Name)
	f.text("name", r.Name, maxShortText)
	f.required("relationship", r.Relationship)
	f.text("relationship", r.Relationship, maxShortText)
	f.text("note", r.Note, maxLongText)
	return f.err()
}

func (r *RecordContact) check(*Case, Sight) error { return nil }

func (r *RecordContact) apply(c *Case, by Actor, env Env) Result {
	k := Contact{ID: c.newRef("P"), Name: r.Name, Relationship: r.Relationship, Restricted: r.Restricted || r.Accompanying, Note: r.Note, Accompanying: r.Accompanying}
	c.Contacts = append(c.Contacts, k)
	summary := "Contact recorded"
	if k.Restricted {
		summary = "Restricted contact recorded: never share concerns with them"
	}
	c.note(env.Now(), by, "contact", summary, k.ID)
	return Result{Ref: k.ID}
}

// Withdrawal records that the child withdrew a disclosure. Support and enquiries continue: a
// withdrawal never closes a case by itself.
type Withdrawal struct {
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
	By   Actor     `json:"by"`
}

// RecordWithdrawal records a withdrawn disclosure.
type RecordWithdrawal struct {
	WithdrawnAt time.Time `json:"withdrawn_at"`
	Note        string    `json:"note,omitempty"`
}

func (r *RecordWithdrawal) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("withdrawn_at", r.WithdrawnAt, now)
	f.text("note", r.Note, maxLongText)
	return f.err()
}

func (r *RecordWithdrawal) check(*Case, Sight) error { return nil }

func (r *RecordWithdrawal) apply(c *Case, by Actor, env Env) Result {
	c.Withdrawals = append(c.Withdrawals, Withdrawal{At: r.WithdrawnAt, Note: r.Note, By: by})
	c.note(r.WithdrawnAt, by, "disclosure-withdrawn", "Disclosure withdrawn; support and enquiries continue", "")
	return Result{}
}

// ChangeDue moves an action's due date, re-arming its chase around the new date. The reason is
// required and the original due time is kept. A deadline set by a policy rule can be moved later
// only by a manager or the Safeguarding Lead, whose decision the timeline records as an approval:
// a social worker may bring it forward, or move an action people agreed at a meeting.
type ChangeDue struct {
	ActionID string    `json:"action_id"`
	Due      time.Time `json:"due"`
	Reason   string    `json:"reason"`
}

func (r *ChangeDue) Validate(time.Time) error {
	f := fieldErrors{}
	f.requiredID("action_id", r.ActionID)
	if r.Due.IsZero() {
		f.add("due", "is required")
	}
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *ChangeDue) check(c *Case, s Sight) error {
	a, err := c.openActionByID(r.ActionID, s)
	if err != nil {
		return err
	}
	if !r.Due.After(a.StartedAt) {
		return invalid("due", "The new due date must be after the action started.", "is not after the start")
	}
	if c.failSafe() && extends(a, r.Due) && !s.Actor.Role.Oversees() {
		return Errorf(EForbidden, "Only a manager or the Safeguarding Lead can move %s later than %s: ask them to approve and record the change.",
			lowerFirst(a.Title), ukTime(a.policyDue()))
	}
	return nil
}

// extends reports whether moving the action to due takes it past the deadline its rule set.
func extends(a *Action, due time.Time) bool {
	return a.Kind != MeetingAction && due.After(a.policyDue())
}

// policyDue is the due time the action's rule set, before any move.
func (a *Action) policyDue() time.Time {
	if !a.OriginalDue.IsZero() {
		return a.OriginalDue
	}
	return a.Due
}

func (r *ChangeDue) apply(c *Case, by Actor, env Env) Result {
	a := c.action(r.ActionID)
	from := a.Due
	a.moveDue(r.Due)
	summary := a.Title + ": due date moved from " + from.UTC().Format(time.RFC3339) + " to " + r.Due.UTC().Format(time.RFC3339) + " (" + r.Reason + ")"
	if extends(a, r.Due) {
		summary += "; extension approved by the " + roleName(by.Role)
	}
	c.note(env.Now(), by, "due-changed", summary, a.ID)
	return Result{Ref: a.ID}
}

// Reassign changes who works with the child: the social worker, team, fostering social worker,
// or the carers the child is placed with. Nobody an allegation removed can be brought back here.
type Reassign struct {
	SocialWorker          string   `json:"social_worker,omitempty"`
	Team                  string   `json:"team,omitempty"`
	FosteringSocialWorker string   `json:"fostering_social_worker,omitempty"`
	AddCarers             []string `json:"add_carers,omitempty"`
	RemoveCarers          []string `json:"remove_carers,omitempty"`
	Reason                string   `json:"reason"`
}

func (r *Reassign) Validate(time.Time) error {
	f := fieldErrors{}
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	f.id("social_worker", r.SocialWorker)
	f.id("team", r.Team)
	f.id("fostering_social_worker", r.FosteringSocialWorker)
	f.ids("add_carers", r.AddCarers, maxCarers)
	f.ids("remove_carers", r.RemoveCarers, maxCarers)
	if r.SocialWorker == "" && r.Team == "" && r.FosteringSocialWorker == "" && len(r.AddCarers) == 0 && len(r.RemoveCarers) == 0 {
		f.add("social_worker", "name at least one change")
	}
	return f.err()
}

func (r *Reassign) check(c *Case, s Sight) error {
	if field := c.excludedAmong(assigned{"social_worker", []string{r.SocialWorker}},
		assigned{"fostering_social_worker", []string{r.FosteringSocialWorker}}, assigned{"add_carers", r.AddCarers}); field != "" {
		return notAssignable(s, field)
	}
	if len(c.carersAfter(r)) > maxCarers {
		return invalid("add_carers", "A child is placed with at most 20 carers.", "too many carers")
	}
	return nil
}

func (r *Reassign) apply(c *Case, by Actor, env Env) Result {
	if r.SocialWorker != "" && r.SocialWorker != c.SocialWorker {
		c.handTo(RoleSocialWorker, c.SocialWorker, r.SocialWorker)
		c.SocialWorker = r.SocialWorker
	}
	if r.Team != "" {
		c.Team = r.Team
	}
	if r.FosteringSocialWorker != "" && r.FosteringSocialWorker != c.FosteringSocialWorker {
		c.handTo(RoleFosteringSocialWorker, c.FosteringSocialWorker, r.FosteringSocialWorker)
		c.FosteringSocialWorker = r.FosteringSocialWorker
	}
	if c.failSafe() {
		c.handRemovedCarersOn(r.RemoveCarers)
	}
	c.Carers = c.carersAfter(r)
	c.note(env.Now(), by, "reassigned", "Team around the child changed: "+r.Reason, "")
	return Result{}
}

// carersAfter is the list of carers once r's additions and removals are made.
func (c *Case) carersAfter(r *Reassign) []string {
	return slices.DeleteFunc(uniq(append(slices.Clone(c.Carers), r.AddCarers...)), func(u string) bool { return slices.Contains(r.RemoveCarers, u) })
}

// handRemovedCarersOn gives the child's social worker the open actions of carers leaving the
// placement, so that no obligation is left with someone who can no longer see the case.
func (c *Case) handRemovedCarersOn(removed []string) {
	for i := range c.Actions {
		a := &c.Actions[i]
		if a.Open() && a.Owner.Role == RoleCarer && slices.Contains(removed, a.Owner.UserID) {
			was := a.Owner
			a.HandedFrom, a.Owner = &was, c.socialWorker()
		}
	}
}

// handTo gives the new holder of a post the open actions of the old one, and those handed on
// when an allegation left the post vacant.
func (c *Case) handTo(role Role, from, to string) {
	for i := range c.Actions {
		a := &c.Actions[i]
		if !a.Open() {
			continue
		}
		switch {
		case from != "" && a.Owner.Role == role && a.Owner.UserID == from:
			a.Owner.UserID = to
		case a.HandedFrom != nil && a.HandedFrom.Role == role:
			a.Owner, a.HandedFrom = Owner{Role: role, UserID: to}, nil
		}
	}
}

// StepLinkCase links two cases of the same child; the API records it on both.
const StepLinkCase = "linked-case"

// Link names another case of the same child: raised twice before anyone saw it was one child.
type Link struct {
	CaseID string    `json:"case_id"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	By     Actor     `json:"by"`
}

// LinkCase records that another case is about the same child.
type LinkCase struct {
	CaseID string `json:"case_id"`
	Reason string `json:"reason"`
}

func (r *LinkCase) Validate(time.Time) error {
	f := fieldErrors{}
	f.requiredID("case_id", r.CaseID)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *LinkCase) check(c *Case, _ Sight) error {
	switch {
	case r.CaseID == c.ID:
		return invalid("case_id", "A case cannot be linked to itself.", "is this case")
	case slices.ContainsFunc(c.Links, func(l Link) bool { return l.CaseID == r.CaseID }):
		return Errorf(EConflict, "The two cases are already linked.")
	}
	return nil
}

func (r *LinkCase) apply(c *Case, by Actor, env Env) Result {
	c.Links = append(c.Links, Link{CaseID: r.CaseID, Reason: r.Reason, At: env.Now(), By: by})
	c.note(env.Now(), by, "linked-case", "Linked with another case of the same child: "+r.Reason, "")
	return Result{Ref: r.CaseID}
}
