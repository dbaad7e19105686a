package policy

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	valid := map[string]Duration{
		"15m":    {15, Minutes},
		"4h":     {4, Hours},
		"0h":     {0, Hours},
		"30CD":   {30, CalendarDays},
		"1WD":    {1, WorkingDays},
		"15WD":   {15, WorkingDays},
		"3s":     {3, Seconds},
		"6w":     {6, Weeks},
		"3mo":    {3, Months},
		"9999WD": {maxDurationN, WorkingDays},
	}
	for text, want := range valid {
		got, err := ParseDuration(text)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", text, got, err, want)
		}
		if got.String() != text {
			t.Errorf("ParseDuration(%q).String() = %q; want the text back", text, got.String())
		}
	}
	for _, text := range []string{"", "WD", "15 WD", "15WD ", "0x1h", "1e3h", "-1h", "-0h", "1", "h", "1 h", " 1h", "1h ", "1H", "15wd", "1d", "1.5h", "+1h", "1hh", "10000WD", "99999999999WD", "1WDx"} {
		if d, err := ParseDuration(text); err == nil {
			t.Errorf("ParseDuration(%q) = %v; want an error", text, d)
		}
	}
}

func TestDurationJSON(t *testing.T) {
	type holder struct {
		D Duration `json:"d,omitzero"`
	}
	b, err := json.Marshal(holder{MustParseDuration("30CD")})
	if err != nil || string(b) != `{"d":"30CD"}` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var back holder
	if err := json.Unmarshal(b, &back); err != nil || back.D != MustParseDuration("30CD") {
		t.Fatalf("Unmarshal(%s) = %v, %v", b, back.D, err)
	}
	if b, _ := json.Marshal(holder{}); string(b) != `{}` {
		t.Errorf("the zero Duration marshals as %s; want it left out", b)
	}
	if err := json.Unmarshal([]byte(`{"d":"3 days"}`), &back); err == nil || !strings.Contains(err.Error(), "3 days") {
		t.Errorf("Unmarshal of a bad duration: %v; want an error naming it", err)
	}
}

// Deadlines recorded by the first release wrote durations as objects; replaying those case
// histories must read them back.
func TestDurationLegacyJSON(t *testing.T) {
	tests := map[string]Duration{
		`{"n":30,"unit":"CD"}`: {30, CalendarDays},
		`{"n":1,"unit":"WD"}`:  {1, WorkingDays},
		`"15WD"`:               {15, WorkingDays},
		`""`:                   {},
	}
	for text, want := range tests {
		var got Duration
		if err := json.Unmarshal([]byte(text), &got); err != nil || got != want {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v", text, got, err, want)
		}
	}
	for _, text := range []string{`{"n":"30"}`, `30`, `"30"`, `["1h"]`} {
		var d Duration
		if err := json.Unmarshal([]byte(text), &d); err == nil {
			t.Errorf("Unmarshal(%s) = %v; want an error", text, d)
		}
	}
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestDurationArithmetic(t *testing.T) {
	tests := []struct {
		name     string
		d        string
		from     string
		add, sub string
	}{
		{"minutes are elapsed time", "15m", "2026-03-29T00:50:00Z", "2026-03-29T01:05:00Z", "2026-03-29T00:35:00Z"},
		// 29 March 2026: UK clocks go forward at 01:00 UTC. 24h is elapsed time; 1CD is the
		// same UK clock time the next day, one hour less.
		{"hours across spring forward", "24h", "2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z", "2026-03-27T12:00:00Z"},
		{"calendar day across spring forward", "1CD", "2026-03-28T12:00:00Z", "2026-03-29T11:00:00Z", "2026-03-27T12:00:00Z"},
		// 25 October 2026: clocks go back at 01:00 UTC.
		{"calendar day across fall back", "1CD", "2026-10-24T11:00:00Z", "2026-10-25T12:00:00Z", "2026-10-23T11:00:00Z"},
		{"weeks keep the UK clock time", "6w", "2026-03-01T10:00:00Z", "2026-04-12T09:00:00Z", "2026-01-18T10:00:00Z"},
		{"months keep the day", "3mo", "2026-12-18T10:00:00Z", "2027-03-18T10:00:00Z", "2026-09-18T09:00:00Z"},
		{"months clamp to a shorter month", "1mo", "2027-01-31T10:00:00Z", "2027-02-28T10:00:00Z", "2026-12-31T10:00:00Z"},
		{"months clamp in a leap year", "1mo", "2028-01-31T10:00:00Z", "2028-02-29T10:00:00Z", "2027-12-31T10:00:00Z"},
		{"months clamp going back", "6mo", "2026-08-31T09:00:00Z", "2027-02-28T10:00:00Z", "2026-02-28T10:00:00Z"},
		{"working days skip weekends", "1WD", "2026-11-27T16:30:00Z", "2026-11-30T16:30:00Z", "2026-11-26T16:30:00Z"},
		{"seconds are elapsed time", "3s", "2026-11-27T16:30:00Z", "2026-11-27T16:30:03Z", "2026-11-27T16:29:57Z"},
		// 15 working days from the Friday before Christmas skip 25 and 28 December and 1 January.
		{"working days over Christmas", "15WD", "2026-12-18T10:00:00Z", "2027-01-13T10:00:00Z", "2026-11-27T10:00:00Z"},
		{"a Saturday plus a working day is Monday", "1WD", "2026-11-28T10:00:00Z", "2026-11-30T10:00:00Z", "2026-11-27T10:00:00Z"},
		// 10:00 GMT on Friday 23 October 2026 is 11:00 BST; the next working day, Monday 26,
		// is back on GMT, so 11:00 UK time is 11:00 UTC.
		{"working days across fall back", "1WD", "2026-10-23T10:00:00Z", "2026-10-26T11:00:00Z", "2026-10-22T10:00:00Z"},
		{"hours across fall back", "4h", "2026-10-24T23:00:00Z", "2026-10-25T03:00:00Z", "2026-10-24T19:00:00Z"},
		{"zero is no time", "0h", "2026-11-27T16:30:00Z", "2026-11-27T16:30:00Z", "2026-11-27T16:30:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := MustParseDuration(tt.d)
			if got := d.AddTo(utc(tt.from), nil); !got.Equal(utc(tt.add)) || got.Location() != time.UTC {
				t.Errorf("%s + %s = %s; want %s in UTC", tt.from, tt.d, got, tt.add)
			}
			if got := d.SubtractFrom(utc(tt.from), nil); !got.Equal(utc(tt.sub)) {
				t.Errorf("%s - %s = %s; want %s", tt.from, tt.d, got, tt.sub)
			}
		})
	}
}

func TestApprox(t *testing.T) {
	tests := map[string]time.Duration{
		"90CD": 90 * 24 * time.Hour, "2WD": 48 * time.Hour, "1w": 7 * 24 * time.Hour,
		"1mo": 30 * 24 * time.Hour, "3h": 3 * time.Hour, "5m": 5 * time.Minute,
	}
	for text, want := range tests {
		if got := MustParseDuration(text).Approx(); got != want {
			t.Errorf("%s.Approx() = %v; want %v", text, got, want)
		}
	}
}
