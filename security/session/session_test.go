package session_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/keyring"
	"github.com/caseflow/caseflow/security/session"
)

var carer = safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newStore(t *testing.T, idle, max time.Duration) (*session.Store, *miniredis.Miniredis, *clock) {
	t.Helper()
	mr := miniredis.RunT(t)
	c := &clock{now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	return storeOn(t, mr, newKeys(t), session.Options{Idle: idle, Max: max, Now: c.Now}), mr, c
}

func storeOn(t *testing.T, mr *miniredis.Miniredis, keys *keyring.Keys, opts session.Options) *session.Store {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	store, err := session.NewStore(rdb, keys, opts)
	if err != nil {
		t.Fatal(err)
	}
	return store
}

func newKeys(t *testing.T) *keyring.Keys {
	t.Helper()
	keys, err := keyring.New()
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func TestSessionHoldsTheActorAndRedisNeverTheID(t *testing.T) {
	store, mr, _ := newStore(t, 0, 0)
	ctx := context.Background()
	id, sess, err := store.Create(ctx, carer, "oidc")
	if err != nil {
		t.Fatal(err)
	}
	if len(id) < 26 || sess.CSRF == "" || sess.CSRF == id {
		t.Fatalf("id %q and CSRF token %q must be distinct random values", id, sess.CSRF)
	}
	got, err := store.Touch(ctx, id)
	if err != nil || got.Actor != carer || got.Via != "oidc" || got.CSRF != sess.CSRF {
		t.Fatalf("touch: %+v, %v", got, err)
	}
	for _, k := range mr.Keys() {
		if strings.Contains(k, id) || strings.Contains(mustGet(t, mr, k), id) {
			t.Fatalf("Redis holds the session id in %s", k)
		}
	}
	if ttl := mr.TTL(mr.Keys()[0]); ttl != session.DefaultIdle {
		t.Fatalf("idle expiry %v, want the default %v", ttl, session.DefaultIdle)
	}
}

// mustGet reads a string key, or a set's members joined.
func mustGet(t *testing.T, mr *miniredis.Miniredis, k string) string {
	t.Helper()
	if mr.Type(k) == "set" {
		members, err := mr.Members(k)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(members, " ")
	}
	v, err := mr.Get(k)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestIdleTimeoutRenewsWithUseAndEndsWithout(t *testing.T) {
	store, mr, _ := newStore(t, 10*time.Minute, time.Hour)
	ctx := context.Background()
	id, _, err := store.Create(ctx, carer, "dev")
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // 27 minutes of use, never 10 idle
		mr.FastForward(9 * time.Minute)
		if _, err := store.Touch(ctx, id); err != nil {
			t.Fatalf("a session in use ended: %v", err)
		}
	}
	mr.FastForward(10*time.Minute + time.Second)
	if _, err := store.Touch(ctx, id); !errors.Is(err, session.ErrExpired) {
		t.Fatalf("after the idle timeout: %v, want ErrExpired", err)
	}
}

func TestBackgroundRequestsDoNotKeepASessionAlive(t *testing.T) {
	store, mr, _ := newStore(t, 10*time.Minute, time.Hour)
	cookies := session.NewCookies(store, false)
	id, _, err := store.Create(context.Background(), carer, "oidc")
	if err != nil {
		t.Fatal(err)
	}
	refresh := httptest.NewRequest(http.MethodGet, "/v1/overdue", nil)
	refresh.AddCookie(&http.Cookie{Name: "caseflow-session", Value: id})
	refresh.Header.Set(session.BackgroundHeader, "1")
	for range 3 { // a board refreshing every 3 minutes, nobody looking
		mr.FastForward(3 * time.Minute)
		if _, err := cookies.Actor(refresh); err != nil {
			t.Fatalf("a refresh within the idle timeout: %v", err)
		}
	}
	mr.FastForward(time.Minute + time.Second)
	if _, err := cookies.Actor(refresh); !errors.Is(err, session.ErrExpired) {
		t.Fatalf("10 minutes of refreshes alone kept the session: %v", err)
	}
}

func TestAbsoluteTimeoutEndsABusySession(t *testing.T) {
	store, mr, clk := newStore(t, 10*time.Minute, time.Hour)
	ctx := context.Background()
	id, _, err := store.Create(ctx, carer, "oidc")
	if err != nil {
		t.Fatal(err)
	}
	clk.now = clk.now.Add(59 * time.Minute)
	if _, err := store.Touch(ctx, id); err != nil {
		t.Fatalf("before the absolute limit: %v", err)
	}
	clk.now = clk.now.Add(time.Minute)
	if _, err := store.Touch(ctx, id); !errors.Is(err, session.ErrExpired) {
		t.Fatalf("at the absolute limit: %v, want ErrExpired", err)
	}
	if len(mr.Keys()) != 0 {
		t.Fatalf("the ended session is still in Redis: %v", mr.Keys())
	}
}

func TestDeleteEndsTheSession(t *testing.T) {
	store, _, _ := newStore(t, 0, 0)
	ctx := context.Background()
	id, _, _ := store.Create(ctx, carer, "oidc")
	if err := store.Delete(ctx, id); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Touch(ctx, id); !errors.Is(err, session.ErrExpired) {
		t.Fatalf("after sign-out: %v", err)
	}
	if _, err := store.Touch(ctx, ""); !errors.Is(err, session.ErrNone) {
		t.Fatalf("no id: %v", err)
	}
}

func TestCookieAttributes(t *testing.T) {
	store, _, _ := newStore(t, 0, 2*time.Hour)
	for _, tc := range []struct {
		name        string
		tls, secure bool
		wantName    string
	}{
		{"plain http (development)", false, false, "caseflow-session"},
		{"TLS to caseflow", true, false, "__Host-caseflow-session"},
		{"TLS ended by a proxy", false, true, "__Host-caseflow-session"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cookies := session.NewCookies(store, tc.secure)
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tc.tls {
				r.TLS = &tls.ConnectionState{}
			}
			w := httptest.NewRecorder()
			cookies.Set(w, r, "the-id")
			got := w.Result().Cookies()
			if len(got) != 1 {
				t.Fatalf("cookies %v", got)
			}
			c := got[0]
			wantSecure := tc.tls || tc.secure
			if c.Name != tc.wantName || c.Value != "the-id" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode ||
				c.Secure != wantSecure || c.Path != "/" || c.Domain != "" || c.MaxAge != 7200 {
				t.Fatalf("cookie %+v", c)
			}
			r.AddCookie(c)
			if cookies.ID(r) != "the-id" {
				t.Fatal("the cookie set is not read back")
			}
		})
	}
}

func TestPagesRequestsNeedTheCSRFTokenAndTheSameOrigin(t *testing.T) {
	store, _, _ := newStore(t, 0, 0)
	cookies := session.NewCookies(store, false)
	id, sess, err := store.Create(context.Background(), carer, "oidc")
	if err != nil {
		t.Fatal(err)
	}
	request := func(method, csrf, fetchSite string) *http.Request {
		r := httptest.NewRequest(method, "http://caseflow.test/v1/cases", nil)
		r.AddCookie(&http.Cookie{Name: "caseflow-session", Value: id})
		if csrf != "" {
			r.Header.Set(session.CSRFHeader, csrf)
		}
		if fetchSite != "" {
			r.Header.Set("Sec-Fetch-Site", fetchSite)
		}
		return r
	}
	for _, tc := range []struct {
		name               string
		method, csrf, site string
		want               error
	}{
		{"a read needs no token", http.MethodGet, "", "same-origin", nil},
		{"a change with the token", http.MethodPost, sess.CSRF, "same-origin", nil},
		{"a change without the token", http.MethodPost, "", "same-origin", session.ErrForged},
		{"a change with another token", http.MethodPost, "not-the-token", "same-origin", session.ErrForged},
		{"a change from another site, even with the token", http.MethodPost, sess.CSRF, "cross-site", session.ErrForged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			actor, err := cookies.Actor(request(tc.method, tc.csrf, tc.site))
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if tc.want == nil && actor != carer {
				t.Fatalf("actor %+v", actor)
			}
		})
	}
	if _, err := cookies.Actor(httptest.NewRequest(http.MethodGet, "/v1/cases", nil)); !errors.Is(err, session.ErrNone) {
		t.Fatalf("a request without a cookie: %v, want ErrNone", err)
	}
}

// A sign-in begun at the identity provider is kept sealed: Redis holds neither its PKCE
// verifier nor its nonce, nor the state it is filed under. It is taken once.
func TestPendingSignInIsSealedAndTakenOnce(t *testing.T) {
	store, mr, _ := newStore(t, 0, 0)
	ctx := context.Background()
	p := session.Pending{Verifier: "verifier-" + strings.Repeat("v", 40), Nonce: "nonce-" + strings.Repeat("n", 20)}
	if err := store.SavePending(ctx, "state-1", p); err != nil {
		t.Fatal(err)
	}
	for _, k := range mr.Keys() {
		v := mustGet(t, mr, k)
		if strings.Contains(k, "state-1") || strings.Contains(v, p.Verifier) || strings.Contains(v, p.Nonce) {
			t.Fatalf("Redis holds the pending sign-in in clear under %s", k)
		}
	}
	got, err := store.TakePending(ctx, "state-1")
	if err != nil || got != p {
		t.Fatalf("take: %+v %v", got, err)
	}
	if _, err := store.TakePending(ctx, "state-1"); !errors.Is(err, session.ErrNoPending) {
		t.Fatalf("taken again: %v, want ErrNoPending", err)
	}
}

// A pending sign-in sealed under a key the ring no longer holds is unknown, not an error page.
func TestPendingSignInOfAnotherKeyIsUnknown(t *testing.T) {
	mr := miniredis.RunT(t)
	before := storeOn(t, mr, newKeys(t), session.Options{})
	if err := before.SavePending(context.Background(), "state-1", session.Pending{Verifier: "v", Nonce: "n"}); err != nil {
		t.Fatal(err)
	}
	after := storeOn(t, mr, newKeys(t), session.Options{})
	if _, err := after.TakePending(context.Background(), "state-1"); !errors.Is(err, session.ErrNoPending) {
		t.Fatalf("a sign-in sealed under another key: %v, want ErrNoPending", err)
	}
}

// Signing out everywhere ends every session of the person, on every device and under every
// key of the ring, and no one else's; Redis never names the person.
func TestEndAllEndsEverySessionOfThePerson(t *testing.T) {
	mr := miniredis.RunT(t)
	keys := newKeys(t)
	ctx := context.Background()
	before := storeOn(t, mr, keys, session.Options{})
	phone, _, err := before.Create(ctx, carer, "oidc")
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Rotate(); err != nil {
		t.Fatal(err)
	}
	store := storeOn(t, mr, keys, session.Options{})
	laptop, _, err := store.Create(ctx, carer, "oidc")
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := store.Create(ctx, safeguarding.Actor{UserID: "carer-2", Role: safeguarding.RoleCarer}, "oidc")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range mr.Keys() {
		if strings.Contains(k, carer.UserID) {
			t.Fatalf("Redis names the person in %s", k)
		}
	}
	n, err := store.EndAll(ctx, carer.UserID)
	if err != nil || n != 2 {
		t.Fatalf("ended %d sessions (%v), want the phone's and the laptop's", n, err)
	}
	for name, id := range map[string]string{"phone": phone, "laptop": laptop} {
		if _, err := store.Touch(ctx, id); !errors.Is(err, session.ErrExpired) {
			t.Errorf("the %s's session after signing out everywhere: %v", name, err)
		}
	}
	if _, err := store.Touch(ctx, other); err != nil {
		t.Errorf("someone else's session ended too: %v", err)
	}
	if n, err := store.EndAll(ctx, carer.UserID); err != nil || n != 0 {
		t.Errorf("ending again: %d %v", n, err)
	}
}
