package config

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/policy"
)

// Config is everything a caseflow process can be told.
type Config struct {
	// DataDir holds the embedded Temporal database and the development signing key (dev only).
	DataDir string
	// HTTPAddr is where the API and the web pages listen.
	HTTPAddr string
	// TemporalAddress is the Temporal frontend: dev serves it here, serve and worker connect to it.
	TemporalAddress   string
	TemporalNamespace string
	TemporalTLS       TLS
	// RedisURL selects a real Redis; in dev an empty value starts an in-process one.
	RedisURL string
	// PolicyFile replaces the embedded default policy.
	PolicyFile string
	// Auth is "dev" (tokens signed with a local key) or "oidc" (the agency's identity provider).
	Auth         string
	OIDCIssuer   string
	OIDCAudience string
	RoleClaim    string
	TeamClaim    string
	TeamsClaim   string
	// OIDCClientSecret and OIDCRedirectURL let the pages sign people in through the identity
	// provider (the client id is OIDCAudience). Without a redirect URL, sign-in works on
	// loopback addresses only.
	OIDCClientSecret string
	OIDCRedirectURL  string
	// SessionIdle and SessionMax end the pages' sessions: after so long unused, and so long
	// after sign-in however busy.
	SessionIdle time.Duration
	SessionMax  time.Duration
	// TeamAccess lets social workers see every case of their team.
	TeamAccess bool
	// RateLimit is requests per minute per user.
	RateLimit int
	LogLevel  string
	LogFormat string
	// OpsHTTPAddr is where a worker or an API process serves /healthz, /readyz and /metrics,
	// apart from the API's own port, so that what the metrics count (requests by route, chases
	// by rule) never reaches whoever reaches the ingress; empty for none.
	OpsHTTPAddr string
	// OTLPEndpoint receives traces by OTLP/gRPC; empty turns tracing off.
	OTLPEndpoint string
	// Retention is how long Temporal keeps closed runs of a namespace that setup creates.
	Retention time.Duration
	// ReadModelCheck is how often the worker looks for an empty read model (to rebuild it) and
	// samples the overdue count; 0 means every 30 seconds. Tests shorten it.
	ReadModelCheck time.Duration
	// Security holds the keys, limits and listening rules (security.go).
	Security Security

	// Policy is the loaded policy, set by Validate.
	Policy *policy.Policy
	// Mail is email: the directory, the mail server and the morning digest (mail.go).
	Mail Mail
}

// TLS configures mutual TLS to a Temporal cluster.
type TLS struct {
	CertFile, KeyFile, CAFile, ServerName string
}

// Enabled reports whether any TLS option is set.
func (t TLS) Enabled() bool {
	return t.CertFile != "" || t.KeyFile != "" || t.CAFile != "" || t.ServerName != ""
}

// Mode says which command the configuration is for: it changes defaults and what is required.
type Mode int

const (
	ModeDev Mode = iota
	ModeServe
	ModeWorker
	ModeTool
	ModeSetup
)

// Bind registers the flags of a mode on fs, with defaults from the environment, and returns
// the Config they fill.
func Bind(fs *flag.FlagSet, mode Mode) *Config {
	c := &Config{}
	env := func(name, def string) string {
		if v, ok := os.LookupEnv(name); ok {
			return v
		}
		return def
	}
	defaultAuth := "oidc"
	if mode == ModeDev || mode == ModeTool {
		defaultAuth = "dev"
	}
	fs.StringVar(&c.DataDir, "data-dir", env("CASEFLOW_DATA_DIR", ".caseflow"), "directory for the embedded Temporal database and the development key (env CASEFLOW_DATA_DIR)")
	fs.StringVar(&c.HTTPAddr, "http", env("CASEFLOW_HTTP_ADDR", "127.0.0.1:8080"), "address of the API and web pages (env CASEFLOW_HTTP_ADDR)")
	fs.StringVar(&c.TemporalAddress, "temporal-address", env("TEMPORAL_ADDRESS", "127.0.0.1:7233"), "Temporal frontend host:port (env TEMPORAL_ADDRESS)")
	fs.StringVar(&c.TemporalNamespace, "temporal-namespace", env("TEMPORAL_NAMESPACE", "default"), "Temporal namespace (env TEMPORAL_NAMESPACE)")
	fs.StringVar(&c.TemporalTLS.CertFile, "temporal-tls-cert", env("TEMPORAL_TLS_CERT", ""), "client certificate for Temporal mTLS (env TEMPORAL_TLS_CERT)")
	fs.StringVar(&c.TemporalTLS.KeyFile, "temporal-tls-key", env("TEMPORAL_TLS_KEY", ""), "client key for Temporal mTLS (env TEMPORAL_TLS_KEY)")
	fs.StringVar(&c.TemporalTLS.CAFile, "temporal-tls-ca", env("TEMPORAL_TLS_CA", ""), "CA bundle for the Temporal server (env TEMPORAL_TLS_CA)")
	fs.StringVar(&c.TemporalTLS.ServerName, "temporal-tls-server-name", env("TEMPORAL_TLS_SERVER_NAME", ""), "TLS server name of Temporal (env TEMPORAL_TLS_SERVER_NAME)")
	fs.StringVar(&c.RedisURL, "redis-url", env("REDIS_URL", ""), "Redis URL, e.g. redis://127.0.0.1:6379/0 (env REDIS_URL; dev without it runs an in-process Redis)")
	fs.StringVar(&c.PolicyFile, "policy", env("CASEFLOW_POLICY", ""), "policy file replacing the built-in policy (env CASEFLOW_POLICY)")
	fs.StringVar(&c.Auth, "auth", env("CASEFLOW_AUTH", defaultAuth), "token verification: dev or oidc (env CASEFLOW_AUTH)")
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", env("CASEFLOW_OIDC_ISSUER", ""), "OIDC issuer URL (env CASEFLOW_OIDC_ISSUER)")
	fs.StringVar(&c.OIDCAudience, "oidc-audience", env("CASEFLOW_OIDC_AUDIENCE", "caseflow"), "OIDC client id tokens are issued for (env CASEFLOW_OIDC_AUDIENCE)")
	fs.StringVar(&c.RoleClaim, "oidc-role-claim", env("CASEFLOW_OIDC_ROLE_CLAIM", "role"), "token claim holding the caseflow role (env CASEFLOW_OIDC_ROLE_CLAIM)")
	fs.StringVar(&c.TeamClaim, "oidc-team-claim", env("CASEFLOW_OIDC_TEAM_CLAIM", "team"), "token claim holding the team (env CASEFLOW_OIDC_TEAM_CLAIM)")
	fs.StringVar(&c.TeamsClaim, "oidc-teams-claim", env("CASEFLOW_OIDC_TEAMS_CLAIM", "caseflow_teams"), "token claim listing further teams whose cases a manager acts on (env CASEFLOW_OIDC_TEAMS_CLAIM)")
	fs.StringVar(&c.OIDCClientSecret, "oidc-client-secret", env("CASEFLOW_OIDC_CLIENT_SECRET", ""), "client secret for sign-in to the pages; prefer the environment variable (env CASEFLOW_OIDC_CLIENT_SECRET)")
	fs.StringVar(&c.OIDCRedirectURL, "oidc-redirect-url", env("CASEFLOW_OIDC_REDIRECT_URL", ""), "the pages' sign-in callback as registered with the provider, https://<host>/auth/callback (env CASEFLOW_OIDC_REDIRECT_URL)")
	idle, _ := time.ParseDuration(env("CASEFLOW_SESSION_IDLE", "30m"))
	fs.DurationVar(&c.SessionIdle, "session-idle", idle, "sign-in to the pages ends after this long unused (env CASEFLOW_SESSION_IDLE)")
	maxAge, _ := time.ParseDuration(env("CASEFLOW_SESSION_MAX", "12h"))
	fs.DurationVar(&c.SessionMax, "session-max", maxAge, "sign-in to the pages ends this long after signing in (env CASEFLOW_SESSION_MAX)")
	teamAccess, _ := strconv.ParseBool(env("CASEFLOW_TEAM_ACCESS", "false"))
	fs.BoolVar(&c.TeamAccess, "team-access", teamAccess, "social workers see every case of their team (env CASEFLOW_TEAM_ACCESS)")
	rate, _ := strconv.Atoi(env("CASEFLOW_RATE_LIMIT", "300"))
	fs.IntVar(&c.RateLimit, "rate-limit", rate, "requests per minute per user (env CASEFLOW_RATE_LIMIT)")
	opsDefault := ""
	if mode == ModeServe || mode == ModeWorker {
		opsDefault = "127.0.0.1:9090"
	}
	fs.StringVar(&c.OpsHTTPAddr, "ops-http", env("CASEFLOW_OPS_HTTP_ADDR", env("CASEFLOW_WORKER_HTTP_ADDR", opsDefault)),
		"address of this process's /healthz, /readyz and /metrics, never on the API's port; empty: none (env CASEFLOW_OPS_HTTP_ADDR)")
	// The name of earlier releases, when only workers had the port.
	fs.StringVar(&c.OpsHTTPAddr, "worker-http", c.OpsHTTPAddr, "the same as --ops-http (env CASEFLOW_WORKER_HTTP_ADDR), kept for earlier deployments")
	fs.StringVar(&c.OTLPEndpoint, "otlp-endpoint", env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT")), "send traces by OTLP/gRPC to this URL, e.g. http://otel-collector:4317; empty: no tracing (env OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT)")
	if mode == ModeSetup {
		retention, err := ParseRetention(env("CASEFLOW_RETENTION", ""))
		if err != nil {
			retention = -1 // reported by Validate
		}
		fs.Func("retention", "setup: how long Temporal keeps closed runs when it creates the namespace, e.g. 90d (env CASEFLOW_RETENTION; default 90d)", func(v string) error {
			d, err := ParseRetention(v)
			c.Retention = d
			return err
		})
		c.Retention = retention
	}
	fs.StringVar(&c.LogLevel, "log-level", env("CASEFLOW_LOG_LEVEL", "info"), "debug, info, warn or error (env CASEFLOW_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", env("CASEFLOW_LOG_FORMAT", "text"), "text or json (env CASEFLOW_LOG_FORMAT)")
	bindSecurity(fs, c, mode, env)
	bindMail(fs, &c.Mail, env)
	return c
}

// Validate checks the configuration for a mode and loads the policy. Its error is one line
// for each setting, naming it and what is wrong with it.
func (c *Config) Validate(mode Mode) error {
	var errs []error
	bad := func(setting, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", setting, fmt.Sprintf(format, args...)))
	}
	c.validateAddresses(mode, bad)
	c.validateTemporal(mode, bad)
	c.validateSignIn(mode, bad)
	validateSecurity(c, mode, bad)
	c.validateLimitsAndLogs(bad)
	c.Mail.validate(mode, c.HTTPAddr, bad)
	if len(errs) == 0 {
		c.loadPolicy(bad)
	}
	return errors.Join(errs...)
}

// complaint reports one setting that is wrong.
type complaint func(setting, format string, args ...any)

// validateAddresses checks where caseflow keeps its data and listens, and where it sends traces.
func (c *Config) validateAddresses(mode Mode, bad complaint) {
	if mode != ModeTool || c.DataDir != "" {
		if strings.TrimSpace(c.DataDir) == "" {
			bad("--data-dir", "must not be empty")
		}
	}
	if mode == ModeDev || mode == ModeServe {
		if err := checkHostPort(c.HTTPAddr); err != nil {
			bad("--http (CASEFLOW_HTTP_ADDR)", "%v", err)
		}
	}
	if c.OpsHTTPAddr != "" && mode != ModeTool && mode != ModeSetup {
		if err := checkHostPort(c.OpsHTTPAddr); err != nil {
			bad("--ops-http (CASEFLOW_OPS_HTTP_ADDR)", "%v", err)
		}
	}
	if c.OTLPEndpoint != "" && !strings.Contains(c.OTLPEndpoint, "://") {
		bad("--otlp-endpoint (OTEL_EXPORTER_OTLP_ENDPOINT)", "%q is not a URL; use http://host:4317, or https:// for TLS", c.OTLPEndpoint)
	}
	if c.Retention < 0 {
		bad("--retention (CASEFLOW_RETENTION)", "must be a duration such as 90d or 720h")
	}
	if c.RedisURL != "" {
		if _, err := redis.ParseURL(c.RedisURL); err != nil {
			bad("REDIS_URL", "%v", err)
		}
	} else if mode == ModeServe || mode == ModeWorker {
		bad("REDIS_URL", "is required outside dev")
	}
}

// validateTemporal checks the Temporal cluster's address, namespace and mutual TLS.
func (c *Config) validateTemporal(mode Mode, bad complaint) {
	if err := checkHostPort(c.TemporalAddress); err != nil {
		bad("--temporal-address (TEMPORAL_ADDRESS)", "%v", err)
	}
	if mode == ModeDev && c.TemporalTLS.Enabled() {
		bad("--temporal-tls-*", "the embedded Temporal server of dev listens without TLS on loopback")
	}
	if c.TemporalTLS.CertFile != "" || c.TemporalTLS.KeyFile != "" {
		if c.TemporalTLS.CertFile == "" || c.TemporalTLS.KeyFile == "" {
			bad("TEMPORAL_TLS_CERT/TEMPORAL_TLS_KEY", "give both the certificate and the key")
		}
	}
	for _, f := range []struct{ name, path string }{
		{"TEMPORAL_TLS_CERT", c.TemporalTLS.CertFile}, {"TEMPORAL_TLS_KEY", c.TemporalTLS.KeyFile}, {"TEMPORAL_TLS_CA", c.TemporalTLS.CAFile},
	} {
		if f.path != "" {
			if _, err := os.Stat(f.path); err != nil {
				bad(f.name, "cannot read %s", f.path)
			}
		}
	}
	if strings.TrimSpace(c.TemporalNamespace) == "" {
		bad("--temporal-namespace (TEMPORAL_NAMESPACE)", "must not be empty")
	}
}

// validateSignIn checks how tokens are verified and how long the pages' sessions last.
func (c *Config) validateSignIn(mode Mode, bad complaint) {
	switch c.Auth {
	case "dev":
		if mode == ModeServe {
			bad("--auth (CASEFLOW_AUTH)", "dev tokens are for caseflow dev only: anyone could sign in as anyone")
		}
	case "oidc":
		if c.OIDCIssuer == "" && (mode == ModeServe || mode == ModeDev) {
			bad("--oidc-issuer (CASEFLOW_OIDC_ISSUER)", "is required with --auth oidc")
		}
	default:
		bad("--auth (CASEFLOW_AUTH)", "must be dev or oidc, not %q", c.Auth)
	}
	if c.OIDCRedirectURL != "" {
		if err := checkRedirectURL(c.OIDCRedirectURL); err != nil {
			bad("--oidc-redirect-url (CASEFLOW_OIDC_REDIRECT_URL)", "%v", err)
		}
	}
	if c.SessionIdle <= 0 {
		bad("--session-idle (CASEFLOW_SESSION_IDLE)", "must be a positive duration such as 30m")
	}
	if c.SessionMax < c.SessionIdle {
		bad("--session-max (CASEFLOW_SESSION_MAX)", "must be at least the idle timeout (%v)", c.SessionIdle)
	}
}

// validateLimitsAndLogs checks the request rate limit and the logs' level and format.
func (c *Config) validateLimitsAndLogs(bad complaint) {
	if c.RateLimit < 1 {
		bad("--rate-limit (CASEFLOW_RATE_LIMIT)", "must be at least 1 request per minute")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("--log-level (CASEFLOW_LOG_LEVEL)", "must be debug, info, warn or error")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad("--log-format (CASEFLOW_LOG_FORMAT)", "must be text or json")
	}
}

// loadPolicy reads the policy file, or takes the built-in policy.
func (c *Config) loadPolicy(bad complaint) {
	c.Policy = policy.Default()
	if c.PolicyFile != "" {
		p, err := policy.LoadFile(c.PolicyFile)
		if err != nil {
			bad("--policy (CASEFLOW_POLICY)", "%v", strings.ReplaceAll(err.Error(), "\n", "; "))
		}
		c.Policy = p
	}
}

// ParseRetention reads a retention period in days ("90d") or as a Go duration ("720h"); empty
// means the default (zero).
func ParseRetention(v string) (time.Duration, error) {
	if v == "" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("%q is not a number of days", v)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration", v)
	}
	return d, nil
}

func checkHostPort(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port", addr)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("%q has no valid port", addr)
	}
	if host == "" {
		return fmt.Errorf("%q has no host; use 127.0.0.1 or 0.0.0.0", addr)
	}
	return nil
}

// checkRedirectURL accepts the pages' callback: https, or http on a loopback address only.
func checkRedirectURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", raw)
	}
	if !strings.HasSuffix(u.Path, "/auth/callback") {
		return fmt.Errorf("%q must end with /auth/callback", raw)
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	loopback := host == "localhost" || (ip != nil && ip.IsLoopback())
	if u.Scheme != "https" && (u.Scheme != "http" || !loopback) {
		return fmt.Errorf("%q must use https (http only on a loopback address)", raw)
	}
	return nil
}

// TemporalDBFile is the SQLite file of the embedded Temporal server.
func (c *Config) TemporalDBFile() string { return filepath.Join(c.DataDir, "temporal.db") }

// DevKeyFile is the development token signing key.
func (c *Config) DevKeyFile() string { return filepath.Join(c.DataDir, "dev-signing.key") }

// ShutdownGrace is how long in-flight requests get to finish on Ctrl-C.
const ShutdownGrace = 10 * time.Second
