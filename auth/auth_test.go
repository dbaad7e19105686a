package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/caseflow/caseflow/safeguarding"
)

func devTokens(t *testing.T) *DevTokens {
	t.Helper()
	key, err := LoadOrCreateDevKey(filepath.Join(t.TempDir(), "key"))
	if err != nil {
		t.Fatal(err)
	}
	return NewDevTokens(key)
}

func TestDevTokenRoundTripEveryRole(t *testing.T) {
	d := devTokens(t)
	for _, role := range safeguarding.Roles {
		want := safeguarding.Actor{UserID: "u-" + string(role), Role: role, Team: "north"}
		tok, err := d.Mint(want, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Verify(context.Background(), tok)
		if err != nil || got != want {
			t.Fatalf("%s: got %+v, %v", role, got, err)
		}
	}
}

// sign makes a token with chosen claims and method, to reach every refusal.
func sign(t *testing.T, method jwt.SigningMethod, key any, c claims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validClaims() claims {
	now := time.Now()
	return claims{Role: "social_worker", RegisteredClaims: jwt.RegisteredClaims{
		Issuer: DevIssuer, Subject: "sw-1", Audience: jwt.ClaimStrings{DevAudience},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
	}}
}

func TestDevTokenRefusals(t *testing.T) {
	d := devTokens(t)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	mutate := func(f func(*claims)) claims { c := validClaims(); f(&c); return c }
	good := sign(t, jwt.SigningMethodEdDSA, d.key, validClaims())
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"role":"manager","sub":"sw-1","iss":"caseflow-dev","aud":["caseflow"],"exp":9999999999}`)) + "." + parts[2]
	none := sign(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, validClaims())
	cases := map[string]struct {
		token, reason string
	}{
		"expired":       {sign(t, jwt.SigningMethodEdDSA, d.key, mutate(func(c *claims) { c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-time.Hour)) })), "token expired"},
		"not yet valid": {sign(t, jwt.SigningMethodEdDSA, d.key, mutate(func(c *claims) { c.NotBefore = jwt.NewNumericDate(time.Now().Add(time.Hour)) })), "token not valid yet"},
		"other key":     {sign(t, jwt.SigningMethodEdDSA, otherKey, validClaims()), "bad signature"},
		"tampered":      {tampered, "bad signature"},
		"alg none":      {none, "bad signature"},
		"hs256":         {sign(t, jwt.SigningMethodHS256, []byte("secret"), validClaims()), "bad signature"},
		"unknown role":  {sign(t, jwt.SigningMethodEdDSA, d.key, mutate(func(c *claims) { c.Role = "admin" })), "unknown role"},
		"missing role":  {sign(t, jwt.SigningMethodEdDSA, d.key, mutate(func(c *claims) { c.Role = "" })), "token has no caseflow role"},
		"missing sub":   {sign(t, jwt.SigningMethodEdDSA, d.key, mutate(func(c *claims) { c.Subject = "" })), "token has no subject"},
		"wrong aud":     {sign(t, jwt.SigningMethodEdDSA, d.key, mutate(func(c *claims) { c.Audience = jwt.ClaimStrings{"other"} })), "token for another service"},
		"no expiry":     {sign(t, jwt.SigningMethodEdDSA, d.key, mutate(func(c *claims) { c.ExpiresAt = nil })), "token has no expiry"},
		"garbage":       {"not.a.token", "malformed token"},
		"empty":         {"", "malformed token"},
	}
	for name, c := range cases {
		_, err := d.Verify(context.Background(), c.token)
		if !errors.Is(err, ErrUnauthenticated) || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("%s: %v, want ErrUnauthenticated with %q", name, err, c.reason)
		}
		if err != nil && c.token != "" && strings.Contains(err.Error(), c.token) {
			t.Errorf("%s: the error echoes the token", name)
		}
	}
}

func TestMintRefusesIncompleteActors(t *testing.T) {
	d := devTokens(t)
	if _, err := d.Mint(safeguarding.Actor{Role: safeguarding.RoleCarer}, time.Minute); err == nil {
		t.Error("minted a token without a user id")
	}
	if _, err := d.Mint(safeguarding.Actor{UserID: "x", Role: "admin"}, time.Minute); err == nil {
		t.Error("minted a token with an unknown role")
	}
}

func TestDevKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dev.key")
	first, err := LoadOrCreateDevKey(path)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", info.Mode().Perm(), err)
	}
	second, err := LoadOrCreateDevKey(path)
	if err != nil || !first.Equal(second) {
		t.Fatalf("second load gave another key (%v)", err)
	}
	if err := os.WriteFile(path, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateDevKey(path); err == nil || !strings.Contains(err.Error(), "not a PEM file") {
		t.Fatalf("corrupt key file: %v", err)
	}
}

// oidcProvider serves discovery and a JWKS for one RSA key, as an identity provider does.
func oidcProvider(t *testing.T) (*httptest.Server, *rsa.PrivateKey) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"issuer": srv.URL, "jwks_uri": srv.URL + "/jwks", "authorization_endpoint": srv.URL + "/auth",
			"token_endpoint": srv.URL + "/token", "id_token_signing_alg_values_supported": []string{"RS256"},
		})
	})
	mux.HandleFunc("/jwks", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{
			"kty": "RSA", "kid": "k1", "alg": "RS256", "use": "sig",
			"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
		}}})
	})
	return srv, key
}

func oidcToken(t *testing.T, key *rsa.PrivateKey, kid, issuer, audience string, exp time.Time, extra map[string]any) string {
	t.Helper()
	c := jwt.MapClaims{"iss": issuer, "sub": "user-7", "aud": audience, "exp": exp.Unix(), "iat": time.Now().Unix()}
	for k, v := range extra {
		c[k] = v
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestOIDC(t *testing.T) {
	srv, key := oidcProvider(t)
	ctx := context.Background()
	v, err := NewOIDC(ctx, OIDCConfig{IssuerURL: srv.URL, Audience: "caseflow", RoleClaim: "roles"})
	if err != nil {
		t.Fatal(err)
	}
	hour := time.Now().Add(time.Hour)
	accepted := map[string]map[string]any{
		"role as string": {"roles": "manager", "team": "north"},
		"role in a list": {"roles": []string{"offline_access", "manager"}, "team": "north"},
	}
	for name, extra := range accepted {
		got, err := v.Verify(ctx, oidcToken(t, key, "k1", srv.URL, "caseflow", hour, extra))
		if err != nil || got != (safeguarding.Actor{UserID: "user-7", Role: safeguarding.RoleManager, Team: "north"}) {
			t.Errorf("%s: %+v %v", name, got, err)
		}
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	refused := map[string]string{
		"unknown key":      oidcToken(t, other, "k1", srv.URL, "caseflow", hour, map[string]any{"roles": "manager"}),
		"wrong issuer":     oidcToken(t, key, "k1", "https://elsewhere.invalid", "caseflow", hour, map[string]any{"roles": "manager"}),
		"wrong audience":   oidcToken(t, key, "k1", srv.URL, "another-app", hour, map[string]any{"roles": "manager"}),
		"expired":          oidcToken(t, key, "k1", srv.URL, "caseflow", time.Now().Add(-time.Hour), map[string]any{"roles": "manager"}),
		"two roles":        oidcToken(t, key, "k1", srv.URL, "caseflow", hour, map[string]any{"roles": []string{"manager", "carer"}}),
		"no caseflow role": oidcToken(t, key, "k1", srv.URL, "caseflow", hour, map[string]any{"roles": []string{"offline_access"}}),
	}
	for name, tok := range refused {
		if _, err := v.Verify(ctx, tok); !errors.Is(err, ErrUnauthenticated) {
			t.Errorf("%s: %v, want ErrUnauthenticated", name, err)
		}
	}
}
