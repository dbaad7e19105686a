package config

import (
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// docs/configuration.md is what operators read: its table names every flag and environment
// variable caseflow reads, and nothing it does not.
func TestTheConfigurationTableMatchesTheFlags(t *testing.T) {
	doc, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	flags, envs := map[string]bool{}, map[string]bool{}
	for _, mode := range []Mode{ModeDev, ModeServe, ModeWorker, ModeTool, ModeSetup} {
		fs := flag.NewFlagSet("caseflow", flag.ContinueOnError)
		Bind(fs, mode)
		fs.VisitAll(func(f *flag.Flag) { flags[f.Name] = true })
	}
	// The variables are those the package reads, by their quoted names.
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sources {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`"((?:CASEFLOW|TEMPORAL|REDIS|OTEL)_[A-Z0-9_]+)"`).FindAllStringSubmatch(string(src), -1) {
			envs[m[1]] = true
		}
	}
	documentedFlags, documentedEnvs := map[string]bool{}, map[string]bool{}
	for _, line := range strings.Split(string(doc), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 4 || !strings.Contains(cells[1], "`--") {
			continue
		}
		for _, m := range regexp.MustCompile("`--([a-z0-9-]+)`").FindAllStringSubmatch(cells[1], -1) {
			documentedFlags[m[1]] = true
		}
		for _, m := range regexp.MustCompile("`([A-Z][A-Z0-9_]+)`").FindAllStringSubmatch(cells[2], -1) {
			documentedEnvs[m[1]] = true
		}
	}
	if len(documentedFlags) < 20 {
		t.Fatalf("found only %d flags in the table", len(documentedFlags))
	}
	compare(t, "flag", flags, documentedFlags)
	compare(t, "environment variable", envs, documentedEnvs)
}

func compare(t *testing.T, what string, read, documented map[string]bool) {
	t.Helper()
	for _, name := range slices.Sorted(maps.Keys(read)) {
		if !documented[name] {
			t.Errorf("the %s %s is read but not in docs/configuration.md", what, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(documented)) {
		if !read[name] {
			t.Errorf("docs/configuration.md documents the %s %s, which caseflow does not read", what, name)
		}
	}
}
