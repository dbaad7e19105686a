package policy

import (
	"testing"
	"time"
)

func TestShortClocksPolicy(t *testing.T) {
	p, err := LoadFile("testdata/short-clocks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	start := utc("2026-11-26T10:00:00Z")
	d, err := p.Deadline(PoliceReport, start, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	second := func(n int) time.Time { return start.Add(time.Duration(n) * time.Second) }
	if !d.Due.Equal(second(3)) || !d.RemindAt.IsZero() || !d.EscalateAt.Equal(second(5)) || !d.EscalateAgainAt.Equal(second(7)) {
		t.Errorf("police-report: due %s, remind %v, escalate %s, again %s; want +3s, none, +5s, +7s",
			d.Due, d.RemindAt, d.EscalateAt, d.EscalateAgainAt)
	}
	// Every other rule is the default's, for starts on either side of the effective date.
	for _, s := range []string{"2022-12-01T10:00:00Z", fridayBeforeChristmas, saturdayBeforeBST} {
		for _, id := range RuleIDs[1:] {
			for occurrence := range 3 {
				got, errGot := p.Deadline(id, utc(s), "", occurrence)
				want, errWant := Default().Deadline(id, utc(s), "", occurrence)
				got.PolicyVersion, want.PolicyVersion = "", ""
				if errGot != nil || errWant != nil || got != want {
					t.Errorf("%s from %s (occurrence %d) differs from the default:\n got %+v\nwant %+v", id, s, occurrence, got, want)
				}
			}
		}
	}
	if a, b := p.Ladder(start, ""), Default().Ladder(start, ""); a.EscalateAt != b.EscalateAt || a.RemindAt != b.RemindAt {
		t.Error("the default ladder differs from the default policy's")
	}
}
