package identity

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/keyring"
)

func pair(t *testing.T) (*Signer, *Verifier, *keyring.Keys) {
	t.Helper()
	k, err := keyring.New()
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSigner(k)
	if err != nil {
		t.Fatal(err)
	}
	return s, NewVerifier(k.VerifyOnly()), k
}

var call = Call{
	Operation: "nrm-referral", Subject: "case1",
	Actor:  safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Team: "north"},
	StepID: "k-1", Body: []byte(`{"reference":"NRM-1"}`),
}

func TestSignedCallVerifies(t *testing.T) {
	s, v, _ := pair(t)
	p := s.Sign(WithRequestID(context.Background(), "req-7"), call)
	if p.RequestID != "req-7" {
		t.Errorf("request id %q, want req-7", p.RequestID)
	}
	if err := v.Verify(call, p); err != nil {
		t.Fatal(err)
	}
}

func TestProofsThatMustBeRefused(t *testing.T) {
	s, v, _ := pair(t)
	other, _, _ := pair(t)
	ctx := context.Background()
	good := s.Sign(ctx, call)
	changed := func(f func(*Call)) Call { c := call; f(&c); return c }
	cases := []struct {
		name string
		call Call
		p    Proof
		want error
	}{
		{"no proof", call, Proof{}, ErrUnsigned},
		{"another key", call, other.Sign(ctx, call), ErrUnknown},
		{"promoted to manager", changed(func(c *Call) { c.Actor.Role = safeguarding.RoleManager }), good, ErrForged},
		{"another user", changed(func(c *Call) { c.Actor.UserID = "sw-2" }), good, ErrForged},
		{"another team", changed(func(c *Call) { c.Actor.Team = "south" }), good, ErrForged},
		{"granted another team's cases", changed(func(c *Call) { c.Actor.Teams = "south" }), good, ErrForged},
		{"another case", changed(func(c *Call) { c.Subject = "case2" }), good, ErrForged},
		{"another step", changed(func(c *Call) { c.Operation = "closure-approve" }), good, ErrForged},
		{"another body", changed(func(c *Call) { c.Body = []byte(`{"reference":"NRM-2"}`) }), good, ErrForged},
		{"another request id", changed(func(c *Call) { c.StepID = "k-2" }), good, ErrForged},
		{"redated", call, func() Proof { p := good; p.IssuedAt = p.IssuedAt.Add(time.Minute); return p }(), ErrForged},
		{"key id swapped", call, func() Proof { p := good; p.KeyID = "i-other"; return p }(), ErrUnknown},
	}
	for _, c := range cases {
		if err := v.Verify(c.call, c.p); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
}

func TestProofAge(t *testing.T) {
	s, v, _ := pair(t)
	signedAt := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return signedAt }
	p := s.Sign(context.Background(), call)
	for _, c := range []struct {
		at   time.Duration
		want error
	}{
		{0, nil},
		{DefaultMaxAge - time.Second, nil},
		{DefaultMaxAge + time.Second, ErrStale},
		{-DefaultMaxSkew + time.Second, nil},
		{-DefaultMaxSkew - time.Second, ErrFromAfter},
	} {
		v.Now = func() time.Time { return signedAt.Add(c.at) }
		if err := v.Verify(call, p); !errors.Is(err, c.want) {
			t.Errorf("checked %v after signing: got %v, want %v", c.at, err, c.want)
		}
	}
}

func TestOldKeysStillVerifyAfterRotation(t *testing.T) {
	s, _, k := pair(t)
	p := s.Sign(context.Background(), call)
	if err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	if err := NewVerifier(k).Verify(call, p); err != nil {
		t.Errorf("a proof in flight during rotation was refused: %v", err)
	}
}

// TestARetiredKeyVouchesForNobodyAfterItsRetirement: once every process signs with the new key
// and the old one is retired, a proof the old key made before then still verifies (a history
// replays), one it made after is refused, and one backdated by whoever holds the old key is
// stale as soon as the proofs' lifetime has passed since the retirement.
func TestARetiredKeyVouchesForNobodyAfterItsRetirement(t *testing.T) {
	ctx := context.Background()
	old, _, k := pair(t)
	before := old.Sign(ctx, call)
	if err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	retiredAt := time.Now()
	if got := k.RetireIdentity(retiredAt); len(got) != 1 || got[0] != before.KeyID {
		t.Fatalf("retired %v, want the old key %s alone", got, before.KeyID)
	}
	v := NewVerifier(k.VerifyOnly())
	if err := v.Authentic(call, before); err != nil {
		t.Errorf("a proof made before the retirement, as a history replays it: %v", err)
	}
	old.Now = func() time.Time { return retiredAt.Add(time.Second) }
	if err := v.Verify(call, old.Sign(ctx, call)); !errors.Is(err, ErrRetired) {
		t.Errorf("a proof the old key made after its retirement: %v, want %v", err, ErrRetired)
	}
	old.Now = func() time.Time { return retiredAt.Add(-time.Second) }
	backdated := old.Sign(ctx, call)
	v.Now = func() time.Time { return retiredAt.Add(DefaultMaxAge + time.Second) }
	if err := v.Verify(call, backdated); !errors.Is(err, ErrStale) {
		t.Errorf("a proof backdated to before the retirement, checked after the proofs' lifetime: %v, want %v", err, ErrStale)
	}
	current, err := NewSigner(k)
	if err != nil {
		t.Fatal(err)
	}
	v.Now = time.Now
	if err := v.Verify(call, current.Sign(ctx, call)); err != nil {
		t.Errorf("the current key: %v", err)
	}
}

func BenchmarkVerify(b *testing.B) {
	k, err := keyring.New()
	if err != nil {
		b.Fatal(err)
	}
	s, err := NewSigner(k)
	if err != nil {
		b.Fatal(err)
	}
	v := NewVerifier(k)
	p := s.Sign(context.Background(), call)
	for b.Loop() {
		if err := v.Verify(call, p); err != nil {
			b.Fatal(err)
		}
	}
}
