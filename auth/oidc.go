package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/caseflow/caseflow/safeguarding"
)

// OIDCConfig configures verification of the agency identity provider's tokens.
type OIDCConfig struct {
	// IssuerURL is the provider's issuer; its discovery document names the JWKS.
	IssuerURL string
	// Audience is the client id tokens must be issued for.
	Audience string
	// RoleClaim holds the caseflow role: a string, or an array holding exactly one caseflow role.
	RoleClaim string
	// TeamClaim holds the team id.
	TeamClaim string
}

// OIDC verifies tokens with the provider's published keys, which go-oidc fetches and refreshes
// when the provider rotates them.
type OIDC struct {
	verifier *oidc.IDTokenVerifier
	cfg      OIDCConfig
}

// NewOIDC discovers the provider and returns a verifier.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.RoleClaim == "" {
		cfg.RoleClaim = "role"
	}
	if cfg.TeamClaim == "" {
		cfg.TeamClaim = "team"
	}
	provider, err := oidc.NewProvider(ctx, cfg.IssuerURL)
	if err != nil {
		return nil, fmt.Errorf("discover identity provider %s: %w", cfg.IssuerURL, err)
	}
	return &OIDC{verifier: provider.Verifier(&oidc.Config{ClientID: cfg.Audience}), cfg: cfg}, nil
}

// Verify checks signature, issuer, audience and expiry, then reads the role and team claims.
func (o *OIDC) Verify(ctx context.Context, raw string) (safeguarding.Actor, error) {
	tok, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		var expired *oidc.TokenExpiredError
		if errors.As(err, &expired) {
			return safeguarding.Actor{}, unauthenticated("token expired")
		}
		return safeguarding.Actor{}, unauthenticated("token not accepted")
	}
	var all map[string]any
	if err := tok.Claims(&all); err != nil {
		return safeguarding.Actor{}, unauthenticated("unreadable claims")
	}
	role, err := roleOf(all[o.cfg.RoleClaim])
	if err != nil {
		return safeguarding.Actor{}, err
	}
	team, _ := all[o.cfg.TeamClaim].(string)
	return actorFrom(tok.Subject, role, team)
}

// roleOf accepts a role claim as a string or as an array from which exactly one caseflow role
// is taken; providers often put several application roles in one array.
func roleOf(v any) (string, error) {
	switch r := v.(type) {
	case string:
		return r, nil
	case []any:
		found := ""
		for _, item := range r {
			s, _ := item.(string)
			if _, err := safeguarding.ParseRole(s); err != nil {
				continue
			}
			if found != "" && found != s {
				return "", unauthenticated("token carries more than one caseflow role")
			}
			found = s
		}
		return found, nil
	case nil:
		return "", nil
	}
	return "", unauthenticated("role claim is neither a string nor a list: " + strings.TrimSpace(fmt.Sprintf("%T", v)))
}
