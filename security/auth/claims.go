package auth

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/caseflow/caseflow/safeguarding"
)

// clockLeeway tolerates small clock differences between whoever issued a token and this
// server, without keeping an expired token alive for long.
const clockLeeway = 30 * time.Second

// DefaultMaxLifetime caps how long a token may be valid from its issue: a working day. A token
// that leaks is useful to its finder for no longer than this, whatever its issuer allowed.
const DefaultMaxLifetime = 12 * time.Hour

// Reasons given for a refusal, in words the holder of the token can act on.
const (
	reasonNoToken      = "no token"
	reasonMalformed    = "malformed token"
	reasonAlgorithm    = "signing algorithm not accepted"
	reasonSignature    = "bad signature"
	reasonExpired      = "token expired"
	reasonNotYetValid  = "token not valid yet"
	reasonFromFuture   = "token issued in the future"
	reasonIssuer       = "token from another issuer"
	reasonAudience     = "token for another service"
	reasonMissingClaim = "token lacks a required claim"
	reasonNoSubject    = "token has no subject"
	reasonNoRole       = "token has no caseflow role"
	reasonUnknownRole  = "unknown role"
	reasonTwoRoles     = "token carries more than one caseflow role"
	reasonRoleType     = "role claim is neither a string nor a list"
	reasonTeamType     = "team claim is not a string"
	reasonTeamsType    = "teams claim is neither a list of strings nor a string"
	reasonNotAccepted  = "token not accepted"
	reasonTooLong      = "token valid for longer than this service allows"
	reasonOtherClient  = "token issued to another client"
)

// claimChecks are the checks on registered claims that every token passes, whoever issued it:
// the expected issuer and audience, an expiry, and no time in the future beyond the leeway.
func claimChecks(issuer, audience string) []jwt.ParserOption {
	return []jwt.ParserOption{
		jwt.WithIssuer(issuer),
		jwt.WithAudience(audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(clockLeeway),
	}
}

// checkLifetime refuses a token valid for longer than max: from its issue, or from now when it
// names no issue time.
func checkLifetime(c jwt.Claims, max time.Duration) error {
	exp, err := c.GetExpirationTime()
	if err != nil || exp == nil {
		return unauthenticated(reasonMissingClaim)
	}
	from := time.Now()
	if iat, err := c.GetIssuedAt(); err == nil && iat != nil {
		from = iat.Time
	}
	if exp.Sub(from) > max {
		return unauthenticated(reasonTooLong)
	}
	return nil
}

// checkAuthorizedParty refuses a token issued to another client, as OpenID Connect Core 1.0
// (3.1.3.7) asks: one naming several audiences must name caseflow as the party it was issued
// to (azp), and any azp must be caseflow. Without it, a token another application obtained for
// itself, listing caseflow among its audiences, would act in caseflow as its holder.
func checkAuthorizedParty(claims jwt.MapClaims, clientID string) error {
	audiences, err := claims.GetAudience()
	if err != nil {
		return unauthenticated(reasonMalformed)
	}
	azp, present := claims["azp"]
	switch {
	case present && azp != clientID:
		return unauthenticated(reasonOtherClient)
	case !present && len(audiences) > 1:
		return unauthenticated(reasonOtherClient)
	}
	return nil
}

// reasonOf names the first thing wrong with a token, from an error of the jwt package. A
// token can fail several checks at once; the order puts what the holder can fix first.
func reasonOf(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed), errors.Is(err, jwt.ErrInvalidType):
		return reasonMalformed
	case errors.Is(err, jwt.ErrTokenUnverifiable):
		// The jwt package reports an algorithm it does not know as unverifiable.
		return reasonAlgorithm
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return reasonSignature
	case errors.Is(err, jwt.ErrTokenExpired):
		return reasonExpired
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		return reasonNotYetValid
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return reasonFromFuture
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return reasonIssuer
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		return reasonAudience
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return reasonMissingClaim
	default:
		return reasonNotAccepted
	}
}

// actorFrom builds the caller from claims whose signature and registered claims have been
// checked, refusing what caseflow cannot use. An unknown role is refused, never guessed. Further
// teams are a manager's grant: anyone else's are dropped, so that nothing can come to read them.
func actorFrom(subject, role, team string, teams []string) (safeguarding.Actor, error) {
	if subject == "" {
		return safeguarding.Actor{}, unauthenticated(reasonNoSubject)
	}
	if role == "" {
		return safeguarding.Actor{}, unauthenticated(reasonNoRole)
	}
	r, err := safeguarding.ParseRole(role)
	if err != nil {
		return safeguarding.Actor{}, unauthenticated(reasonUnknownRole)
	}
	actor := safeguarding.Actor{UserID: subject, Role: r, Team: team}
	if r == safeguarding.RoleManager {
		actor.Teams = safeguarding.JoinTeams(team, teams)
	}
	return actor, nil
}
