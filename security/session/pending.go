package session

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Pending is a sign-in begun at the identity provider and not yet finished: what the callback
// needs to check the provider's answer. It is kept for PendingLifetime and can be taken once.
type Pending struct {
	// Verifier is the PKCE code verifier: only this server can exchange the code.
	Verifier string `json:"verifier"`
	// Nonce must come back inside the ID token, tying the token to this sign-in.
	Nonce string `json:"nonce"`
	// Next is the page to return to once signed in: the one whose sign-in ended.
	Next string `json:"next,omitempty"`
}

// PendingLifetime bounds the time a person has to sign in at the provider.
const PendingLifetime = 10 * time.Minute

// ErrNoPending means the sign-in is unknown, already finished or too old.
var ErrNoPending = errors.New("no pending sign-in for this state")

const pendingPrefix = "cf:signin:"

func pendingKey(state string) string {
	sum := sha256.Sum256([]byte("signin\x00" + state))
	return pendingPrefix + hex.EncodeToString(sum[:])
}

// SavePending remembers a sign-in under its OAuth state, sealed like a session: Redis never
// holds a PKCE verifier or a nonce in clear.
func (s *Store) SavePending(ctx context.Context, state string, p Pending) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("encode pending sign-in: %w", err)
	}
	k := pendingKey(state)
	sealed, err := s.sealer.seal(k, raw)
	if err != nil {
		return err
	}
	if err := s.rdb.Set(ctx, k, sealed, PendingLifetime).Err(); err != nil {
		return fmt.Errorf("store pending sign-in: %w", err)
	}
	return nil
}

// TakePending returns and forgets the sign-in saved under state: a replayed callback finds
// nothing. A sign-in saved in clear by an earlier release (for at most PendingLifetime after an
// upgrade) is still taken; one that does not open is unknown.
func (s *Store) TakePending(ctx context.Context, state string) (Pending, error) {
	k := pendingKey(state)
	raw, err := s.rdb.GetDel(ctx, k).Bytes()
	if errors.Is(err, redis.Nil) {
		return Pending{}, ErrNoPending
	}
	if err != nil {
		return Pending{}, fmt.Errorf("read pending sign-in: %w", err)
	}
	plain, legacy, err := s.sealer.open(k, raw)
	switch {
	case legacy:
		plain = raw
	case err != nil:
		return Pending{}, ErrNoPending
	}
	var p Pending
	if err := json.Unmarshal(plain, &p); err != nil {
		return Pending{}, fmt.Errorf("decode pending sign-in: %w", err)
	}
	return p, nil
}
