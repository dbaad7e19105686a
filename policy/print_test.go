package policy

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func writeDeadlines(t *testing.T, p *Policy, from, la string) []string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteDeadlines(&b, p, utc(from), la); err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
}

// row finds the line of a rule and splits it at runs of two or more spaces, the column gaps.
func row(t *testing.T, lines []string, id RuleID) []string {
	t.Helper()
	for _, l := range lines {
		if strings.HasPrefix(l, string(id)+" ") {
			var cols []string
			for _, c := range strings.Split(l, "  ") {
				if c = strings.TrimSpace(c); c != "" {
					cols = append(cols, c)
				}
			}
			return cols
		}
	}
	t.Fatalf("no line for %s", id)
	return nil
}

func TestWriteDeadlines(t *testing.T) {
	p := Default()
	lines := writeDeadlines(t, p, fridayBeforeChristmas, "")
	header := strings.Join(lines[:3], "\n")
	for _, want := range []string{p.Version(), "england-and-wales", "national rules", fridayBeforeChristmas, "Fri 18 Dec 2026 10:00 GMT"} {
		if !strings.Contains(header, want) {
			t.Errorf("header %q does not name %q", header, want)
		}
	}
	// The check in the brief, as an operator sees it.
	icpc := row(t, lines, ICPC)
	want := []string{"icpc", "15WD", "Fri 18 Dec 2026 10:00 GMT", "2027-01-13T10:00:00Z", "Wed 13 Jan 2027 10:00 GMT", "2027-01-08T10:00:00Z", "2027-01-14T10:00:00Z", "2027-01-15T10:00:00Z", "7CD"}
	if strings.Join(icpc, "|") != strings.Join(want, "|") {
		t.Errorf("icpc line:\n got %q\nwant %q", icpc, want)
	}
	recovery := row(t, lines, NRMRecovery)
	if recovery[1] != "at least 30CD" || recovery[5] != "-" || recovery[6] != "-" || recovery[7] != "-" {
		t.Errorf("nrm-recovery line %q: want a minimum with no chases", recovery)
	}
	if cg := row(t, lines, NRMCGDecision); cg[len(cg)-1] != "1mo" {
		t.Errorf("nrm-cg-decision line %q: want a monthly re-chase", cg)
	}
	if lac := row(t, lines, LACReview); lac[1] != "20WD" {
		t.Errorf("lac-review line %q: want the first occurrence, 20WD", lac)
	}

	// One line per rule, every due time starting in the column its heading starts.
	table := lines[4:]
	if len(table) != len(RuleIDs)+1 {
		t.Fatalf("%d table lines; want a heading and %d rules", len(table), len(RuleIDs))
	}
	col := strings.Index(table[0], "DUE (UTC)")
	for _, l := range table[1:] {
		if len(l) <= col || !strings.HasPrefix(l[col:], "20") {
			t.Errorf("line %q: due time not aligned under its heading", l)
		}
	}
}

func TestWriteDeadlinesForLA(t *testing.T) {
	p := exampleLAs(t)
	lines := writeDeadlines(t, p, fridayBeforeChristmas, "example-pilot")
	if !strings.Contains(lines[1], "local authority example-pilot (Example devolved child decision pilot area)") {
		t.Errorf("header %q does not name the LA", lines[1])
	}
	if rg := row(t, lines, NRMRGDecision); rg[1] != "45CD" || rg[3] != "2027-02-01T10:00:00Z" {
		t.Errorf("nrm-rg-decision line %q: want the pilot's 45CD", rg)
	}
	var b bytes.Buffer
	err := WriteDeadlines(&b, p, utc(fridayBeforeChristmas), "example-pilott")
	if err == nil || !strings.Contains(err.Error(), `"example-pilott"`) || b.Len() != 0 {
		t.Errorf("an unknown LA: %v, wrote %q; want an error naming it and no output", err, b.String())
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errBrokenPipe }

var errBrokenPipe = errors.New("broken pipe")

func TestWriteDeadlinesReportsWriteErrors(t *testing.T) {
	if err := WriteDeadlines(failingWriter{}, Default(), utc(fridayBeforeChristmas), ""); !errors.Is(err, errBrokenPipe) {
		t.Errorf("a failing writer: %v; want its error", err)
	}
}
