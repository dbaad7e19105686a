package policy

import (
	"fmt"
	"time"
)

// Deadline is a rule applied to one starting instant: when the action is due and when each chase
// of its ladder falls, all in UTC. A zero time means the chase is not made.
type Deadline struct {
	Rule  RuleID `json:"rule"`
	Title string `json:"title"`
	Kind  Kind   `json:"kind"`
	// Start is when the starting event happened; for an anchored rule, the anchor date.
	Start time.Time `json:"start"`
	// ClockStart is when a working-day clock started counting, when that is not Start: the
	// office's next opening after an event on a non-working day or out of hours.
	ClockStart time.Time `json:"clock_start,omitzero"`
	Limit      Duration  `json:"limit"`
	// Due is the deadline, or for a minimum the earliest time the next step may happen.
	Due             time.Time `json:"due"`
	RemindAt        time.Time `json:"remind_at,omitzero"`         // to the owner
	EscalateAt      time.Time `json:"escalate_at,omitzero"`       // to the manager
	EscalateAgainAt time.Time `json:"escalate_again_at,omitzero"` // to the Safeguarding Lead
	// RechaseEvery repeats the chase while the action stays open after its due time.
	RechaseEvery Duration `json:"rechase_every,omitzero"`
	// Quiet, for every clock but an hour clock, holds its chases to office hours; the chase
	// times above already keep them.
	Quiet         Quiet  `json:"quiet,omitzero"`
	PolicyVersion string `json:"policy_version"`
	LA            string `json:"la,omitempty"`
	Nation        Nation `json:"nation"`
}

// Deadline applies a rule to the instant its starting event happened, for an LA ("" for the
// national rules; an LA the policy does not list also gets them), and for the nth occurrence of
// a repeating clock, counting from 0. The rule in force at start applies. A minimum has no
// chases. Deadline never reads the clock: the same arguments always give the same answer.
func (p *Policy) Deadline(id RuleID, start time.Time, la string, occurrence int) (Deadline, error) {
	r, ok := p.RuleAt(id, start, la)
	if !ok {
		return Deadline{}, fmt.Errorf("policy %s has no rule %q", p.version, id)
	}
	return p.deadline(r, start, la, occurrence)
}

// ChildDeadline is Deadline for a clock whose limit may depend on the child's age, given when
// they turn 18 (zero when their date of birth is not known). In a devolved child decision pilot
// area, the Reasonable Grounds decision for a child referred within nrm_pilot_excludes_within of
// their 18th birthday is not the pilot's: the child keeps the national limit, counted in the
// local authority's calendar. Every other clock is Deadline's.
func (p *Policy) ChildDeadline(id RuleID, start time.Time, la string, occurrence int, adultAt time.Time) (Deadline, error) {
	if !p.OutsidePilot(id, start, la, adultAt) {
		return p.Deadline(id, start, la, occurrence)
	}
	// A pilot area may not override nrm-rg-decision otherwise, so its rule without the pilot
	// is the national one.
	r, ok := p.RuleAt(id, start, "")
	if !ok {
		return Deadline{}, fmt.Errorf("policy %s has no rule %q", p.version, id)
	}
	return p.deadline(r, start, la, occurrence)
}

// OutsidePilot reports whether a Reasonable Grounds clock started at start in a pilot area is
// left to the national limit because the child is then within nrm_pilot_excludes_within of their
// 18th birthday (adultAt), or past it.
func (p *Policy) OutsidePilot(id RuleID, start time.Time, la string, adultAt time.Time) bool {
	return id == NRMRGDecision && !adultAt.IsZero() && p.InNRMPilot(la, start) &&
		!start.Before(p.pilotExcludes.SubtractFrom(adultAt, p.Calendar(la)))
}

// deadline applies a rule in force at start.
func (p *Policy) deadline(r Rule, start time.Time, la string, occurrence int) (Deadline, error) {
	id := r.ID
	if occurrence < 0 {
		return Deadline{}, fmt.Errorf("rule %s: occurrence %d is negative", id, occurrence)
	}
	cal, hours := p.Calendar(la), p.WorkingHours(la)
	limit := r.Limit(occurrence)
	clockStart := start
	if limit.Unit == WorkingDays {
		// An event out of office hours starts the clock when the office opens: a referral on a
		// Saturday is due a working day after Monday's opening, not on Monday before it.
		clockStart = hours.NextWorkingTime(start, cal)
	}
	d := Deadline{
		Rule: id, Title: r.Title, Kind: r.Kind, Start: start.UTC(), Limit: limit,
		Due: limit.AddTo(clockStart, cal), PolicyVersion: p.version, LA: la, Nation: cal.Nation(),
	}
	if !clockStart.Equal(start) {
		d.ClockStart = clockStart
	}
	if r.Kind == KindDeadline {
		var quiet Quiet
		if !r.IsHourClock(occurrence) {
			quiet = p.quiet(cal, hours)
		}
		d.RemindAt, d.EscalateAt, d.EscalateAgainAt = place(r.Ladder, start, d.Due, r.IsAnchored(occurrence), cal, quiet)
		d.RechaseEvery, d.Quiet = r.Ladder.RechaseEvery, quiet
	}
	return d, nil
}

// Ladder places the policy's default chase ladder around a due time people agreed themselves
// (an action agreed at a strategy meeting). The caller drops a reminder that falls before the
// action was agreed.
func (p *Policy) Ladder(due time.Time, la string) Deadline {
	cal := p.Calendar(la)
	d := Deadline{
		Title: "Agreed action", Kind: KindDeadline, Start: due.UTC(), Due: due.UTC(),
		PolicyVersion: p.version, LA: la, Nation: cal.Nation(),
		Quiet: p.quiet(cal, p.WorkingHours(la)),
	}
	d.RemindAt, d.EscalateAt, d.EscalateAgainAt = place(p.defaultLadder, due, due, true, cal, d.Quiet)
	d.RechaseEvery = p.defaultLadder.RechaseEvery
	return d
}

// place puts a ladder around a due time. A reminder at or before the start is dropped: the
// owner has just been told, by the event itself. An anchored rule keeps it, since its start is
// the date the action is due by, not an event. With quiet hours, a reminder out of hours comes at
// the close of the working day before, an escalation when the office next opens.
func place(l Ladder, start, due time.Time, anchored bool, cal *Calendar, quiet Quiet) (remind, escalate, again time.Time) {
	if !l.RemindBefore.IsZero() {
		remind = l.RemindBefore.SubtractFrom(due, cal)
		// Out of hours, a reminder of an event comes at the close of the working day before; a
		// reminder that a window opens (an anchored rule's) at the next opening, inside it.
		switch {
		case quiet.Keeps() && anchored:
			remind = quiet.Hours.NextWorkingTime(remind, cal)
		case quiet.Keeps():
			remind = quiet.Hours.LastWorkingTime(remind, cal)
		}

		if !remind.Before(due) || (!anchored && !remind.After(start)) {
			remind = time.Time{}
		}
	}
	if !l.EscalateAfter.IsZero() {
		escalate = quiet.within(l.EscalateAfter.AddTo(due, cal), cal)
		if !l.EscalateAgainAfter.IsZero() {
			again = quiet.within(l.EscalateAgainAfter.AddTo(escalate, cal), cal)
		}
	}
	return remind, escalate, again
}
