package policy

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"
)

// WriteDeadlines prints, for a starting instant and an optional LA, when each rule would fall
// due and when its chases would go: what `caseflow policy deadlines` shows an operator checking a
// policy file.
func WriteDeadlines(w io.Writer, p *Policy, from time.Time, la string) error {
	if la != "" && !p.KnowsLA(la) {
		return fmt.Errorf("local authority %q is not in policy %s (known: %v)", la, p.Version(), p.LAs())
	}
	scope := "national rules"
	if la != "" {
		scope = "local authority " + la
	}
	fmt.Fprintf(w, "policy %s, %s, %s, from %s\n\n", p.Version(), p.Nation(la), scope, from.UTC().Format(time.RFC3339))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tLIMIT\tDUE (UTC)\tDUE (UK)\tREMIND\tMANAGER\tSAFEGUARDING LEAD")
	for _, id := range RuleIDs {
		d, err := p.Deadline(id, from, la, 0)
		if err != nil {
			return err
		}
		due := stamp(d.Due)
		if d.Kind == KindMinimum {
			due = "not before " + due
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, d.Limit, due, localDay(d.Due), stamp(d.RemindAt), stamp(d.EscalateAt), stamp(d.EscalateAgainAt))
	}
	return tw.Flush()
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func localDay(t time.Time) string {
	return t.In(London).Format("Mon 2 Jan 2006 15:04")
}
