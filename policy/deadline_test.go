package policy

import (
	"strings"
	"testing"
	"time"
)

// Three starts that stress the calendar: a Friday before Christmas, a Saturday on the eve of the
// spring clock change, and a morning on the spring bank holiday (10:00 BST).
const (
	fridayBeforeChristmas = "2026-12-18T10:00:00Z"
	saturdayBeforeBST     = "2026-03-28T15:00:00Z"
	springBankHoliday     = "2026-05-25T09:00:00Z"
)

func TestEveryRuleDue(t *testing.T) {
	starts := []string{fridayBeforeChristmas, saturdayBeforeBST, springBankHoliday}
	want := map[RuleID][3]string{
		PoliceReport:           {"2026-12-18T11:00:00Z", "2026-03-28T16:00:00Z", "2026-05-25T10:00:00Z"},
		ImmediateDanger:        {"2026-12-18T10:15:00Z", "2026-03-28T15:15:00Z", "2026-05-25T09:15:00Z"},
		NotifySocialWorker:     {"2026-12-18T14:00:00Z", "2026-03-28T19:00:00Z", "2026-05-25T13:00:00Z"},
		NotifySafeguardingLead: {"2026-12-18T14:00:00Z", "2026-03-28T19:00:00Z", "2026-05-25T13:00:00Z"},
		CompleteRecord:         {"2026-12-21T10:00:00Z", "2026-03-31T08:00:00Z", "2026-05-27T08:00:00Z"},
		CSCReferral:            {"2026-12-21T10:00:00Z", "2026-03-31T08:00:00Z", "2026-05-27T08:00:00Z"},
		NFAReview:              {"2026-12-22T10:00:00Z", "2026-04-01T08:00:00Z", "2026-05-28T08:00:00Z"},
		Transition:             {"2027-01-06T10:00:00Z", "2026-04-15T08:00:00Z", "2026-06-09T08:00:00Z"},
		// From the Saturday, the clock starts when the office opens on Monday 30 March (09:00 BST),
		// so 1WD is Tuesday at 09:00 BST; from the spring bank holiday, at Tuesday's opening.
		CSCDecision:        {"2026-12-21T10:00:00Z", "2026-03-31T08:00:00Z", "2026-05-27T08:00:00Z"},
		StrategyDiscussion: {"2026-12-21T10:00:00Z", "2026-03-31T08:00:00Z", "2026-05-27T08:00:00Z"},
		// Skips Christmas Day and the Boxing Day substitute; Good Friday and Easter Monday.
		StrategyMeeting:     {"2026-12-29T10:00:00Z", "2026-04-08T08:00:00Z", "2026-06-02T08:00:00Z"},
		ICPC:                {"2027-01-13T10:00:00Z", "2026-04-22T08:00:00Z", "2026-06-16T08:00:00Z"},
		RCPCFirst:           {"2027-03-18T10:00:00Z", "2026-06-28T14:00:00Z", "2026-08-25T09:00:00Z"},
		RCPCNext:            {"2027-06-18T09:00:00Z", "2026-09-28T14:00:00Z", "2026-11-25T10:00:00Z"},
		Assessment:          {"2027-02-24T10:00:00Z", "2026-06-05T08:00:00Z", "2026-07-28T08:00:00Z"},
		NRMRequest:          {"2026-12-22T10:00:00Z", "2026-04-01T08:00:00Z", "2026-05-28T08:00:00Z"},
		NRMRGDecision:       {"2026-12-29T10:00:00Z", "2026-04-08T08:00:00Z", "2026-06-02T08:00:00Z"},
		NRMRecovery:         {"2027-01-17T10:00:00Z", "2026-04-27T14:00:00Z", "2026-06-24T09:00:00Z"},
		NRMCGDecision:       {"2027-01-17T10:00:00Z", "2026-04-27T14:00:00Z", "2026-06-24T09:00:00Z"},
		ICTGReferral:        {"2026-12-21T10:00:00Z", "2026-03-31T08:00:00Z", "2026-05-27T08:00:00Z"},
		ICTGAssignment:      {"2026-12-29T10:00:00Z", "2026-04-08T08:00:00Z", "2026-06-02T08:00:00Z"},
		CarePlan:            {"2027-01-06T10:00:00Z", "2026-04-15T08:00:00Z", "2026-06-09T08:00:00Z"},
		CarePlanReview:      {"2027-01-29T10:00:00Z", "2026-05-09T14:00:00Z", "2026-07-06T09:00:00Z"},
		LACReview:           {"2027-01-20T10:00:00Z", "2026-04-29T08:00:00Z", "2026-06-23T08:00:00Z"},
		SWVisit:             {"2026-12-25T10:00:00Z", "2026-04-04T14:00:00Z", "2026-06-01T09:00:00Z"},
		MissingChild:        {"2026-12-18T14:00:00Z", "2026-03-28T19:00:00Z", "2026-05-25T13:00:00Z"},
		MissingPoliceReport: {"2026-12-18T11:00:00Z", "2026-03-28T16:00:00Z", "2026-05-25T10:00:00Z"},
		MissingNotifySW:     {"2026-12-18T12:00:00Z", "2026-03-28T17:00:00Z", "2026-05-25T11:00:00Z"},
		MissingNotifyLead:   {"2026-12-18T12:00:00Z", "2026-03-28T17:00:00Z", "2026-05-25T11:00:00Z"},
		// 72 hours is elapsed time, so the clock change shows in UK time, not in UTC.
		ReturnInterview:  {"2026-12-21T10:00:00Z", "2026-03-31T15:00:00Z", "2026-05-28T09:00:00Z"},
		LADO:             {"2026-12-21T10:00:00Z", "2026-03-31T08:00:00Z", "2026-05-27T08:00:00Z"},
		LADOUrgent:       {"2026-12-18T11:00:00Z", "2026-03-28T16:00:00Z", "2026-05-25T10:00:00Z"},
		AllegationPolice: {"2026-12-21T10:00:00Z", "2026-03-31T08:00:00Z", "2026-05-27T08:00:00Z"},
		DBSReferral:      {"2026-12-29T10:00:00Z", "2026-04-08T08:00:00Z", "2026-06-02T08:00:00Z"},
		Age18Consent:     {fridayBeforeChristmas, saturdayBeforeBST, springBankHoliday},
		ConfirmAdulthood: {"2026-12-22T10:00:00Z", "2026-04-01T08:00:00Z", "2026-05-28T08:00:00Z"},
		NRMLeadDecision:  {"2026-12-22T10:00:00Z", "2026-04-01T08:00:00Z", "2026-05-28T08:00:00Z"},
		// The seed duties: agency targets of 2 or 5 working days, and 30 calendar days for the
		// police's answer to a disclosure scheme check.
		CSODSDecision:   {"2026-12-29T10:00:00Z", "2026-04-08T08:00:00Z", "2026-06-02T08:00:00Z"},
		CSODSAnswer:     {"2027-01-17T10:00:00Z", "2026-04-27T14:00:00Z", "2026-06-24T09:00:00Z"},
		TellYoungPerson: {"2026-12-22T10:00:00Z", "2026-04-01T08:00:00Z", "2026-05-28T08:00:00Z"},
		SpeakAlone:      {"2026-12-22T10:00:00Z", "2026-04-01T08:00:00Z", "2026-05-28T08:00:00Z"},
		NRMChallenge:    {"2026-12-29T10:00:00Z", "2026-04-08T08:00:00Z", "2026-06-02T08:00:00Z"},
		ConductReview:   {"2026-12-29T10:00:00Z", "2026-04-08T08:00:00Z", "2026-06-02T08:00:00Z"},
		EndRelationship: {"2026-12-29T10:00:00Z", "2026-04-08T08:00:00Z", "2026-06-02T08:00:00Z"},
		// 20 working days, like the first looked-after review.
		RetentionReview: {"2027-01-20T10:00:00Z", "2026-04-29T08:00:00Z", "2026-06-23T08:00:00Z"},
	}
	if len(want) != len(RuleIDs) {
		t.Fatalf("the table covers %d rules; there are %d", len(want), len(RuleIDs))
	}
	p := Default()
	for _, id := range RuleIDs {
		for i, start := range starts {
			d, err := p.Deadline(id, utc(start), "", 0)
			if err != nil {
				t.Fatalf("Deadline(%s, %s): %v", id, start, err)
			}
			if !d.Due.Equal(utc(want[id][i])) || d.Due.Location() != time.UTC {
				t.Errorf("%s from %s: due %s; want %s", id, start, d.Due.Format(time.RFC3339), want[id][i])
			}
			if d.Rule != id || d.Title == "" || d.PolicyVersion != p.Version() || d.Nation != EnglandAndWales || !d.Start.Equal(utc(start)) {
				t.Errorf("%s: deadline does not describe itself: %+v", id, d)
			}
		}
	}
}

func TestLadder(t *testing.T) {
	p := Default()
	tests := []struct {
		name                    string
		rule                    RuleID
		start                   string
		occurrence              int
		remind, escalate, again string // "" for none
		rechase                 string
	}{
		{"hour clock", PoliceReport, fridayBeforeChristmas, 0,
			"2026-12-18T10:45:00Z", "2026-12-18T12:00:00Z", "2026-12-18T13:00:00Z", "1h"},
		{"immediate danger: manager and Safeguarding Lead told at the due time", ImmediateDanger, fridayBeforeChristmas, 0,
			"", "2026-12-18T10:15:00Z", "2026-12-18T10:15:00Z", "15m"},
		{"missing child: the police report escalates at its due time", MissingPoliceReport, fridayBeforeChristmas, 0,
			"", "2026-12-18T11:00:00Z", "2026-12-18T12:00:00Z", "1h"},
		{"working-day escalations skip the holidays", CSCDecision, "2026-12-24T10:00:00Z", 0,
			"2026-12-24T17:00:00Z", "2026-12-30T10:00:00Z", "2026-12-31T10:00:00Z", "1CD"},
		{"a reminder in working days before a due time", ICPC, fridayBeforeChristmas, 0,
			"2027-01-08T10:00:00Z", "2027-01-14T10:00:00Z", "2027-01-15T10:00:00Z", "7CD"},
		{"anchored on the 18th birthday: reminded 30 days before", Age18Consent, "2027-03-06T00:00:00Z", 0,
			"2027-02-04T09:00:00Z", "2027-03-08T09:00:00Z", "2027-03-09T09:00:00Z", "7CD"},
		{"a minimum is never chased", NRMRecovery, fridayBeforeChristmas, 0, "", "", "", ""},
		{"no target: chased monthly, never escalated", NRMCGDecision, fridayBeforeChristmas, 0, "", "", "", "1mo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := p.Deadline(tt.rule, utc(tt.start), "", tt.occurrence)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				what string
				got  time.Time
				want string
			}{{"reminder", d.RemindAt, tt.remind}, {"escalation", d.EscalateAt, tt.escalate}, {"second escalation", d.EscalateAgainAt, tt.again}} {
				if c.want == "" && !c.got.IsZero() {
					t.Errorf("%s at %s; want none", c.what, c.got)
				}
				if c.want != "" && !c.got.Equal(utc(c.want)) {
					t.Errorf("%s at %s; want %s", c.what, c.got, c.want)
				}
			}
			if got := d.RechaseEvery; (tt.rechase == "" && !got.IsZero()) || (tt.rechase != "" && got != MustParseDuration(tt.rechase)) {
				t.Errorf("re-chase every %s; want %q", got, tt.rechase)
			}
		})
	}
}

// withRule loads the default policy with one rule's ladder lines replaced.
func withRule(t *testing.T, rule RuleID, oldLines, newLines string) *Policy {
	t.Helper()
	text := replaceIn(t, string(defaultFile), "  "+string(rule)+":\n", oldLines, newLines)
	p, err := Load("test.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// replaceIn replaces the first old after marker, which must both be present.
func replaceIn(t *testing.T, text, marker, old, new string) string {
	t.Helper()
	i := strings.Index(text, marker)
	if i < 0 {
		t.Fatalf("%q is not in the text", marker)
	}
	j := strings.Index(text[i:], old)
	if j < 0 {
		t.Fatalf("%q is not after %q", old, marker)
	}
	return text[:i+j] + new + text[i+j+len(old):]
}

func TestReminderAtOrBeforeStartIsDropped(t *testing.T) {
	start := utc("2026-11-26T10:00:00Z") // a Thursday
	tests := []struct {
		remind string
		want   string
	}{
		{"remind_before: 4h", "2026-11-26T17:00:00Z"}, // 06:00 on the due day: the close of the day before
		{"remind_before: 1WD", ""},                    // exactly at the start
		{"remind_before: 2WD", ""},                    // before the start
		{"remind_before: 23h", "2026-11-26T11:00:00Z"},
		{"remind_before: 24h", ""},
	}
	for _, tt := range tests {
		p := withRule(t, CSCDecision, "remind_before: 4h", tt.remind)
		d, err := p.Deadline(CSCDecision, start, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if (tt.want == "" && !d.RemindAt.IsZero()) || (tt.want != "" && !d.RemindAt.Equal(utc(tt.want))) {
			t.Errorf("%s: reminder at %v; want %q", tt.remind, d.RemindAt, tt.want)
		}
		if d.EscalateAt.IsZero() {
			t.Errorf("%s: dropping the reminder dropped the escalation", tt.remind)
		}
	}
}

func TestEffectiveDates(t *testing.T) {
	p := Default()
	// 13 December 2022 starts at midnight UK time, which in December is midnight UTC.
	tests := []struct {
		start string
		limit string
		due   string
	}{
		{"2022-12-12T10:00:00Z", "45CD", "2023-01-26T10:00:00Z"},
		{"2022-12-12T23:59:59Z", "45CD", "2023-01-26T23:59:59Z"},
		{"2022-12-13T00:00:00Z", "30CD", "2023-01-12T00:00:00Z"},
		{"2023-06-01T09:00:00Z", "30CD", "2023-07-01T09:00:00Z"},
	}
	for _, tt := range tests {
		for _, id := range []RuleID{NRMRecovery, NRMCGDecision} {
			d, err := p.Deadline(id, utc(tt.start), "", 0)
			if err != nil {
				t.Fatal(err)
			}
			if d.Limit != MustParseDuration(tt.limit) || !d.Due.Equal(utc(tt.due)) {
				t.Errorf("%s from %s: %s, due %s; want %s, due %s", id, tt.start, d.Limit, d.Due, tt.limit, tt.due)
			}
		}
	}
	// The version in force depends on the start, never on today's date.
	r, _ := p.RuleAt(NRMRecovery, utc("2020-01-01T00:00:00Z"), "")
	if r.Limit(0) != MustParseDuration("45CD") {
		t.Errorf("RuleAt(2020) limit %s; want 45CD", r.Limit(0))
	}
}

func TestSequenceOccurrences(t *testing.T) {
	p := Default()
	tests := []struct {
		rule       RuleID
		occurrence int
		want       string
	}{
		{LACReview, 0, "20WD"}, {LACReview, 1, "3mo"}, {LACReview, 2, "6mo"}, {LACReview, 7, "6mo"},
		// Regulation 28(2): a week, then six-weekly in the first year and after it, three-monthly
		// after it where the placement is intended to last until the child is 18.
		{SWVisit, 0, "7CD"}, {SWVisit, 1, "6w"}, {SWVisit, 2, "6w"}, {SWVisit, 3, "3mo"}, {SWVisit, 5, "3mo"},
		{CarePlanReview, 0, "6w"}, {CarePlanReview, 4, "6w"},
		{RCPCFirst, 0, "3mo"}, {RCPCNext, 3, "6mo"},
	}
	start := utc(fridayBeforeChristmas)
	for _, tt := range tests {
		d, err := p.Deadline(tt.rule, start, "", tt.occurrence)
		if err != nil {
			t.Fatal(err)
		}
		want := MustParseDuration(tt.want)
		if d.Limit != want || !d.Due.Equal(want.AddTo(start, nil)) {
			t.Errorf("%s occurrence %d: %s due %s; want %s", tt.rule, tt.occurrence, d.Limit, d.Due, tt.want)
		}
	}
	if _, err := p.Deadline(LACReview, start, "", -1); err == nil {
		t.Error("a negative occurrence gave a deadline")
	}
}

func TestDeadlineErrors(t *testing.T) {
	_, err := Default().Deadline("meeting-action", utc(fridayBeforeChristmas), "", 0)
	if err == nil || !strings.Contains(err.Error(), "meeting-action") {
		t.Errorf("an unknown rule: %v; want an error naming it", err)
	}
}

func TestDeadlineIsPure(t *testing.T) {
	p := Default()
	start := utc(saturdayBeforeBST)
	for _, id := range RuleIDs {
		a, errA := p.Deadline(id, start, "", 1)
		b, errB := p.Deadline(id, start.In(London), "", 1)
		if errA != nil || errB != nil || a != b {
			t.Errorf("%s: two calls differ:\n%+v\n%+v", id, a, b)
		}
	}
}

func TestDefaultLadderForAgreedActions(t *testing.T) {
	due := utc("2026-12-24T16:00:00Z")
	d := Default().Ladder(due, "")
	if !d.Due.Equal(due) || !d.RemindAt.Equal(utc("2026-12-23T16:00:00Z")) ||
		!d.EscalateAt.Equal(utc("2026-12-29T16:00:00Z")) || !d.EscalateAgainAt.Equal(utc("2026-12-30T16:00:00Z")) {
		t.Errorf("Ladder(%s) = %+v", due, d)
	}
}

// A Policy is immutable: a caller changing a rule it was given changes nothing else.
func TestRulesAreCopies(t *testing.T) {
	p := Default()
	r, _ := p.Rule(LACReview)
	r.Limits[0] = MustParseDuration("1h")
	rules := p.Rules()
	rules[len(rules)-1].Limits[0] = MustParseDuration("1h")
	if again, _ := p.Rule(LACReview); again.Limit(0) != MustParseDuration("20WD") {
		t.Errorf("changing a returned rule changed the policy: lac-review limit %s", again.Limit(0))
	}
	if d, _ := p.Deadline(Age18Consent, utc(christmasEve), "", 0); !d.Due.Equal(utc(christmasEve)) {
		t.Errorf("changing a returned rule changed a deadline: age-18-consent due %s", d.Due)
	}
}
