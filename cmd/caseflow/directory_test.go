package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirectoryCheckNamesTheLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "directory.yaml")
	bad := "people:\n  - id: sw-1\n    name: Sam\n    email: sam at agency\n    role: social_worker\nsafeguarding_leads: [sw-1]\n"
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"directory", "check", file}, &stdout, &stderr); code != 2 {
		t.Fatalf("exit %d, want 2; stderr:\n%s", code, stderr.String())
	}
	for _, want := range []string{
		"line 4: people[0].email: \"sam at agency\" is not an email address",
		"line 6: safeguarding_leads[0]: \"sw-1\" is a social_worker; this needs a safeguarding_lead",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}

	good := filepath.Join(t.TempDir(), "example.yaml")
	stdout.Reset()
	if code := run(context.Background(), []string{"directory", "example"}, &stdout, &stderr); code != 0 {
		t.Fatal("caseflow directory example failed")
	}
	if err := os.WriteFile(good, stdout.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	stdout.Reset()
	if code := run(context.Background(), []string{"directory", "check", good}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "9 people") {
		t.Fatalf("the example does not pass its own check (exit %d):\n%s%s", code, stdout.String(), stderr.String())
	}
}
