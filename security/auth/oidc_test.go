package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/caseflow/caseflow/safeguarding"
)

const testAudience = "caseflow-client"

// fakeProvider is an identity provider as far as caseflow sees one: a discovery document and
// a key set, whose keys the test can rotate.
type fakeProvider struct {
	*httptest.Server
	mu         sync.Mutex
	keys       map[string]*rsa.PrivateKey // by key id
	keyFetches int
	// jwksURL replaces the key set's address in the discovery document.
	jwksURL string
}

func (p *fakeProvider) fetches() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.keyFetches
}

func newFakeProvider(t *testing.T) *fakeProvider {
	t.Helper()
	p := &fakeProvider{keys: map[string]*rsa.PrivateKey{"k1": newRSAKey(t)}}
	mux := http.NewServeMux()
	p.Server = httptest.NewTLSServer(mux)
	t.Cleanup(p.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		jwks := p.jwksURL
		p.mu.Unlock()
		if jwks == "" {
			jwks = p.URL + "/jwks"
		}
		writeJSON(w, map[string]any{
			"issuer": p.URL, "jwks_uri": jwks,
			"authorization_endpoint": p.URL + "/authorize", "token_endpoint": p.URL + "/token",
			"id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, _ *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.keyFetches++
		var keys []map[string]string
		for kid, key := range p.keys {
			keys = append(keys, map[string]string{
				"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
				"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
				"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
			})
		}
		writeJSON(w, map[string]any{"keys": keys})
	})
	return p
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func newRSAKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// rotate replaces the provider's keys with one new key under kid.
func (p *fakeProvider) rotate(t *testing.T, kid string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.keys = map[string]*rsa.PrivateKey{kid: newRSAKey(t)}
}

func (p *fakeProvider) key(kid string) *rsa.PrivateKey {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.keys[kid]
}

// claims are those of a valid token of this provider, for tests to change.
func (p *fakeProvider) claims() jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{
		"iss": p.URL, "aud": testAudience, "sub": "user-7",
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(),
		"role": "manager", "team": "north",
	}
}

// sign signs claims with RS256 and a key id, as the provider does.
func sign(t *testing.T, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	return signWith(t, jwt.SigningMethodRS256, key, kid, claims)
}

func signWith(t *testing.T, method jwt.SigningMethod, key any, kid string, claims jwt.MapClaims) string {
	t.Helper()
	token := jwt.NewWithClaims(method, claims)
	token.Header["kid"] = kid
	s, err := token.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func with(claims jwt.MapClaims, changes map[string]any) jwt.MapClaims {
	for k, v := range changes {
		if v == nil {
			delete(claims, k)
		} else {
			claims[k] = v
		}
	}
	return claims
}

func newTestOIDCVerifier(t *testing.T, p *fakeProvider, cfg OIDCConfig) Verifier {
	t.Helper()
	cfg.IssuerURL, cfg.Audience, cfg.HTTPClient = p.URL, testAudience, p.Client()
	v, err := NewOIDCVerifier(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestOIDCAccepts(t *testing.T) {
	p := newFakeProvider(t)
	manager := safeguarding.Actor{UserID: "user-7", Role: safeguarding.RoleManager, Team: "north"}
	cases := []struct {
		name   string
		cfg    OIDCConfig
		change map[string]any
		want   safeguarding.Actor
	}{
		{"default claims", OIDCConfig{}, nil, manager},
		{"role as a string", OIDCConfig{RoleClaim: "roles"},
			map[string]any{"roles": "manager"}, manager},
		{"role in a list with other applications' roles", OIDCConfig{RoleClaim: "roles"},
			map[string]any{"roles": []any{"offline_access", "manager", 42}}, manager},
		{"the same role twice", OIDCConfig{RoleClaim: "roles"},
			map[string]any{"roles": []string{"manager", "manager"}}, manager},
		{"team from a named claim", OIDCConfig{TeamClaim: "grp"},
			map[string]any{"team": nil, "grp": "south"}, safeguarding.Actor{UserID: "user-7", Role: safeguarding.RoleManager, Team: "south"}},
		{"no team", OIDCConfig{}, map[string]any{"team": nil},
			safeguarding.Actor{UserID: "user-7", Role: safeguarding.RoleManager}},
		{"further teams granted to a manager, as a list", OIDCConfig{},
			map[string]any{"caseflow_teams": []any{"south", "east", "north", "south"}},
			safeguarding.Actor{UserID: "user-7", Role: safeguarding.RoleManager, Team: "north", Teams: "east south"}},
		{"further teams as codes separated by spaces, from a named claim", OIDCConfig{TeamsClaim: "covers"},
			map[string]any{"covers": "west  east"},
			safeguarding.Actor{UserID: "user-7", Role: safeguarding.RoleManager, Team: "north", Teams: "east west"}},
		{"further teams are a manager's grant alone", OIDCConfig{},
			map[string]any{"role": "social_worker", "caseflow_teams": []any{"south"}},
			safeguarding.Actor{UserID: "user-7", Role: safeguarding.RoleSocialWorker, Team: "north"}},
		{"audience among several, issued to caseflow", OIDCConfig{},
			map[string]any{"aud": []string{"other-app", testAudience}, "azp": testAudience}, manager},
		{"issued to caseflow, saying so", OIDCConfig{}, map[string]any{"azp": testAudience}, manager},
		{"expired within the leeway", OIDCConfig{},
			map[string]any{"exp": time.Now().Add(-clockLeeway / 2).Unix()}, manager},
		{"valid soon within the leeway", OIDCConfig{},
			map[string]any{"nbf": time.Now().Add(clockLeeway / 2).Unix()}, manager},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := newTestOIDCVerifier(t, p, c.cfg)
			got, err := v.Verify(context.Background(), sign(t, p.key("k1"), "k1", with(p.claims(), c.change)))
			if err != nil || got != c.want {
				t.Errorf("got %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}

func TestOIDCRefuses(t *testing.T) {
	p := newFakeProvider(t)
	v := newTestOIDCVerifier(t, p, OIDCConfig{RoleClaim: "roles"})
	key := p.key("k1")
	valid := func(changes map[string]any) jwt.MapClaims {
		return with(with(p.claims(), map[string]any{"role": nil, "roles": "manager"}), changes)
	}
	stranger := newRSAKey(t)
	cases := []struct {
		name, token, reason string
	}{
		{"empty", "", "no token"},
		{"garbage", "not.a.token", "malformed token"},
		{"unknown key under a known key id", sign(t, stranger, "k1", valid(nil)), "bad signature"},
		{"unknown key id", sign(t, stranger, "k9", valid(nil)), "bad signature"},
		{"algorithm the provider does not use", signWith(t, jwt.SigningMethodRS512, key, "k1", valid(nil)), "bad signature"},
		{"alg none", signWith(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, "k1", valid(nil)), "signing algorithm not accepted"},
		{"HS256", signWith(t, jwt.SigningMethodHS256, []byte("shared secret"), "k1", valid(nil)), "signing algorithm not accepted"},
		{"wrong issuer", sign(t, key, "k1", valid(map[string]any{"iss": "https://elsewhere.invalid"})), "token from another issuer"},
		{"wrong audience", sign(t, key, "k1", valid(map[string]any{"aud": "another-app"})), "token for another service"},
		{"issued to another client that listed caseflow among its audiences",
			sign(t, key, "k1", valid(map[string]any{"aud": []string{"other-app", testAudience}, "azp": "other-app"})), "token issued to another client"},
		{"several audiences, not saying to whom it was issued",
			sign(t, key, "k1", valid(map[string]any{"aud": []string{"other-app", testAudience}})), "token issued to another client"},
		{"issued to another client, for caseflow alone", sign(t, key, "k1", valid(map[string]any{"azp": "other-app"})), "token issued to another client"},
		{"expired", sign(t, key, "k1", valid(map[string]any{"exp": time.Now().Add(-time.Hour).Unix()})), "token expired"},
		{"no expiry", sign(t, key, "k1", valid(map[string]any{"exp": nil})), "token lacks a required claim"},
		{"not yet valid", sign(t, key, "k1", valid(map[string]any{"nbf": time.Now().Add(time.Minute).Unix()})), "token not valid yet"},
		{"no subject", sign(t, key, "k1", valid(map[string]any{"sub": nil})), "token has no subject"},
		{"two caseflow roles", sign(t, key, "k1", valid(map[string]any{"roles": []string{"manager", "carer"}})), "token carries more than one caseflow role"},
		{"no caseflow role in the list", sign(t, key, "k1", valid(map[string]any{"roles": []string{"offline_access"}})), "token has no caseflow role"},
		{"no role claim", sign(t, key, "k1", valid(map[string]any{"roles": nil})), "token has no caseflow role"},
		{"unknown role", sign(t, key, "k1", valid(map[string]any{"roles": "admin"})), "unknown role"},
		{"role of another type", sign(t, key, "k1", valid(map[string]any{"roles": 3})), "role claim is neither a string nor a list"},
		{"team of another type", sign(t, key, "k1", valid(map[string]any{"team": []string{"north"}})), "team claim is not a string"},
		{"further teams of another type", sign(t, key, "k1", valid(map[string]any{"caseflow_teams": []any{"north", 7}})), "teams claim is neither a list of strings nor a string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			actor, err := v.Verify(context.Background(), c.token)
			if actor != (safeguarding.Actor{}) {
				t.Errorf("a refused token still gave %+v", actor)
			}
			assertRefused(t, err, c.token, c.reason)
		})
	}
}

// TestOIDCFollowsKeyRotation: once the provider publishes a new key, its tokens are accepted
// without a restart. (Tokens of the retired key stay valid while go-oidc still holds it, as
// providers expect: they retire a key only after its last tokens have expired.)
func TestOIDCFollowsKeyRotation(t *testing.T) {
	p := newFakeProvider(t)
	v := newTestOIDCVerifier(t, p, OIDCConfig{KeyRefreshInterval: time.Nanosecond})
	if _, err := v.Verify(context.Background(), sign(t, p.key("k1"), "k1", p.claims())); err != nil {
		t.Fatalf("before rotation: %v", err)
	}
	p.rotate(t, "k2")
	if _, err := v.Verify(context.Background(), sign(t, p.key("k2"), "k2", p.claims())); err != nil {
		t.Fatalf("token of the new key: %v", err)
	}
}

// TestOIDCWaitsForKeysNoLongerThanTheRequest: a provider that hangs while serving its keys
// ends the wait with the request's context, and that is not the token's fault.
func TestOIDCWaitsForKeysNoLongerThanTheRequest(t *testing.T) {
	p := newFakeProvider(t)
	release := make(chan struct{})
	provider := p.Config.Handler
	hanging := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/jwks" {
			<-release
		}
		provider.ServeHTTP(w, r)
	}))
	t.Cleanup(hanging.Close)
	t.Cleanup(func() { close(release) }) // runs before the server closes
	p.URL = hanging.URL
	p.Server = hanging
	v := newTestOIDCVerifier(t, p, OIDCConfig{})

	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := v.Verify(ctx, sign(t, p.key("k1"), "k1", p.claims()))
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("got %v, want the context's deadline and no verdict on the token", err)
	}
}

func TestNewOIDCVerifierFailsEarly(t *testing.T) {
	p := newFakeProvider(t)
	notFound := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(notFound.Close)
	plain := httptest.NewServer(p.Config.Handler)
	t.Cleanup(plain.Close)
	client := p.Client()
	cases := map[string]OIDCConfig{
		"no issuer":                            {Audience: testAudience},
		"no audience":                          {IssuerURL: p.URL},
		"no discovery document":                {IssuerURL: notFound.URL, Audience: testAudience, HTTPClient: notFound.Client()},
		"issuer other than the one discovered": {IssuerURL: p.URL + "/realm", Audience: testAudience, HTTPClient: client},
		"issuer over http":                     {IssuerURL: plain.URL, Audience: testAudience},
		"issuer over https, keys over http":    {IssuerURL: p.URL, Audience: testAudience, HTTPClient: client},
	}
	p.jwksURL = plain.URL + "/jwks"
	for name, cfg := range cases {
		if _, err := NewOIDCVerifier(context.Background(), cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestForgedTokensDoNotHammerTheProvider sends 100 RS256 tokens signed by a stranger, under the
// provider's key id and under 100 made-up key ids, and counts the key set fetches the provider
// serves: one to learn its keys, and at most one more, however many tokens arrive.
func TestForgedTokensDoNotHammerTheProvider(t *testing.T) {
	p := newFakeProvider(t)
	v := newTestOIDCVerifier(t, p, OIDCConfig{})
	ctx := context.Background()
	if _, err := v.Verify(ctx, sign(t, p.key("k1"), "k1", p.claims())); err != nil {
		t.Fatal(err)
	}
	stranger := newRSAKey(t)
	for i := range 100 {
		for _, kid := range []string{"k1", fmt.Sprintf("forged-%d", i)} {
			if _, err := v.Verify(ctx, sign(t, stranger, kid, p.claims())); !errors.Is(err, ErrUnauthenticated) {
				t.Fatalf("forged token %d under %s: %v", i, kid, err)
			}
		}
	}
	if n := p.fetches(); n > 2 {
		t.Fatalf("200 forged tokens caused %d key set fetches, want at most 2", n)
	}
	if _, err := v.Verify(ctx, sign(t, p.key("k1"), "k1", p.claims())); err != nil {
		t.Errorf("a genuine token after the flood: %v", err)
	}
}

func TestOIDCLifetimeCap(t *testing.T) {
	p := newFakeProvider(t)
	v := newTestOIDCVerifier(t, p, OIDCConfig{})
	now := time.Now()
	for name, c := range map[string]struct {
		claims map[string]any
		ok     bool
	}{
		"twelve hours":              {map[string]any{"exp": now.Add(12 * time.Hour).Unix()}, true},
		"ten years":                 {map[string]any{"exp": now.AddDate(10, 0, 0).Unix()}, false},
		"a day, without issue time": {map[string]any{"iat": nil, "exp": now.Add(24 * time.Hour).Unix()}, false},
	} {
		token := sign(t, p.key("k1"), "k1", with(p.claims(), c.claims))
		_, err := v.Verify(context.Background(), token)
		if c.ok && err != nil {
			t.Errorf("%s: refused: %v", name, err)
		}
		if !c.ok {
			assertRefused(t, err, token, "token valid for longer than this service allows")
		}
	}
}

func TestIssuerMustUseHTTPS(t *testing.T) {
	for _, c := range []struct {
		url      string
		loopback bool
		ok       bool
	}{
		{"https://login.example.org", false, true},
		{"http://login.example.org", false, false},
		{"http://login.example.org", true, false},
		{"http://127.0.0.1:5556", false, false},
		{"http://127.0.0.1:5556", true, true},
		{"http://localhost:5556", true, true},
		{"http://[::1]:5556", true, true},
		{"ftp://127.0.0.1", true, false},
		{"login.example.org", false, false},
	} {
		if err := requireHTTPS(c.url, c.loopback); (err == nil) != c.ok {
			t.Errorf("%s (loopback allowed %v): %v", c.url, c.loopback, err)
		}
	}
}
