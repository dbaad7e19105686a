package auth_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/auth"
)

// A development token is minted for an actor and verified back into the same actor; anything
// else is refused with a reason fit to show the caller.
func Example() {
	_, key, err := ed25519.GenerateKey(rand.Reader) // in caseflow: auth.LoadOrCreateDevKey
	if err != nil {
		panic(err)
	}
	issuer := auth.NewDevIssuer(key)
	verifier := auth.NewDevVerifier(issuer.PublicKey(), 0)

	token, err := issuer.Mint(safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Team: "north"}, time.Hour)
	if err != nil {
		panic(err)
	}
	actor, err := verifier.Verify(context.Background(), token)
	fmt.Println(actor.UserID, actor.Role, actor.Team, err)

	// A token from another key, such as another developer's data directory, names no one here.
	_, otherKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	foreign, err := auth.NewDevIssuer(otherKey).Mint(safeguarding.Actor{UserID: "m-1", Role: safeguarding.RoleManager}, time.Hour)
	if err != nil {
		panic(err)
	}
	_, err = verifier.Verify(context.Background(), foreign)
	fmt.Println(errors.Is(err, auth.ErrUnauthenticated), err)
	// Output:
	// sw-1 social_worker north <nil>
	// true unauthenticated: bad signature
}
