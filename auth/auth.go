// Package auth turns a bearer token into the caller: a safeguarding.Actor with a user id, a
// role and a team. Production verifies tokens from the agency's OpenID Connect provider;
// development signs its own with an Ed25519 key kept in the data directory.
package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/caseflow/caseflow/safeguarding"
)

// ErrUnauthenticated is wrapped by every verification failure, with a short reason that is safe
// to show the caller ("token expired", "unknown role"). The token itself is never echoed.
var ErrUnauthenticated = errors.New("unauthenticated")

// Verifier checks a raw token and returns who it identifies.
type Verifier interface {
	Verify(ctx context.Context, rawToken string) (safeguarding.Actor, error)
}

func unauthenticated(reason string) error {
	return fmt.Errorf("%w: %s", ErrUnauthenticated, reason)
}

// actorFrom builds the actor from verified claims, refusing what caseflow cannot use.
func actorFrom(subject, role, team string) (safeguarding.Actor, error) {
	if subject == "" {
		return safeguarding.Actor{}, unauthenticated("token has no subject")
	}
	if role == "" {
		return safeguarding.Actor{}, unauthenticated("token has no caseflow role")
	}
	r, err := safeguarding.ParseRole(role)
	if err != nil {
		return safeguarding.Actor{}, unauthenticated("unknown role")
	}
	return safeguarding.Actor{UserID: subject, Role: r, Team: team}, nil
}
