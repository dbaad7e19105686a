package config

import (
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/caseflow/caseflow/security/auth"
	"github.com/caseflow/caseflow/security/encryption"
)

// Security is the configuration of caseflow's protections: its keys, the limits on callers,
// and who may reach what.
type Security struct {
	// KeysFile names the key file (caseflow keys new); Keys holds one's content instead, from
	// the environment only (CASEFLOW_KEYS), never a flag. dev without either keeps a key file in
	// the data directory.
	KeysFile string
	Keys     string
	// MaxTokenLifetime refuses tokens valid for longer than this from their issue.
	MaxTokenLifetime time.Duration
	// NewCasesPerHour caps the cases one user may open in an hour.
	NewCasesPerHour int
	// AddressRateLimit caps requests per minute from one client address, before authentication.
	AddressRateLimit int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are
	// believed; TrustedProxiesText is the flag's value, parsed by Validate.
	TrustedProxies     []netip.Prefix
	TrustedProxiesText string
	// CodecOrigins are the Temporal Web UI origins allowed to call the codec endpoints from a
	// browser (comma-separated in the flag).
	CodecOrigins     []string
	CodecOriginsText string
	// InsecureListen lets dev listen on an address other than loopback.
	InsecureListen bool
	// WebUIAddr is where dev serves the Temporal Web UI, wired to the codec endpoint; empty
	// serves none.
	WebUIAddr string
	// InsecureLoopbackIssuer accepts an http OIDC issuer on loopback: for the in-process
	// identity providers of tests, which set it directly. No flag or variable sets it.
	InsecureLoopbackIssuer bool
	// PlaintextUntil is the migration switch for histories written before caseflow encrypted
	// payloads: until the end of that day (UTC), processes read payloads in clear; zero reads
	// none. It can name no day after encryption.PlaintextEnd, and the codec refuses them after
	// that whatever it says. PlaintextUntilText is the flag's value, parsed by Validate.
	PlaintextUntil     time.Time
	PlaintextUntilText string
	// UnboundPayloads writes payloads unbound, as the release before binding did, instead of
	// each bound to its case (encryption.Codec.BoundBy): a process of that release cannot read
	// a bound one, so a rolling upgrade from it sets this until every process runs this
	// release. Bound payloads are read, and kept to their case, whatever it says. Its zero value
	// binds, so that a Config made without flags (tests, embedding) binds as production does.
	UnboundPayloads bool
	// ProofClock replaces the wall clock by which the API dates its proofs and the worker judges
	// them, and by which the codec judges the end of the migration from payloads in clear: for
	// tests that run caseflow as it would be on another day. No flag or variable sets it.
	ProofClock func() time.Time
}

// Defaults of the limits.
const (
	DefaultNewCasesPerHour  = 30
	DefaultAddressRateLimit = 3000
)

// bindSecurity registers the security flags of a mode on fs.
func bindSecurity(fs *flag.FlagSet, c *Config, mode Mode, env func(name, def string) string) {
	s := &c.Security
	fs.StringVar(&s.KeysFile, "keys-file", env("CASEFLOW_KEYS_FILE", ""), "key file made by caseflow keys new: payload encryption, identity signing and pseudonym keys (env CASEFLOW_KEYS_FILE; or the file's content in CASEFLOW_KEYS; dev keeps one in --data-dir)")
	s.Keys = os.Getenv("CASEFLOW_KEYS")
	lifetime, _ := time.ParseDuration(env("CASEFLOW_MAX_TOKEN_LIFETIME", auth.DefaultMaxLifetime.String()))
	fs.DurationVar(&s.MaxTokenLifetime, "max-token-lifetime", lifetime, "refuse tokens valid for longer than this from their issue (env CASEFLOW_MAX_TOKEN_LIFETIME)")
	cases, _ := strconv.Atoi(env("CASEFLOW_NEW_CASE_LIMIT", strconv.Itoa(DefaultNewCasesPerHour)))
	fs.IntVar(&s.NewCasesPerHour, "new-case-limit", cases, "new cases one user may open per hour (env CASEFLOW_NEW_CASE_LIMIT)")
	perAddress, _ := strconv.Atoi(env("CASEFLOW_ADDRESS_RATE_LIMIT", strconv.Itoa(DefaultAddressRateLimit)))
	fs.IntVar(&s.AddressRateLimit, "address-rate-limit", perAddress, "requests per minute from one client address, checked before authentication (env CASEFLOW_ADDRESS_RATE_LIMIT)")
	fs.StringVar(&s.TrustedProxiesText, "trusted-proxies", env("CASEFLOW_TRUSTED_PROXIES", ""), "comma-separated addresses or CIDRs of reverse proxies whose X-Forwarded-* headers are believed (env CASEFLOW_TRUSTED_PROXIES)")
	fs.StringVar(&s.PlaintextUntilText, "plaintext-payloads-until", env("CASEFLOW_PLAINTEXT_PAYLOADS_UNTIL", ""), "migration from a release before payload encryption: read payloads written in clear until the end of this day, YYYY-MM-DD (UTC), at the latest "+encryption.PlaintextEnd().Format(time.DateOnly)+"; empty reads none (env CASEFLOW_PLAINTEXT_PAYLOADS_UNTIL)")
	unbound, _ := strconv.ParseBool(env("CASEFLOW_UNBOUND_PAYLOADS", "false"))
	fs.BoolVar(&s.UnboundPayloads, "unbound-payloads", unbound, "write encrypted payloads unbound, as the release before binding did: only while upgrading from it, whose processes cannot read bound ones (env CASEFLOW_UNBOUND_PAYLOADS)")
	fs.StringVar(&s.CodecOriginsText, "codec-cors-origins", env("CASEFLOW_CODEC_CORS_ORIGINS", ""), "comma-separated Temporal Web UI origins allowed to call the codec endpoints from a browser (env CASEFLOW_CODEC_CORS_ORIGINS)")
	if mode == ModeDev {
		fs.BoolVar(&s.InsecureListen, "insecure-listen", false, "let dev listen on an address other than loopback: anyone who can reach it can sign in as anyone")
		fs.StringVar(&s.WebUIAddr, "web-ui", env("CASEFLOW_WEB_UI", "127.0.0.1:8233"), "address of the Temporal Web UI served by dev, on loopback; empty for none (env CASEFLOW_WEB_UI)")
	}
}

// validateSecurity checks the security settings of a mode.
func validateSecurity(c *Config, mode Mode, bad complaint) {
	s := &c.Security
	if s.MaxTokenLifetime <= 0 || s.MaxTokenLifetime > 7*24*time.Hour {
		bad("--max-token-lifetime (CASEFLOW_MAX_TOKEN_LIFETIME)", "must be more than 0 and at most a week")
	}
	if s.NewCasesPerHour < 1 {
		bad("--new-case-limit (CASEFLOW_NEW_CASE_LIMIT)", "must be at least 1 case an hour")
	}
	if s.AddressRateLimit < 1 {
		bad("--address-rate-limit (CASEFLOW_ADDRESS_RATE_LIMIT)", "must be at least 1 request a minute")
	}
	s.TrustedProxies = nil
	for _, item := range splitList(s.TrustedProxiesText) {
		p, err := parsePrefix(item)
		if err != nil {
			bad("--trusted-proxies (CASEFLOW_TRUSTED_PROXIES)", "%q is not an address or CIDR", item)
			continue
		}
		s.TrustedProxies = append(s.TrustedProxies, p)
	}
	s.PlaintextUntil = time.Time{}
	if s.PlaintextUntilText != "" {
		day, err := time.Parse(time.DateOnly, s.PlaintextUntilText)
		switch end := encryption.PlaintextEnd(); {
		case err != nil:
			bad("--plaintext-payloads-until (CASEFLOW_PLAINTEXT_PAYLOADS_UNTIL)", "%q is not a day such as 2027-03-31", s.PlaintextUntilText)
		case day.AddDate(0, 0, 1).After(end.Add(time.Second)):
			bad("--plaintext-payloads-until (CASEFLOW_PLAINTEXT_PAYLOADS_UNTIL)", "the migration from payloads in clear ends on %s; caseflow reads none after it", end.Format(time.DateOnly))
		default:
			s.PlaintextUntil = day.AddDate(0, 0, 1).Add(-time.Second)
		}
	}
	s.CodecOrigins = splitList(s.CodecOriginsText)
	for _, o := range s.CodecOrigins {
		if !strings.HasPrefix(o, "https://") && !strings.HasPrefix(o, "http://") || strings.Count(o, "/") != 2 {
			bad("--codec-cors-origins (CASEFLOW_CODEC_CORS_ORIGINS)", "%q is not an origin such as https://temporal-ui.example.org", o)
		}
	}
	if (mode == ModeServe || mode == ModeWorker) && s.KeysFile == "" && s.Keys == "" {
		bad("--keys-file (CASEFLOW_KEYS_FILE)", "is required outside dev (or CASEFLOW_KEYS); make one with caseflow keys new")
	}
	if c.Auth == "oidc" && c.OIDCIssuer != "" {
		if err := auth.RequireHTTPS(c.OIDCIssuer); err != nil {
			bad("--oidc-issuer (CASEFLOW_OIDC_ISSUER)", "%v", err)
		}
	}
	if mode == ModeDev {
		// An address that is not host:port at all is already reported once, by Validate.
		if err := checkLoopback(c.HTTPAddr); err != nil && !s.InsecureListen && checkHostPort(c.HTTPAddr) == nil {
			bad("--http (CASEFLOW_HTTP_ADDR)", "%v; dev hands out tokens for any role to anyone who asks, so it listens on loopback only (add --insecure-listen to override, on a network you trust)", err)
		}
		if s.WebUIAddr != "" {
			if err := checkLoopback(s.WebUIAddr); err != nil {
				bad("--web-ui (CASEFLOW_WEB_UI)", "%v; the Temporal Web UI of dev listens on loopback only", err)
			}
		}
	}
}

// checkLoopback refuses an address whose host is not a loopback address or localhost.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port", addr)
	}
	if host == "localhost" {
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%q is not a loopback address", addr)
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(a, a.BitLen()), nil
}

func splitList(s string) []string {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// DevKeysFile is the key file dev keeps in its data directory.
func (c *Config) DevKeysFile() string { return filepath.Join(c.DataDir, "keys.json") }
