package policy

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"gopkg.in/yaml.v3"
)

// Unit is how a policy duration counts time.
type Unit string

// The units of the timescales: statutory guidance counts in working days, calendar days, weeks
// and months; agency targets also in hours and minutes. Seconds exist for test policies whose
// clocks must run out while a test watches.
const (
	Seconds      Unit = "s"
	Minutes      Unit = "m"
	Hours        Unit = "h"
	CalendarDays Unit = "CD"
	WorkingDays  Unit = "WD"
	Weeks        Unit = "w"
	Months       Unit = "mo"
)

// Duration is a policy time limit such as "15WD", "30CD", "4h" or "3mo". Unlike time.Duration
// it keeps its unit, because 15 working days and 21 calendar days are different promises.
type Duration struct {
	N    int  `json:"n"`
	Unit Unit `json:"unit"`
}

var durationPattern = regexp.MustCompile(`^([0-9]+)(s|m|h|CD|WD|w|mo)$`)

// ParseDuration reads the text form: a whole number and a unit, no space ("15WD").
func ParseDuration(s string) (Duration, error) {
	m := durationPattern.FindStringSubmatch(s)
	if m == nil {
		return Duration{}, fmt.Errorf("%q is not a duration: write a whole number and a unit, e.g. 15WD, 30CD, 4h, 15m, 6w, 3mo (or 30s)", s)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil || n > 100000 {
		return Duration{}, fmt.Errorf("%q is too long a duration", s)
	}
	return Duration{N: n, Unit: Unit(m[2])}, nil
}

// MustParseDuration is ParseDuration for constants in code.
func MustParseDuration(s string) Duration {
	d, err := ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

func (d Duration) String() string {
	if d.Unit == "" {
		return "-"
	}
	return strconv.Itoa(d.N) + string(d.Unit)
}

// IsZero reports whether the duration is unset.
func (d Duration) IsZero() bool { return d.Unit == "" }

// UnmarshalYAML reads "15WD". A bad value is reported as a type error with its line, so that
// loading a file lists every mistake instead of stopping at the first.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	parsed, err := ParseDuration(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*d = parsed
	return nil
}

// AddTo returns t plus d. Working days need the calendar of the child's nation; other units
// ignore cal, which may then be nil. Days, weeks and months keep the local clock time across
// daylight-saving changes, as people reading "in 30 days" expect.
func (d Duration) AddTo(t time.Time, cal *Calendar) time.Time {
	return d.shift(t, cal, 1)
}

// SubtractFrom returns t minus d, counted the same way as AddTo.
func (d Duration) SubtractFrom(t time.Time, cal *Calendar) time.Time {
	return d.shift(t, cal, -1)
}

func (d Duration) shift(t time.Time, cal *Calendar, sign int) time.Time {
	n := sign * d.N
	local := t.In(London)
	switch d.Unit {
	case Seconds:
		return t.Add(time.Duration(n) * time.Second).UTC()
	case Minutes:
		return t.Add(time.Duration(n) * time.Minute).UTC()
	case Hours:
		return t.Add(time.Duration(n) * time.Hour).UTC()
	case CalendarDays:
		return local.AddDate(0, 0, n).UTC()
	case Weeks:
		return local.AddDate(0, 0, 7*n).UTC()
	case Months:
		return local.AddDate(0, n, 0).UTC()
	case WorkingDays:
		if cal == nil {
			cal = DefaultCalendar()
		}
		return cal.AddWorkingDays(t, n)
	}
	return t.UTC()
}

// Approx is the duration as a time.Duration, counting a working day as a calendar day. Use it
// for windows ("3 episodes within 90 days"), never for deadlines.
func (d Duration) Approx() time.Duration {
	day := 24 * time.Hour
	switch d.Unit {
	case Seconds:
		return time.Duration(d.N) * time.Second
	case Minutes:
		return time.Duration(d.N) * time.Minute
	case Hours:
		return time.Duration(d.N) * time.Hour
	case CalendarDays, WorkingDays:
		return time.Duration(d.N) * day
	case Weeks:
		return time.Duration(d.N) * 7 * day
	case Months:
		return time.Duration(d.N) * 30 * day
	}
	return 0
}
