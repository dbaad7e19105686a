package policy

import (
	"os"
	"strings"
	"testing"
	"time"
)

// FuzzLoad checks that no file makes Load panic, and that every policy Load accepts gives a
// sensible deadline for every rule, occurrence and LA.
func FuzzLoad(f *testing.F) {
	f.Add(DefaultFile())
	for _, name := range []string{"testdata/pilot.yaml", "testdata/short-clocks.yaml"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	text := string(defaultFile)
	for _, broken := range []string{
		strings.Replace(text, "limit: 15WD", "limit: 15XD", 1),
		strings.Replace(text, "  lado:\n", "  lado:\n    lado: x\n", 1),
		strings.Replace(text, laBlock, "\nlocal_authorities:\n  a: {nation: scotland, rules: {icpc: {limit: 1mo}}}\n", 1),
		strings.Replace(text, laBlock, "\nlocal_authorities:\n  a: {rules: {nrm-recovery: {changes: [{from: \"2030-01-01\", limit: 1CD}]}}}\n", 1),
		strings.Replace(text, "limits: [20WD, 3mo, 6mo]", "limits: []", 1),
		strings.Replace(text, "extra_bank_holidays: {}", "extra_bank_holidays: {scotland: [\"2027-06-07\"]}", 1),
		strings.Replace(text, "rechase_every: 1mo", "rechase_every: 1WD", 1),
		strings.Replace(text, "limit: 1h", "limit: {n: 1, unit: h}", 1),
		strings.Replace(text, laBlock, "\nlocal_authorities:\n  a: {ictg_site: perhaps, nation: [scotland]}\n  a: {}\n", 1),
		strings.Replace(text, laBlock, "\nlocal_authorities:\n  a: {rules: {strategy-discussion: {from: \"2026-01-01\", limit: 0h, remind_before: 9999WD}}}\n", 1),
		"version: x\nrules: {icpc: [1, 2]}\n",
		"&a [*a]",
		"version: !!binary AAAA\n",
		"",
	} {
		f.Add([]byte(broken))
	}
	starts := []time.Time{utc("2022-12-12T23:00:00Z"), utc(fridayBeforeChristmas), utc(saturdayBeforeBST)}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, la := range append([]string{""}, p.LAs()...) {
			for _, id := range RuleIDs {
				for _, start := range starts {
					for occurrence := range 4 {
						d, err := p.Deadline(id, start, la, occurrence)
						if err != nil {
							t.Fatalf("%s for %q: %v", id, la, err)
						}
						checkDeadline(t, d)
					}
				}
			}
		}
	})
}

// checkDeadline holds for every deadline: it is due no earlier than it starts, reminded before
// it is due, and escalated no earlier than it is due.
func checkDeadline(t *testing.T, d Deadline) {
	t.Helper()
	switch {
	case d.Due.Before(d.Start):
		t.Fatalf("%s due %s before its start %s", d.Rule, d.Due, d.Start)
	case !d.RemindAt.IsZero() && !d.RemindAt.Before(d.Due):
		t.Fatalf("%s reminded at %s, not before its due time %s", d.Rule, d.RemindAt, d.Due)
	case !d.EscalateAt.IsZero() && d.EscalateAt.Before(d.Due):
		t.Fatalf("%s escalated at %s, before its due time %s", d.Rule, d.EscalateAt, d.Due)
	case !d.EscalateAgainAt.IsZero() && (d.EscalateAt.IsZero() || d.EscalateAgainAt.Before(d.EscalateAt)):
		t.Fatalf("%s escalated again at %s without or before the first escalation %s", d.Rule, d.EscalateAgainAt, d.EscalateAt)
	case d.Kind == KindMinimum && (!d.RemindAt.IsZero() || !d.EscalateAt.IsZero() || !d.RechaseEvery.IsZero()):
		t.Fatalf("%s is a minimum but is chased: %+v", d.Rule, d)
	}
}
