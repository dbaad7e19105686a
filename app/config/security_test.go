package config

import (
	"flag"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/security/encryption"
)

func validate(t *testing.T, mode Mode, args ...string) error {
	t.Helper()
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := Bind(fs, mode)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return c.Validate(mode)
}

func TestNoOpenDoorsInConfiguration(t *testing.T) {
	t.Setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
	cases := []struct {
		name string
		mode Mode
		args []string
		want string // "" for valid
	}{
		{"dev on loopback", ModeDev, nil, ""},
		{"dev on localhost", ModeDev, []string{"--http", "localhost:8080"}, ""},
		{"dev on every interface", ModeDev, []string{"--http", "0.0.0.0:8080"}, "--insecure-listen"},
		{"dev on a LAN address", ModeDev, []string{"--http", "192.168.1.20:8080"}, "--insecure-listen"},
		{"dev on every interface, insisted", ModeDev, []string{"--http", "0.0.0.0:8080", "--insecure-listen"}, ""},
		{"dev's Web UI beyond loopback", ModeDev, []string{"--web-ui", "0.0.0.0:8233"}, "--web-ui"},
		{"dev tokens in serve", ModeServe, []string{"--auth", "dev", "--keys-file", "k"}, "dev tokens are for caseflow dev only"},
		{"issuer over http", ModeServe, []string{"--oidc-issuer", "http://idp.example", "--keys-file", "k"}, "must use https"},
		{"issuer over https", ModeServe, []string{"--oidc-issuer", "https://idp.example", "--keys-file", "k"}, ""},
		{"serve without keys", ModeServe, []string{"--oidc-issuer", "https://idp.example"}, "--keys-file"},
		{"worker without keys", ModeWorker, nil, "--keys-file"},
		{"token lifetime of a year", ModeDev, []string{"--max-token-lifetime", "8760h"}, "--max-token-lifetime"},
		{"no new cases", ModeDev, []string{"--new-case-limit", "0"}, "--new-case-limit"},
		{"bad proxy", ModeDev, []string{"--trusted-proxies", "10.0.0.0/8,proxy"}, "--trusted-proxies"},
		{"bad codec origin", ModeDev, []string{"--codec-cors-origins", "temporal-ui.example/"}, "--codec-cors-origins"},
	}
	for _, c := range cases {
		err := validate(t, c.mode, c.args...)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want an error naming %q", c.name, err, c.want)
		}
	}
}

func TestTrustedProxiesParsed(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c := Bind(fs, ModeDev)
	if err := fs.Parse([]string{"--trusted-proxies", "10.0.0.0/8, 192.168.1.1", "--codec-cors-origins", "https://ui.example"}); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(ModeDev); err != nil {
		t.Fatal(err)
	}
	if len(c.Security.TrustedProxies) != 2 || c.Security.TrustedProxies[1].Bits() != 32 {
		t.Errorf("trusted proxies %v", c.Security.TrustedProxies)
	}
	if len(c.Security.CodecOrigins) != 1 || c.Security.CodecOrigins[0] != "https://ui.example" {
		t.Errorf("codec origins %v", c.Security.CodecOrigins)
	}
}

// The migration switch for payloads in clear names a day, read to its end, and no day after the
// migration's end.
func TestPlaintextPayloadsUntilADay(t *testing.T) {
	last := encryption.PlaintextEnd().Format(time.DateOnly)
	for _, tc := range []struct {
		value string
		want  time.Time
		bad   bool
	}{
		{"", time.Time{}, false},
		{"2027-01-31", time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC), false},
		{last, encryption.PlaintextEnd(), false},
		{encryption.PlaintextEnd().AddDate(0, 0, 1).Format(time.DateOnly), time.Time{}, true},
		{"31/01/2027", time.Time{}, true},
	} {
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		c := Bind(fs, ModeDev)
		if err := fs.Parse([]string{"--plaintext-payloads-until", tc.value}); err != nil {
			t.Fatal(err)
		}
		err := c.Validate(ModeDev)
		if (err != nil) != tc.bad || (tc.bad && !strings.Contains(err.Error(), "--plaintext-payloads-until")) {
			t.Errorf("%q: %v", tc.value, err)
		}
		if !c.Security.PlaintextUntil.Equal(tc.want) {
			t.Errorf("%q: until %v, want %v", tc.value, c.Security.PlaintextUntil, tc.want)
		}
	}
}
