package policy

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// ukDayLayout shows a due time as people in the UK read it, with the weekday, because working
// days are the first thing an operator checks.
const ukDayLayout = "Mon 2 Jan 2006 15:04 MST"

// WriteDeadlines prints, for a start instant and an optional LA ("" for the national rules), one
// aligned line per rule (the first occurrence of a repeating clock): its id, limit, when its
// clock starts counting (a working-day clock waits for the office to open), due time in UTC and
// in UK time, reminder, escalations to the manager and the Safeguarding Lead, and the re-chase
// interval. A chase that is not made prints as "-". It is what `caseflow policy
// deadlines` shows an operator checking a policy file. An LA the policy does not list is an
// error, as it is almost always a typing mistake.
func WriteDeadlines(w io.Writer, p *Policy, from time.Time, la string) error {
	scope := "national rules (no local authority)"
	if la != "" {
		if !p.KnowsLA(la) {
			return fmt.Errorf("local authority %q is not in policy %s; it lists %v", la, p.Version(), p.LAs())
		}
		scope = "local authority " + la
		if name := p.LAName(la); name != "" {
			scope += " (" + name + ")"
		}
	}
	if _, err := fmt.Fprintf(w, "policy %s\nnation %s, %s\nclocks started %s (%s)\n\n",
		p.Version(), p.Nation(la), scope, from.UTC().Format(time.RFC3339), from.In(London).Format(ukDayLayout)); err != nil {
		return fmt.Errorf("write deadlines: %w", err)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tLIMIT\tCLOCK STARTS (UK)\tDUE (UTC)\tDUE (UK)\tREMIND\tMANAGER\tSAFEGUARDING LEAD\tRECHASE")
	for _, id := range RuleIDs {
		d, err := p.Deadline(id, from, la, 0)
		if err != nil {
			return fmt.Errorf("write deadlines: %w", err)
		}
		limit := d.Limit.String()
		if d.Kind == KindMinimum {
			limit = "at least " + limit
		}
		starts := d.Start
		if !d.ClockStart.IsZero() {
			starts = d.ClockStart
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, limit, starts.In(London).Format(ukDayLayout), stamp(d.Due),
			d.Due.In(London).Format(ukDayLayout), stamp(d.RemindAt), stamp(d.EscalateAt), stamp(d.EscalateAgainAt), d.RechaseEvery)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write deadlines: %w", err)
	}
	return nil
}

// stamp writes an instant in RFC 3339 UTC, or "-" for a chase that is not made.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
