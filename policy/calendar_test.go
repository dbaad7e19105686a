package policy

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// dates reads "2026-01-01 2026-04-03 ..." into UK dates.
func dates(s string) []time.Time {
	var out []time.Time
	for _, f := range strings.Fields(s) {
		t, err := time.ParseInLocation(dateLayout, f, London)
		if err != nil {
			panic(err)
		}
		out = append(out, t)
	}
	return out
}

func holidayDates(hs []Holiday) []time.Time {
	out := make([]time.Time, len(hs))
	for i, h := range hs {
		out[i] = h.Date
	}
	return out
}

// englandAndWales holds the published England and Wales lists (gov.uk/bank-holidays), with every
// proclaimed one-off change, and for 2026 and 2027 the lists in timescales.md.
var englandAndWales = map[int]string{
	2022: "2022-01-03 2022-04-15 2022-04-18 2022-05-02 2022-06-02 2022-06-03 2022-08-29 2022-09-19 2022-12-26 2022-12-27",
	2023: "2023-01-02 2023-04-07 2023-04-10 2023-05-01 2023-05-08 2023-05-29 2023-08-28 2023-12-25 2023-12-26",
	2024: "2024-01-01 2024-03-29 2024-04-01 2024-05-06 2024-05-27 2024-08-26 2024-12-25 2024-12-26",
	2025: "2025-01-01 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-08-25 2025-12-25 2025-12-26",
	// 28 December 2026 stands in for Boxing Day, a Saturday.
	2026: "2026-01-01 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-08-31 2026-12-25 2026-12-28",
	// 27 and 28 December 2027 stand in for Christmas and Boxing Day, a weekend.
	2027: "2027-01-01 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-08-30 2027-12-27 2027-12-28",
}

// The published lists (gov.uk/bank-holidays), including every proclaimed one-off change.
func TestBankHolidays(t *testing.T) {
	tests := []struct {
		nation Nation
		year   int
		want   string
	}{
		{EnglandAndWales, 2012, "2012-01-02 2012-04-06 2012-04-09 2012-05-07 2012-06-04 2012-06-05 2012-08-27 2012-12-25 2012-12-26"},
		{EnglandAndWales, 2020, "2020-01-01 2020-04-10 2020-04-13 2020-05-08 2020-05-25 2020-08-31 2020-12-25 2020-12-28"},
		{Scotland, 2022, "2022-01-03 2022-01-04 2022-04-15 2022-05-02 2022-06-02 2022-06-03 2022-08-01 2022-09-19 2022-11-30 2022-12-26 2022-12-27"},
		// St Andrew's Day 2025 is a Sunday: Monday 1 December stands in.
		{Scotland, 2025, "2025-01-01 2025-01-02 2025-04-18 2025-05-05 2025-05-26 2025-08-04 2025-12-01 2025-12-25 2025-12-26"},
		{Scotland, 2026, "2026-01-01 2026-01-02 2026-04-03 2026-05-04 2026-05-25 2026-08-03 2026-11-30 2026-12-25 2026-12-28"},
		{Scotland, 2027, "2027-01-01 2027-01-04 2027-03-26 2027-05-03 2027-05-31 2027-08-02 2027-11-30 2027-12-27 2027-12-28"},
		// 12 July 2025 is a Saturday: Monday 14 July stands in.
		{NorthernIreland, 2025, "2025-01-01 2025-03-17 2025-04-18 2025-04-21 2025-05-05 2025-05-26 2025-07-14 2025-08-25 2025-12-25 2025-12-26"},
		{NorthernIreland, 2026, "2026-01-01 2026-03-17 2026-04-03 2026-04-06 2026-05-04 2026-05-25 2026-07-13 2026-08-31 2026-12-25 2026-12-28"},
		{NorthernIreland, 2027, "2027-01-01 2027-03-17 2027-03-26 2027-03-29 2027-05-03 2027-05-31 2027-07-12 2027-08-30 2027-12-27 2027-12-28"},
	}
	for year, want := range englandAndWales {
		tests = append(tests, struct {
			nation Nation
			year   int
			want   string
		}{EnglandAndWales, year, want})
	}
	for _, tt := range tests {
		got := holidayDates(NewCalendar(tt.nation, nil).BankHolidays(tt.year))
		if want := dates(tt.want); !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Errorf("%s %d:\n got %v\nwant %v", tt.nation, tt.year, got, want)
		}
	}
}

func TestExtraBankHolidays(t *testing.T) {
	extra := dates("2027-06-07 2027-12-28") // a new one-off, and one already known
	cal := NewCalendar(EnglandAndWales, extra)
	got := cal.BankHolidays(2027)
	if len(got) != 9 || !got[5].Date.Equal(extra[0]) || got[5].Name != extraHolidayName {
		t.Errorf("BankHolidays(2027) = %v; want 2027-06-07 added once, in order", got)
	}
	if cal.IsWorkingDay(utc("2027-06-07T10:00:00Z")) {
		t.Error("an extra bank holiday is a working day")
	}
	if !DefaultCalendar().IsWorkingDay(utc("2027-06-07T10:00:00Z")) {
		t.Error("an extra holiday leaked into the default calendar")
	}
}

func TestIsWorkingDayUsesUKDate(t *testing.T) {
	cal := DefaultCalendar()
	// 23:30 UTC on Friday 10 July 2026 is 00:30 on Saturday in the UK.
	if cal.IsWorkingDay(utc("2026-07-10T23:30:00Z")) {
		t.Error("Friday 23:30 UTC in summer is a UK Saturday, not a working day")
	}
	// 23:30 UTC on Sunday 28 December 2025 is still Sunday in the UK (GMT).
	if cal.IsWorkingDay(utc("2025-12-28T23:30:00Z")) {
		t.Error("Sunday 23:30 UTC in winter is a working day")
	}
	if !cal.IsWorkingDay(utc("2026-07-12T23:30:00Z")) {
		t.Error("Sunday 23:30 UTC in summer is Monday 00:30 in the UK, a working day")
	}
}

func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		name   string
		nation Nation
		from   string
		n      int
		want   string
	}{
		// The check in the brief: skips 25 and 28 December 2026, 1 January 2027 and weekends.
		{"15WD across Christmas and New Year", EnglandAndWales, "2026-12-18T10:00:00Z", 15, "2027-01-13T10:00:00Z"},
		{"a Saturday event plus 1WD is Monday", EnglandAndWales, "2026-11-28T21:15:00Z", 1, "2026-11-30T21:15:00Z"},
		{"a Sunday event plus 1WD is Monday", EnglandAndWales, "2026-11-29T08:00:00Z", 1, "2026-11-30T08:00:00Z"},
		{"a bank holiday event plus 1WD", EnglandAndWales, "2026-05-25T09:00:00Z", 1, "2026-05-26T09:00:00Z"},
		{"Good Friday to after Easter Monday", EnglandAndWales, "2026-04-02T14:00:00Z", 1, "2026-04-07T14:00:00Z"},
		{"Scotland works on Easter Monday", Scotland, "2026-04-02T14:00:00Z", 1, "2026-04-06T14:00:00Z"},
		{"Scotland rests on 2 January", Scotland, "2025-12-31T10:00:00Z", 1, "2026-01-05T10:00:00Z"},
		{"Northern Ireland rests on the Twelfth", NorthernIreland, "2027-07-09T10:00:00Z", 1, "2027-07-13T10:00:00Z"},
		// 10:00 GMT on Friday 27 March 2026 is 10:00 on Monday 30 March, now BST (09:00 UTC).
		{"across the spring clock change", EnglandAndWales, "2026-03-27T10:00:00Z", 1, "2026-03-30T09:00:00Z"},
		{"across the autumn clock change", EnglandAndWales, "2026-10-23T09:00:00Z", 1, "2026-10-26T10:00:00Z"},
		// 23:30 UTC on Friday 10 July is 00:30 BST on Saturday: due 00:30 BST on Monday.
		{"counts from the UK date, not the UTC one", EnglandAndWales, "2026-07-10T23:30:00Z", 1, "2026-07-12T23:30:00Z"},
		{"back over a weekend", EnglandAndWales, "2026-11-30T10:00:00Z", -1, "2026-11-27T10:00:00Z"},
		{"back from a Saturday", EnglandAndWales, "2026-11-28T10:00:00Z", -1, "2026-11-27T10:00:00Z"},
		{"back over Christmas", EnglandAndWales, "2026-12-29T10:00:00Z", -2, "2026-12-23T10:00:00Z"},
		{"zero keeps a weekend instant", EnglandAndWales, "2026-11-28T10:00:00Z", 0, "2026-11-28T10:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NewCalendar(tt.nation, nil).AddWorkingDays(utc(tt.from), tt.n)
			if !got.Equal(utc(tt.want)) || got.Location() != time.UTC {
				t.Errorf("%s %+d WD = %s; want %s (UTC)", tt.from, tt.n, got, tt.want)
			}
		})
	}
}

// Every day of each listed year, at the first and last second of its UK day and at noon: a
// listed holiday is not a working day, and every other weekday, including those either side of
// each holiday, is.
func TestWorkingDaysAroundPublishedHolidays(t *testing.T) {
	cal := NewCalendar(EnglandAndWales, nil)
	for year, list := range englandAndWales {
		holiday := map[time.Time]bool{}
		for _, d := range dates(list) {
			holiday[d] = true
		}
		for day := time.Date(year, time.January, 1, 0, 0, 0, 0, London); day.Year() == year; day = day.AddDate(0, 0, 1) {
			weekend := day.Weekday() == time.Saturday || day.Weekday() == time.Sunday
			want := !weekend && !holiday[day]
			for _, at := range []time.Time{day, day.Add(12 * time.Hour), day.AddDate(0, 0, 1).Add(-time.Second)} {
				if got := cal.IsWorkingDay(at); got != want {
					t.Errorf("IsWorkingDay(%s) = %v; want %v", at, got, want)
				}
			}
		}
	}
}

func TestNationalHolidays(t *testing.T) {
	tests := []struct {
		nation  Nation
		date    string
		holiday bool
	}{
		{Scotland, "2026-01-02", true}, // 2nd January
		{EnglandAndWales, "2026-01-02", false},
		{NorthernIreland, "2026-01-02", false},
		{Scotland, "2027-01-04", true},  // 2 January 2027 is a Saturday
		{Scotland, "2026-04-06", false}, // Easter Monday is not a Scottish holiday
		{Scotland, "2026-04-03", true},  // Good Friday is
		{Scotland, "2026-08-03", true},  // first Monday of August
		{Scotland, "2026-08-31", false}, // the English summer holiday
		{EnglandAndWales, "2026-08-03", false},
		{Scotland, "2026-11-30", true}, // St Andrew's Day
		{EnglandAndWales, "2026-11-30", false},
		{NorthernIreland, "2026-03-17", true}, // St Patrick's Day
		{Scotland, "2026-03-17", false},
		{EnglandAndWales, "2026-03-17", false},
		{NorthernIreland, "2027-07-12", true}, // Battle of the Boyne
		{NorthernIreland, "2026-07-13", true}, // 12 July 2026 is a Sunday
		{NorthernIreland, "2026-07-10", false},
		{EnglandAndWales, "2027-07-12", false},
		{NorthernIreland, "2026-04-06", true}, // Easter Monday
		{NorthernIreland, "2026-08-31", true},
	}
	for _, tt := range tests {
		at := dates(tt.date)[0].Add(12 * time.Hour)
		if got := NewCalendar(tt.nation, nil).IsWorkingDay(at); got == tt.holiday {
			t.Errorf("%s %s: working day %v; want holiday %v", tt.nation, tt.date, got, tt.holiday)
		}
	}
}

func TestHolidayNames(t *testing.T) {
	tests := []struct {
		nation Nation
		date   string
		name   string
	}{
		{EnglandAndWales, "2026-12-28", "Boxing Day"},
		{EnglandAndWales, "2027-12-27", "Christmas Day"},
		{EnglandAndWales, "2022-09-19", "State Funeral of Queen Elizabeth II"},
		{EnglandAndWales, "2023-05-08", "Bank holiday for the coronation of King Charles III"},
		{Scotland, "2026-11-30", "St Andrew's Day"},
		{NorthernIreland, "2026-07-13", "Battle of the Boyne"},
	}
	for _, tt := range tests {
		day := dates(tt.date)[0]
		i := slices.IndexFunc(NewCalendar(tt.nation, nil).BankHolidays(day.Year()), func(h Holiday) bool { return h.Date.Equal(day) })
		if i < 0 {
			t.Errorf("%s %s is not a bank holiday", tt.nation, tt.date)
			continue
		}
		if got := NewCalendar(tt.nation, nil).BankHolidays(day.Year())[i]; got.Name != tt.name || got.Date.Location() != London {
			t.Errorf("%s %s = %q in %s; want %q at UK midnight", tt.nation, tt.date, got.Name, got.Date.Location(), tt.name)
		}
	}
}

// A Calendar fills its years on demand; callers share one from many goroutines.
func TestCalendarConcurrentUse(t *testing.T) {
	cal := NewCalendar(Scotland, nil)
	want := NewCalendar(Scotland, nil).AddWorkingDays(utc("2026-12-18T10:00:00Z"), 400)
	results := make(chan time.Time)
	const workers = 8
	for range workers {
		go func() { results <- cal.AddWorkingDays(utc("2026-12-18T10:00:00Z"), 400) }()
	}
	for range workers {
		if got := <-results; !got.Equal(want) {
			t.Errorf("concurrent AddWorkingDays = %s; want %s", got, want)
		}
	}
}
