// Package test holds caseflow's end-to-end suites and test kits, one folder each, and the rules
// of the house: which package may import which, and that the root is what the README says.
package test

import (
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/caseflow/caseflow"

type pkg struct {
	ImportPath, Dir                    string
	Imports, TestImports, XTestImports []string
	Deps                               []string
}

// listPackages is every package of the module as go list sees it under the build tags.
func listPackages(t *testing.T, tags string) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json=ImportPath,Dir,Imports,TestImports,XTestImports,Deps", "-tags", tags, module+"/...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")] = p
	}
	if len(pkgs) < 30 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// own is what of caseflow a list of import paths names, as paths from the root.
func own(paths []string) []string {
	var out []string
	for _, p := range paths {
		if rest, ok := strings.CutPrefix(p, module+"/"); ok {
			out = append(out, rest)
		}
	}
	return out
}

func under(path string, folders ...string) bool {
	for _, f := range folders {
		if path == f || strings.HasPrefix(path, f+"/") {
			return true
		}
	}
	return false
}

// The layering of docs/architecture.md, as the compiler sees it.
func TestTheLayersHold(t *testing.T) {
	all := listPackages(t, "")
	lean := listPackages(t, "nodev")
	for path, p := range all {
		tested := slices.Concat(p.Imports, p.TestImports, p.XTestImports)
		switch {
		case under(path, "safeguarding", "policy"):
			// The domain is pure Go: it names nothing of caseflow but itself.
			for _, imp := range own(p.Imports) {
				if !under(imp, "safeguarding", "policy") {
					t.Errorf("%s, in the domain, imports %s", path, imp)
				}
			}
		case under(path, "activities"):
			// Activities run outside workflow code and never reach into it.
			for _, dep := range own(p.Deps) {
				if under(dep, "workflows") {
					t.Errorf("%s reaches %s", path, dep)
				}
			}
		case under(path, "api", "web"):
			// The faces reach Temporal through the interfaces they declare; only the codec
			// endpoint speaks Temporal's payloads.
			for _, imp := range p.Imports {
				if strings.HasPrefix(imp, "go.temporal.io/") && imp != "go.temporal.io/sdk/converter" && imp != "go.temporal.io/api/common/v1" {
					t.Errorf("%s imports %s", path, imp)
				}
				if imp == module+"/workflows/caseclient" {
					t.Errorf("%s imports the case client; it is handed an interface", path)
				}
			}
		}
		// Only the binary, its wiring, dev itself and the tests use what dev/ holds ...
		for _, imp := range own(tested) {
			if under(imp, "dev") && !under(path, "cmd", "app", "dev", "test") {
				t.Errorf("%s imports %s", path, imp)
			}
		}
	}
	// ... and the lean build (-tags nodev) leaves it out of everything else.
	for path, p := range lean {
		for _, imp := range own(p.Imports) {
			if under(imp, "dev") && !under(path, "dev") {
				t.Errorf("with -tags nodev, %s imports %s", path, imp)
			}
		}
	}
}

// The README draws the root; every folder there is drawn, and nothing else.
func TestTheREADMEDrawsTheRoot(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	tree := regexp.MustCompile("(?s)```text\n(cmd/.*?)```").FindSubmatch(readme)
	if tree == nil {
		t.Fatal("the README has no tree starting at cmd/")
	}
	var drawn []string
	for _, line := range strings.Split(string(tree[1]), "\n") {
		if name, _, ok := strings.Cut(line, "/"); ok && name != "" && !strings.HasPrefix(line, " ") {
			drawn = append(drawn, name)
		}
	}
	entries, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	var root []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			root = append(root, e.Name())
		}
	}
	slices.Sort(drawn)
	if !slices.Equal(drawn, root) {
		t.Errorf("the README draws %v; the root holds %v", drawn, root)
	}
}
