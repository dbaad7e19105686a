package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/caseflow/caseflow/safeguarding"
)

// ErrUnauthenticated is wrapped by every refusal of a token. The error's text is
// "unauthenticated: " followed by the reason, which names what to fix and nothing more.
var ErrUnauthenticated = errors.New("unauthenticated")

// Verifier checks a raw bearer token and returns who it identifies.
//
// A refused token gives an error wrapping ErrUnauthenticated. Any other error is not the
// caller's fault: the context ended while the identity provider's keys were being fetched.
type Verifier interface {
	Verify(ctx context.Context, rawToken string) (safeguarding.Actor, error)
}

// unauthenticated refuses a token for reason, which must never include the token.
func unauthenticated(reason string) error {
	return fmt.Errorf("%w: %s", ErrUnauthenticated, reason)
}
