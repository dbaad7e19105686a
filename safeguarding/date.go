package safeguarding

import (
	"fmt"
	"time"
)

// Date is a calendar date without a time, written 2010-04-23, as a date of birth is.
type Date string

const dateLayout = "2006-01-02"

// london is where the agency works; a birthday begins at midnight there.
var london = mustLoadLocation("Europe/London")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(fmt.Sprintf("time zone %s: %v", name, err))
	}
	return loc
}

// Time is the start of the date in UK local time.
func (d Date) Time() (time.Time, error) {
	t, err := time.ParseInLocation(dateLayout, string(d), london)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: %w", string(d), err)
	}
	return t, nil
}

// Birthday returns the start of the day the person turns age, or false when d is not a date.
// A child born on 29 February turns a year older on 1 March in common years.
func (d Date) Birthday(age int) (time.Time, bool) {
	t, err := d.Time()
	if err != nil {
		return time.Time{}, false
	}
	return t.AddDate(age, 0, 0), true
}

// ukTime writes an instant as people in the UK read it in a message.
func ukTime(t time.Time) string { return t.In(london).Format("2 Jan 2006 15:04") }
