package identity

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/keyring"
)

// Call is what a proof vouches for.
type Call struct {
	// Operation is the update or query name.
	Operation string
	// Subject is the workflow the call is for: the case id, or the audit stream.
	Subject string
	Actor   safeguarding.Actor
	// StepID is the update's request id (its idempotency key), empty for queries.
	StepID string
	// Body is the update's body, nil for queries.
	Body []byte
	// Flags are what else the update asks, such as keeping wording the domain queried.
	Flags []string
}

// Proof is the API's signature over a Call. It travels beside the call's arguments.
type Proof struct {
	KeyID    string    `json:"kid,omitempty"`
	IssuedAt time.Time `json:"iat"`
	// RequestID is the API request that made the call, for the access audit.
	RequestID string `json:"rid,omitempty"`
	Signature []byte `json:"sig,omitempty"`
}

// Refusals. Each is safe to show: none says more than that the caller was not vouched for.
var (
	ErrUnsigned  = errors.New("the call carries no proof of who made it")
	ErrUnknown   = errors.New("the call's proof is signed with an unknown key")
	ErrForged    = errors.New("the call's proof does not match the call")
	ErrStale     = errors.New("the call's proof is too old")
	ErrFromAfter = errors.New("the call's proof is dated in the future")
	ErrRetired   = errors.New("the call's proof is signed with a retired key after it was retired")
)

// Lifetimes of a proof. A proof is made just before the call and checked when the worker takes
// it, normally within a second; the margins cover a busy worker and clocks a little apart.
const (
	DefaultMaxAge  = 2 * time.Minute
	DefaultMaxSkew = 30 * time.Second
)

// domain separates these signatures from any other use of the key.
const domain = "caseflow-identity-v1"

// message is the signed form of a call: every field length-prefixed, so no two calls share one.
func message(c Call, p Proof) []byte {
	digest := sha256.Sum256(c.Body)
	fields := []string{
		domain, c.Operation, c.Subject, c.Actor.UserID, string(c.Actor.Role), c.Actor.Team,
		c.StepID, string(digest[:]), strconv.FormatInt(p.IssuedAt.UnixNano(), 10), p.RequestID, p.KeyID,
	}
	if c.Actor.Teams != "" {
		// Only when granted, so that every proof made before grants existed still verifies.
		fields = append(fields, "teams:"+c.Actor.Teams)
	}
	fields = append(fields, c.Flags...)
	var out []byte
	for _, f := range fields {
		out = binary.AppendUvarint(out, uint64(len(f)))
		out = append(out, f...)
	}
	return out
}

// Signer signs calls: the API's half.
type Signer struct {
	keyID string
	key   ed25519.PrivateKey
	// Now is the clock proofs are dated by.
	Now func() time.Time
}

// NewSigner returns a signer with the current identity key of k.
func NewSigner(k *keyring.Keys) (*Signer, error) {
	if k.Signing == nil {
		return nil, errors.New("identity signer: the keys hold no signing key")
	}
	return &Signer{keyID: k.CurrentIdentity, key: k.Signing, Now: time.Now}, nil
}

// Sign vouches for c, made now by the API request in ctx (see WithRequestID).
func (s *Signer) Sign(ctx context.Context, c Call) Proof {
	p := Proof{KeyID: s.keyID, IssuedAt: s.Now().UTC(), RequestID: RequestIDFrom(ctx)}
	p.Signature = ed25519.Sign(s.key, message(c, p))
	return p
}

// Verifier checks proofs: the worker's half.
type Verifier struct {
	keys    map[string]ed25519.PublicKey
	retired map[string]time.Time
	MaxAge  time.Duration
	MaxSkew time.Duration
	// Now is the wall clock, read by Verify only: in update validators and query handlers, which
	// Temporal never replays. Workflow code uses VerifyAt or Authentic.
	Now func() time.Time
}

// NewVerifier returns a verifier of proofs signed with any identity key of k.
func NewVerifier(k *keyring.Keys) *Verifier {
	keys := make(map[string]ed25519.PublicKey, len(k.Verify))
	for id, pub := range k.Verify {
		keys[id] = pub
	}
	return &Verifier{keys: keys, retired: maps.Clone(k.Retired), MaxAge: DefaultMaxAge, MaxSkew: DefaultMaxSkew, Now: time.Now}
}

// Verify returns nil when p is the API's fresh proof of exactly c, judged by the wall clock: for
// validators and query handlers, which Temporal never replays.
func (v *Verifier) Verify(c Call, p Proof) error {
	return v.VerifyAt(c, p, v.Now())
}

// VerifyAt returns nil when p is the API's proof of exactly c and was fresh at now. Workflow code
// passes a time Temporal recorded (workflow.Now, the run's start time), so that the verdict is the
// same on every replay.
func (v *Verifier) VerifyAt(c Call, p Proof, now time.Time) error {
	if err := v.Authentic(c, p); err != nil {
		return err
	}
	if age := now.Sub(p.IssuedAt); age > v.MaxAge {
		return fmt.Errorf("%w (%s)", ErrStale, age.Round(time.Second))
	}
	if p.IssuedAt.Sub(now) > v.MaxSkew {
		return ErrFromAfter
	}
	return nil
}

// Authentic returns nil when p is the API's signature over exactly c, whenever it was made, with
// a key that was not retired when it was made. It reads no clock: what a late proof means is the
// caller's to judge. A retired key's proofs dated before its retirement still verify, so that
// histories replay; one dated after is refused. With the freshness VerifyAt judges, a retired
// key (a leaked one, say) vouches for nobody once MaxAge has passed since it was retired.
func (v *Verifier) Authentic(c Call, p Proof) error {
	if len(p.Signature) == 0 {
		return ErrUnsigned
	}
	pub, ok := v.keys[p.KeyID]
	if !ok {
		return ErrUnknown
	}
	if !ed25519.Verify(pub, message(c, p), p.Signature) {
		return ErrForged
	}
	if at, retired := v.retired[p.KeyID]; retired && p.IssuedAt.After(at) {
		return ErrRetired
	}
	return nil
}

type requestIDKey struct{}

// WithRequestID returns ctx carrying the API request's id, for the proofs signed in it.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFrom returns the API request id in ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
