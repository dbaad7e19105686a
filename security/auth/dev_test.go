package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/caseflow/caseflow/safeguarding"
)

func newDevKey(t *testing.T) ed25519.PrivateKey {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// signDev signs claims with any method and key, to build the tokens a forger would send.
func signDev(t *testing.T, method jwt.SigningMethod, key any, c devClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validDevClaims are the claims Mint would write, for tests to spoil one at a time.
func validDevClaims() devClaims {
	now := time.Now()
	return devClaims{Role: string(safeguarding.RoleSocialWorker), Team: "north", RegisteredClaims: jwt.RegisteredClaims{
		Issuer: DevTokenIssuer, Subject: "sw-1", Audience: jwt.ClaimStrings{DevTokenAudience},
		IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
	}}
}

// assertRefused checks that err refuses a token for reason, without echoing the token.
func assertRefused(t *testing.T, err error, token, reason string) {
	t.Helper()
	if !errors.Is(err, ErrUnauthenticated) {
		t.Fatalf("got %v, want ErrUnauthenticated", err)
	}
	if want := "unauthenticated: " + reason; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if token != "" && strings.Contains(err.Error(), token) {
		t.Error("the error echoes the token")
	}
}

func TestDevRoundTripEveryRole(t *testing.T) {
	key := newDevKey(t)
	issuer := NewDevIssuer(key)
	verifier := NewDevVerifier(issuer.PublicKey(), 0)
	for _, role := range safeguarding.Roles {
		for _, team := range []string{"north", ""} {
			want := safeguarding.Actor{UserID: "u-" + string(role), Role: role, Team: team}
			if role == safeguarding.RoleManager {
				want.Teams = "east south" // further teams travel for managers
			}
			token, err := issuer.Mint(want, time.Minute)
			if err != nil {
				t.Fatalf("mint %+v: %v", want, err)
			}
			got, err := verifier.Verify(context.Background(), token)
			if err != nil || got != want {
				t.Errorf("verify %+v: got %+v, %v", want, got, err)
			}
		}
	}
}

func TestDevMintWritesTheAgreedClaims(t *testing.T) {
	key := newDevKey(t)
	const ttl = 2 * time.Hour
	before := time.Now().Truncate(time.Second)
	token, err := NewDevIssuer(key).Mint(safeguarding.Actor{UserID: "c-1", Role: safeguarding.RoleCarer}, ttl)
	if err != nil {
		t.Fatal(err)
	}
	var c devClaims
	parsed, _, err := jwt.NewParser().ParseUnverified(token, &c)
	if err != nil {
		t.Fatal(err)
	}
	if alg := parsed.Method.Alg(); alg != "EdDSA" {
		t.Errorf("alg %q, want EdDSA", alg)
	}
	if c.Issuer != "caseflow-dev" || len(c.Audience) != 1 || c.Audience[0] != "caseflow" {
		t.Errorf("iss %q aud %q, want caseflow-dev and caseflow", c.Issuer, c.Audience)
	}
	if c.Subject != "c-1" || c.Role != "carer" || c.Team != "" {
		t.Errorf("sub %q role %q team %q", c.Subject, c.Role, c.Team)
	}
	if c.IssuedAt == nil || c.NotBefore == nil || c.ExpiresAt == nil {
		t.Fatalf("iat %v nbf %v exp %v: all are required", c.IssuedAt, c.NotBefore, c.ExpiresAt)
	}
	if lifetime := c.ExpiresAt.Sub(c.IssuedAt.Time); lifetime != ttl {
		t.Errorf("lifetime %v, want %v", lifetime, ttl)
	}
	if c.IssuedAt.Before(before) || c.IssuedAt.After(time.Now()) {
		t.Errorf("issued at %v, want about now", c.IssuedAt)
	}
}

func TestDevMintRefusesWhatVerifyWouldRefuse(t *testing.T) {
	issuer := NewDevIssuer(newDevKey(t))
	cases := map[string]struct {
		actor safeguarding.Actor
		ttl   time.Duration
	}{
		"no user id":      {safeguarding.Actor{Role: safeguarding.RoleCarer}, time.Minute},
		"unknown role":    {safeguarding.Actor{UserID: "x", Role: "admin"}, time.Minute},
		"no role":         {safeguarding.Actor{UserID: "x"}, time.Minute},
		"zero lifetime":   {safeguarding.Actor{UserID: "x", Role: safeguarding.RoleCarer}, 0},
		"already expired": {safeguarding.Actor{UserID: "x", Role: safeguarding.RoleCarer}, -time.Minute},
	}
	for name, c := range cases {
		if token, err := issuer.Mint(c.actor, c.ttl); err == nil {
			t.Errorf("%s: minted %q", name, token)
		}
	}
}

func TestDevVerifyRefusals(t *testing.T) {
	key := newDevKey(t)
	pub := key.Public().(ed25519.PublicKey)
	verifier := NewDevVerifier(pub, 0)
	spoil := func(f func(*devClaims)) devClaims { c := validDevClaims(); f(&c); return c }
	eddsa := func(c devClaims) string { return signDev(t, jwt.SigningMethodEdDSA, key, c) }
	ago := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(time.Now().Add(-d)) }

	good := eddsa(validDevClaims())
	parts := strings.Split(good, ".")
	promoted := spoil(func(c *devClaims) { c.Role = string(safeguarding.RoleManager) })
	payload, err := jwt.NewWithClaims(jwt.SigningMethodEdDSA, promoted).SigningString()
	if err != nil {
		t.Fatal(err)
	}
	tampered := parts[0] + "." + strings.Split(payload, ".")[1] + "." + parts[2]
	unknownAlg := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"XS512","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2]

	cases := []struct {
		name, token, reason string
	}{
		{"empty", "", "no token"},
		{"blank", "   ", "no token"},
		{"garbage", "not.a.token", "malformed token"},
		{"two parts", parts[0] + "." + parts[1], "malformed token"},
		{"expired", eddsa(spoil(func(c *devClaims) { c.ExpiresAt = ago(time.Minute) })), "token expired"},
		{"not yet valid", eddsa(spoil(func(c *devClaims) { c.NotBefore = ago(-time.Minute) })), "token not valid yet"},
		{"issued in the future", eddsa(spoil(func(c *devClaims) { c.IssuedAt = ago(-time.Minute) })), "token issued in the future"},
		{"no expiry", eddsa(spoil(func(c *devClaims) { c.ExpiresAt = nil })), "token lacks a required claim"},
		{"signed by another key", signDev(t, jwt.SigningMethodEdDSA, newDevKey(t), validDevClaims()), "bad signature"},
		{"tampered payload", tampered, "bad signature"},
		{"alg none", signDev(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, validDevClaims()), "signing algorithm not accepted"},
		{"HS256 keyed with the public key", signDev(t, jwt.SigningMethodHS256, []byte(pub), validDevClaims()), "signing algorithm not accepted"},
		{"unknown alg", unknownAlg, "signing algorithm not accepted"},
		{"unknown role", eddsa(spoil(func(c *devClaims) { c.Role = "admin" })), "unknown role"},
		{"no role", eddsa(spoil(func(c *devClaims) { c.Role = "" })), "token has no caseflow role"},
		{"no subject", eddsa(spoil(func(c *devClaims) { c.Subject = "" })), "token has no subject"},
		{"wrong audience", eddsa(spoil(func(c *devClaims) { c.Audience = jwt.ClaimStrings{"other"} })), "token for another service"},
		{"wrong issuer", eddsa(spoil(func(c *devClaims) { c.Issuer = "https://idp.example" })), "token from another issuer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			actor, err := verifier.Verify(context.Background(), c.token)
			if actor != (safeguarding.Actor{}) {
				t.Errorf("a refused token still gave %+v", actor)
			}
			assertRefused(t, err, c.token, c.reason)
		})
	}
}

func TestDevVerifyToleratesSmallClockDifferences(t *testing.T) {
	key := newDevKey(t)
	verifier := NewDevVerifier(key.Public().(ed25519.PublicKey), 0)
	skew := clockLeeway / 2
	c := validDevClaims()
	c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-skew))
	c.NotBefore = jwt.NewNumericDate(time.Now().Add(skew))
	c.IssuedAt = c.NotBefore
	if _, err := verifier.Verify(context.Background(), signDev(t, jwt.SigningMethodEdDSA, key, c)); err != nil {
		t.Errorf("a token %v out either way was refused: %v", skew, err)
	}
}

// TestDevTokensShareOneKey is what `caseflow dev` relies on: the sign-in page mints with the
// same value that the API verifies with.
func TestDevTokensShareOneKey(t *testing.T) {
	tokens := NewDevTokens(newDevKey(t), 0)
	want := safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}
	token, err := tokens.Mint(want, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := tokens.Verify(context.Background(), token); err != nil || got != want {
		t.Fatalf("got %+v, %v", got, err)
	}
	other, err := NewDevTokens(newDevKey(t), 0).Mint(want, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tokens.Verify(context.Background(), other)
	assertRefused(t, err, other, "bad signature")
}

// TestLifetimeCap: a token valid for longer than the cap is refused, however validly signed,
// and DevTokens will not mint one.
func TestLifetimeCap(t *testing.T) {
	key := newDevKey(t)
	const cap = 2 * time.Hour
	verifier := NewDevVerifier(key.Public().(ed25519.PublicKey), cap)
	long := validDevClaims()
	long.ExpiresAt = jwt.NewNumericDate(long.IssuedAt.Add(cap + time.Minute))
	token := signDev(t, jwt.SigningMethodEdDSA, key, long)
	_, err := verifier.Verify(context.Background(), token)
	assertRefused(t, err, token, "token valid for longer than this service allows")

	tenYears := validDevClaims()
	tenYears.ExpiresAt = jwt.NewNumericDate(time.Now().AddDate(10, 0, 0))
	_, err = NewDevVerifier(key.Public().(ed25519.PublicKey), 0).Verify(context.Background(), signDev(t, jwt.SigningMethodEdDSA, key, tenYears))
	assertRefused(t, err, "", "token valid for longer than this service allows")

	exact := validDevClaims()
	exact.ExpiresAt = jwt.NewNumericDate(exact.IssuedAt.Add(cap))
	if _, err := verifier.Verify(context.Background(), signDev(t, jwt.SigningMethodEdDSA, key, exact)); err != nil {
		t.Errorf("a token of exactly the cap was refused: %v", err)
	}
	tokens := NewDevTokens(key, cap)
	if _, err := tokens.Mint(safeguarding.Actor{UserID: "u", Role: safeguarding.RoleCarer}, cap+time.Second); err == nil {
		t.Error("minted a token longer than the cap")
	}
	if _, err := tokens.Mint(safeguarding.Actor{UserID: "u", Role: safeguarding.RoleCarer}, cap); err != nil {
		t.Errorf("refused to mint a token of the cap: %v", err)
	}
}
