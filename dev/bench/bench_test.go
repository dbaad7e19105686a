package bench

import (
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Every arm runs n times, and each arm goes first as often as the others, so that neither
// profits from a warm path.
func TestInterleavedArmsRotateWhichGoesFirst(t *testing.T) {
	var mu sync.Mutex
	var order []int
	arm := func(k int) func(int) error {
		return func(int) error {
			mu.Lock()
			order = append(order, k)
			mu.Unlock()
			return nil
		}
	}
	lat, err := interleavedArms(1, 9, arm(0), arm(1), arm(2))
	if err != nil {
		t.Fatal(err)
	}
	for k, s := range lat {
		if len(s) != 9 {
			t.Errorf("arm %d ran %d times, want 9", k, len(s))
		}
	}
	first := map[int]int{}
	for i := 0; i < len(order); i += 3 {
		first[order[i]]++
	}
	for k := range 3 {
		if first[k] != 3 {
			t.Errorf("arm %d went first %d times of 9, want 3 (order %v)", k, first[k], order)
		}
	}
}

// The carried-state figure is read from the five-year test's log line: the parser must match
// what the test writes, or the stage fails on the full run only.
func TestFiveYearLineMatchesTheTestsLog(t *testing.T) {
	src, err := os.ReadFile("../../workflows/longcase_test.go")
	if err != nil {
		t.Fatal(err)
	}
	format := regexp.MustCompile(`"largest carried state [^"]*"`).Find(src)
	if format == nil {
		t.Fatal("the five-year test no longer logs its largest carried state")
	}
	line := strings.NewReplacer("%d", "123").Replace(strings.Trim(string(format), `"`))
	m := fiveYearLine.FindStringSubmatch(line)
	if m == nil || m[1] != "123" || m[2] != "123" || m[3] != "123" {
		t.Fatalf("the parser does not read %q: %v", line, m)
	}
}
