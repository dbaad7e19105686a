package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/golang-jwt/jwt/v5"

	"github.com/caseflow/caseflow/safeguarding"
)

// The claims that carry the caseflow role and the team when OIDCConfig names none.
const (
	DefaultRoleClaim = "role"
	DefaultTeamClaim = "team"
	// DefaultTeamsClaim lists further teams whose cases a manager acts on (safeguarding.Actor.Teams).
	DefaultTeamsClaim = "caseflow_teams"
)

// providerTimeout bounds each request to the identity provider, for discovery and for its
// keys, so that a provider that hangs cannot stall key refreshes forever.
const providerTimeout = 10 * time.Second

// OIDCConfig configures verification of the agency identity provider's tokens.
type OIDCConfig struct {
	// IssuerURL is the provider's issuer, exactly as its tokens name it. Its discovery
	// document, at IssuerURL + "/.well-known/openid-configuration", names the keys.
	IssuerURL string
	// Audience is the client id that tokens must be issued for.
	Audience string
	// RoleClaim is the top-level claim holding the caseflow role (DefaultRoleClaim when
	// empty): a string, or an array of strings among which exactly one is a caseflow role,
	// since providers often list several applications' roles in one claim.
	RoleClaim string
	// TeamClaim is the top-level string claim holding the team id (DefaultTeamClaim when
	// empty). A token without it is accepted, with no team.
	TeamClaim string
	// TeamsClaim is the top-level claim listing further teams whose cases a manager acts on
	// (DefaultTeamsClaim when empty): an array of strings, or one string of codes separated by
	// spaces. Read for managers only; a token without it grants none.
	TeamsClaim string
	// MaxLifetime refuses tokens valid for longer than this from their issue
	// (DefaultMaxLifetime when zero).
	MaxLifetime time.Duration
	// KeyRefreshInterval is the least time between fetches of the provider's keys
	// (DefaultKeyRefreshInterval when zero).
	KeyRefreshInterval time.Duration
	// HTTPClient talks to the provider, e.g. to trust a private CA; nil uses a client with a
	// timeout and the system's roots.
	HTTPClient *http.Client
	// InsecureLoopbackIssuer lets an http issuer through when its host is loopback: for the
	// in-process providers of tests only. No flag or variable sets it.
	InsecureLoopbackIssuer bool
}

// oidcVerifier checks tokens of an OpenID Connect provider. go-oidc verifies the signature
// with the provider's published keys, which keySet fetches again when a token names a key it has
// not seen (at most once a minute), which is how it follows rotation; go-oidc also checks issuer,
// audience and expiry. The same claim checks as for development tokens then run on top, so the
// leeway, the lifetime cap and the reasons for a refusal are the same whoever issued the token.
type oidcVerifier struct {
	idTokens    *oidc.IDTokenVerifier
	claims      *jwt.Validator
	audience    string
	roleClaim   string
	teamClaim   string
	teamsClaim  string
	maxLifetime time.Duration
}

// NewOIDCVerifier discovers the identity provider at cfg.IssuerURL and returns a Verifier of
// its tokens. It fails if the issuer or its key set is not served over https, if the provider
// cannot be reached or names another issuer; ctx bounds discovery only.
func NewOIDCVerifier(ctx context.Context, cfg OIDCConfig) (Verifier, error) {
	if cfg.IssuerURL == "" {
		return nil, errors.New("OIDC verifier: no issuer URL")
	}
	if err := requireHTTPS(cfg.IssuerURL, cfg.InsecureLoopbackIssuer); err != nil {
		return nil, fmt.Errorf("OIDC verifier: issuer %w", err)
	}
	if cfg.Audience == "" {
		return nil, errors.New("OIDC verifier: no audience")
	}
	if cfg.RoleClaim == "" {
		cfg.RoleClaim = DefaultRoleClaim
	}
	if cfg.TeamClaim == "" {
		cfg.TeamClaim = DefaultTeamClaim
	}
	if cfg.TeamsClaim == "" {
		cfg.TeamsClaim = DefaultTeamsClaim
	}
	if cfg.MaxLifetime <= 0 {
		cfg.MaxLifetime = DefaultMaxLifetime
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: providerTimeout}
	}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.IssuerURL)
	if err != nil {
		return nil, fmt.Errorf("discover identity provider %s: %w", cfg.IssuerURL, err)
	}
	var discovered struct {
		KeySetURL  string   `json:"jwks_uri"`
		Algorithms []string `json:"id_token_signing_alg_values_supported"`
	}
	if err := provider.Claims(&discovered); err != nil {
		return nil, fmt.Errorf("discover identity provider %s: %w", cfg.IssuerURL, err)
	}
	if err := requireHTTPS(discovered.KeySetURL, cfg.InsecureLoopbackIssuer); err != nil {
		return nil, fmt.Errorf("OIDC verifier: key set %w", err)
	}
	keys := newKeySet(discovered.KeySetURL, client, cfg.KeyRefreshInterval)
	return &oidcVerifier{
		idTokens: oidc.NewVerifier(cfg.IssuerURL, keys, &oidc.Config{
			ClientID:             cfg.Audience,
			SupportedSigningAlgs: discovered.Algorithms,
			// go-oidc allows no leeway on expiry; running its clock behind by the leeway
			// gives the same tolerance as the claim checks.
			Now: func() time.Time { return time.Now().Add(-clockLeeway) },
		}),
		claims:      jwt.NewValidator(claimChecks(cfg.IssuerURL, cfg.Audience)...),
		audience:    cfg.Audience,
		roleClaim:   cfg.RoleClaim,
		teamClaim:   cfg.TeamClaim,
		teamsClaim:  cfg.TeamsClaim,
		maxLifetime: cfg.MaxLifetime,
	}, nil
}

// RequireHTTPS refuses a URL that is not https: tokens checked against keys fetched in clear
// could be forged by anyone on the path.
func RequireHTTPS(raw string) error { return requireHTTPS(raw, false) }

// requireHTTPS is RequireHTTPS, letting http through on a loopback host when loopback is set.
func requireHTTPS(raw string, loopback bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL", raw)
	}
	if u.Scheme == "https" {
		return nil
	}
	if ip := net.ParseIP(u.Hostname()); loopback && u.Scheme == "http" && (u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("%q must use https", raw)
}

// Verify returns the actor a token of the provider names, or an error wrapping
// ErrUnauthenticated. If ctx ends while the provider's keys are being fetched, the error
// wraps ctx's error instead: the token was not judged.
func (v *oidcVerifier) Verify(ctx context.Context, raw string) (safeguarding.Actor, error) {
	if strings.TrimSpace(raw) == "" {
		return safeguarding.Actor{}, unauthenticated(reasonNoToken)
	}
	token, err := v.idTokens.Verify(ctx, raw)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return safeguarding.Actor{}, fmt.Errorf("verify token: %w", ctxErr)
		}
		// go-oidc's errors are prose, and may quote claims; find the reason afresh.
		return safeguarding.Actor{}, unauthenticated(v.refusalReason(raw))
	}
	var claims jwt.MapClaims
	if err := token.Claims(&claims); err != nil {
		return safeguarding.Actor{}, unauthenticated(reasonMalformed)
	}
	if err := v.claims.Validate(claims); err != nil {
		return safeguarding.Actor{}, unauthenticated(reasonOf(err))
	}
	if err := checkLifetime(claims, v.maxLifetime); err != nil {
		return safeguarding.Actor{}, err
	}
	if err := checkAuthorizedParty(claims, v.audience); err != nil {
		return safeguarding.Actor{}, err
	}
	role, err := roleFrom(claims[v.roleClaim])
	if err != nil {
		return safeguarding.Actor{}, err
	}
	team, err := teamFrom(claims[v.teamClaim])
	if err != nil {
		return safeguarding.Actor{}, err
	}
	teams, err := teamsFrom(claims[v.teamsClaim])
	if err != nil {
		return safeguarding.Actor{}, err
	}
	return actorFrom(token.Subject, role, team, teams)
}

// refusalReason explains why go-oidc refused a token. It reads the token without trusting it,
// which is safe because the token is refused whatever it says: if its claims pass the claim
// checks, what failed was the signature or its key.
func (v *oidcVerifier) refusalReason(raw string) string {
	claims := jwt.MapClaims{}
	token, _, err := jwt.NewParser().ParseUnverified(raw, claims)
	if err != nil {
		return reasonOf(err)
	}
	// A provider publishes public keys only: an unsigned or HMAC token cannot be its own.
	if _, hmac := token.Method.(*jwt.SigningMethodHMAC); hmac || token.Method == jwt.SigningMethodNone {
		return reasonAlgorithm
	}
	if err := v.claims.Validate(claims); err != nil {
		return reasonOf(err)
	}
	return reasonSignature
}

// roleFrom reads the role claim: a string, or an array of which exactly one element is a
// caseflow role (repeats of it are harmless). A string that is not a caseflow role is left for
// actorFrom to refuse; an array without one means the user has no caseflow role.
func roleFrom(claim any) (string, error) {
	switch c := claim.(type) {
	case nil:
		return "", nil
	case string:
		return c, nil
	case []any:
		found := ""
		for _, item := range c {
			s, ok := item.(string)
			if !ok {
				continue
			}
			if _, err := safeguarding.ParseRole(s); err != nil {
				continue
			}
			if found != "" && found != s {
				return "", unauthenticated(reasonTwoRoles)
			}
			found = s
		}
		return found, nil
	default:
		return "", unauthenticated(reasonRoleType)
	}
}

// teamsFrom reads the optional claim of further teams: an array of strings, or one string of
// codes separated by spaces (as OAuth writes scopes). Anything else is refused, as for the team.
func teamsFrom(claim any) ([]string, error) {
	switch c := claim.(type) {
	case nil:
		return nil, nil
	case string:
		return strings.Fields(c), nil
	case []any:
		teams := make([]string, 0, len(c))
		for _, item := range c {
			s, ok := item.(string)
			if !ok {
				return nil, unauthenticated(reasonTeamsType)
			}
			teams = append(teams, s)
		}
		return teams, nil
	default:
		return nil, unauthenticated(reasonTeamsType)
	}
}

// teamFrom reads the optional team claim. A team of another type is refused rather than
// dropped, so that a misconfigured claim shows at the first sign-in.
func teamFrom(claim any) (string, error) {
	switch c := claim.(type) {
	case nil:
		return "", nil
	case string:
		return c, nil
	default:
		return "", unauthenticated(reasonTeamType)
	}
}
