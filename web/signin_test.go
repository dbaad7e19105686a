package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/api/ratelimit"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/auth"
	"github.com/caseflow/caseflow/security/session"
	"github.com/caseflow/caseflow/test/testidp"
	"github.com/caseflow/caseflow/web"
)

// site is the API and the pages, in front of an identity provider, without Temporal: sign-in,
// sessions and CSRF all happen before any case is read.
type site struct {
	url   string
	idp   *testidp.Provider
	redis *miniredis.Miniredis
}

func startSite(t *testing.T, devSignIn bool) site {
	t.Helper()
	return startSiteTelling(t, devSignIn, nil)
}

// startSiteTelling starts the site with signedIn told of every sign-in's contact claims.
func startSiteTelling(t *testing.T, devSignIn bool, signedIn func(context.Context, safeguarding.Actor, string, string)) site {
	t.Helper()
	ctx := context.Background()
	idp := testidp.Start(t)
	idp.AddUser("carer.one", safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer})
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	verifier, err := auth.NewOIDCVerifier(ctx, auth.OIDCConfig{IssuerURL: idp.Issuer(), Audience: testidp.ClientID, InsecureLoopbackIssuer: true})
	if err != nil {
		t.Fatal(err)
	}
	signIn, err := web.NewOIDC(ctx, web.OIDCOptions{Issuer: idp.Issuer(), ClientID: testidp.ClientID, ClientSecret: idp.ClientSecret, Verifier: verifier, SignedIn: signedIn})
	if err != nil {
		t.Fatal(err)
	}
	store, err := session.NewStore(rdb, testKeys, session.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sessions := session.NewCookies(store, false)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewServer(api.New(api.Config{
		Store: readmodel.New(rdb, testPseudonyms), Limiter: ratelimit.NewLimiter(rdb, testPseudonyms, 1000, 100), Verifier: verifier,
		Sessions: sessions, Logger: logger,
		Pages: func(r *gin.Engine) {
			web.Register(r, web.Options{Sessions: sessions, OIDC: signIn, DevSignIn: devSignIn, Logger: logger, NotFound: api.NotFound})
		},
	}))
	t.Cleanup(srv.Close)
	idp.RegisterClient(srv.URL)
	return site{url: srv.URL, idp: idp, redis: mr}
}

// person is a browser: cookies, and redirects followed by hand so each hop can be checked.
type person struct {
	t      *testing.T
	client *http.Client
}

func newPerson(t *testing.T) *person {
	jar, _ := cookiejar.New(nil)
	return &person{t: t, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (p *person) do(method, target string, form url.Values, headers ...string) (*http.Response, string) {
	p.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := p.client.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// signIn goes through the provider's form and returns the callback URL it sent the browser to.
func (p *person) reachCallback(s site, username string) string {
	p.t.Helper()
	resp, _ := p.do(http.MethodGet, s.url+"/auth/signin", nil)
	if resp.StatusCode != http.StatusSeeOther {
		p.t.Fatalf("begin sign-in: %d", resp.StatusCode)
	}
	authorize, _ := url.Parse(resp.Header.Get("Location"))
	q := authorize.Query()
	if q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) < 43 || q.Get("nonce") == "" || q.Get("state") == "" {
		p.t.Fatalf("the authorization request lacks PKCE, nonce or state: %v", q)
	}
	if state := cookieNamed(resp, "caseflow-signin"); state == nil || !state.HttpOnly || state.Value != q.Get("state") {
		p.t.Fatalf("the sign-in is not bound to the browser: %+v", state)
	}
	if form, _ := p.do(http.MethodGet, authorize.String(), nil); form.StatusCode != http.StatusOK {
		p.t.Fatalf("provider's sign-in form: %d", form.StatusCode)
	}
	q.Set("username", username)
	back, _ := p.do(http.MethodPost, authorize.Scheme+"://"+authorize.Host+"/authorize", q)
	if back.StatusCode != http.StatusFound || !strings.HasPrefix(back.Header.Get("Location"), s.url+"/auth/callback?") {
		p.t.Fatalf("provider's answer: %d %s", back.StatusCode, back.Header.Get("Location"))
	}
	return back.Header.Get("Location")
}

func (p *person) signIn(s site, username string) {
	p.t.Helper()
	resp, _ := p.do(http.MethodGet, p.reachCallback(s, username), nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my" {
		p.t.Fatalf("callback: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

var csrfMeta = `<meta name="csrf-token" content="`

func (p *person) csrf(s site) string {
	p.t.Helper()
	resp, page := p.do(http.MethodGet, s.url+"/my", nil)
	i := strings.Index(page, csrfMeta)
	if resp.StatusCode != http.StatusOK || i < 0 {
		p.t.Fatalf("the carer's page: %d", resp.StatusCode)
	}
	token, _, _ := strings.Cut(page[i+len(csrfMeta):], `"`)
	return token
}

func TestSignInThroughTheIdentityProvider(t *testing.T) {
	s := startSite(t, false)
	carer := newPerson(t)
	callback := carer.reachCallback(s, "carer.one")
	resp, _ := carer.do(http.MethodGet, callback, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my" {
		t.Fatalf("callback: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	c := cookieNamed(resp, "caseflow-session")
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, whole site (not Secure over plain http)", c)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("callback Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
	page, body := carer.do(http.MethodGet, s.url+"/my", nil)
	if page.StatusCode != http.StatusOK || page.Header.Get("Cache-Control") != "no-store" || !strings.Contains(body, "carer-1") {
		t.Fatalf("the carer's page: %d, Cache-Control %q", page.StatusCode, page.Header.Get("Cache-Control"))
	}

	t.Run("a callback replayed is refused", func(t *testing.T) {
		again, _ := carer.do(http.MethodGet, callback, nil)
		if again.StatusCode != http.StatusBadRequest || cookieNamed(again, "caseflow-session") != nil {
			t.Fatalf("replayed callback: %d", again.StatusCode)
		}
	})
	t.Run("a callback finished in another browser is refused", func(t *testing.T) {
		attacker := newPerson(t)
		planted := attacker.reachCallback(s, "carer.one")
		victim := newPerson(t)
		resp, _ := victim.do(http.MethodGet, planted, nil)
		if resp.StatusCode != http.StatusBadRequest || cookieNamed(resp, "caseflow-session") != nil {
			t.Fatalf("a sign-in begun elsewhere: %d", resp.StatusCode)
		}
	})
	t.Run("pages are for their roles", func(t *testing.T) {
		resp, _ := carer.do(http.MethodGet, s.url+"/board", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my" {
			t.Fatalf("a carer opening the board: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		stranger := newPerson(t)
		resp, _ = stranger.do(http.MethodGet, s.url+"/cases/abc", nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/?next=%2Fcases%2Fabc" {
			t.Fatalf("signed out, a case page: %d to %q, want the sign-in page, to return there", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
	t.Run("no development sign-in with oidc", func(t *testing.T) {
		resp, _ := newPerson(t).do(http.MethodPost, s.url+"/dev/signin", url.Values{"role": {"manager"}, "user": {"x"}})
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("POST /dev/signin: %d", resp.StatusCode)
		}
	})
}

// TestSignInPassesOnTheContactClaims: what the ID token says of a person, their email and name,
// is passed on to the directory at sign-in; an address the provider marks unverified is not, nor
// is anything for a token without an address.
func TestSignInPassesOnTheContactClaims(t *testing.T) {
	type contact struct{ user, email, name string }
	var mu sync.Mutex
	var told []contact
	s := startSiteTelling(t, false, func(_ context.Context, a safeguarding.Actor, email, name string) {
		mu.Lock()
		defer mu.Unlock()
		told = append(told, contact{a.UserID, email, name})
	})
	s.idp.AddUser("carer.two", safeguarding.Actor{UserID: "carer-2", Role: safeguarding.RoleCarer})
	s.idp.AddUser("carer.three", safeguarding.Actor{UserID: "carer-3", Role: safeguarding.RoleCarer})
	s.idp.SetProfile("carer-1", map[string]any{"email": "carer-1@home.example", "email_verified": true, "name": "Chris Carer"})
	s.idp.SetProfile("carer-2", map[string]any{"email": "carer-2@home.example", "email_verified": false, "name": "Casey Carer"})
	s.idp.SetProfile("carer-3", map[string]any{"name": "Charlie Carer"})
	for _, name := range []string{"carer.one", "carer.two", "carer.three"} {
		newPerson(t).signIn(s, name)
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []contact{{"carer-1", "carer-1@home.example", "Chris Carer"}}; !slices.Equal(told, want) {
		t.Errorf("contacts passed on: %+v, want only %+v", told, want)
	}
}

func TestTheAPIAcceptsTheSessionWithItsCSRFToken(t *testing.T) {
	s := startSite(t, false)
	carer := newPerson(t)
	carer.signIn(s, "carer.one")
	token := carer.csrf(s)

	resp, _ := carer.do(http.MethodGet, s.url+"/v1/cases", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("a read with the session: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	// A body the API refuses as incomplete (422) shows the request got past authentication.
	write := func(headers ...string) int {
		req, _ := http.NewRequest(http.MethodPost, s.url+"/v1/cases", strings.NewReader(`{}`))
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, err := carer.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := write(); got != http.StatusForbidden {
		t.Errorf("a change without the CSRF token: %d, want 403", got)
	}
	if got := write(session.CSRFHeader, "not-"+token); got != http.StatusForbidden {
		t.Errorf("a change with another token: %d, want 403", got)
	}
	if got := write(session.CSRFHeader, token, "Sec-Fetch-Site", "cross-site"); got != http.StatusForbidden {
		t.Errorf("a change from another site: %d, want 403", got)
	}
	if got := write(session.CSRFHeader, token, "Sec-Fetch-Site", "same-origin"); got != http.StatusUnprocessableEntity {
		t.Errorf("a change with the token from the pages: %d, want 422 (authenticated, body refused)", got)
	}

	t.Run("sign-out needs the token, then ends both sessions", func(t *testing.T) {
		resp, _ := carer.do(http.MethodPost, s.url+"/auth/signout", url.Values{})
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("sign-out without the token: %d", resp.StatusCode)
		}
		if still, _ := carer.do(http.MethodGet, s.url+"/v1/cases", nil); still.StatusCode != http.StatusOK {
			t.Fatalf("a refused sign-out ended the session: %d", still.StatusCode)
		}
		resp, _ = carer.do(http.MethodPost, s.url+"/auth/signout", url.Values{"csrf": {token}})
		end, _ := url.Parse(resp.Header.Get("Location"))
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(end.String(), s.idp.Issuer()+"/logout") ||
			end.Query().Get("client_id") != testidp.ClientID || end.Query().Get("post_logout_redirect_uri") != s.url+"/" {
			t.Fatalf("sign-out: %d to %q, want the provider's end-session endpoint", resp.StatusCode, end)
		}
		if after, _ := carer.do(http.MethodGet, s.url+"/v1/cases", nil); after.StatusCode != http.StatusUnauthorized {
			t.Fatalf("after sign-out the session still reads cases: %d", after.StatusCode)
		}
	})
}

// Signing out on every device ends the person's sessions elsewhere too (a lost phone), and no
// one else's; it needs the session it is asked from and its CSRF token.
func TestSignOutEverywhere(t *testing.T) {
	s := startSite(t, false)
	s.idp.AddUser("carer.two", safeguarding.Actor{UserID: "carer-2", Role: safeguarding.RoleCarer})
	phone, laptop, colleague := newPerson(t), newPerson(t), newPerson(t)
	phone.signIn(s, "carer.one")
	laptop.signIn(s, "carer.one")
	colleague.signIn(s, "carer.two")
	if resp, _ := laptop.do(http.MethodPost, s.url+"/auth/signout-everywhere", url.Values{"csrf": {"not-" + laptop.csrf(s)}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("without the session's token: %d, want 403", resp.StatusCode)
	}
	if resp, _ := newPerson(t).do(http.MethodPost, s.url+"/auth/signout-everywhere", url.Values{}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("without a session: %d, want 401", resp.StatusCode)
	}
	resp, _ := laptop.do(http.MethodPost, s.url+"/auth/signout-everywhere", url.Values{"csrf": {laptop.csrf(s)}})
	if end, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(end.String(), s.idp.Issuer()+"/logout") {
		t.Fatalf("signing out everywhere: %d to %q, want the provider's end-session endpoint", resp.StatusCode, end)
	}
	for name, p := range map[string]*person{"phone": phone, "laptop": laptop} {
		if after, _ := p.do(http.MethodGet, s.url+"/v1/cases", nil); after.StatusCode != http.StatusUnauthorized {
			t.Errorf("the %s still reads cases: %d", name, after.StatusCode)
		}
	}
	if still, _ := colleague.do(http.MethodGet, s.url+"/v1/cases", nil); still.StatusCode != http.StatusOK {
		t.Errorf("a colleague was signed out: %d", still.StatusCode)
	}
}

func TestDevelopmentSignInComesFromTheSignInPage(t *testing.T) {
	s := startSite(t, true)
	form := url.Values{"role": {"manager"}, "user": {"mgr-1"}, "team": {"north"}}
	if resp, _ := newPerson(t).do(http.MethodPost, s.url+"/dev/signin", form, "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a sign-in posted from another site: %d, want 403", resp.StatusCode)
	}
	resp, _ := newPerson(t).do(http.MethodPost, s.url+"/dev/signin", form, "Sec-Fetch-Site", "same-origin")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/board" || cookieNamed(resp, "caseflow-session") == nil {
		t.Fatalf("development sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// TestSignInReturnsToThePageItLeft: a page asked for without a sign-in sends the browser to sign
// in saying where it was; signing in returns there when it is a page of caseflow's the person may
// open, and to their home page otherwise (another site, a page of another role, an address that
// is no page).
func TestSignInReturnsToThePageItLeft(t *testing.T) {
	s := startSite(t, true)
	resp, _ := newPerson(t).do(http.MethodGet, s.url+"/cases/abc123", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/?next=%2Fcases%2Fabc123" {
		t.Fatalf("a page without a sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, c := range []struct{ role, next, want string }{
		{"manager", "/cases/abc123", "/cases/abc123"},
		{"carer", "/my", "/my"},
		{"carer", "/board", "/my"},
		{"manager", "https://elsewhere.example/board", "/board"},
		{"manager", "//elsewhere.example/board", "/board"},
		{"manager", "/cases/abc123?x=1", "/board"},
		{"manager", "/nothing-here", "/board"},
		{"manager", "/", "/board"},
	} {
		form := url.Values{"role": {c.role}, "user": {c.role + "-1"}, "next": {c.next}}
		resp, _ := newPerson(t).do(http.MethodPost, s.url+"/dev/signin", form, "Sec-Fetch-Site", "same-origin")
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != c.want {
			t.Errorf("a %s signing in to return to %q: %d to %q, want %q", c.role, c.next, resp.StatusCode, got, c.want)
		}
	}
}

// A session written in clear by the release before sessions were sealed is not trusted: the
// person is asked to sign in again, neither let in nor shown an error.
func TestASessionRecordInClearMeansSignedOut(t *testing.T) {
	s := startSite(t, false)
	carer := newPerson(t)
	carer.signIn(s, "carer.one")
	keys := s.redis.Keys()
	legacy := `{"actor":{"user_id":"carer-1","role":"carer"},"csrf":"legacy","via":"oidc","created_at":"` +
		time.Now().UTC().Format(time.RFC3339) + `"}`
	replaced := 0
	for _, k := range keys {
		if strings.HasPrefix(k, "cf:session:") {
			if err := s.redis.Set(k, legacy); err != nil {
				t.Fatal(err)
			}
			replaced++
		}
	}
	if replaced != 1 {
		t.Fatalf("%d session records in Redis, want the carer's one: %v", replaced, keys)
	}
	if resp, _ := carer.do(http.MethodGet, s.url+"/my", nil); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/?") || !strings.Contains(resp.Header.Get("Location"), "next=%2Fmy") {
		t.Fatalf("a page with the record in clear: %d to %q, want the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := carer.do(http.MethodGet, s.url+"/v1/cases", nil); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the API with the record in clear: %d, want 401", resp.StatusCode)
	}
	if resp, _ := carer.do(http.MethodGet, s.url+"/", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("the sign-in page: %d", resp.StatusCode)
	}
}

// TestAnUnknownAddressIsAPageNotFound: a person who follows a wrong address gets a page that says
// so in words and leads home, signed in or not; the API's callers still get its problem answer.
func TestAnUnknownAddressIsAPageNotFound(t *testing.T) {
	s := startSite(t, false)
	p := newPerson(t)
	page := func(who string) {
		t.Helper()
		resp, body := p.do(http.MethodGet, s.url+"/casess/123", nil, "Accept", "text/html,application/xhtml+xml")
		if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s, want a 404 page", who, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, want := range []string{"<h1>Page not found</h1>", `href="/"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the page lacks %q", who, want)
			}
		}
	}
	page("signed out")
	p.signIn(s, "carer.one")
	page("a signed-in carer")
	if _, body := p.do(http.MethodGet, s.url+"/casess/123", nil, "Accept", "text/html"); !strings.Contains(body, "carer-1") {
		t.Error("the page does not show who is signed in, with the way to sign out")
	}
	for _, call := range [][2]string{{"/v1/nowhere", "text/html"}, {"/nowhere", "application/json"}, {"/codec/nowhere", "text/html"}} {
		resp, _ := p.do(http.MethodGet, s.url+call[0], nil, "Accept", call[1])
		if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("GET %s (Accept %s): %d %s, want the API's problem", call[0], call[1], resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}
