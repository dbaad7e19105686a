package policy

import (
	"fmt"
	"sync"
	"time"
)

// WorkingHours are the office hours of a working day, in UK time: a working-day clock starts
// within them, and the chases of every clock but an hour clock are delivered within them.
type WorkingHours struct {
	// Start and End are minutes after midnight, UK time; Start is before End.
	Start int `json:"start"`
	End   int `json:"end"`
}

// DefaultWorkingHours are 09:00 to 17:00.
var DefaultWorkingHours = WorkingHours{Start: 9 * 60, End: 17 * 60}

// String writes the hours as 09:00-17:00.
func (h WorkingHours) String() string { return clock(h.Start) + "-" + clock(h.End) }

func clock(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

// parseClock reads a UK clock time written 09:00.
func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day written like 09:00", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// on is the instant of minutes after midnight on the UK date of day.
func on(day time.Time, minutes int) time.Time {
	local := day.In(London)
	return time.Date(local.Year(), local.Month(), local.Day(), minutes/60, minutes%60, 0, 0, London).UTC()
}

// NextWorkingTime is t when it falls on a working day within the working hours, else the start of
// the next working period: an event on a Saturday, a bank holiday, before the office opens or
// after it closes starts its working-day clock when the office next opens.
func (h WorkingHours) NextWorkingTime(t time.Time, cal *Calendar) time.Time {
	day := t
	for range 30 { // the longest run of non-working days is a few days; 30 is a safe bound
		if cal.IsWorkingDay(day) {
			start, end := on(day, h.Start), on(day, h.End)
			switch {
			case t.Before(start):
				return start
			case !t.After(end):
				return t.UTC()
			}
		}
		day = on(day, 12*60).AddDate(0, 0, 1)
		t = on(day, 0)
	}
	return t.UTC()
}

// LastWorkingTime is t when it falls on a working day within the working hours, else the end of
// the previous working period: a reminder due at 05:00 reaches its owner at 17:00 the working
// day before.
func (h WorkingHours) LastWorkingTime(t time.Time, cal *Calendar) time.Time {
	day := t
	for range 30 {
		if cal.IsWorkingDay(day) {
			start, end := on(day, h.Start), on(day, h.End)
			switch {
			case t.After(end):
				return end
			case !t.Before(start):
				return t.UTC()
			}
		}
		day = on(day, 12*60).AddDate(0, 0, -1)
		t = on(day, 24*60-1)
	}
	return t.UTC()
}

// Quiet says when the chases of an action may be delivered: within the working hours of its
// nation's working days, or, when zero (an hour clock), at any time. The workflow keeps it with
// the action, so a repeated chase of a working-day rule waits for the office to open.
type Quiet struct {
	Nation Nation       `json:"nation"`
	Hours  WorkingHours `json:"hours"`
}

// Keeps reports whether the chases keep office hours.
func (q Quiet) Keeps() bool { return q.Hours.End > q.Hours.Start }

// within moves an escalation out of hours to the office's next opening.
func (q Quiet) within(t time.Time, cal *Calendar) time.Time {
	if !q.Keeps() {
		return t
	}
	return q.Hours.NextWorkingTime(t, cal)
}

// quiet is how the chases of a clock that is not an hour clock keep office hours: not at all
// when the policy has every chase delivered at any hour.
func (p *Policy) quiet(cal *Calendar, hours WorkingHours) Quiet {
	if p.chaseAnyHour {
		return Quiet{}
	}
	return Quiet{Nation: cal.Nation(), Hours: hours}
}

// Deliver moves a chase due at t to the next time it may be delivered.
func (q Quiet) Deliver(t time.Time) time.Time {
	if !q.Keeps() {
		return t
	}
	return q.Hours.NextWorkingTime(t, nationCalendar(q.Nation))
}

var (
	nationCalendarsMu sync.Mutex
	nationCalendars   = map[Nation]*Calendar{}
)

// nationCalendar is the built-in calendar of a nation, without a policy file's extra holidays:
// a re-chase on a holiday proclaimed after this release is delivered that day.
func nationCalendar(n Nation) *Calendar {
	nationCalendarsMu.Lock()
	defer nationCalendarsMu.Unlock()
	if c, ok := nationCalendars[n]; ok {
		return c
	}
	c := NewCalendar(n, nil)
	nationCalendars[n] = c
	return c
}

// WorkingHours are the working hours of an LA: its own, else its nation's, else the policy's.
func (p *Policy) WorkingHours(la string) WorkingHours {
	if h := p.las[la].hours; h != nil {
		return *h
	}
	if h, ok := p.nationHours[p.Nation(la)]; ok {
		return h
	}
	return p.hours
}

// IsHourClock reports whether a rule's clock counts elapsed time in seconds, minutes or hours: a
// clock for a child in danger now (the police report, a missing child, an urgent allegation),
// whose chases go at any hour. Every other clock keeps office hours.
func (r Rule) IsHourClock(occurrence int) bool {
	switch r.Limit(occurrence).Unit {
	case Seconds, Minutes, Hours:
		return !r.IsAnchored(occurrence)
	}
	return false
}
