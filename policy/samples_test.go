package policy

import (
	"testing"
	"time"
)

// Starts for the worked examples below, each counted by hand against the calendar.
const (
	// Thursday 24 December 2026, 15:30 GMT: the next working day is Tuesday 29 December, and
	// 1 January 2027 follows.
	christmasEve = "2026-12-24T15:30:00Z"
	// Easter Monday 2027, 09:00 BST, the day after the clocks went forward.
	easterMonday = "2027-03-29T08:00:00Z"
	// Saturday 24 October 2026, 15:00 BST, the day before the clocks go back.
	saturdayBeforeGMT = "2026-10-24T14:00:00Z"
)

// TestWorkedDeadlines checks the due time and every step of the chase ladder exactly, for the
// rules whose units differ, from a Christmas-week start, a bank holiday and a weekend.
func TestWorkedDeadlines(t *testing.T) {
	tests := []struct {
		rule                         RuleID
		occurrence                   int
		start                        string
		due, remind, escalate, again string // "" for a chase that is not made
	}{
		// Hour clocks are elapsed time and ignore the calendar.
		{PoliceReport, 0, christmasEve, "2026-12-24T16:30:00Z", "2026-12-24T16:15:00Z", "2026-12-24T17:30:00Z", "2026-12-24T18:30:00Z"},
		{NotifySocialWorker, 0, christmasEve, "2026-12-24T19:30:00Z", "2026-12-24T18:30:00Z", "2026-12-24T20:30:00Z", "2026-12-24T22:30:00Z"},
		{NotifySafeguardingLead, 0, christmasEve, "2026-12-24T19:30:00Z", "2026-12-24T18:30:00Z", "2026-12-24T20:30:00Z", "2026-12-24T22:30:00Z"},
		{ReturnInterview, 0, christmasEve, "2026-12-27T15:30:00Z", "2026-12-26T15:30:00Z", "2026-12-27T16:30:00Z", "2026-12-27T18:30:00Z"},
		{PoliceReport, 0, easterMonday, "2027-03-29T09:00:00Z", "2027-03-29T08:45:00Z", "2027-03-29T10:00:00Z", "2027-03-29T11:00:00Z"},
		{NotifySocialWorker, 0, easterMonday, "2027-03-29T12:00:00Z", "2027-03-29T11:00:00Z", "2027-03-29T13:00:00Z", "2027-03-29T15:00:00Z"},
		{ReturnInterview, 0, easterMonday, "2027-04-01T08:00:00Z", "2027-03-31T08:00:00Z", "2027-04-01T09:00:00Z", "2027-04-01T11:00:00Z"},
		// 72 elapsed hours across the autumn change end at 14:00 GMT, an hour earlier by the
		// UK clock than the start.
		{ReturnInterview, 0, saturdayBeforeGMT, "2026-10-27T14:00:00Z", "2026-10-26T14:00:00Z", "2026-10-27T15:00:00Z", "2026-10-27T17:00:00Z"},
		{PoliceReport, 0, saturdayBeforeGMT, "2026-10-24T15:00:00Z", "2026-10-24T14:45:00Z", "2026-10-24T16:00:00Z", "2026-10-24T17:00:00Z"},

		// Working-day clocks skip 25 and 28 December and 1 January; an escalation that would fall
		// at 19:30 waits for the office to open.
		{CSCDecision, 0, christmasEve, "2026-12-29T15:30:00Z", "2026-12-29T11:30:00Z", "2026-12-30T15:30:00Z", "2026-12-31T15:30:00Z"},
		{LADO, 0, christmasEve, "2026-12-29T15:30:00Z", "2026-12-29T11:30:00Z", "2026-12-30T09:00:00Z", "2026-12-30T13:00:00Z"},
		{NRMRequest, 0, christmasEve, "2026-12-30T15:30:00Z", "2026-12-29T15:30:00Z", "2026-12-31T15:30:00Z", "2027-01-04T15:30:00Z"},
		{NRMRGDecision, 0, christmasEve, "2027-01-05T15:30:00Z", "2027-01-04T15:30:00Z", "2027-01-06T15:30:00Z", "2027-01-07T15:30:00Z"},
		{CarePlan, 0, christmasEve, "2027-01-12T15:30:00Z", "2027-01-08T15:30:00Z", "2027-01-13T15:30:00Z", "2027-01-14T15:30:00Z"},
		{ICPC, 0, christmasEve, "2027-01-19T15:30:00Z", "2027-01-14T15:30:00Z", "2027-01-20T15:30:00Z", "2027-01-21T15:30:00Z"},
		{Assessment, 0, christmasEve, "2027-03-02T15:30:00Z", "2027-02-23T15:30:00Z", "2027-03-03T15:30:00Z", "2027-03-04T15:30:00Z"},
		// Easter Monday is a bank holiday: working-day clocks start when the office opens on
		// Tuesday (09:00 BST); early May (3 May) and spring (31 May) are skipped; a reminder
		// that would fall at 05:00 comes at the close of the working day before.
		{CSCDecision, 0, easterMonday, "2027-03-31T08:00:00Z", "2027-03-30T16:00:00Z", "2027-04-01T08:00:00Z", "2027-04-02T08:00:00Z"},
		{LADO, 0, easterMonday, "2027-03-31T08:00:00Z", "2027-03-30T16:00:00Z", "2027-03-31T12:00:00Z", "2027-03-31T16:00:00Z"},
		{NRMRequest, 0, easterMonday, "2027-04-01T08:00:00Z", "2027-03-31T08:00:00Z", "2027-04-02T08:00:00Z", "2027-04-05T08:00:00Z"},
		{NRMRGDecision, 0, easterMonday, "2027-04-06T08:00:00Z", "2027-04-05T08:00:00Z", "2027-04-07T08:00:00Z", "2027-04-08T08:00:00Z"},
		{CarePlan, 0, easterMonday, "2027-04-13T08:00:00Z", "2027-04-09T08:00:00Z", "2027-04-14T08:00:00Z", "2027-04-15T08:00:00Z"},
		{ICPC, 0, easterMonday, "2027-04-20T08:00:00Z", "2027-04-15T08:00:00Z", "2027-04-21T08:00:00Z", "2027-04-22T08:00:00Z"},
		{Assessment, 0, easterMonday, "2027-06-03T08:00:00Z", "2027-05-26T08:00:00Z", "2027-06-04T08:00:00Z", "2027-06-07T08:00:00Z"},
		// From a Saturday in BST: the clock starts at Monday's opening, 09:00 GMT after the
		// clocks go back.
		{CSCDecision, 0, saturdayBeforeGMT, "2026-10-27T09:00:00Z", "2026-10-26T17:00:00Z", "2026-10-28T09:00:00Z", "2026-10-29T09:00:00Z"},
		{NRMRGDecision, 0, saturdayBeforeGMT, "2026-11-02T09:00:00Z", "2026-10-30T09:00:00Z", "2026-11-03T09:00:00Z", "2026-11-04T09:00:00Z"},
		{ICPC, 0, saturdayBeforeGMT, "2026-11-16T09:00:00Z", "2026-11-11T09:00:00Z", "2026-11-17T09:00:00Z", "2026-11-18T09:00:00Z"},

		// Weeks and months keep the UK clock time; their chases keep office hours (a reminder
		// due on the early May bank holiday comes the working day before, at the close).
		{CarePlanReview, 0, christmasEve, "2027-02-04T15:30:00Z", "2027-01-28T15:30:00Z", "2027-02-05T15:30:00Z", "2027-02-08T15:30:00Z"},
		{CarePlanReview, 3, easterMonday, "2027-05-10T08:00:00Z", "2027-04-30T16:00:00Z", "2027-05-11T08:00:00Z", "2027-05-12T08:00:00Z"},
		{CarePlanReview, 0, saturdayBeforeGMT, "2026-12-05T15:00:00Z", "2026-11-27T17:00:00Z", "2026-12-07T15:00:00Z", "2026-12-08T15:00:00Z"},

		// Looked-after child reviews: 20WD, then 3 months, then 6 months. The second review's
		// second escalation crosses Good Friday, Easter Monday and the change to BST.
		{LACReview, 0, christmasEve, "2027-01-26T15:30:00Z", "2027-01-19T15:30:00Z", "2027-01-27T15:30:00Z", "2027-01-28T15:30:00Z"},
		{LACReview, 1, christmasEve, "2027-03-24T15:30:00Z", "2027-03-17T15:30:00Z", "2027-03-25T15:30:00Z", "2027-03-30T14:30:00Z"},
		{LACReview, 2, christmasEve, "2027-06-24T14:30:00Z", "2027-06-17T14:30:00Z", "2027-06-25T14:30:00Z", "2027-06-28T14:30:00Z"},
		// Social worker visits: within a week of placement, then every 6 weeks.
		{SWVisit, 0, christmasEve, "2026-12-31T15:30:00Z", "2026-12-29T15:30:00Z", "2027-01-04T15:30:00Z", "2027-01-05T15:30:00Z"},
		{SWVisit, 1, christmasEve, "2027-02-04T15:30:00Z", "2027-02-02T15:30:00Z", "2027-02-05T15:30:00Z", "2027-02-08T15:30:00Z"},
		{SWVisit, 0, saturdayBeforeGMT, "2026-10-31T15:00:00Z", "2026-10-29T15:00:00Z", "2026-11-02T15:00:00Z", "2026-11-03T15:00:00Z"},
		{SWVisit, 0, "2026-11-28T10:00:00Z", "2026-12-05T10:00:00Z", "2026-12-03T10:00:00Z", "2026-12-07T10:00:00Z", "2026-12-08T10:00:00Z"},

		// The 18th birthday is the start and the due time; the reminder 30 days before it is
		// kept, when the office opens that day: it says the window for consent is open. Midnight
		// on 15 April 2027 is 23:00 UTC the day before (BST); the escalations come at the next
		// openings.

		{Age18Consent, 0, "2027-04-14T23:00:00Z", "2027-04-14T23:00:00Z", "2027-03-16T09:00:00Z", "2027-04-16T08:00:00Z", "2027-04-19T08:00:00Z"},
		{Age18Consent, 0, "2027-07-09T23:00:00Z", "2027-07-09T23:00:00Z", "2027-06-10T08:00:00Z", "2027-07-12T08:00:00Z", "2027-07-13T08:00:00Z"},

		// The NRM: the recovery period is a minimum and never chased; the Conclusive Grounds
		// decision is re-chased monthly and never escalated.
		{NRMRecovery, 0, christmasEve, "2027-01-23T15:30:00Z", "", "", ""},
		{NRMCGDecision, 0, christmasEve, "2027-01-23T15:30:00Z", "", "", ""},
	}
	p := Default()
	for _, tt := range tests {
		d, err := p.Deadline(tt.rule, utc(tt.start), "", tt.occurrence)
		if err != nil {
			t.Fatalf("%s: %v", tt.rule, err)
		}
		for _, c := range []struct {
			what string
			got  time.Time
			want string
		}{{"due", d.Due, tt.due}, {"reminder", d.RemindAt, tt.remind}, {"manager escalation", d.EscalateAt, tt.escalate}, {"lead escalation", d.EscalateAgainAt, tt.again}} {
			if (c.want == "" && !c.got.IsZero()) || (c.want != "" && !c.got.Equal(utc(c.want))) {
				t.Errorf("%s #%d from %s: %s at %v; want %q", tt.rule, tt.occurrence, tt.start, c.what, c.got, c.want)
			}
		}
	}
}

// TestEveryRuleFromEveryStart applies every rule, occurrence and start, for every nation: no
// error, and the order every deadline keeps (due no earlier than the start, reminded before it
// is due and after the start unless anchored, escalated after it is due).
func TestEveryRuleFromEveryStart(t *testing.T) {
	text := replaceIn(t, string(defaultFile), "", laBlock, "\nlocal_authorities:\n  scot: {nation: scotland}\n  ni: {nation: northern-ireland}\n")
	p, err := Load("nations.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	starts := []string{
		christmasEve, easterMonday, saturdayBeforeGMT, fridayBeforeChristmas, saturdayBeforeBST, springBankHoliday,
		"2026-12-25T00:00:00Z", "2027-12-24T23:59:59Z", "2026-03-29T00:59:59Z", "2026-10-25T01:30:00Z", "2028-02-29T12:00:00Z",
	}
	for _, la := range []string{"", "scot", "ni"} {
		for _, id := range RuleIDs {
			for _, s := range starts {
				for occurrence := range 4 {
					d, err := p.Deadline(id, utc(s), la, occurrence)
					if err != nil {
						t.Fatalf("%s for %q from %s: %v", id, la, s, err)
					}
					checkDeadline(t, d)
					r, _ := p.RuleAt(id, utc(s), la)
					if !d.RemindAt.IsZero() && !r.IsAnchored(occurrence) && !d.RemindAt.After(d.Start) {
						t.Errorf("%s from %s: reminder at %s, not after the start", id, s, d.RemindAt)
					}
					if d.Kind == KindDeadline && d.EscalateAt.IsZero() && id != NRMCGDecision {
						t.Errorf("%s from %s is never escalated", id, s)
					}
					if d.Due.Location() != time.UTC || d.Start.Location() != time.UTC {
						t.Errorf("%s: times not in UTC: %+v", id, d)
					}
				}
			}
		}
	}
}

// Deadline never reads the clock or shared state: many goroutines asking at once get exactly
// what one asking alone gets.
func TestDeadlineConcurrent(t *testing.T) {
	p := Default()
	start := utc(christmasEve)
	want := map[RuleID]Deadline{}
	for _, id := range RuleIDs {
		d, err := p.Deadline(id, start, "", 2)
		if err != nil {
			t.Fatal(err)
		}
		want[id] = d
	}
	type answer struct {
		d   Deadline
		err error
	}
	answers := make(chan answer)
	const workers = 4
	for range workers {
		go func() {
			for _, id := range RuleIDs {
				d, err := p.Deadline(id, start, "", 2)
				answers <- answer{d, err}
			}
		}()
	}
	for range workers * len(RuleIDs) {
		a := <-answers
		if a.err != nil || a.d != want[a.d.Rule] {
			t.Errorf("concurrent Deadline = %+v, %v; want %+v", a.d, a.err, want[a.d.Rule])
		}
	}
}
