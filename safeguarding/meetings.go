package safeguarding

import (
	"strconv"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Meeting is a strategy discussion or meeting: scheduled, then held.
type Meeting struct {
	ID           string       `json:"id"`
	Format       string       `json:"format"`
	ScheduledFor time.Time    `json:"scheduled_for,omitzero"`
	Attendees    []Attendee   `json:"attendees,omitempty"`
	HeldAt       time.Time    `json:"held_at,omitzero"`
	Outcome      string       `json:"outcome,omitempty"`
	S47Enquiry   bool         `json:"s47_enquiry,omitempty"`
	MinutesRef   string       `json:"minutes_ref,omitempty"`
	Actions      []string     `json:"actions,omitempty"`
	Interpreter  *Interpreter `json:"interpreter,omitempty"`
}

// Attendee is who attends a meeting, by role and organisation; names are not needed to chase.
type Attendee struct {
	Role         string `json:"role"`
	Organisation string `json:"organisation,omitempty"`
}

// Meeting formats: a phone discussion must be followed by a meeting.
const (
	FormatMeeting = "meeting"
	FormatPhone   = "phone"
)

// Conference is a child protection conference, initial or review.
type Conference struct {
	Kind    string    `json:"kind"`
	HeldAt  time.Time `json:"held_at"`
	Plan    bool      `json:"child_protection_plan"`
	Outcome string    `json:"outcome,omitempty"`
}

func validateAttendees(f fieldErrors, list []Attendee) {
	f.count("attendees", len(list), maxAttendees)
	for _, a := range list {
		if a.Role == "" {
			f.add("attendees", "each attendee needs a role (e.g. police, social worker, health)")
		}
		f.text("attendees", a.Role+a.Organisation, maxShortText)
	}
}

// ScheduleMeeting books a strategy meeting.
type ScheduleMeeting struct {
	ScheduledFor time.Time  `json:"scheduled_for"`
	Format       string     `json:"format"`
	Attendees    []Attendee `json:"attendees,omitempty"`
	// Interpreter is required when the child needs one.
	Interpreter *Interpreter `json:"interpreter,omitempty"`
}

func (r *ScheduleMeeting) Validate(now time.Time) error {
	f := fieldErrors{}
	if r.ScheduledFor.IsZero() {
		f.add("scheduled_for", "is required")
	}
	f.oneOf("format", r.Format, FormatMeeting, FormatPhone)
	validateAttendees(f, r.Attendees)
	r.Interpreter.validate(f)
	return f.err()
}

func (r *ScheduleMeeting) check(c *Case, _ Sight) error { return c.checkInterpreter(r.Interpreter) }

func (r *ScheduleMeeting) apply(c *Case, by Actor, env Env) Result {
	m := Meeting{ID: c.newRef("M"), Format: r.Format, ScheduledFor: r.ScheduledFor, Attendees: r.Attendees, Interpreter: r.Interpreter}
	c.Meetings = append(c.Meetings, m)
	c.note(env.Now(), by, "meeting-scheduled", "Strategy "+r.Format+" scheduled for "+r.ScheduledFor.UTC().Format(time.RFC3339), m.ID)
	return Result{Ref: m.ID}
}

// AgreedAction is an action a meeting agreed: who does what by when.
type AgreedAction struct {
	Title     string    `json:"title"`
	OwnerRole Role      `json:"owner_role"`
	OwnerUser string    `json:"owner_user,omitempty"`
	Due       time.Time `json:"due"`
}

// RecordMeeting records a strategy discussion or meeting that took place, and the actions it
// agreed, each of which is chased like any other.
type RecordMeeting struct {
	// MeetingID is the scheduled meeting this was; empty for one held without being booked.
	MeetingID  string         `json:"meeting_id,omitempty"`
	HeldAt     time.Time      `json:"held_at"`
	Format     string         `json:"format"`
	Attendees  []Attendee     `json:"attendees,omitempty"`
	Outcome    string         `json:"outcome"`
	S47Enquiry bool           `json:"s47_enquiry"`
	MinutesRef string         `json:"minutes_ref,omitempty"`
	Actions    []AgreedAction `json:"actions,omitempty"`
}

func (r *RecordMeeting) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("held_at", r.HeldAt, now)
	f.oneOf("format", r.Format, FormatMeeting, FormatPhone)
	validateAttendees(f, r.Attendees)
	f.required("outcome", r.Outcome)
	f.text("outcome", r.Outcome, maxLongText)
	f.text("minutes_ref", r.MinutesRef, maxShortText)
	f.count("actions", len(r.Actions), maxAgreed)
	for i, a := range r.Actions {
		field := "actions[" + strconv.Itoa(i) + "]"
		if a.Title == "" {
			f.add(field+".title", "is required")
		}
		f.text(field+".title", a.Title, maxShortText)
		if _, err := ParseRole(string(a.OwnerRole)); err != nil {
			f.add(field+".owner_role", "must be a caseflow role")
		}
		f.id(field+".owner_user", a.OwnerUser)
		if a.Due.IsZero() {
			f.add(field+".due", "is required")
		} else if !a.Due.After(r.HeldAt) {
			f.add(field+".due", "must be after the meeting")
		}
	}
	return f.err()
}

func (r *RecordMeeting) check(c *Case, s Sight) error {
	for i, a := range r.Actions {
		if field := "actions[" + strconv.Itoa(i) + "].owner_user"; c.excludedAmong(assigned{field, []string{a.OwnerUser}}) != "" {
			return notAssignable(s, field)
		}
	}
	if r.MeetingID == "" {
		return nil
	}
	m := c.meeting(r.MeetingID)
	if m == nil {
		return invalid("meeting_id", "There is no scheduled meeting with this id.", "unknown meeting")
	}
	if !m.HeldAt.IsZero() {
		return Errorf(EConflict, "This meeting is already recorded as held.")
	}
	return nil
}

func (r *RecordMeeting) apply(c *Case, by Actor, env Env) Result {
	m := c.meeting(r.MeetingID)
	if m == nil {
		c.Meetings = append(c.Meetings, Meeting{ID: c.newRef("M")})
		m = &c.Meetings[len(c.Meetings)-1]
	}
	m.Format, m.HeldAt, m.Outcome, m.S47Enquiry, m.MinutesRef = r.Format, r.HeldAt, r.Outcome, r.S47Enquiry, r.MinutesRef
	if len(r.Attendees) > 0 {
		m.Attendees = r.Attendees
	}
	c.closeActions(policy.StrategyDiscussion, "", ActionDone, r.HeldAt, by, "")
	if r.Format == FormatMeeting {
		c.closeActions(policy.StrategyMeeting, "", ActionDone, r.HeldAt, by, "")
	}
	res := Result{Ref: m.ID}
	sw := c.socialWorker()
	if r.Format == FormatPhone && !c.hasOpen(policy.StrategyMeeting, "") {
		res.Opened = append(res.Opened, c.openAction(env, policy.StrategyMeeting, sw, r.HeldAt, 0, m.ID).ID)
	}
	if r.S47Enquiry && !c.hasOpen(policy.ICPC, "") && !c.hasConference("initial") {
		res.Opened = append(res.Opened, c.openAction(env, policy.ICPC, sw, r.HeldAt, 0, m.ID).ID)
	}
	for _, agreed := range r.Actions {
		a := c.openAgreedAction(env, agreed.Title, Owner{Role: agreed.OwnerRole, UserID: agreed.OwnerUser}, r.HeldAt, agreed.Due, m.ID)
		m.Actions = append(m.Actions, a.ID)
		res.Opened = append(res.Opened, a.ID)
	}
	c.note(r.HeldAt, by, "meeting-held", "Strategy "+r.Format+" held: "+r.Outcome, m.ID)
	return res
}

func (c *Case) meeting(id string) *Meeting {
	for i := range c.Meetings {
		if c.Meetings[i].ID == id {
			return &c.Meetings[i]
		}
	}
	return nil
}

// RecordConference records an initial or review child protection conference.
type RecordConference struct {
	// Kind is "initial" or "review".
	Kind    string    `json:"kind"`
	HeldAt  time.Time `json:"held_at"`
	Plan    bool      `json:"child_protection_plan"`
	Outcome string    `json:"outcome,omitempty"`
}

func (r *RecordConference) Validate(now time.Time) error {
	f := fieldErrors{}
	f.oneOf("kind", r.Kind, "initial", "review")
	f.happened("held_at", r.HeldAt, now)
	f.text("outcome", r.Outcome, maxLongText)
	return f.err()
}

func (r *RecordConference) check(c *Case, _ Sight) error {
	switch {
	case r.Kind == "initial" && c.hasConference("initial"):
		return Errorf(EConflict, "The initial child protection conference is already recorded.")
	case r.Kind == "review" && !c.hasConference("initial"):
		return Errorf(EConflict, "A review conference follows the initial conference, which is not recorded yet.")
	}
	return nil
}

func (r *RecordConference) apply(c *Case, by Actor, env Env) Result {
	c.Conferences = append(c.Conferences, Conference{Kind: r.Kind, HeldAt: r.HeldAt, Plan: r.Plan, Outcome: r.Outcome})
	res := Result{}
	sw := c.socialWorker()
	if r.Kind == "initial" {
		c.closeActions(policy.ICPC, "", ActionDone, r.HeldAt, by, "")
		if r.Plan {
			res.Opened = append(res.Opened, c.openAction(env, policy.RCPCFirst, sw, r.HeldAt, 0, "").ID)
		}
	} else {
		c.closeActions(policy.RCPCFirst, "", ActionDone, r.HeldAt, by, "")
		c.closeActions(policy.RCPCNext, "", ActionDone, r.HeldAt, by, "")
		if r.Plan {
			res.Opened = append(res.Opened, c.openAction(env, policy.RCPCNext, sw, r.HeldAt, 0, "").ID)
		}
	}
	c.note(r.HeldAt, by, "conference", "Child protection conference ("+r.Kind+") held", "")
	return res
}

func (c *Case) hasConference(kind string) bool {
	for _, k := range c.Conferences {
		if k.Kind == kind {
			return true
		}
	}
	return false
}

// CompleteAction marks an action agreed at a meeting as done. Policy actions complete through
// the step that records their event instead, so their record is never skipped.
type CompleteAction struct {
	ActionID    string    `json:"action_id"`
	CompletedAt time.Time `json:"completed_at"`
	Note        string    `json:"note,omitempty"`
}

func (r *CompleteAction) Validate(now time.Time) error {
	f := fieldErrors{}
	f.required("action_id", r.ActionID)
	f.happened("completed_at", r.CompletedAt, now)
	f.text("note", r.Note, maxLongText)
	return f.err()
}

// check allows the action's owner, the child's social worker, a manager or the Safeguarding Lead
// to mark it done: nobody else can end someone's obligation.
func (r *CompleteAction) check(c *Case, s Sight) error {
	a, err := c.openActionByID(r.ActionID, s)
	if err != nil {
		return err
	}
	if a.Kind != MeetingAction {
		return Errorf(EConflict, "This action completes when its event is recorded (%s), not by hand.", a.Title)
	}
	if !s.Owns(a.Owner) && s.Relation != RelationSocialWorker && s.Relation != RelationOverseer {
		return Errorf(EForbidden, "Only the person who owns this action, the child's social worker, a manager or the Safeguarding Lead can mark it done.")
	}
	return nil
}

func (r *CompleteAction) apply(c *Case, by Actor, env Env) Result {
	a := c.action(r.ActionID)
	a.end(ActionDone, r.CompletedAt, by, r.Note)
	c.note(r.CompletedAt, by, "action-done", "Done: "+a.Title, a.ID)
	return Result{Ref: a.ID}
}
