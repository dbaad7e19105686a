package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// Options adjust the stack.
type Options struct {
	// RedisDB is the database used on a real Redis (REDIS_URL): each test package uses its own,
	// so packages running in parallel never see each other's read models.
	RedisDB int
	// RedisURL, when set, is used as it is (not flushed): a test restarting caseflow keeps its
	// Redis across the restart this way.
	RedisURL string
	// Parts selects what runs; zero means everything (embedded servers, worker, API).
	Parts app.Parts
	// Policy replaces the default policy.
	Policy *policy.Policy
	// DataDir reuses a data directory (to restart on it); empty makes a new one.
	DataDir string
	// TemporalAddress reuses a frontend address (to restart on it); empty picks a free port.
	TemporalAddress string
	TeamAccess      bool
	RateLimit       int
	// Mail configures email (a directory, a mail server); zero sends none.
	Mail config.Mail
	// NewCasesPerHour caps new cases per user; zero means no practical cap.
	NewCasesPerHour int
	// Security replaces the other security settings (keys, address limit, proxies, origins).
	Security config.Security
	// OIDC, when set, runs caseflow with oidc auth against this identity provider, whose
	// client is caseflow (the audience); the pages sign in through it.
	OIDC *OIDC
}

// OIDC names an identity provider and caseflow's client secret at it.
type OIDC struct {
	Issuer, ClientID, ClientSecret string
}

// Env is a running stack.
type Env struct {
	T   testing.TB
	App *app.App
	URL string
	// OpsURL is the base URL of the process's /healthz, /readyz and /metrics port.
	OpsURL  string
	DataDir string
	Client  *http.Client
}

// Start starts the stack and stops it when the test ends.
func Start(t testing.TB, opts Options) *Env {
	t.Helper()
	cfg := &config.Config{
		DataDir:           opts.DataDir,
		HTTPAddr:          "127.0.0.1:0",
		OpsHTTPAddr:       "127.0.0.1:0",
		TemporalAddress:   opts.TemporalAddress,
		TemporalNamespace: "default",
		RedisURL:          opts.RedisURL,
		Auth:              "dev",
		TeamAccess:        opts.TeamAccess,
		RateLimit:         opts.RateLimit,
		Policy:            opts.Policy,
		ReadModelCheck:    500 * time.Millisecond,
		Mail:              opts.Mail,
		Security:          opts.Security,
	}
	if opts.NewCasesPerHour == 0 {
		opts.NewCasesPerHour = 100000
	}
	cfg.Security.NewCasesPerHour = opts.NewCasesPerHour
	if cfg.Security.AddressRateLimit == 0 {
		cfg.Security.AddressRateLimit = 1000000
	}
	if opts.OIDC != nil {
		cfg.Auth, cfg.OIDCIssuer, cfg.OIDCAudience, cfg.OIDCClientSecret = "oidc", opts.OIDC.Issuer, opts.OIDC.ClientID, opts.OIDC.ClientSecret
		cfg.Security.InsecureLoopbackIssuer = true // the test provider serves http on loopback
	}
	if cfg.RedisURL == "" {
		cfg.RedisURL = RedisURL(t, opts.RedisDB)
	}
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	parts := opts.Parts
	if parts == (app.Parts{}) {
		parts = app.Parts{Embedded: true, Worker: true, API: true}
	}
	if cfg.TemporalAddress == "" {
		cfg.TemporalAddress = "127.0.0.1:0"
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = 100000
	}
	logs := &logBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	a, err := app.Start(ctx, cfg, parts, logger)
	if err != nil {
		t.Fatalf("start caseflow: %v", err)
	}
	e := &Env{T: t, App: a, URL: a.URL(), OpsURL: a.OpsURL(), DataDir: cfg.DataDir, Client: &http.Client{Timeout: 30 * time.Second}}
	t.Cleanup(func() {
		a.Stop(context.Background())
		if t.Failed() {
			t.Logf("caseflow logs:\n%s", logs.String())
		}
	})
	if parts.Worker {
		e.WaitReady()
	}
	return e
}

// RedisURL returns REDIS_URL pointed at db after flushing it, or "" (in-process Redis).
func RedisURL(t testing.TB, db int) string {
	base := os.Getenv("REDIS_URL")
	if base == "" {
		return ""
	}
	opts, err := redis.ParseURL(base)
	if err != nil {
		t.Fatalf("REDIS_URL: %v", err)
	}
	opts.DB = db
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatalf("flush redis db %d: %v", db, err)
	}
	return fmt.Sprintf("redis://%s/%d", opts.Addr, db)
}

// KeptRedisURL returns a Redis that outlives each stack of the test, for tests that restart
// caseflow: database db of REDIS_URL, flushed, or else an in-process Redis of the test's own.
func KeptRedisURL(t testing.TB, db int) string {
	if url := RedisURL(t, db); url != "" {
		return url
	}
	return "redis://" + miniredis.RunT(t).Addr()
}

// Redis returns a client of the stack's Redis.
func (e *Env) Redis() *redis.Client { return e.App.Redis }

// WaitReady waits for /readyz to answer 200.
func (e *Env) WaitReady() {
	e.T.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := e.Client.Get(e.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.T.Fatalf("caseflow not ready within 60s")
}

// Token mints a development token.
func (e *Env) Token(role safeguarding.Role, user, team string) string {
	e.T.Helper()
	tok, err := e.App.Tokens.Mint(safeguarding.Actor{UserID: user, Role: role, Team: team}, time.Hour)
	if err != nil {
		e.T.Fatalf("mint token: %v", err)
	}
	return tok
}

// Response is an HTTP response read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it cannot.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Do sends a request with a token (empty: none) and a body (string, []byte or a value to encode).
func (e *Env) Do(method, path, token string, body any, headers ...string) Response {
	e.T.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		if err != nil {
			e.T.Fatalf("encode body: %v", err)
		}
		r = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, e.URL+path, r)
	if err != nil {
		e.T.Fatalf("request: %v", err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.Client.Do(req)
	if err != nil {
		e.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatalf("read %s %s: %v", method, path, err)
	}
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// Send sends a request as the pages do: under an Idempotency-Key, and again with the same key
// while caseflow answers 503, as its answer asks ("send the same request again"), for up to a
// minute. A test that sets a case up needs the step taken, not the first answer of a busy
// machine.
func (e *Env) Send(method, path, token string, body any) Response {
	e.T.Helper()
	key := fmt.Sprintf("testenv-%d", time.Now().UnixNano())
	deadline := time.Now().Add(time.Minute)
	for {
		resp := e.Do(method, path, token, body, "Idempotency-Key", key)
		if resp.Status != http.StatusServiceUnavailable || time.Now().After(deadline) {
			return resp
		}
		time.Sleep(time.Second)
	}
}

// Eventually retries check until it passes or the timeout ends. check runs at least once, and
// once more at the deadline, so a condition that already holds never times out, however late
// a loaded machine gets to ask.
func Eventually(t testing.TB, timeout time.Duration, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if check() {
			return
		}
		if !time.Now().Before(deadline) {
			break
		}
		time.Sleep(min(50*time.Millisecond, max(time.Until(deadline), time.Millisecond)))
	}
	t.Fatalf("timed out after %s waiting for %s", timeout, what)
}

// logBuffer keeps the stack's logs, shown only when a test fails. Writes after the test ended
// (a server shutting down) land here harmlessly instead of in a finished test's log.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
