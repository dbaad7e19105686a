package pseudonym

import (
	"bytes"
	"strings"
	"testing"
)

func newKey(t *testing.T, fill byte) Key {
	t.Helper()
	k, err := New(bytes.Repeat([]byte{fill}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestPseudonyms(t *testing.T) {
	k := newKey(t, 1)
	a, b := k.Of("sw-1"), k.Of("sw-2")
	if a == b || a != k.Of("sw-1") {
		t.Fatalf("pseudonyms must be stable per id and differ between ids: %q %q", a, b)
	}
	if strings.Contains(a, "sw-1") || !IsPseudonym(a) {
		t.Errorf("pseudonym %q shows the id or has the wrong form", a)
	}
	if other := newKey(t, 2).Of("sw-1"); other == a {
		t.Error("another secret gives the same pseudonym: the hash is not keyed")
	}
	if k.Of("") != "" {
		t.Error("the empty id has a pseudonym")
	}
	if k.Keyed("ip", "10.0.0.1") == k.Keyed("idem", "10.0.0.1") {
		t.Error("keyed hashes of different kinds collide")
	}
}

func TestShortSecretRefused(t *testing.T) {
	if _, err := New(make([]byte, 16)); err == nil {
		t.Fatal("a 16-byte secret was accepted")
	}
}

func TestZeroKeyPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a zero Key made a pseudonym")
		}
	}()
	Key{}.Of("sw-1")
}
