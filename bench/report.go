package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
)

// WriteJSON writes the report as JSON.
func (rep *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// WriteMarkdown writes the report as Markdown tables, with the ratio furthest from 1 named.
func (rep *Report) WriteMarkdown(w io.Writer, command string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Run on %s (%s), %s; Redis: %s; %.0f seconds.\n\n", rep.Started.Format("2006-01-02 15:04 MST"), rep.Machine, goVersion(), rep.Redis, rep.Seconds)
	fmt.Fprintf(&b, "Command: `%s`\n\n", command)
	b.WriteString("| Measurement | caseflow p50 | caseflow p99 | baseline | baseline p50 | baseline p99 | ratio p50 | ratio p99 |\n|---|---|---|---|---|---|---|---|\n")
	all := append([]Result{}, rep.Results...)
	for _, r := range []*Result{rep.TimerLag, rep.Replay} {
		if r != nil {
			all = append(all, *r)
		}
	}
	for _, r := range all {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %.2f | %.2f |\n", r.Name, num(r.Ours.P50MS), num(r.Ours.P99MS), r.Baseline.Name, num(r.Baseline.P50MS), num(r.Baseline.P99MS), r.RatioP50, r.RatioP99)
		for _, x := range r.Extra {
			fmt.Fprintf(&b, "| ↳ %s | | | %s | %s | %s | %.2f | |\n", r.Name, x.Name, num(x.P50MS), num(x.P99MS), safeRatio(r.Ours.P50MS, x.P50MS))
		}
	}
	b.WriteString("\nTimes in milliseconds (replay: per event). Ratios are caseflow / baseline; each pair was measured interleaved in this run.\n\n")
	b.WriteString("Throughput (cases or steps per second, each arm's share of the interleaved wall time):\n\n| Measurement | caseflow /s | baseline /s |\n|---|---|---|\n")
	for _, r := range rep.Results {
		if r.Ours.PerSec > 0 {
			fmt.Fprintf(&b, "| %s | %.1f | %.1f |\n", r.Name, r.Ours.PerSec, r.Baseline.PerSec)
		}
	}
	if len(rep.Memory) > 0 {
		b.WriteString("\nMemory with idle open cases:\n\n| Idle cases | Heap in use | Per case | Created at |\n|---|---|---|---|\n")
		for _, m := range rep.Memory {
			fmt.Fprintf(&b, "| %d | %.0f MB | %.1f KB | %.0f cases/s |\n", m.Cases, m.HeapMB, m.PerCaseKB, m.CasesPerSec)
		}
		fmt.Fprintf(&b, "\n%s.\n", rep.Memory[0].Measurement)
	}
	notes := map[string]bool{}
	for _, r := range all {
		if r.Note != "" && !notes[r.Note] {
			notes[r.Note] = true
			fmt.Fprintf(&b, "\n- %s: %s", r.Name, r.Note)
		}
	}
	if far := furthest(all); far != nil {
		fmt.Fprintf(&b, "\n\nThe ratio furthest from 1: %s, %.2f at the median.\n", far.Name, far.RatioP50)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func furthest(rs []Result) *Result {
	var best *Result
	score := func(r Result) float64 { return math.Abs(math.Log(math.Max(r.RatioP50, 1e-9))) }
	for i := range rs {
		if rs[i].RatioP50 > 0 && (best == nil || score(rs[i]) > score(*best)) {
			best = &rs[i]
		}
	}
	return best
}

func safeRatio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func num(v float64) string {
	switch {
	case v >= 100:
		return fmt.Sprintf("%.0f", v)
	case v >= 1:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.3f", v)
	}
}
