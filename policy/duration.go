package policy

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Unit is how a policy duration counts time.
type Unit string

// The units of the timescales: statutory guidance counts in working days, calendar days, weeks
// and months; agency targets also in hours and minutes. Seconds are for test policies whose
// clocks must run out while a test watches.
const (
	Seconds      Unit = "s"
	Minutes      Unit = "m"
	Hours        Unit = "h"
	CalendarDays Unit = "CD"
	WorkingDays  Unit = "WD"
	Weeks        Unit = "w"
	Months       Unit = "mo"
	// Years are calendar years, for how long records are kept.
	Years Unit = "y"
)

// maxDurationN bounds a duration's number. No safeguarding clock runs for ten thousand of
// anything, and the bound keeps working-day arithmetic on a mistyped file quick.
const maxDurationN = 9999

// Duration is a policy time limit such as "15WD", "30CD", "4h" or "3mo". Unlike time.Duration
// it keeps its unit, because 15 working days and 21 calendar days are different promises. The
// zero Duration means "not set"; "0h" is a set duration of nothing.
type Duration struct {
	N    int
	Unit Unit
}

var durationPattern = regexp.MustCompile(`^([0-9]{1,9})(s|m|h|CD|WD|w|mo|y)$`)

// ParseDuration reads the text form: a whole number and a unit, no space ("15WD").
func ParseDuration(s string) (Duration, error) {
	m := durationPattern.FindStringSubmatch(s)
	if m == nil {
		return Duration{}, fmt.Errorf("%q is not a duration: write a whole number and a unit, e.g. 15WD, 30CD, 4h, 15m, 6w, 3mo, 10y", s)
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return Duration{}, fmt.Errorf("duration %q: %w", s, err)
	}
	if n > maxDurationN {
		return Duration{}, fmt.Errorf("%q is too long: at most %d of a unit", s, maxDurationN)
	}
	return Duration{N: n, Unit: Unit(m[2])}, nil
}

// MustParseDuration is ParseDuration for constants in code and tests.
func MustParseDuration(s string) Duration {
	d, err := ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return d
}

// String is the text form that ParseDuration reads; the zero Duration prints as "-".
func (d Duration) String() string {
	if d.IsZero() {
		return "-"
	}
	return strconv.Itoa(d.N) + string(d.Unit)
}

// IsZero reports whether the duration is unset.
func (d Duration) IsZero() bool { return d.Unit == "" }

// MarshalText writes the text form, so JSON shows "30CD"; the zero Duration is empty.
func (d Duration) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	return []byte(d.String()), nil
}

// UnmarshalJSON reads the text form, and also the object form {"n":30,"unit":"CD"} of the first
// release: deadlines recorded in case histories then must still decode when those histories are
// replayed.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '{' {
		var legacy struct {
			N    int  `json:"n"`
			Unit Unit `json:"unit"`
		}
		if err := json.Unmarshal(b, &legacy); err != nil {
			return fmt.Errorf("duration %s: %w", b, err)
		}
		*d = Duration{N: legacy.N, Unit: legacy.Unit}
		return nil
	}
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return fmt.Errorf("duration %s: %w", b, err)
	}
	return d.UnmarshalText([]byte(text))
}

// UnmarshalText reads what MarshalText writes.
func (d *Duration) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Duration{}
		return nil
	}
	parsed, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// AddTo returns t plus d, in UTC. Working days need the calendar of the child's nation (nil
// means England and Wales). Minutes and hours are elapsed time; days, weeks and months keep the
// UK clock time across daylight-saving changes, as people reading "in 30 days" expect. Months
// are calendar months, clamped to the end of a shorter month.
func (d Duration) AddTo(t time.Time, cal *Calendar) time.Time {
	return d.shift(t, cal, 1)
}

// SubtractFrom returns t minus d, counted the same way as AddTo: a reminder 1WD before a due
// time is at the same clock time on the previous working day.
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
		return addMonths(local, n).UTC()
	case Years:
		// 29 February plus a year is 1 March: for a retention period, the later day.
		return local.AddDate(n, 0, 0).UTC()
	case WorkingDays:
		if cal == nil {
			cal = DefaultCalendar()
		}
		return cal.AddWorkingDays(t, n)
	}
	return t.UTC()
}

// addMonths moves t by n calendar months, keeping its clock time. A day the target month lacks
// becomes that month's last day: a month after 31 January is 28 or 29 February, where AddDate
// alone would overflow into March and make a deadline late.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	first := time.Date(y, m+time.Month(n), 1, 12, 0, 0, 0, t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return time.Date(first.Year(), first.Month(), min(d, last), h, mi, s, t.Nanosecond(), t.Location())
}

// Approx is the duration as a time.Duration, counting a working day as a calendar day and a
// month as 30 days. Use it for look-back windows ("3 episodes within 90 days"), never for
// deadlines.
func (d Duration) Approx() time.Duration {
	const day = 24 * time.Hour
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
	case Years:
		return time.Duration(d.N) * 365 * day
	}
	return 0
}
