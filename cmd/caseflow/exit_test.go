package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// invoke runs caseflow with args, as the shell would, and returns its exit status and output.
func invoke(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// Every command answers --help with status 0, and a flag it does not know with status 2 and
// one line saying so, before it starts anything.
func TestEveryCommandsHelpAndUnknownFlags(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			if code, _, stderr := invoke(t, c.name, "--help"); code != 0 {
				t.Errorf("--help: exit %d: %s", code, stderr)
			}
			code, _, stderr := invoke(t, c.name, "--no-such-flag")
			if code != 2 {
				t.Errorf("an unknown flag: exit %d, want 2: %s", code, stderr)
			}
			if last := lastLine(stderr); !strings.HasPrefix(last, "caseflow "+c.name+": ") {
				t.Errorf("an unknown flag: the last line %q does not say which command refused it", last)
			}
		})
	}
}

// An invalid configuration is one line naming the setting, and exit status 2, as docs/configuration.md
// promises: for every command that reads the configuration, before anything starts.
func TestInvalidConfigurationExitsTwo(t *testing.T) {
	t.Setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
	for _, args := range [][]string{
		{"dev", "--log-format", "xml"},
		{"dev", "--http", "0.0.0.0:8080"},
		{"serve", "--auth", "dev", "--keys-file", "k"},
		{"worker", "--rate-limit", "0", "--keys-file", "k"},
		{"reindex", "--temporal-address", "temporal", "--keys-file", "k"},
	} {
		code, stdout, stderr := invoke(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
		}
		if stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "caseflow "+args[0]+": invalid configuration: --") {
			t.Errorf("%v: want one line naming the setting, got stdout %q stderr %q", args, stdout, stderr)
		}
	}
}

func TestExitStatuses(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	aFile := filepath.Join(t.TempDir(), "a-file")
	if err := os.WriteFile(aFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		args     []string
		lifetime string // CASEFLOW_MAX_TOKEN_LIFETIME
		code     int
	}{
		{"no command", nil, "", 0},
		{"help", []string{"help"}, "", 0},
		{"an unknown command", []string{"deploy"}, "", 2},
		{"a token", []string{"token", "--role", "carer", "--user", "c-1"}, "", 0},
		{"an unexpected argument", []string{"token", "--role", "carer", "--user", "c-1", "extra"}, "", 2},
		{"a token for no one", []string{"token", "--role", "carer"}, "", 2},
		{"a token for an unknown role", []string{"token", "--role", "admin", "--user", "a-1"}, "", 2},
		{"a token lifetime cap that is not a duration", []string{"token", "--role", "carer", "--user", "c-1"}, "soon", 2},
		{"a token where no key can be kept", []string{"token", "--data-dir", filepath.Join(aFile, "dir"), "--role", "carer", "--user", "c-1"}, "", 1},
		{"policy without a tool", []string{"policy"}, "", 2},
		{"deadlines from no time", []string{"policy", "deadlines", "--from", "yesterday"}, "", 2},
		{"deadlines of a policy file that is not there", []string{"policy", "deadlines", "--from", "2026-12-18T10:00:00Z", "--policy", missing}, "", 2},
		{"deadlines", []string{"policy", "deadlines", "--from", "2026-12-18T10:00:00Z"}, "", 0},
		{"the built-in policy", []string{"policy", "default"}, "", 0},
		{"an unknown keys command", []string{"keys", "forget"}, "", 2},
		{"a rotation without a file", []string{"keys", "rotate"}, "", 2},
		{"a rotation of a file that is not there", []string{"keys", "rotate", "--file", missing}, "", 1},
		{"seed without Redis", []string{"seed"}, "", 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("REDIS_URL", "")
			t.Setenv("CASEFLOW_POLICY", "")
			t.Setenv("CASEFLOW_DATA_DIR", t.TempDir())
			t.Setenv("CASEFLOW_MAX_TOKEN_LIFETIME", c.lifetime)
			code, _, stderr := invoke(t, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d: %s", code, c.code, stderr)
			}
			if c.code != 0 && strings.Count(stderr, "\n") != 1 {
				t.Errorf("want one line on stderr, got %q", stderr)
			}
		})
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}
