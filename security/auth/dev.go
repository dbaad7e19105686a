package auth

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/caseflow/caseflow/safeguarding"
)

// Development tokens name their own issuer, so that one can never pass for a token of the
// agency's identity provider, and caseflow as their audience.
const (
	DevTokenIssuer   = "caseflow-dev"
	DevTokenAudience = "caseflow"
)

// devSigningMethod is the only algorithm a development token may use. Naming it is what
// refuses "none" and HMAC tokens, which anyone could forge with the public key as the secret.
var devSigningMethod = jwt.SigningMethodEdDSA

// devClaims are the claims of a development token.
type devClaims struct {
	Role  string   `json:"role"`
	Team  string   `json:"team,omitempty"`
	Teams []string `json:"caseflow_teams,omitempty"`
	jwt.RegisteredClaims
}

// DevIssuer mints development tokens. Anyone holding its key can act in any role, so it
// belongs to development and demonstrations only.
type DevIssuer struct {
	key ed25519.PrivateKey
}

// NewDevIssuer returns an issuer that signs with key.
func NewDevIssuer(key ed25519.PrivateKey) *DevIssuer {
	return &DevIssuer{key: key}
}

// PublicKey returns the key that verifies this issuer's tokens, for NewDevVerifier.
func (i *DevIssuer) PublicKey() ed25519.PublicKey {
	return i.key.Public().(ed25519.PublicKey)
}

// Mint signs a token naming actor, valid from now for ttl. It refuses an actor without a user
// id or with an unknown role, as the verifier would refuse the token.
func (i *DevIssuer) Mint(actor safeguarding.Actor, ttl time.Duration) (string, error) {
	if actor.UserID == "" {
		return "", errors.New("mint development token: the actor has no user id")
	}
	if _, err := safeguarding.ParseRole(string(actor.Role)); err != nil {
		return "", fmt.Errorf("mint development token: %w", err)
	}
	if ttl <= 0 {
		return "", fmt.Errorf("mint development token: lifetime %v is not positive", ttl)
	}
	now := time.Now()
	token := jwt.NewWithClaims(devSigningMethod, devClaims{
		Role:  string(actor.Role),
		Team:  actor.Team,
		Teams: strings.Fields(actor.Teams),
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    DevTokenIssuer,
			Subject:   actor.UserID,
			Audience:  jwt.ClaimStrings{DevTokenAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
	})
	signed, err := token.SignedString(i.key)
	if err != nil {
		return "", fmt.Errorf("mint development token: %w", err)
	}
	return signed, nil
}

// devVerifier checks development tokens against one public key.
type devVerifier struct {
	key         ed25519.PublicKey
	parser      *jwt.Parser
	maxLifetime time.Duration
}

// NewDevVerifier returns a Verifier of development tokens signed by the private half of pub.
// It accepts EdDSA signatures only, DevTokenIssuer and DevTokenAudience, and a token that
// expires within maxLifetime of its issue (DefaultMaxLifetime when zero); clocks may differ by
// a few seconds.
func NewDevVerifier(pub ed25519.PublicKey, maxLifetime time.Duration) Verifier {
	if maxLifetime <= 0 {
		maxLifetime = DefaultMaxLifetime
	}
	opts := append(claimChecks(DevTokenIssuer, DevTokenAudience),
		jwt.WithValidMethods([]string{devSigningMethod.Alg()}))
	return &devVerifier{key: pub, parser: jwt.NewParser(opts...), maxLifetime: maxLifetime}
}

// Verify returns the actor a development token names, or an error wrapping
// ErrUnauthenticated.
func (v *devVerifier) Verify(_ context.Context, raw string) (safeguarding.Actor, error) {
	if strings.TrimSpace(raw) == "" {
		return safeguarding.Actor{}, unauthenticated(reasonNoToken)
	}
	var c devClaims
	token, err := v.parser.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return v.key, nil })
	if err != nil {
		// The allow-list reports another algorithm as a bad signature; say what is wrong.
		if errors.Is(err, jwt.ErrTokenSignatureInvalid) && token != nil && token.Method != nil &&
			token.Method.Alg() != devSigningMethod.Alg() {
			return safeguarding.Actor{}, unauthenticated(reasonAlgorithm)
		}
		return safeguarding.Actor{}, unauthenticated(reasonOf(err))
	}
	if err := checkLifetime(c, v.maxLifetime); err != nil {
		return safeguarding.Actor{}, err
	}
	return actorFrom(c.Subject, c.Role, c.Team, c.Teams)
}

// DevTokens mints and verifies development tokens with one key: what `caseflow dev` needs,
// where the sign-in page mints the tokens that the API then verifies.
type DevTokens struct {
	issuer      *DevIssuer
	verifier    Verifier
	maxLifetime time.Duration
}

// NewDevTokens returns a minter and Verifier of development tokens signed with key, valid for
// at most maxLifetime (DefaultMaxLifetime when zero).
func NewDevTokens(key ed25519.PrivateKey, maxLifetime time.Duration) *DevTokens {
	if maxLifetime <= 0 {
		maxLifetime = DefaultMaxLifetime
	}
	issuer := NewDevIssuer(key)
	return &DevTokens{issuer: issuer, verifier: NewDevVerifier(issuer.PublicKey(), maxLifetime), maxLifetime: maxLifetime}
}

// Mint signs a token naming actor, valid for ttl; see DevIssuer.Mint. A ttl beyond the
// lifetime cap is refused: the token would be refused too.
func (d *DevTokens) Mint(actor safeguarding.Actor, ttl time.Duration) (string, error) {
	if ttl > d.maxLifetime {
		return "", fmt.Errorf("mint development token: lifetime %v is longer than the %v allowed", ttl, d.maxLifetime)
	}
	return d.issuer.Mint(actor, ttl)
}

// Verify returns the actor a development token names; see NewDevVerifier.
func (d *DevTokens) Verify(ctx context.Context, raw string) (safeguarding.Actor, error) {
	return d.verifier.Verify(ctx, raw)
}
