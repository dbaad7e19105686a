package safeguarding

import (
	"slices"
	"sort"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Level is how far the chase of an action has gone. It only rises, until the action's due date
// changes.
type Level int

// The chase ladder: a reminder to the owner before the due time, "overdue" to the owner at the
// due time, then the manager after a grace period, then the Safeguarding Lead.
const (
	LevelNone     Level = 0
	LevelReminded Level = 1
	LevelOverdue  Level = 2
	LevelManager  Level = 3
	LevelLead     Level = 4
)

var levelNames = map[Level]string{
	LevelNone: "none", LevelReminded: "reminded", LevelOverdue: "overdue",
	LevelManager: "escalated to manager", LevelLead: "escalated to Safeguarding Lead",
}

func (l Level) String() string { return levelNames[l] }

// ActionStatus is where an action stands.
type ActionStatus string

const (
	ActionOpen ActionStatus = "open"
	ActionDone ActionStatus = "done"
	// ActionResolved: ended without its event by a manager or the Safeguarding Lead, for a
	// reason the action and the timeline keep.
	ActionResolved ActionStatus = "resolved"
	// ActionCancelled: ended by the first release when a case closed. No longer set; reopening
	// such a case re-arms the action.
	ActionCancelled ActionStatus = "cancelled"
)

// MeetingAction is the kind of an action agreed at a strategy meeting: its due date is agreed by
// people, not set by a policy rule.
const MeetingAction policy.RuleID = "meeting-action"

// Owner is who must do an action: a role, and the person when one is known. An action owned by a
// role alone (the Safeguarding Lead, say) is shown to everyone in that role.
type Owner struct {
	Role   Role   `json:"role"`
	UserID string `json:"user_id,omitempty"`
}

// Recipient is someone a chase is sent to. Only agency staff and carers are ever recipients:
// contacts of the child, restricted or not, are never notified.
type Recipient struct {
	Role   Role   `json:"role"`
	UserID string `json:"user_id,omitempty"`
	Team   string `json:"team,omitempty"`
}

// Chase records one reminder or escalation sent for an action.
type Chase struct {
	Level Level       `json:"level"`
	At    time.Time   `json:"at"`
	Due   time.Time   `json:"due"`
	To    []Recipient `json:"to"`
	// Repeat counts the repeated chases at the top of the ladder (0 for the first).
	Repeat int `json:"repeat,omitempty"`
}

// Action is one open obligation on a case: a policy rule started it, the event that satisfies it
// completes it, and until then its chase ladder runs.
type Action struct {
	ID        string        `json:"id"`
	Kind      policy.RuleID `json:"kind"`
	Title     string        `json:"title"`
	Owner     Owner         `json:"owner"`
	StartedAt time.Time     `json:"started_at"`
	Due       time.Time     `json:"due"`
	// OriginalDue is the due time the action was given, kept once the due time is moved.
	OriginalDue time.Time `json:"original_due,omitzero"`
	// HandedFrom is who owned the action before an allegation against them handed it on.
	HandedFrom      *Owner          `json:"handed_from,omitempty"`
	RemindAt        time.Time       `json:"remind_at,omitzero"`
	EscalateAt      time.Time       `json:"escalate_at,omitzero"`
	EscalateAgainAt time.Time       `json:"escalate_again_at,omitzero"`
	RechaseEvery    policy.Duration `json:"rechase_every,omitzero"`
	// Quiet holds the action's chases to office hours, unless it is an hour clock.
	Quiet      policy.Quiet `json:"quiet,omitzero"`
	Occurrence int          `json:"occurrence,omitempty"`
	// Ref ties the action to the record it is about (a meeting, a missing episode).
	Ref           string       `json:"ref,omitempty"`
	PolicyVersion string       `json:"policy_version,omitempty"`
	Status        ActionStatus `json:"status"`
	Level         Level        `json:"level"`
	Chases        []Chase      `json:"chases,omitempty"`
	ClosedAt      time.Time    `json:"closed_at,omitzero"`
	ClosedBy      *Actor       `json:"closed_by,omitempty"`
	Note          string       `json:"note,omitempty"`
	// EndedBy says what ended an action without its event, when it was not a person's
	// decision about that action alone: the case's closure (reopening re-arms it) or the 18th
	// birthday (a corrected date of birth re-arms it).
	EndedBy string `json:"ended_by,omitempty"`
}

// Open reports whether the action still runs its chase ladder.
func (a *Action) Open() bool { return a.Status == ActionOpen }

// Overdue reports whether the action is open and past its due time at now.
func (a *Action) Overdue(now time.Time) bool { return a.Open() && !now.Before(a.Due) }

// nextChase is the time and level of the chase the action is waiting for, or ok=false when the
// ladder is finished and no repeat is configured. A repeating chase (rechase_every) goes to the
// same people again between the steps of the ladder, once the action is overdue. The chase of an
// action that keeps office hours waits for the office to open.
func (a *Action) nextChase() (time.Time, Level, bool) {
	at, level, ok := a.ladderChase()
	return a.Quiet.Deliver(at), level, ok
}

func (a *Action) ladderChase() (at time.Time, level Level, ok bool) {
	if !a.Open() {
		return time.Time{}, 0, false
	}
	steps := []struct {
		level Level
		at    time.Time
	}{
		{LevelReminded, a.RemindAt},
		{LevelOverdue, a.Due},
		{LevelManager, a.EscalateAt},
		{LevelLead, a.EscalateAgainAt},
	}
	for _, s := range steps {
		if s.level > a.Level && !s.at.IsZero() {
			at, level, ok = s.at, s.level, true
			break
		}
	}
	if a.RechaseEvery.N > 0 && a.Level >= LevelOverdue && len(a.Chases) > 0 {
		again := a.RechaseEvery.AddTo(a.Chases[len(a.Chases)-1].At, nil)
		if !ok || again.Before(at) {
			return again, a.Level, true
		}
	}
	return at, level, ok
}

// DueChase is a chase that should be sent now.
type DueChase struct {
	ActionID string
	Kind     policy.RuleID
	Level    Level
	Repeat   int
	Due      time.Time
	// At is when this chase fell due: its step of the ladder, or its repeat.
	At time.Time
	To []Recipient
}

// NextChaseAt is when the case's next chase falls due, zero when nothing is waiting. The workflow
// sleeps until then; any change to the case recomputes it.
func (c *Case) NextChaseAt() time.Time {
	var next time.Time
	for i := range c.Actions {
		at, _, ok := c.Actions[i].nextChase()
		if ok && (next.IsZero() || at.Before(next)) {
			next = at
		}
	}
	return next
}

// TakeDueChases records, on each open action, every chase due at or before now, and returns them
// for sending. Calling it again at the same instant returns nothing: a chase is recorded once.
// A reminder that falls due after the deadline has passed (the worker was down, say) is skipped:
// the overdue notice says more.
func (c *Case) TakeDueChases(now time.Time) []DueChase {
	var out []DueChase
	for i := range c.Actions {
		a := &c.Actions[i]
		for {
			at, level, ok := a.nextChase()
			if !ok || at.After(now) {
				break
			}
			repeat := 0
			if level == a.Level && len(a.Chases) > 0 {
				repeat = a.Chases[len(a.Chases)-1].Repeat + 1
			}
			a.Level = level
			if level == LevelReminded && !now.Before(a.Due) {
				continue
			}
			to := c.recipients(a, level)
			a.Chases = append(a.Chases, Chase{Level: level, At: now, Due: a.Due, To: to, Repeat: repeat})
			out = append(out, DueChase{ActionID: a.ID, Kind: a.Kind, Level: level, Repeat: repeat, Due: a.Due, At: at, To: to})
			c.note(now, systemActor, "chase", chaseSummary(a, level, repeat), a.ID)
		}
	}
	if len(out) > 0 {
		c.Revision++
	}
	return out
}

func chaseSummary(a *Action, level Level, repeat int) string {
	s := a.Title + ": " + level.String()
	if repeat > 0 {
		s += " (repeat chase)"
	}
	return s
}

// recipients addresses a chase: the owner first, then the team's manager, then the Safeguarding
// Lead. Each escalation also tells those below it, so nobody is bypassed silently.
func (c *Case) recipients(a *Action, level Level) []Recipient {
	owner := Recipient{Role: a.Owner.Role, UserID: a.Owner.UserID, Team: c.Team}
	if owner.Role == RoleSafeguardingLead && owner.UserID == "" {
		owner.Team = "" // the Safeguarding Lead is agency-wide
	}
	to := []Recipient{owner}
	add := func(r Recipient) {
		if !slices.Contains(to, r) {
			to = append(to, r)
		}
	}
	if level >= LevelManager {
		add(Recipient{Role: RoleManager, Team: c.Team})
	}
	if level >= LevelLead {
		add(Recipient{Role: RoleSafeguardingLead})
	}
	if c.ageDecided() && c.Team == "" && slices.ContainsFunc(to, func(r Recipient) bool { return r.Role == RoleManager && r.UserID == "" }) {
		// A case without a team yet has no team manager: "the managers" are the agency's duty
		// manager (the directory's duty_managers), and the Safeguarding Lead is told with them.
		add(Recipient{Role: RoleSafeguardingLead})
	}
	return to
}

// openAction starts an action for a policy rule, its deadline computed by env from the time the
// starting event happened.
func (c *Case) openAction(env Env, rule policy.RuleID, owner Owner, start time.Time, occurrence int, ref string) *Action {
	return c.openActionBy(env.Deadline(rule, start, c.LA, occurrence), rule, owner, start, occurrence, ref)
}

// openActionBy starts an action of a rule with the deadline the policy gave it.
func (c *Case) openActionBy(d policy.Deadline, rule policy.RuleID, owner Owner, start time.Time, occurrence int, ref string) *Action {
	var handedFrom *Owner
	if owner == vacantPost {
		// The social worker's post is vacant: the manager holds the action until it is filled.
		handedFrom = &Owner{Role: RoleSocialWorker}
	}
	c.NextID++
	c.Actions = append(c.Actions, Action{
		ID:              actionID(c.NextID),
		Kind:            rule,
		Title:           d.Title,
		Owner:           owner,
		StartedAt:       start,
		Due:             d.Due,
		RemindAt:        d.RemindAt,
		EscalateAt:      d.EscalateAt,
		EscalateAgainAt: d.EscalateAgainAt,
		RechaseEvery:    d.RechaseEvery,
		Quiet:           d.Quiet,
		Occurrence:      occurrence,
		Ref:             ref,
		PolicyVersion:   d.PolicyVersion,
		Status:          ActionOpen,
		HandedFrom:      handedFrom,
	})
	return &c.Actions[len(c.Actions)-1]
}

// openAgreedAction starts an action whose due date people agreed (at a strategy meeting), with
// the policy's default ladder around it.
func (c *Case) openAgreedAction(env Env, title string, owner Owner, start, due time.Time, ref string) *Action {
	ladder := env.Ladder(due, c.LA)
	c.NextID++
	c.Actions = append(c.Actions, Action{
		ID:              actionID(c.NextID),
		Kind:            MeetingAction,
		Title:           title,
		Owner:           owner,
		StartedAt:       start,
		Due:             due,
		RemindAt:        afterStart(ladder.RemindAt, start),
		EscalateAt:      ladder.EscalateAt,
		EscalateAgainAt: ladder.EscalateAgainAt,
		RechaseEvery:    ladder.RechaseEvery,
		Quiet:           ladder.Quiet,
		Ref:             ref,
		PolicyVersion:   ladder.PolicyVersion,
		Status:          ActionOpen,
	})
	return &c.Actions[len(c.Actions)-1]
}

func afterStart(t, start time.Time) time.Time {
	if !t.After(start) {
		return time.Time{}
	}
	return t
}

// closeActions completes every open action of kind, optionally only those tied to ref.
func (c *Case) closeActions(kind policy.RuleID, ref string, status ActionStatus, at time.Time, by Actor, note string) {
	for i := range c.Actions {
		a := &c.Actions[i]
		if a.Open() && a.Kind == kind && (ref == "" || a.Ref == ref) {
			a.end(status, at, by, note)
		}
	}
}

// openActionIDs lists the open actions, in the case's order.
func (c *Case) openActionIDs() []string {
	var ids []string
	for _, a := range c.Actions {
		if a.Open() {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// endedSince lists the actions of wereOpen that are open no longer. Computing it from the case
// rather than having each step list what it closed keeps Result.Closed whole however many
// paths (a resolution, a reassignment, an 18th birthday) end an action.
func (c *Case) endedSince(wereOpen []string) []string {
	var ended []string
	for _, id := range wereOpen {
		if !c.action(id).Open() {
			ended = append(ended, id)
		}
	}
	return ended
}

// end closes the action, recording when, by whom and why.
func (a *Action) end(status ActionStatus, at time.Time, by Actor, note string) {
	who := by
	a.Status, a.ClosedAt, a.ClosedBy, a.Note = status, at, &who, note
}

// rearm opens an ended action again, its chase starting afresh from its due time: a reopened
// obligation that is overdue is chased at once.
func (a *Action) rearm() {
	a.Status, a.ClosedAt, a.ClosedBy, a.Note, a.EndedBy = ActionOpen, time.Time{}, nil, "", ""
	a.Level, a.Chases = LevelNone, nil
}

// action finds an action by id.
func (c *Case) action(id string) *Action {
	for i := range c.Actions {
		if c.Actions[i].ID == id {
			return &c.Actions[i]
		}
	}
	return nil
}

// openActionByID finds an action a step refers to by id: unknown is invalid, a closed one a
// conflict. An action the person may not see is unknown to them.
func (c *Case) openActionByID(id string, s Sight) (*Action, error) {
	a := c.visibleAction(id, s)
	switch {
	case a == nil:
		return nil, invalid("action_id", "There is no action with this id on the case.", "unknown action")
	case !a.Open():
		return nil, Errorf(EConflict, "This action is already %s.", a.Status)
	}
	return a, nil
}

// hasOpen reports whether an action of kind (and ref, when given) is open.
func (c *Case) hasOpen(kind policy.RuleID, ref string) bool {
	for i := range c.Actions {
		a := &c.Actions[i]
		if a.Open() && a.Kind == kind && (ref == "" || a.Ref == ref) {
			return true
		}
	}
	return false
}

// OpenActions lists the open actions, soonest due first.
func (c *Case) OpenActions() []Action {
	var out []Action
	for _, a := range c.Actions {
		if a.Open() {
			out = append(out, a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	return out
}

// moveDue gives an action a new due date, shifting its ladder with it and restarting the chase:
// a moved deadline is a new deadline. The first due time is kept.
func (a *Action) moveDue(due time.Time) {
	if a.OriginalDue.IsZero() {
		a.OriginalDue = a.Due
	}
	shift := due.Sub(a.Due)
	move := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return t.Add(shift)
	}
	a.RemindAt = afterStart(move(a.RemindAt), a.StartedAt)
	a.EscalateAt = move(a.EscalateAt)
	a.EscalateAgainAt = move(a.EscalateAgainAt)
	a.Due = due
	a.Level = LevelNone
}
