package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// serveArgs make a valid configuration of serve, beside the REDIS_URL each test sets.
var serveArgs = []string{"--oidc-issuer", "https://idp.example", "--keys-file", "keys.json"}

// Each rule of Validate outside the security settings (security_test.go has those), with the
// setting its error names. A rule that stops refusing, or names the wrong setting, fails here.
func TestValidateRules(t *testing.T) {
	t.Setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
	missing := filepath.Join(t.TempDir(), "missing.pem")
	exists := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(exists, []byte("a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	serve := func(args ...string) []string { return append(append([]string{}, serveArgs...), args...) }
	cases := []struct {
		name string
		mode Mode
		args []string
		want string // the setting named; "" for valid
	}{
		{"dev as it comes", ModeDev, nil, ""},
		{"serve as configured", ModeServe, serve(), ""},
		{"a worker with keys", ModeWorker, []string{"--keys-file", "keys.json"}, ""},
		{"a tool without a data directory", ModeTool, []string{"--data-dir", ""}, ""},

		{"no data directory", ModeDev, []string{"--data-dir", " "}, "--data-dir"},
		{"an HTTP address without a port", ModeDev, []string{"--http", "127.0.0.1"}, "--http"},
		{"an HTTP port out of range", ModeDev, []string{"--http", "127.0.0.1:70000"}, "--http"},
		{"an HTTP address without a host", ModeServe, serve("--http", ":8080"), "--http"},
		{"a Temporal address without a port", ModeWorker, []string{"--keys-file", "k", "--temporal-address", "temporal"}, "--temporal-address"},
		{"TLS to dev's own Temporal", ModeDev, []string{"--temporal-tls-ca", exists}, "--temporal-tls-*"},
		{"a certificate without its key", ModeServe, serve("--temporal-tls-cert", exists), "TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY"},
		{"a key without its certificate", ModeServe, serve("--temporal-tls-key", exists), "TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY"},
		{"a CA file that is not there", ModeServe, serve("--temporal-tls-ca", missing), "TEMPORAL_TLS_CA"},
		{"a CA file that is there", ModeServe, serve("--temporal-tls-ca", exists), ""},
		{"no namespace", ModeServe, serve("--temporal-namespace", " "), "--temporal-namespace"},
		{"a Redis URL that is not one", ModeDev, []string{"--redis-url", "http://redis"}, "REDIS_URL"},
		{"serve without Redis", ModeServe, serve("--redis-url", ""), "REDIS_URL"},
		{"a worker without Redis", ModeWorker, []string{"--keys-file", "k", "--redis-url", ""}, "REDIS_URL"},
		{"dev without Redis", ModeDev, []string{"--redis-url", ""}, ""},
		{"an unknown kind of sign-in", ModeDev, []string{"--auth", "ldap"}, "--auth"},
		{"oidc without an issuer", ModeServe, serve("--oidc-issuer", ""), "--oidc-issuer"},
		{"a worker with oidc and no issuer", ModeWorker, []string{"--keys-file", "k"}, ""},
		{"a callback over http", ModeServe, serve("--oidc-redirect-url", "http://caseflow.example/auth/callback"), "--oidc-redirect-url"},
		{"a callback elsewhere", ModeServe, serve("--oidc-redirect-url", "https://caseflow.example/login"), "--oidc-redirect-url"},
		{"a callback without a host", ModeServe, serve("--oidc-redirect-url", "/auth/callback"), "--oidc-redirect-url"},
		{"a callback over https", ModeServe, serve("--oidc-redirect-url", "https://caseflow.example/auth/callback"), ""},
		{"a callback over http on loopback", ModeDev, []string{"--oidc-redirect-url", "http://127.0.0.1:8080/auth/callback"}, ""},
		{"sessions that never idle out", ModeDev, []string{"--session-idle", "0s"}, "--session-idle"},
		{"sessions shorter than their idle time", ModeDev, []string{"--session-idle", "1h", "--session-max", "30m"}, "--session-max"},
		{"no requests allowed", ModeDev, []string{"--rate-limit", "0"}, "--rate-limit"},
		{"an unknown log level", ModeDev, []string{"--log-level", "verbose"}, "--log-level"},
		{"an unknown log format", ModeDev, []string{"--log-format", "xml"}, "--log-format"},
		{"a policy file that is not there", ModeDev, []string{"--policy", missing}, "--policy"},
		{"a policy file", ModeDev, []string{"--policy", "../../policy/testdata/short-clocks.yaml"}, ""},
	}
	for _, c := range cases {
		err := validate(t, c.mode, c.args...)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && err == nil:
			t.Errorf("%s: accepted, want an error naming %s", c.name, c.want)
		case c.want != "" && !strings.HasPrefix(err.Error(), c.want+" ") && !strings.HasPrefix(err.Error(), c.want+":"):
			t.Errorf("%s: %q, want an error naming %s first", c.name, err, c.want)
		case c.want != "" && strings.Contains(err.Error(), "\n"):
			t.Errorf("%s: one mistake gave several errors: %q", c.name, err)
		}
	}
}

// Every mistake is reported at once, each on its line naming its setting, so one run of the
// command shows all there is to correct.
func TestValidateReportsEveryMistake(t *testing.T) {
	t.Setenv("REDIS_URL", "")
	err := validate(t, ModeServe, "--auth", "dev", "--rate-limit", "0", "--log-format", "xml")
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	for _, want := range []string{"REDIS_URL", "--auth", "--rate-limit", "--keys-file", "--log-format"} {
		found := false
		for _, l := range lines {
			found = found || strings.HasPrefix(l, want)
		}
		if !found {
			t.Errorf("no line names %s: %q", want, lines)
		}
	}
	if len(lines) != 5 {
		t.Errorf("%d lines, want 5: %q", len(lines), lines)
	}
}

// Validate loads the policy: the built-in one, or the file named instead.
func TestValidateLoadsThePolicy(t *testing.T) {
	for _, file := range []string{"", "../../policy/testdata/short-clocks.yaml"} {
		c := &Config{DataDir: ".caseflow", HTTPAddr: "127.0.0.1:8080", TemporalAddress: "127.0.0.1:7233", TemporalNamespace: "default",
			Auth: "dev", SessionIdle: time.Minute, SessionMax: time.Hour, RateLimit: 1, LogLevel: "info", LogFormat: "text", PolicyFile: file,
			Security: Security{MaxTokenLifetime: time.Hour, NewCasesPerHour: 1, AddressRateLimit: 1}}
		if err := c.Validate(ModeDev); err != nil {
			t.Fatalf("policy %q: %v", file, err)
		}
		if builtIn := reflect.DeepEqual(c.Policy, policy.Default()); builtIn != (file == "") {
			t.Errorf("policy %q: the built-in policy loaded: %v", file, builtIn)
		}
	}
}
