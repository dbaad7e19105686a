package policy

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// The local authorities of testdata/pilot.yaml.
const (
	birmingham = "E08000025" // devolved decision pilot from 2026-01-01
	glasgow    = "S12000049" // Scotland, not an ICTG site
	belfast    = "N09000003" // Northern Ireland
	unlisted   = "E06000099" // in no policy file
)

func loadPilot(t *testing.T) *Policy {
	t.Helper()
	p, err := LoadFile("testdata/pilot.yaml")
	if err != nil {
		t.Fatalf("testdata/pilot.yaml does not load: %v", err)
	}
	return p
}

func TestPilotOverrides(t *testing.T) {
	p := loadPilot(t)
	tests := []struct {
		name  string
		rule  RuleID
		la    string
		start string
		limit string
		due   string
	}{
		{"pilot Reasonable Grounds in 45 calendar days", NRMRGDecision, birmingham, fridayBeforeChristmas, "45CD", "2027-02-01T10:00:00Z"},
		// 1 January 2026 begins at midnight UK time, which in winter is midnight UTC.
		{"pilot on its first day", NRMRGDecision, birmingham, "2026-01-01T00:00:00Z", "45CD", "2026-02-15T00:00:00Z"},
		// After hours on New Year's Eve: the clock starts at the opening on 2 January.
		{"pilot a second before it began", NRMRGDecision, birmingham, "2025-12-31T23:59:59Z", "5WD", "2026-01-09T09:00:00Z"},
		{"pilot before it began skips New Year's Day", NRMRGDecision, birmingham, "2025-12-31T10:00:00Z", "5WD", "2026-01-08T10:00:00Z"},
		{"national rule", NRMRGDecision, "", fridayBeforeChristmas, "5WD", "2026-12-29T10:00:00Z"},
		{"an unlisted LA has the national rule", NRMRGDecision, unlisted, fridayBeforeChristmas, "5WD", "2026-12-29T10:00:00Z"},
		// Scotland also rests on 2 January.
		{"Scottish LA counts Scottish holidays", NRMRGDecision, glasgow, "2025-12-31T10:00:00Z", "5WD", "2026-01-09T10:00:00Z"},
		{"the pilot's 24 hour strategy discussion", StrategyDiscussion, birmingham, fridayBeforeChristmas, "24h", "2026-12-19T10:00:00Z"},
		{"the pilot's strategy discussion before its date", StrategyDiscussion, birmingham, "2025-12-31T10:00:00Z", "1WD", "2026-01-02T10:00:00Z"},
		{"a national strategy discussion", StrategyDiscussion, "", fridayBeforeChristmas, "1WD", "2026-12-21T10:00:00Z"},
		{"a Scottish strategy discussion", StrategyDiscussion, glasgow, "2025-12-31T10:00:00Z", "1WD", "2026-01-05T10:00:00Z"},
		// Tuesday 17 March 2026 is St Patrick's Day.
		{"Northern Ireland skips St Patrick's Day", StrategyDiscussion, belfast, "2026-03-16T10:00:00Z", "1WD", "2026-03-18T10:00:00Z"},
		{"England works on St Patrick's Day", StrategyDiscussion, unlisted, "2026-03-16T10:00:00Z", "1WD", "2026-03-17T10:00:00Z"},
		{"the pilot keeps the rules it does not override", ICPC, birmingham, fridayBeforeChristmas, "15WD", "2027-01-13T10:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := p.Deadline(tt.rule, utc(tt.start), tt.la, 0)
			if err != nil {
				t.Fatal(err)
			}
			if d.Limit != MustParseDuration(tt.limit) || !d.Due.Equal(utc(tt.due)) {
				t.Errorf("%s for %q from %s: %s due %s; want %s due %s", tt.rule, tt.la, tt.start, d.Limit, d.Due.Format(time.RFC3339), tt.limit, tt.due)
			}
			if d.LA != tt.la || d.Nation != p.Nation(tt.la) || d.PolicyVersion != p.Version() {
				t.Errorf("deadline does not record its LA, nation and policy: %+v", d)
			}
		})
	}
}

func TestPilotLadderChange(t *testing.T) {
	p := loadPilot(t)
	// The pilot's reminder moves from 4h (national) to 2h before the due time on 1 April 2027,
	// which begins at 23:00 UTC on 31 March (BST). Escalations stay 4h apart, as nationally.
	tests := []struct {
		start, due, remind, escalate, again string
	}{
		{fridayBeforeChristmas, "2026-12-19T10:00:00Z", "2026-12-19T06:00:00Z", "2026-12-19T14:00:00Z", "2026-12-19T18:00:00Z"},
		{"2027-03-31T22:59:59Z", "2027-04-01T22:59:59Z", "2027-04-01T18:59:59Z", "2027-04-02T02:59:59Z", "2027-04-02T06:59:59Z"},
		{"2027-03-31T23:00:00Z", "2027-04-01T23:00:00Z", "2027-04-01T21:00:00Z", "2027-04-02T03:00:00Z", "2027-04-02T07:00:00Z"},
	}
	for _, tt := range tests {
		d, err := p.Deadline(StrategyDiscussion, utc(tt.start), birmingham, 0)
		if err != nil {
			t.Fatal(err)
		}
		got := []time.Time{d.Due, d.RemindAt, d.EscalateAt, d.EscalateAgainAt}
		want := []time.Time{utc(tt.due), utc(tt.remind), utc(tt.escalate), utc(tt.again)}
		if !slices.EqualFunc(got, want, time.Time.Equal) {
			t.Errorf("from %s: due, remind, escalate, again = %v; want %v", tt.start, got, want)
		}
	}
}

func TestPilotSettings(t *testing.T) {
	p := loadPilot(t)
	if !regexp.MustCompile(`^caseflow-pilot-2026\.11\+sha256:[0-9a-f]{8}$`).MatchString(p.Version()) {
		t.Errorf("Version() = %q", p.Version())
	}
	if got, want := p.LAs(), []string{birmingham, belfast, glasgow}; !slices.Equal(got, want) {
		t.Errorf("LAs() = %v; want %v", got, want)
	}
	tests := []struct {
		la     string
		known  bool
		name   string
		nation Nation
		ictg   bool
	}{
		{birmingham, true, "Birmingham", EnglandAndWales, true},
		{glasgow, true, "Glasgow City", Scotland, false},
		{belfast, true, "", NorthernIreland, true},
		{unlisted, false, "", EnglandAndWales, true},
		{"", false, "", EnglandAndWales, true},
	}
	for _, tt := range tests {
		if p.KnowsLA(tt.la) != tt.known || p.LAName(tt.la) != tt.name {
			t.Errorf("%q: KnowsLA %v, LAName %q; want %v, %q", tt.la, p.KnowsLA(tt.la), p.LAName(tt.la), tt.known, tt.name)
		}
		if p.Nation(tt.la) != tt.nation || p.Calendar(tt.la).Nation() != tt.nation {
			t.Errorf("%q: Nation %s, Calendar(la).Nation %s; want %s", tt.la, p.Nation(tt.la), p.Calendar(tt.la).Nation(), tt.nation)
		}
		if p.IsICTGSite(tt.la) != tt.ictg {
			t.Errorf("%q: IsICTGSite = %v; want %v", tt.la, p.IsICTGSite(tt.la), tt.ictg)
		}
	}
	// Friday 2 January 2026 is a bank holiday in Scotland only.
	second := utc("2026-01-02T12:00:00Z")
	if p.Calendar(glasgow).IsWorkingDay(second) || !p.Calendar(birmingham).IsWorkingDay(second) || !p.Calendar(belfast).IsWorkingDay(second) {
		t.Error("2 January 2026 should be a holiday in the Scottish LA's calendar only")
	}
}

// The pilot file is the default with local authorities added: every rule the LAs do not
// override gives exactly the default's deadline, so tests that load it test the real rules.
func TestPilotKeepsTheDefaultRules(t *testing.T) {
	p := loadPilot(t)
	overridden := map[RuleID]bool{NRMRGDecision: true, StrategyDiscussion: true}
	for _, start := range []string{"2022-12-12T10:00:00Z", fridayBeforeChristmas, saturdayBeforeBST, springBankHoliday} {
		for _, id := range RuleIDs {
			for _, la := range []string{"", unlisted, birmingham} {
				if la == birmingham && overridden[id] {
					continue
				}
				got, errGot := p.Deadline(id, utc(start), la, 1)
				want, errWant := Default().Deadline(id, utc(start), la, 1)
				got.PolicyVersion, want.PolicyVersion = "", ""
				if errGot != nil || errWant != nil || got != want {
					t.Errorf("%s for %q from %s differs from the default:\n got %+v\nwant %+v", id, la, start, got, want)
				}
			}
		}
	}
	// The national threshold holds wherever an LA sets none of its own; Birmingham's is its own.
	for la, want := range map[string]struct {
		n int
		w string
	}{"": {3, "90CD"}, glasgow: {3, "90CD"}, "unlisted": {3, "90CD"}, birmingham: {2, "60CD"}} {
		if n, w := p.RepeatMissing(la); n != want.n || w != MustParseDuration(want.w) {
			t.Errorf("RepeatMissing(%q) = %d, %s; want %d within %s", la, n, w, want.n, want.w)
		}
	}
}

func TestWriteDeadlinesForPilot(t *testing.T) {
	p := loadPilot(t)
	lines := writeDeadlines(t, p, fridayBeforeChristmas, birmingham)
	if !strings.Contains(lines[1], "england-and-wales, local authority E08000025 (Birmingham)") {
		t.Errorf("header %q does not name the nation and LA", lines[1])
	}
	if rg := row(t, lines, NRMRGDecision); rg[1] != "45CD" || rg[3] != "2027-02-01T10:00:00Z" || rg[4] != "Mon 1 Feb 2027 10:00 GMT" {
		t.Errorf("nrm-rg-decision line %q: want the pilot's 45CD", rg)
	}
	if sd := row(t, lines, StrategyDiscussion); sd[1] != "24h" || sd[3] != "2026-12-19T10:00:00Z" {
		t.Errorf("strategy-discussion line %q: want the pilot's 24h", sd)
	}
	if icpc := row(t, lines, ICPC); icpc[3] != "2027-01-13T10:00:00Z" {
		t.Errorf("icpc line %q", icpc)
	}

	scottish := writeDeadlines(t, p, "2025-12-31T10:00:00Z", glasgow)
	if !strings.Contains(scottish[1], "scotland, local authority S12000049 (Glasgow City)") {
		t.Errorf("header %q does not name Scotland", scottish[1])
	}
	if rg := row(t, scottish, NRMRGDecision); rg[3] != "2026-01-09T10:00:00Z" {
		t.Errorf("Scottish nrm-rg-decision line %q: want 2 January skipped", rg)
	}
	if unnamed := writeDeadlines(t, p, fridayBeforeChristmas, belfast); !strings.HasSuffix(unnamed[1], "local authority N09000003") {
		t.Errorf("header %q for an LA without a name", unnamed[1])
	}

	var b bytes.Buffer
	err := WriteDeadlines(&b, p, utc(fridayBeforeChristmas), unlisted)
	if err == nil || !strings.Contains(err.Error(), unlisted) || !strings.Contains(err.Error(), birmingham) || b.Len() != 0 {
		t.Errorf("an unknown LA: %v, wrote %q; want an error naming it and the known LAs, and no output", err, b.String())
	}
}

// TestThePilotDoesNotDecideForChildrenNearEighteen: a pilot area decides Reasonable Grounds
// within 45 calendar days, except for a child referred within 100 days of their 18th birthday
// (or past it), who keeps the national 5 working days.
func TestThePilotDoesNotDecideForChildrenNearEighteen(t *testing.T) {
	p := Default()
	hull := "E06000010"
	start := utc(fridayBeforeChristmas)
	// The 18th birthday n days after the referral's date, at midnight UK time.
	birthday := func(n int) time.Time {
		d := start.In(London)
		return time.Date(d.Year(), d.Month(), d.Day()+n, 0, 0, 0, 0, London)
	}
	for _, tt := range []struct {
		name    string
		rule    RuleID
		la      string
		adultAt time.Time
		limit   string
	}{
		{"no date of birth", NRMRGDecision, hull, time.Time{}, "45CD"},
		{"18 in 101 days", NRMRGDecision, hull, birthday(101), "45CD"},
		{"18 in 100 days", NRMRGDecision, hull, birthday(100), "5WD"},
		{"18 tomorrow", NRMRGDecision, hull, birthday(1), "5WD"},
		{"already 18", NRMRGDecision, hull, birthday(-3), "5WD"},
		{"not a pilot area", NRMRGDecision, "E08000025", birthday(300), "5WD"},
		{"another clock", StrategyDiscussion, hull, birthday(10), "1WD"},
	} {
		d, err := p.ChildDeadline(tt.rule, start, hull, 0, tt.adultAt)
		if tt.la != hull {
			d, err = p.ChildDeadline(tt.rule, start, tt.la, 0, tt.adultAt)
		}
		if err != nil {
			t.Fatal(err)
		}
		want, _ := p.Deadline(tt.rule, start, "", 0)
		if tt.limit == "45CD" {
			want, _ = p.Deadline(tt.rule, start, hull, 0)
		}
		if d.Limit != MustParseDuration(tt.limit) || !d.Due.Equal(want.Due) || d.LA != tt.la {
			t.Errorf("%s: %s due %s for %q; want %s due %s", tt.name, d.Limit, d.Due, d.LA, tt.limit, want.Due)
		}
	}
	// An agency may set the margin; a mistake in it is named.
	text := strings.Replace(string(defaultFile), "nrm_pilot_excludes_within: 100CD", "nrm_pilot_excludes_within: 10CD", 1)
	short, err := Load("short.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if d, _ := short.ChildDeadline(NRMRGDecision, start, hull, 0, birthday(20)); d.Limit != MustParseDuration("45CD") {
		t.Errorf("a 10-day margin: %s for a child 18 in 20 days; want the pilot's 45CD", d.Limit)
	}
	text = strings.Replace(string(defaultFile), "nrm_pilot_excludes_within: 100CD", "nrm_pilot_excludes_within: 100 days", 1)
	if _, err := Load("bad.yaml", []byte(text)); err == nil || !strings.Contains(err.Error(), "nrm_pilot_excludes_within") {
		t.Errorf("a bad margin: %v", err)
	}
	// Left out, the margin is 100 days.
	text = strings.Replace(string(defaultFile), "nrm_pilot_excludes_within: 100CD", "", 1)
	if p, err := Load("none.yaml", []byte(text)); err != nil || !p.OutsidePilot(NRMRGDecision, start, hull, birthday(100)) || p.OutsidePilot(NRMRGDecision, start, hull, birthday(101)) {
		t.Errorf("without the setting: %v", err)
	}
}

// TestAConcernTypeLeavesOutOnlyWhatThePolicySays: sexual harassment alone does not open the NRM
// request (the Safeguarding Lead decides); with any other kind, or with no kind known yet, it
// does. Only the NRM request may be left out.
func TestAConcernTypeLeavesOutOnlyWhatThePolicySays(t *testing.T) {
	p := Default()
	for _, tt := range []struct {
		types []string
		want  []RuleID
	}{
		{[]string{"sexual-harassment"}, []RuleID{NRMRequest}},
		{[]string{"sexual-harassment", "trafficking"}, nil},
		{[]string{"trafficking", "sexual-harassment"}, nil},
		{[]string{"criminal-exploitation"}, nil},
		{nil, nil},
	} {
		if got := p.ClocksLeftOut(tt.types); !slices.Equal(got, tt.want) {
			t.Errorf("%v leaves out %v; want %v", tt.types, got, tt.want)
		}
	}
	if got := p.ConcernTypes(); !slices.Equal(got, []string{"sexual-harassment"}) {
		t.Errorf("concern types %v", got)
	}
	for _, tt := range []struct{ name, new, want string }{
		{"a clock that must open", "without: [police-report]", `"police-report" may not be left out`},
		{"nothing left out", "without: []", "concern_types.sexual-harassment.without"},
		{"twice", "without: [nrm-request, nrm-request]", "listed twice"},
	} {
		text := strings.Replace(string(defaultFile), "without: [nrm-request]", tt.new, 1)
		if _, err := Load("types.yaml", []byte(text)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v; want %q", tt.name, err, tt.want)
		}
	}
}
