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
}

// RecordContact records a contact of the child.
type RecordContact struct {
	Name         string `json:"name"`
	Relationship string `json:"relationship"`
	Restricted   bool   `json:"restricted"`
	Note         string `json:"note,omitempty"`
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

func (r *RecordContact) check(*Case, Actor) error { return nil }

func (r *RecordContact) apply(c *Case, by Actor, env Env) Result {
	k := Contact{ID: c.newRef("P"), Name: r.Name, Relationship: r.Relationship, Restricted: r.Restricted, Note: r.Note}
	c.Contacts = append(c.Contacts, k)
	summary := "Contact recorded"
	if r.Restricted {
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

func (r *RecordWithdrawal) check(*Case, Actor) error { return nil }

func (r *RecordWithdrawal) apply(c *Case, by Actor, env Env) Result {
	c.Withdrawals = append(c.Withdrawals, Withdrawal{At: r.WithdrawnAt, Note: r.Note, By: by})
	c.note(r.WithdrawnAt, by, "disclosure-withdrawn", "Disclosure withdrawn; support and enquiries continue", "")
	return Result{}
}

// ChangeDue moves an action's due date, re-arming its chase around the new date.
type ChangeDue struct {
	ActionID string    `json:"action_id"`
	Due      time.Time `json:"due"`
	Reason   string    `json:"reason"`
}

func (r *ChangeDue) Validate(time.Time) error {
	f := fieldErrors{}
	f.required("action_id", r.ActionID)
	if r.Due.IsZero() {
		f.add("due", "is required")
	}
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *ChangeDue) check(c *Case, _ Actor) error {
	a, err := c.openActionByID(r.ActionID)
	if err != nil {
		return err
	}
	if !r.Due.After(a.StartedAt) {
		return invalid("due", "The new due date must be after the action started.", "is not after the start")
	}
	return nil
}

func (r *ChangeDue) apply(c *Case, by Actor, env Env) Result {
	a := c.action(r.ActionID)
	a.moveDue(r.Due)
	c.note(env.Now(), by, "due-changed", a.Title+": due date moved to "+r.Due.UTC().Format(time.RFC3339)+" ("+r.Reason+")", a.ID)
	return Result{Ref: a.ID}
}

// Reassign changes who works with the child: the social worker, team, fostering social worker,
// or the carers the child is placed with.
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
	if r.SocialWorker == "" && r.Team == "" && r.FosteringSocialWorker == "" && len(r.AddCarers) == 0 && len(r.RemoveCarers) == 0 {
		f.add("social_worker", "name at least one change")
	}
	return f.err()
}

func (r *Reassign) check(c *Case, _ Actor) error {
	for _, u := range r.AddCarers {
		for _, rev := range c.Revoked {
			if rev.UserID == u {
				return Errorf(EConflict, "This carer lost access to the case after an allegation and cannot be added back here.")
			}
		}
	}
	return nil
}

func (r *Reassign) apply(c *Case, by Actor, env Env) Result {
	if r.SocialWorker != "" && r.SocialWorker != c.SocialWorker {
		for i := range c.Actions {
			if a := &c.Actions[i]; a.Open() && a.Owner.Role == RoleSocialWorker && a.Owner.UserID == c.SocialWorker {
				a.Owner.UserID = r.SocialWorker
			}
		}
		c.SocialWorker = r.SocialWorker
	}
	if r.Team != "" {
		c.Team = r.Team
	}
	if r.FosteringSocialWorker != "" {
		c.FosteringSocialWorker = r.FosteringSocialWorker
	}
	c.Carers = slices.DeleteFunc(uniq(append(c.Carers, r.AddCarers...)), func(u string) bool { return slices.Contains(r.RemoveCarers, u) })
	c.note(env.Now(), by, "reassigned", "Team around the child changed: "+r.Reason, "")
	return Result{}
}
