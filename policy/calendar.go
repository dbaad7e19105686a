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

const (
	EnglandAndWales Nation = "england-and-wales"
	Scotland        Nation = "scotland"
	NorthernIreland Nation = "northern-ireland"
)

// Nations lists the nations caseflow has calendars for.
var Nations = []Nation{EnglandAndWales, Scotland, NorthernIreland}

// London is the time zone of every UK nation: dates and clock times are counted there.
var London = func() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(fmt.Sprintf("Europe/London: %v", err))
	}
	return loc
}()

// Calendar knows the working days of one nation: Monday to Friday except bank holidays.
type Calendar struct {
	nation Nation
	extra  map[civilDate]bool

	mu    sync.Mutex
	years map[int]map[civilDate]string
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

func (c civilDate) String() string { return fmt.Sprintf("%04d-%02d-%02d", c.y, c.m, c.d) }

var defaultCalendars = func() map[Nation]*Calendar {
	out := map[Nation]*Calendar{}
	for _, n := range Nations {
		out[n] = NewCalendar(n, nil)
	}
	return out
}()

// DefaultCalendar is England and Wales without extra holidays.
func DefaultCalendar() *Calendar { return defaultCalendars[EnglandAndWales] }

// NewCalendar returns the calendar of nation, with extra one-off holidays (a policy file adds
// them when a new one is announced).
func NewCalendar(nation Nation, extra []time.Time) *Calendar {
	c := &Calendar{nation: nation, extra: map[civilDate]bool{}, years: map[int]map[civilDate]string{}}
	for _, t := range extra {
		c.extra[dateOf(t)] = true
	}
	return c
}

// Nation is the calendar's nation.
func (c *Calendar) Nation() Nation { return c.nation }

// IsWorkingDay reports whether the local date of t is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	local := t.In(London)
	if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	d := dateOf(local)
	if c.extra[d] {
		return false
	}
	_, holiday := c.holidays(d.y)[d]
	return !holiday
}

// BankHolidays lists the bank holidays of a year, in date order, including extra ones.
func (c *Calendar) BankHolidays(year int) []time.Time {
	var out []time.Time
	for d := range c.holidays(year) {
		out = append(out, time.Date(d.y, d.m, d.d, 0, 0, 0, 0, London))
	}
	for d := range c.extra {
		if d.y == year {
			out = append(out, time.Date(d.y, d.m, d.d, 0, 0, 0, 0, London))
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(out, func(a, b time.Time) bool { return a.Equal(b) })
}

// AddWorkingDays moves n working days from t (back when n is negative): the result has t's local
// clock time on the nth working day strictly after (or before) t's local date. An event on a
// Saturday plus one working day is Monday at the same time.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	local := t.In(London)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	y, m, d := local.Date()
	h, mi, s := local.Clock()
	day := time.Date(y, m, d, 12, 0, 0, 0, London) // noon: never in a daylight-saving gap
	for n > 0 {
		day = day.AddDate(0, 0, step)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	y, m, d = day.Date()
	return time.Date(y, m, d, h, mi, s, local.Nanosecond(), London).UTC()
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
