//go:build !nodev

// These tests stop the embedded Temporal server, which the lean build (tag nodev) has not.

package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/auth"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
)

// get sends a plain GET, outside the OpenAPI check (pages are not API operations).
func get(t *testing.T, env *testenv.Env, path, token string, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, env.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// TestSecurityHeaders: API answers and pages are never stored, never framed, and load and
// submit to their own origin only; HSTS is sent when the client came over https (here through
// a trusted proxy), and not when an untrusted client merely claims so.
func TestSecurityHeaders(t *testing.T) {
	loopback := netip.MustParsePrefix("127.0.0.1/32")
	env := start(t, testenv.Options{Security: config.Security{TrustedProxies: []netip.Prefix{loopback}}})
	sw := tokens(env).sw
	for _, path := range []string{"/v1/me/actions", "/v1/cases", "/", "/board", "/v1/openapi.json", "/readyz"} {
		resp := get(t, env, path, sw)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		h := resp.Header
		if got := h.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", path, got)
		}
		csp := h.Get("Content-Security-Policy")
		for _, d := range []string{"frame-ancestors 'none'", "base-uri ", "form-action ", "object-src 'none'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: Content-Security-Policy %q lacks %q", path, csp, d)
			}
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: nosniff %q, frame options %q", path, h.Get("X-Content-Type-Options"), h.Get("X-Frame-Options"))
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s: HSTS over plain http", path)
		}
	}
	if page := get(t, env, "/", ""); !strings.Contains(page.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("the page's own policy was replaced, not completed: %q", page.Header.Get("Content-Security-Policy"))
	}
	if hsts := get(t, env, "/v1/me/actions", sw, "X-Forwarded-Proto", "https").Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Errorf("over https through a trusted proxy: HSTS %q", hsts)
	}
	untrusting := testenv.Start(t, testenv.Options{RedisDB: redisDB + 10})
	if hsts := get(t, untrusting, "/healthz", "", "X-Forwarded-Proto", "https").Header.Get("Strict-Transport-Security"); hsts != "" {
		t.Errorf("an untrusted client claiming https got HSTS %q", hsts)
	}
}

// TestReadinessShowsStatusOnly: /readyz says which check fails, never why: backend errors name
// hosts and versions.
func TestReadinessShowsStatusOnly(t *testing.T) {
	env := start(t, testenv.Options{})
	if err := env.App.EmbeddedTemporal().Stop(); err != nil {
		t.Fatal(err)
	}
	resp := env.Do(http.MethodGet, "/readyz", "", nil)
	if resp.Status != http.StatusServiceUnavailable {
		t.Fatalf("readyz with Temporal down: %d", resp.Status)
	}
	var body map[string]any
	resp.JSON(t, &body)
	for name, check := range body["checks"].(map[string]any) {
		for key := range check.(map[string]any) {
			if key != "status" {
				t.Errorf("check %s shows %q: %v", name, key, check)
			}
		}
	}
	if strings.Contains(string(resp.Body), "127.0.0.1") || strings.Contains(string(resp.Body), "rpc") {
		t.Errorf("readyz shows backend details: %s", resp.Body)
	}
}

// TestAddressLimitBeforeAuthentication: a flood of requests with junk tokens from one address
// is cut off with 429 before any token is looked at.
func TestAddressLimitBeforeAuthentication(t *testing.T) {
	env := start(t, testenv.Options{Security: config.Security{AddressRateLimit: 60}}) // 1 a second, bursts of 6
	limited, unauthorised := 0, 0
	for range 30 {
		switch resp := env.Do(http.MethodGet, "/v1/me/actions", "junk", nil); resp.Status {
		case http.StatusTooManyRequests:
			limited++
			if resp.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		case http.StatusUnauthorized:
			unauthorised++
		}
	}
	if unauthorised > 7 || limited < 20 {
		t.Fatalf("30 junk requests at once: %d judged, %d limited; want the burst judged and the rest limited", unauthorised, limited)
	}
}

// TestNewCasesPerUserPerHour: past the hourly cap a user's new case is refused with 429 and a
// retry time; another user may still raise one, and a retry of an accepted request (same
// Idempotency-Key) is not a new case.
func TestNewCasesPerUserPerHour(t *testing.T) {
	env := start(t, testenv.Options{NewCasesPerHour: 4}) // one at once, then one every 15 minutes
	p := tokens(env)
	concern := testenv.Concern(time.Now(), "sw-1", "north", "carer-1")
	first := env.Do(http.MethodPost, "/v1/cases", p.carer, concern, "Idempotency-Key", "one")
	if first.Status != http.StatusCreated {
		t.Fatalf("first case: %d %s", first.Status, first.Body)
	}
	if again := env.Do(http.MethodPost, "/v1/cases", p.carer, concern, "Idempotency-Key", "one"); again.Status != http.StatusCreated {
		t.Errorf("the retry of the first case: %d", again.Status)
	}
	second := env.Do(http.MethodPost, "/v1/cases", p.carer, testenv.ConcernFor("Kit Testchild", "2011-02-03", time.Now(), "sw-1", "north", "carer-1"), "Idempotency-Key", "two")
	if second.Status != http.StatusTooManyRequests {
		t.Fatalf("second case at once: %d %s", second.Status, second.Body)
	}
	if retry := second.Header.Get("Retry-After"); retry == "" || retry == "0" || len(retry) < 3 {
		t.Errorf("Retry-After %q, want about 900 seconds", retry)
	}
	if other := env.Do(http.MethodPost, "/v1/cases", p.otherCarer, testenv.ConcernFor("Lou Testchild", "2012-03-04", time.Now(), "sw-1", "north", "carer-2")); other.Status != http.StatusCreated {
		t.Errorf("another user's case: %d", other.Status)
	}
}

// TestLiveStreamsPerUser: a user may hold a few live-update streams at once, the next is
// refused with 429, and however many are open the process holds one Redis subscription.
func TestLiveStreamsPerUser(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	open := func(token string) *http.Response {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, env.URL+"/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		if resp.StatusCode == http.StatusOK {
			if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil {
				t.Fatal(err)
			}
		}
		return resp
	}
	for i := range 5 {
		if resp := open(p.sw); resp.StatusCode != http.StatusOK {
			t.Fatalf("stream %d: %d", i+1, resp.StatusCode)
		}
	}
	if resp := open(p.sw); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("sixth stream of one user: %d, want 429", resp.StatusCode)
	}
	for i := range 3 {
		if resp := open(p.manager); resp.StatusCode != http.StatusOK {
			t.Fatalf("another user's stream %d: %d", i+1, resp.StatusCode)
		}
	}
	// The channel of this test's Redis database: each database's model has its own.
	channel := readmodel.ChangesChannel(env.Redis().Options().DB)
	subs, err := env.Redis().PubSubNumSub(context.Background(), channel).Result()
	if err != nil {
		t.Fatal(err)
	}
	if n := subs[channel]; n != 1 {
		t.Fatalf("8 open streams hold %d Redis subscriptions, want 1", n)
	}
}

// TestTokenLifetimeCapped: a token valid for ten years, properly signed, is refused.
func TestTokenLifetimeCapped(t *testing.T) {
	env := start(t, testenv.Options{})
	key, err := auth.LoadOrCreateDevKey(filepath.Join(env.DataDir, "dev-signing.key"))
	if err != nil {
		t.Fatal(err)
	}
	long, err := auth.NewDevIssuer(key).Mint(safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker}, 10*365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	resp := env.Do(http.MethodGet, "/v1/me/actions", long, nil)
	if resp.Status != http.StatusUnauthorized || !strings.Contains(string(resp.Body), "longer than this service allows") {
		t.Fatalf("a ten-year token: %d %s", resp.Status, resp.Body)
	}
	if _, err := env.App.Tokens.Mint(safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker}, 13*time.Hour); err == nil {
		t.Error("the sign-in minted a token beyond the cap")
	}
}

// TestCodecEndpointsCORS: the configured Web UI origin may call the codec from a browser; any
// other origin gets no CORS grant.
func TestCodecEndpointsCORS(t *testing.T) {
	const ui = "https://temporal-ui.example.org"
	env := start(t, testenv.Options{Security: config.Security{CodecOrigins: []string{ui}}})
	preflight := func(origin string) http.Header {
		req, _ := http.NewRequest(http.MethodOptions, env.URL+"/codec/decode", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", "POST")
		resp, err := env.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("preflight from %s: %d", origin, resp.StatusCode)
		}
		return resp.Header
	}
	if h := preflight(ui); h.Get("Access-Control-Allow-Origin") != ui || h.Get("Access-Control-Allow-Credentials") != "true" ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("the Web UI's preflight: %v", h)
	}
	if h := preflight("https://evil.example"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin was granted CORS: %v", h)
	}
	body, _ := json.Marshal(map[string]any{"payloads": []any{}})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now())
	for _, c := range []struct {
		token string
		want  int
	}{{"", http.StatusUnauthorized}, {p.manager, http.StatusForbidden}, {p.sw, http.StatusForbidden}, {p.lead, http.StatusOK}} {
		if got := env.Do(http.MethodPost, "/codec/workflows/"+workflows.WorkflowID(caseID)+"/decode", c.token, body).Status; got != c.want {
			t.Errorf("decode with token %v: %d, want %d", c.token != "", got, c.want)
		}
	}
}

// TestDevCodecSignIn: in dev, one visit signs the browser in to the codec endpoints as a
// development Safeguarding Lead, with a cookie scoped to them that scripts cannot read; another
// site cannot make the visit.
func TestDevCodecSignIn(t *testing.T) {
	env := start(t, testenv.Options{})
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodGet, env.URL+"/dev/codec-sign-in", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || len(resp.Cookies()) != 0 {
		t.Fatalf("a cross-site visit: %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	resp, err = client.Get(env.URL + "/dev/codec-sign-in")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == api.CodecCookie {
			cookie = c
		}
	}
	if resp.StatusCode != http.StatusFound || cookie == nil || cookie.Path != "/codec" || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("sign-in: %d, cookie %+v", resp.StatusCode, cookie)
	}
	body, _ := json.Marshal(map[string]any{"payloads": []any{}})
	caseID := raiseCase(t, env, tokens(env).carer, time.Now())
	decode, _ := http.NewRequest(http.MethodPost, env.URL+"/codec/workflows/"+workflows.WorkflowID(caseID)+"/decode", bytes.NewReader(body))
	decode.AddCookie(cookie)
	got, err := http.DefaultClient.Do(decode)
	if err != nil {
		t.Fatal(err)
	}
	got.Body.Close()
	if got.StatusCode != http.StatusOK {
		t.Errorf("decode with the codec cookie: %d", got.StatusCode)
	}
}
