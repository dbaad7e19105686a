package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/caseflow/caseflow/safeguarding"
)

// Development tokens name this issuer and audience, so one can never pass for the other's.
const (
	DevIssuer   = "caseflow-dev"
	DevAudience = "caseflow"
	// leeway tolerates small clock differences between machines.
	leeway = 30 * time.Second
)

// claims are the token claims caseflow reads.
type claims struct {
	Role string `json:"role"`
	Team string `json:"team,omitempty"`
	jwt.RegisteredClaims
}

// LoadOrCreateDevKey reads the development signing key at path, creating it (mode 0600) on
// first use, so `caseflow dev` and a later `caseflow token` agree.
func LoadOrCreateDevKey(path string) (ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return createDevKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read development key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("development key %s is not a PEM file; delete it to create a new one", path)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("development key %s: %w", path, err)
	}
	key, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("development key %s is not an Ed25519 key", path)
	}
	return key, nil
}

func createDevKey(path string) (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate development key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode development key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create key directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return LoadOrCreateDevKey(path) // another process created it first
	}
	if err != nil {
		return nil, fmt.Errorf("create development key: %w", err)
	}
	defer f.Close()
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		return nil, fmt.Errorf("write development key: %w", err)
	}
	return key, nil
}

// DevTokens mints and verifies development tokens.
type DevTokens struct{ key ed25519.PrivateKey }

// NewDevTokens returns a minter and verifier of development tokens signed with key.
func NewDevTokens(key ed25519.PrivateKey) *DevTokens { return &DevTokens{key: key} }

// Mint signs a token for actor, valid for ttl.
func (d *DevTokens) Mint(actor safeguarding.Actor, ttl time.Duration) (string, error) {
	if actor.UserID == "" {
		return "", errors.New("a token needs a user id")
	}
	if _, err := safeguarding.ParseRole(string(actor.Role)); err != nil {
		return "", err
	}
	now := time.Now()
	token := jwt.NewWithClaims(jwt.SigningMethodEdDSA, claims{
		Role: string(actor.Role),
		Team: actor.Team,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    DevIssuer,
			Subject:   actor.UserID,
			Audience:  jwt.ClaimStrings{DevAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	})
	signed, err := token.SignedString(d.key)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return signed, nil
}

// Verify checks a development token: EdDSA only (never "none" or HMAC), our issuer and
// audience, an expiry, and a known role.
func (d *DevTokens) Verify(_ context.Context, raw string) (safeguarding.Actor, error) {
	var c claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return d.key.Public(), nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(DevIssuer),
		jwt.WithAudience(DevAudience),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(leeway),
	)
	if err != nil {
		return safeguarding.Actor{}, unauthenticated(reasonOf(err))
	}
	return actorFrom(c.Subject, c.Role, c.Team)
}

// reasonOf names what was wrong with a token in words a user can act on.
func reasonOf(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "token expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return "token not valid yet"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return "bad signature"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "malformed token"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "token from another issuer"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return "token for another service"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "token has no expiry"
	default:
		return "token not accepted"
	}
}
