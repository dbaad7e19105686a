package policy

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// TestWorkingDayClocksStartWhenTheOfficeOpens: an event on a weekend, a bank holiday or out of
// hours starts a working-day clock at the next opening, across the clock changes; an event in
// hours starts it at once. Each case is counted by hand against the calendar.
func TestWorkingDayClocksStartWhenTheOfficeOpens(t *testing.T) {
	tests := []struct {
		name, start, clockStart, due string // due for a 1WD rule (csc-decision)
	}{
		{"Saturday 08:00", "2026-11-28T08:00:00Z", "2026-11-30T09:00:00Z", "2026-12-01T09:00:00Z"},
		{"Friday 17:30, after closing", "2026-11-27T17:30:00Z", "2026-11-30T09:00:00Z", "2026-12-01T09:00:00Z"},
		{"Monday 08:59, before opening", "2026-11-30T08:59:00Z", "2026-11-30T09:00:00Z", "2026-12-01T09:00:00Z"},
		{"Monday 09:00, at opening", "2026-11-30T09:00:00Z", "", "2026-12-01T09:00:00Z"},
		{"Monday 17:00, at closing", "2026-11-30T17:00:00Z", "", "2026-12-01T17:00:00Z"},
		// Christmas Eve after closing and Boxing Day morning start at the same opening.
		{"Christmas Eve 17:30", "2026-12-24T17:30:00Z", "2026-12-29T09:00:00Z", "2026-12-30T09:00:00Z"},
		{"Boxing Day 08:00", "2026-12-26T08:00:00Z", "2026-12-29T09:00:00Z", "2026-12-30T09:00:00Z"},
		{"New Year's Day", "2027-01-01T11:00:00Z", "2027-01-04T09:00:00Z", "2027-01-05T09:00:00Z"},
		// Easter 2027: Good Friday 26 March; BST from Sunday 28 March; Easter Monday 29 March.
		{"Good Friday", "2027-03-26T10:00:00Z", "2027-03-30T08:00:00Z", "2027-03-31T08:00:00Z"},
		// The clocks go back on Sunday 25 October 2026: Saturday in BST, Monday in GMT.
		{"the Saturday before GMT", "2026-10-24T14:00:00Z", "2026-10-26T09:00:00Z", "2026-10-27T09:00:00Z"},
		{"Friday 16:30 BST, in hours", "2026-10-23T15:30:00Z", "", "2026-10-26T16:30:00Z"},
	}
	p := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := p.Deadline(CSCDecision, utc(tt.start), "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if (tt.clockStart == "" && !d.ClockStart.IsZero()) || (tt.clockStart != "" && !d.ClockStart.Equal(utc(tt.clockStart))) {
				t.Errorf("clock starts %v; want %q", d.ClockStart, tt.clockStart)
			}
			if !d.Due.Equal(utc(tt.due)) {
				t.Errorf("due %v; want %s", d.Due, tt.due)
			}
			if !d.Start.Equal(utc(tt.start)) {
				t.Errorf("start %v: the event's own time must be kept", d.Start)
			}
		})
	}
}

// TestHourClocksIgnoreOfficeHours: the police report, a missing child and an urgent allegation
// count elapsed time from the event and are chased at any hour.
func TestHourClocksIgnoreOfficeHours(t *testing.T) {
	saturdayNight := utc("2026-11-28T23:30:00Z")
	for _, id := range []RuleID{PoliceReport, ImmediateDanger, MissingChild, MissingPoliceReport, LADOUrgent} {
		d, err := Default().Deadline(id, saturdayNight, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if d.Quiet.Keeps() || !d.ClockStart.IsZero() || !d.Due.Equal(saturdayNight.Add(d.Limit.Approx())) {
			t.Errorf("%s: quiet %+v, clock start %v, due %v", id, d.Quiet, d.ClockStart, d.Due)
		}
		if !d.EscalateAt.IsZero() && d.EscalateAt.In(London).Hour() >= 9 && d.EscalateAt.In(London).Day() == 30 {
			t.Errorf("%s: escalation held to office hours: %v", id, d.EscalateAt)
		}
	}
}

// TestChasesKeepOfficeHours: every chase of a clock that is not an hour clock falls on a working
// day within office hours, for every start of a fortnight in steps of 37 minutes.
func TestChasesKeepOfficeHours(t *testing.T) {
	p := Default()
	cal := p.Calendar("")
	inHours := func(x time.Time) bool {
		local := x.In(London)
		m := local.Hour()*60 + local.Minute()
		return cal.IsWorkingDay(x) && m >= 9*60 && m <= 17*60
	}
	for start := utc("2026-12-19T00:00:00Z"); start.Before(utc("2027-01-02T00:00:00Z")); start = start.Add(37 * time.Minute) {
		for _, id := range RuleIDs {
			for occ := range 2 {
				d, err := p.Deadline(id, start, "", occ)
				if err != nil {
					t.Fatal(err)
				}
				if !d.Quiet.Keeps() {
					continue
				}
				for what, at := range map[string]time.Time{"reminder": d.RemindAt, "escalation": d.EscalateAt, "second escalation": d.EscalateAgainAt} {
					if !at.IsZero() && !inHours(at) {
						t.Fatalf("%s #%d from %v: %s at %v, out of office hours", id, occ, start, what, at.In(London))
					}
				}
				if got := d.Quiet.Deliver(d.Due); !inHours(got) || got.Before(d.Due) {
					t.Fatalf("%s from %v: overdue notice delivered at %v", id, start, got.In(London))
				}
			}
		}
	}
}

func TestWorkingHoursOfANationAndAnLA(t *testing.T) {
	text := strings.Replace(string(DefaultFile()), "# working_hours_by_nation:\n#   scotland: {start: \"08:30\", end: \"16:30\"}",
		"working_hours_by_nation:\n  scotland: {start: \"08:30\", end: \"16:30\"}", 1)
	text = strings.Replace(text, "\nlocal_authorities:\n", `
local_authorities:
  glasgow: {nation: scotland}
  late: {working_hours: {start: "10:00", end: "19:00"}}
`, 1)
	p, err := Load("hours.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for la, want := range map[string]string{"": "09:00-17:00", "glasgow": "08:30-16:30", "late": "10:00-19:00", "unlisted": "09:00-17:00"} {
		if got := p.WorkingHours(la).String(); got != want {
			t.Errorf("working hours of %q: %s; want %s", la, got, want)
		}
	}
	saturday := utc("2026-11-28T12:00:00Z")
	// Monday 30 November is St Andrew's Day, a bank holiday in Scotland.
	if d, _ := p.Deadline(CSCDecision, saturday, "glasgow", 0); !d.ClockStart.Equal(utc("2026-12-01T08:30:00Z")) {
		t.Errorf("Glasgow's clock starts %v; want Tuesday 08:30", d.ClockStart)
	}
	if d, _ := p.Deadline(CSCDecision, utc("2026-11-30T18:00:00Z"), "late", 0); !d.ClockStart.IsZero() {
		t.Errorf("an LA open until 19:00 started the clock at %v, not at 18:00", d.ClockStart)
	}
}

func TestWorkingHoursAreValidated(t *testing.T) {
	for _, tt := range []struct{ hours, want string }{
		{`{start: "9am", end: "17:00"}`, `working_hours.start: "9am" is not a time of day`},
		{`{start: "17:00", end: "09:00"}`, "working_hours: the office must open before it closes"},
		{`{start: "09:00"}`, "working_hours.end: is required"},
	} {
		text := strings.Replace(string(DefaultFile()), "working_hours:\n  start: \"09:00\"\n  end: \"17:00\"", "working_hours: "+tt.hours, 1)
		if _, err := Load("hours.yaml", []byte(text)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("working hours %s: %v; want %q", tt.hours, err, tt.want)
		}
	}
}

func TestDeadlinesShowWhereTheClockStarted(t *testing.T) {
	var b bytes.Buffer
	if err := WriteDeadlines(&b, Default(), utc("2026-11-28T08:00:00Z"), ""); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	csc := row(t, lines, CSCDecision)
	police := row(t, lines, PoliceReport)
	if csc[2] != "Mon 30 Nov 2026 09:00 GMT" || police[2] != "Sat 28 Nov 2026 08:00 GMT" {
		t.Errorf("clock starts: csc-decision %q, police-report %q", csc[2], police[2])
	}
}

// TestAPolicyMayChaseAtAnyHour: with chase_at_any_hour, an agreed action and a working-day clock
// are chased the moment they fall due, on a Saturday night too, while the working-day clock
// still starts at the office's opening.
func TestAPolicyMayChaseAtAnyHour(t *testing.T) {
	text := strings.Replace(string(DefaultFile()), "chase_at_any_hour: false", "chase_at_any_hour: true", 1)
	p, err := Load("any-hour.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	saturdayNight := utc("2026-11-28T23:30:00Z")
	if d := p.Ladder(saturdayNight, ""); d.Quiet.Keeps() || !d.Quiet.Deliver(saturdayNight).Equal(saturdayNight) {
		t.Errorf("agreed action due Saturday 23:30 is chased at %v", d.Quiet.Deliver(saturdayNight))
	}
	d, err := p.Deadline(CSCDecision, saturdayNight, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if d.Quiet.Keeps() {
		t.Errorf("working-day clock keeps office hours: %+v", d.Quiet)
	}
	if !d.ClockStart.Equal(utc("2026-11-30T09:00:00Z")) {
		t.Errorf("working-day clock starts %v; want Monday's opening", d.ClockStart)
	}
	if !Default().Ladder(saturdayNight, "").Quiet.Keeps() {
		t.Error("the default policy chases agreed actions out of hours")
	}
}
