package policy

import (
	"strings"
	"testing"
)

// exampleLAs loads the default policy with the local authority example in its closing comment
// uncommented, so the documented example is known to work.
func exampleLAs(t *testing.T) *Policy {
	t.Helper()
	text := string(defaultFile)
	begin := strings.Index(text, "# local_authorities:\n")
	end := strings.LastIndex(text, laBlock)
	if begin < 0 || end < begin {
		t.Fatal("default.yaml has no commented local_authorities example before local_authorities: {}")
	}
	var example strings.Builder
	for line := range strings.Lines(text[begin:end]) {
		line = strings.TrimPrefix(line, "#")
		example.WriteString(strings.TrimPrefix(line, " "))
	}
	p, err := Load("example.yaml", []byte(text[:begin]+example.String()))
	if err != nil {
		t.Fatalf("the documented local authority example does not load: %v", err)
	}
	return p
}

func TestLocalAuthorityOverrides(t *testing.T) {
	p := exampleLAs(t)
	if got := p.LAs(); len(got) != 2 || got[0] != "example-24h" || got[1] != "example-pilot" {
		t.Fatalf("LAs() = %v", got)
	}
	tests := []struct {
		name  string
		rule  RuleID
		la    string
		start string
		limit string
		due   string
	}{
		// A devolved child decision pilot: Reasonable Grounds within 45 calendar days, from the
		// date the pilot began there.
		{"pilot LA", NRMRGDecision, "example-pilot", fridayBeforeChristmas, "45CD", "2027-02-01T10:00:00Z"},
		// Good Friday 2024: Easter Monday is skipped, and BST has begun.
		// Good Friday 2024: the clock starts at the opening after Easter Monday.
		{"pilot LA before its pilot began", NRMRGDecision, "example-pilot", "2024-03-29T10:00:00Z", "5WD", "2024-04-09T08:00:00Z"},
		{"national rule elsewhere", NRMRGDecision, "", fridayBeforeChristmas, "5WD", "2026-12-29T10:00:00Z"},
		{"an LA the policy does not list", NRMRGDecision, "E06000099", fridayBeforeChristmas, "5WD", "2026-12-29T10:00:00Z"},
		{"pilot LA keeps other rules", ICPC, "example-pilot", fridayBeforeChristmas, "15WD", "2027-01-13T10:00:00Z"},
		// A local 24 hour strategy discussion target in place of one working day: from a
		// Friday, 24 hours is Saturday where 1WD would be Monday.
		{"24 hour target", StrategyDiscussion, "example-24h", fridayBeforeChristmas, "24h", "2026-12-19T10:00:00Z"},
		{"1WD target", StrategyDiscussion, "", fridayBeforeChristmas, "1WD", "2026-12-21T10:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := p.Deadline(tt.rule, utc(tt.start), tt.la, 0)
			if err != nil {
				t.Fatal(err)
			}
			if d.Limit != MustParseDuration(tt.limit) || !d.Due.Equal(utc(tt.due)) || d.LA != tt.la {
				t.Errorf("%s for %q from %s: %s due %s; want %s due %s", tt.rule, tt.la, tt.start, d.Limit, d.Due, tt.limit, tt.due)
			}
		})
	}
}

func TestLocalAuthorityLadderChange(t *testing.T) {
	p := exampleLAs(t)
	// The 24h LA's reminder moves from 4h to 2h before the due time on 1 April 2027; the
	// escalation stays 4h after it, as the national rule has it.
	tests := []struct {
		start, remind, escalate string
	}{
		{"2027-03-31T10:00:00Z", "2027-04-01T06:00:00Z", "2027-04-01T14:00:00Z"},
		{"2027-04-01T10:00:00Z", "2027-04-02T08:00:00Z", "2027-04-02T14:00:00Z"},
	}
	for _, tt := range tests {
		d, err := p.Deadline(StrategyDiscussion, utc(tt.start), "example-24h", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !d.RemindAt.Equal(utc(tt.remind)) || !d.EscalateAt.Equal(utc(tt.escalate)) {
			t.Errorf("from %s: remind %s, escalate %s; want %s, %s", tt.start, d.RemindAt, d.EscalateAt, tt.remind, tt.escalate)
		}
	}
}

func TestLocalAuthoritySettings(t *testing.T) {
	text := replaceIn(t, string(defaultFile), "", "ictg_sites_default: true", "ictg_sites_default: false")
	text = replaceIn(t, text, "", laBlock, `
local_authorities:
  glasgow-example:
    name: Example Scottish council
    nation: scotland
    ictg_site: true
    rules:
      csc-decision:
        escalate_again_after: none
  plain: {}
`)
	p, err := Load("custom.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if !p.IsICTGSite("glasgow-example") || p.IsICTGSite("plain") || p.IsICTGSite("unlisted") {
		t.Error("ictg_site should follow the LA's own setting, else ictg_sites_default")
	}
	if p.Nation("glasgow-example") != Scotland || p.Nation("plain") != EnglandAndWales || p.LAName("glasgow-example") != "Example Scottish council" {
		t.Error("the LA's nation or name was lost")
	}
	// Thursday 2 April 2026 plus 1WD: Good Friday everywhere, but Easter Monday only outside
	// Scotland.
	start := utc("2026-04-02T09:00:00Z")
	scot, _ := p.Deadline(CSCDecision, start, "glasgow-example", 0)
	eng, _ := p.Deadline(CSCDecision, start, "plain", 0)
	if !scot.Due.Equal(utc("2026-04-06T09:00:00Z")) || scot.Nation != Scotland {
		t.Errorf("Scottish LA: due %s (%s); want Easter Monday", scot.Due, scot.Nation)
	}
	if !eng.Due.Equal(utc("2026-04-07T09:00:00Z")) {
		t.Errorf("English LA: due %s; want the Tuesday after Easter Monday", eng.Due)
	}
	if !scot.EscalateAgainAt.IsZero() || eng.EscalateAgainAt.IsZero() {
		t.Error("escalate_again_after: none should remove the step for that LA only")
	}
}

// TestTheDefaultPolicyListsTheLAs: a code the default policy does not list is refused with the
// names it does list; the phase 1 pilot sites make their own Reasonable Grounds decisions within
// 45 calendar days from June 2021, and within 5 working days before.
func TestTheDefaultPolicyListsTheLAs(t *testing.T) {
	p := Default()
	if err := p.CheckLA("E08000025"); err != nil {
		t.Errorf("Birmingham refused: %v", err)
	}
	err := p.CheckLA("E08000052")
	if err == nil || !strings.Contains(err.Error(), `"E08000052"`) || !strings.Contains(err.Error(), "Kingston upon Hull (E06000010)") {
		t.Errorf("an unlisted code: %v", err)
	}
	hull := "E06000010"
	for _, tt := range []struct {
		start, limit string
		pilot        bool
	}{{"2021-05-28T10:00:00Z", "5WD", false}, {"2021-06-01T10:00:00Z", "45CD", true}, {"2026-12-18T10:00:00Z", "45CD", true}} {
		d, err := p.Deadline(NRMRGDecision, utc(tt.start), hull, 0)
		if err != nil || d.Limit != MustParseDuration(tt.limit) || p.InNRMPilot(hull, utc(tt.start)) != tt.pilot {
			t.Errorf("Hull's Reasonable Grounds clock from %s: %s, pilot %v, %v; want %s", tt.start, d.Limit, p.InNRMPilot(hull, utc(tt.start)), err, tt.limit)
		}
	}
	if p.InNRMPilot("E08000025", utc("2026-12-18T10:00:00Z")) {
		t.Error("Birmingham is not a pilot site in the default policy")
	}
	// A copy: the default policy is shared by every test.
	open := *Default()
	open.las = nil
	if err := open.CheckLA("anything"); err != nil {
		t.Errorf("a policy listing no LA refused a code: %v", err)
	}
}

func TestPilotFlagsAreValidated(t *testing.T) {
	for _, tt := range []struct{ name, old, new, want string }{
		{"no pilot limit", "nrm_pilot_rg_limit: 45CD\n", "", "needs nrm_pilot_rg_limit"},
		{"a pilot and an override", `E06000010: {name: Kingston upon Hull, nrm_pilot_from: "2021-06-01"}`,
			`E06000010: {name: Kingston upon Hull, nrm_pilot_from: "2021-06-01", rules: {nrm-rg-decision: {limit: 30CD}}}`, "not both"},
		{"a bad pilot date", `E06000010: {name: Kingston upon Hull, nrm_pilot_from: "2021-06-01"}`,
			`E06000010: {name: Kingston upon Hull, nrm_pilot_from: "June 2021"}`, "is not a date"},
	} {
		text := strings.Replace(string(defaultFile), tt.old, tt.new, 1)
		if _, err := Load("pilot.yaml", []byte(text)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v; want %q", tt.name, err, tt.want)
		}
	}
}
