package policy

import (
	"fmt"
	"slices"
	"sync"
	"time"
	_ "time/tzdata" // deadlines must not depend on the host having time zone files
)

// Nation selects a list of bank holidays. England and Wales share one.
type Nation string

// The nations, as written in policy files.
const (
	EnglandAndWales Nation = "england-and-wales"
	Scotland        Nation = "scotland"
	NorthernIreland Nation = "northern-ireland"
)

// Nations lists the nations caseflow has calendars for.
var Nations = []Nation{EnglandAndWales, Scotland, NorthernIreland}

func (n Nation) valid() bool { return slices.Contains(Nations, n) }

// London is the time zone of every UK nation: dates and clock times are counted there.
var London = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(fmt.Sprintf("load Europe/London from the embedded tzdata: %v", err))
	}
	return loc
}()

// Holiday is one bank holiday: a UK date (midnight, London time) and its name.
type Holiday struct {
	Date time.Time
	Name string
}

// Calendar knows the working days of one nation: Monday to Friday except bank holidays. It is
// safe for concurrent use.
type Calendar struct {
	nation Nation
	extra  map[civilDate]string

	mu    sync.Mutex
	years map[int]map[civilDate]string // computed bank holidays, by year, filled on demand
}

// civilDate is a date without a time or zone.
type civilDate struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) civilDate {
	y, m, d := t.Date()
	return civilDate{y, m, d}
}

func (c civilDate) time() time.Time { return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, London) }

// extraHolidayName names the bank holidays a policy file adds.
const extraHolidayName = "Bank holiday (added by the policy file)"

var defaultCalendar = NewCalendar(EnglandAndWales, nil)

// DefaultCalendar is England and Wales without extra holidays.
func DefaultCalendar() *Calendar { return defaultCalendar }

// NewCalendar returns the calendar of nation, with extra one-off holidays: a policy file adds
// them when a new one is proclaimed, before caseflow knows it. Each extra holiday is the UK date
// of the given instant.
func NewCalendar(nation Nation, extra []time.Time) *Calendar {
	c := &Calendar{nation: nation, extra: map[civilDate]string{}, years: map[int]map[civilDate]string{}}
	for _, t := range extra {
		c.extra[dateOf(t.In(London))] = extraHolidayName
	}
	return c
}

// Nation is the calendar's nation.
func (c *Calendar) Nation() Nation { return c.nation }

// IsWorkingDay reports whether the UK date of t is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	local := t.In(London)
	if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	return !c.isHoliday(dateOf(local))
}

func (c *Calendar) isHoliday(d civilDate) bool {
	if _, ok := c.extra[d]; ok {
		return true
	}
	_, ok := c.holidays(d.y)[d]
	return ok
}

// BankHolidays lists the bank holidays of a year in date order, including extra ones.
func (c *Calendar) BankHolidays(year int) []Holiday {
	var out []Holiday
	for d, name := range c.holidays(year) {
		out = append(out, Holiday{Date: d.time(), Name: name})
	}
	for d, name := range c.extra {
		if _, known := c.holidays(year)[d]; d.y == year && !known {
			out = append(out, Holiday{Date: d.time(), Name: name})
		}
	}
	slices.SortFunc(out, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return out
}

// AddWorkingDays moves n working days from t (back when n is negative). The result, in UTC, has
// t's UK clock time on the nth working day strictly after (or before) t's UK date, whether or
// not that date is itself a working day: an event on a Saturday plus one working day is Monday
// at the same time.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	local := t.In(London)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	// Walk whole dates from noon, which no daylight-saving change moves or skips.
	day := time.Date(local.Year(), local.Month(), local.Day(), 12, 0, 0, 0, London)
	for n > 0 {
		day = day.AddDate(0, 0, step)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	h, mi, s := local.Clock()
	// A working day is never a change-over Sunday, so this clock time exists on it.
	return time.Date(day.Year(), day.Month(), day.Day(), h, mi, s, local.Nanosecond(), London).UTC()
}

func (c *Calendar) holidays(year int) map[civilDate]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h, ok := c.years[year]; ok {
		return h
	}
	h := bankHolidays(c.nation, year)
	c.years[year] = h
	return h
}
