package determinism

import (
	"bufio"
	"fmt"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestWorkflowCodeReadsNoWallClock fails when a workflow caseflow registers, or anything it
// calls, reads the wall clock, a random source or the environment outside what Temporal records.
// Temporal's workflowcheck (make lint) stops at calls through interfaces and func values; this
// walk follows them (see the package doc).
func TestWorkflowCodeReadsNoWallClock(t *testing.T) {
	findings, err := Analyze(".", "github.com/caseflow/caseflow/...")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		t.Error(f)
	}
}

// TestFindsEachForbiddenCallInFixture runs the analysis over testdata/fixture, which holds each
// way workflow code can reach a forbidden call and each place Temporal allows one, and expects
// exactly the calls marked with a want comment, each reached by the chain the comment names.
func TestFindsEachForbiddenCallInFixture(t *testing.T) {
	findings, err := Analyze(".", "./testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	want := wanted(t, "testdata/fixture")
	got := map[string]string{}
	for _, f := range findings {
		at := placeOf(f.Chain[len(f.Chain)-1].At)
		if _, twice := got[at]; twice {
			t.Errorf("two findings at %s; the fixture has one forbidden call a line", at)
		}
		got[at] = f.Path()
		if want[at] != f.Path() {
			t.Errorf("unexpected finding, or by another chain than %q:\n%s", want[at], f)
		}
		for _, s := range f.Chain {
			if !s.At.IsValid() {
				t.Errorf("%s: step %q has no position", at, s)
			}
		}
	}
	for _, at := range slices.Sorted(maps.Keys(want)) {
		if _, ok := got[at]; !ok {
			t.Errorf("%s: not found: %s", at, want[at])
		}
	}
}

// TestUnnamedRegistrationFails: a workflow registered through a variable cannot be followed, and
// the analysis says where rather than pass having checked less.
func TestUnnamedRegistrationFails(t *testing.T) {
	_, err := Analyze(".", "./testdata/unnamed")
	if err == nil || !strings.Contains(err.Error(), "unnamed.go:9:") {
		t.Fatalf("want an error naming unnamed.go:9, got %v", err)
	}
}

// TestFindingNamesEachStep pins how a finding reads in a failed test.
func TestFindingNamesEachStep(t *testing.T) {
	at := func(line int) token.Position { return token.Position{Filename: "audit/take.go", Line: line, Column: 3} }
	f := Finding{Reads: "(*identity.Verifier).Verify", Chain: []Step{
		{Verb: verbRegistered, Func: "(*audit.Workflows).Stream", At: token.Position{Filename: "app/app.go", Line: 250, Column: 31}},
		{Verb: "calls", Func: "(*audit.head).takeSignalled", At: at(120)},
		{Verb: "may call", Func: "(*identity.Verifier).Verify", Via: "through audit.Verifier", At: at(193)},
	}}
	want := `audit/take.go:193:3: workflow code reads (*identity.Verifier).Verify:
	(*audit.Workflows).Stream, registered as a workflow at app/app.go:250:31
	calls (*audit.head).takeSignalled at audit/take.go:120:3
	may call (*identity.Verifier).Verify through audit.Verifier at audit/take.go:193:3`
	if f.String() != want {
		t.Errorf("got\n%s\nwant\n%s", f, want)
	}
	if got := f.Path(); got != "(*audit.Workflows).Stream -> (*audit.head).takeSignalled -> (*identity.Verifier).Verify" {
		t.Errorf("path %q", got)
	}
}

var wantComment = regexp.MustCompile(`// want "([^"]+)"`)

// wanted reads the want comments of the Go files in dir: the chain expected at each line.
func wanted(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s: %v", dir, err)
	}
	want := map[string]string{}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		lines := bufio.NewScanner(f)
		for line := 1; lines.Scan(); line++ {
			if m := wantComment.FindStringSubmatch(lines.Text()); m != nil {
				want[placeOf(token.Position{Filename: name, Line: line})] = m[1]
			}
		}
		f.Close()
		if err := lines.Err(); err != nil {
			t.Fatal(err)
		}
	}
	return want
}

// placeOf is a position as the fixture test compares them: file name and line.
func placeOf(p token.Position) string { return fmt.Sprintf("%s:%d", filepath.Base(p.Filename), p.Line) }
