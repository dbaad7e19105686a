package policy

import "time"

// bankHolidays computes a nation's bank holidays for a year from the rules of the Banking and
// Financial Dealings Act 1971 and the royal proclamations that moved or added days.
func bankHolidays(nation Nation, year int) map[civilDate]string {
	h := map[civilDate]string{}
	add := func(t time.Time, name string) { h[dateOf(t)] = name }
	date := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 12, 0, 0, 0, time.UTC) }

	// New Year's Day, and in Scotland 2 January; a weekend day moves to the next free weekday.
	if nation == Scotland {
		first, second := substitutePair(date(time.January, 1))
		add(first, "New Year's Day")
		add(second, "2nd January")
	} else {
		add(substitute(date(time.January, 1)), "New Year's Day")
	}
	if nation == NorthernIreland {
		add(substitute(date(time.March, 17)), "St Patrick's Day")
	}
	easter := easterSunday(year)
	add(easter.AddDate(0, 0, -2), "Good Friday")
	if nation != Scotland {
		add(easter.AddDate(0, 0, 1), "Easter Monday")
	}
	add(firstMonday(year, time.May), "Early May bank holiday")
	add(lastMonday(year, time.May), "Spring bank holiday")
	if nation == Scotland {
		add(firstMonday(year, time.August), "Summer bank holiday")
	} else {
		add(lastMonday(year, time.August), "Summer bank holiday")
	}
	if nation == NorthernIreland {
		add(substitute(date(time.July, 12)), "Battle of the Boyne")
	}
	if nation == Scotland {
		add(substitute(date(time.November, 30)), "St Andrew's Day")
	}
	christmas, boxing := substitutePair(date(time.December, 25))
	add(christmas, "Christmas Day")
	add(boxing, "Boxing Day")

	for _, change := range oneOffs[year] {
		if change.from != (civilDate{}) {
			delete(h, change.from)
		}
		if change.to != (civilDate{}) {
			h[change.to] = change.name
		}
	}
	return h
}

// oneOff moves a bank holiday (from -> to) or adds one (to only).
type oneOff struct {
	from, to civilDate
	name     string
}

// oneOffs are the proclaimed changes to the regular pattern since 2012. Each applied to every UK
// nation. A change proclaimed after a release goes in a policy file's extra_bank_holidays.
var oneOffs = map[int][]oneOff{
	2012: {
		{from: civilDate{2012, time.May, 28}, to: civilDate{2012, time.June, 4}, name: "Spring bank holiday"},
		{to: civilDate{2012, time.June, 5}, name: "Queen's Diamond Jubilee"},
	},
	2020: {{from: civilDate{2020, time.May, 4}, to: civilDate{2020, time.May, 8}, name: "Early May bank holiday (VE day)"}},
	2022: {
		{from: civilDate{2022, time.May, 30}, to: civilDate{2022, time.June, 2}, name: "Spring bank holiday"},
		{to: civilDate{2022, time.June, 3}, name: "Platinum Jubilee bank holiday"},
		{to: civilDate{2022, time.September, 19}, name: "State Funeral of Queen Elizabeth II"},
	},
	2023: {{to: civilDate{2023, time.May, 8}, name: "Bank holiday for the coronation of King Charles III"}},
}

// substitute moves a holiday falling on a weekend to the following Monday.
func substitute(t time.Time) time.Time {
	switch t.Weekday() {
	case time.Saturday:
		return t.AddDate(0, 0, 2)
	case time.Sunday:
		return t.AddDate(0, 0, 1)
	}
	return t
}

// substitutePair places two consecutive holidays (Christmas and Boxing Day; 1 and 2 January in
// Scotland) on the first two free weekdays when either falls on a weekend.
func substitutePair(first time.Time) (time.Time, time.Time) {
	second := first.AddDate(0, 0, 1)
	switch first.Weekday() {
	case time.Friday: // second on Saturday -> Monday
		return first, first.AddDate(0, 0, 3)
	case time.Saturday: // -> Monday and Tuesday
		return first.AddDate(0, 0, 2), first.AddDate(0, 0, 3)
	case time.Sunday: // first -> Tuesday, second stays Monday
		return first.AddDate(0, 0, 2), second
	}
	return first, second
}

func firstMonday(year int, m time.Month) time.Time {
	t := time.Date(year, m, 1, 12, 0, 0, 0, time.UTC)
	for t.Weekday() != time.Monday {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

func lastMonday(year int, m time.Month) time.Time {
	t := time.Date(year, m+1, 0, 12, 0, 0, 0, time.UTC)
	for t.Weekday() != time.Monday {
		t = t.AddDate(0, 0, -1)
	}
	return t
}

// easterSunday uses the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func easterSunday(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Date(year, time.Month(month), day, 12, 0, 0, 0, time.UTC)
}
