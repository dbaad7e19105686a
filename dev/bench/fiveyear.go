package bench

import (
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
)

// CarriedState is what the five-year case carries from one run into the next, as the workflow
// package's five-year test measures it under time skipping.
type CarriedState struct {
	LargestBytes int    `json:"largest_bytes"`
	BoundBytes   int    `json:"bound_bytes"`
	Archived     int    `json:"timeline_entries_archived"`
	Source       string `json:"source"`
}

const fiveYearTest = "TestAFiveYearCaseCarriesABoundedState"

var fiveYearLine = regexp.MustCompile(`largest carried state (\d+) bytes \(bound (\d+)\); (\d+) timeline entries (?:archived|sealed)`)

// fiveYear runs the five-year test of the workflow package and reads the carried-state size it
// logs: the case is driven through five years of monthly chases and recorded reviews in
// eleven runs, and the largest state handed from one run to the next is what counts.
func (r *run) fiveYear(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, "go", "test", "./workflows/", "-run", "^"+fiveYearTest+"$", "-count=1", "-v").CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test %s: %w\n%s", fiveYearTest, err, out)
	}
	m := fiveYearLine.FindSubmatch(out)
	if m == nil {
		return fmt.Errorf("%s logged no carried-state size:\n%s", fiveYearTest, out)
	}
	largest, _ := strconv.Atoi(string(m[1]))
	bound, _ := strconv.Atoi(string(m[2]))
	archived, _ := strconv.Atoi(string(m[3]))
	r.report.CarriedState = &CarriedState{LargestBytes: largest, BoundBytes: bound, Archived: archived, Source: "go test ./workflows/ -run " + fiveYearTest}
	r.progress("five-year case: largest carried state %d bytes (bound %d)", largest, bound)
	return nil
}
