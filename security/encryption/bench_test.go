package encryption

import (
	"strings"
	"testing"

	"go.temporal.io/sdk/converter"

	"github.com/caseflow/caseflow/security/keyring"
)

// BenchmarkRoundTrip encodes and decodes a payload the size of a case's state after a few
// dozen steps.
func BenchmarkRoundTrip(b *testing.B) {
	k, err := keyring.New()
	if err != nil {
		b.Fatal(err)
	}
	c, err := NewConverters(k)
	if err != nil {
		b.Fatal(err)
	}
	state := map[string]any{"timeline": strings.Repeat(`{"at":"2026-12-01T10:00:00Z","by":{"user_id":"sw-1","role":"social_worker"},"what":"care-plan-contribution","text":"note"},`, 200)}
	for b.Loop() {
		p, err := c.Data.ToPayload(state)
		if err != nil {
			b.Fatal(err)
		}
		var out map[string]any
		if err := c.Data.FromPayload(p, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRoundTripInClear(b *testing.B) {
	c := converter.GetDefaultDataConverter()
	state := map[string]any{"timeline": strings.Repeat(`{"at":"2026-12-01T10:00:00Z","by":{"user_id":"sw-1","role":"social_worker"},"what":"care-plan-contribution","text":"note"},`, 200)}
	for b.Loop() {
		p, err := c.ToPayload(state)
		if err != nil {
			b.Fatal(err)
		}
		var out map[string]any
		if err := c.FromPayload(p, &out); err != nil {
			b.Fatal(err)
		}
	}
}
