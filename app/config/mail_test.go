package config

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func validateMail(t *testing.T, mode Mode, args ...string) (*Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c := Bind(fs, mode)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return c, c.Validate(mode)
}

func TestMailSettings(t *testing.T) {
	t.Setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
	bad := filepath.Join(t.TempDir(), "directory.yaml")
	if err := os.WriteFile(bad, []byte("people:\n  - id: sw-1\n    name: Sam\n    email: nowhere\n    role: social_worker\nsafeguarding_leads: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a bad directory names its line", []string{"--directory", bad}, "line 4: people[0].email"},
		{"a mail server needs a directory", []string{"--smtp-addr", "mail.agency.example:587", "--mail-from", "caseflow@agency.example", "--base-url", "https://caseflow.agency.example"}, "--directory (CASEFLOW_DIRECTORY): is required with --smtp-addr"},
		{"a sender address", []string{"--smtp-addr", "mail.agency.example:587", "--mail-from", "Caseflow <caseflow@agency.example>"}, "--mail-from"},
		{"no mail in the clear to another machine", []string{"--smtp-addr", "mail.agency.example:25", "--smtp-tls", "none", "--mail-from", "caseflow@agency.example"}, "only sent to a server on this machine"},
		{"a digest time", []string{"--digest-at", "8.30am"}, "--digest-at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := validateMail(t, ModeWorker, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	c, err := validateMail(t, ModeDev)
	if err != nil {
		t.Fatal(err)
	}
	if c.Mail.Directory == nil || c.Mail.BaseURL != "http://127.0.0.1:8080" || c.Mail.DigestAt != "08:30" || c.Mail.Enabled() {
		t.Errorf("dev's mail settings: %+v", c.Mail)
	}
}
