package keyring

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewKeysRoundTripThroughTheFile(t *testing.T) {
	k, err := New()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := WriteFile(path, k); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v (%v), want 0600", info.Mode().Perm(), err)
	}
	back, err := ReadFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if back.CurrentPayload != k.CurrentPayload || string(back.Payload[k.CurrentPayload]) != string(k.Payload[k.CurrentPayload]) {
		t.Error("payload key changed on the way through the file")
	}
	if !back.Signing.Equal(k.Signing) || back.CurrentIdentity != k.CurrentIdentity {
		t.Error("identity key changed on the way through the file")
	}
	if string(back.Pseudonym) != string(k.Pseudonym) {
		t.Error("pseudonym key changed on the way through the file")
	}
}

func TestRotateKeepsOldKeys(t *testing.T) {
	k, err := New()
	if err != nil {
		t.Fatal(err)
	}
	oldPayload, oldIdentity := k.CurrentPayload, k.CurrentIdentity
	if err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	if k.CurrentPayload == oldPayload || k.CurrentIdentity == oldIdentity {
		t.Fatal("rotation did not make new keys current")
	}
	if _, ok := k.Payload[oldPayload]; !ok {
		t.Error("rotation dropped the old payload key: old payloads would no longer decrypt")
	}
	if _, ok := k.Verify[oldIdentity]; !ok {
		t.Error("rotation dropped the old identity key")
	}
	if err := k.Validate(true); err != nil {
		t.Errorf("rotated keys invalid: %v", err)
	}
}

func TestWorkerKeysCannotSign(t *testing.T) {
	k, err := New()
	if err != nil {
		t.Fatal(err)
	}
	data, err := k.VerifyOnly().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "signing_seed") {
		t.Error("the worker's key file holds the signing key")
	}
	if _, err := Parse(data, false); err != nil {
		t.Errorf("a worker cannot read its own key file: %v", err)
	}
	if _, err := Parse(data, true); err == nil {
		t.Error("the API accepted a key file without a signing key")
	}
}

func TestKeyFileReadableByOthersIsRefused(t *testing.T) {
	k, err := New()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "keys.json")
	if err := WriteFile(path, k); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604, 0o644, 0o660} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadFile(path, true); !errors.Is(err, ErrTooOpen) {
			t.Errorf("mode %v: got %v, want ErrTooOpen", mode, err)
		}
		if _, err := LoadOrCreate(path); !errors.Is(err, ErrTooOpen) {
			t.Errorf("dev load, mode %v: got %v, want ErrTooOpen", mode, err)
		}
	}
}

// TestRetiredKeysAreKeptWithTheirDate: retiring marks every identity key but the current one,
// once, with when; the file keeps the dates and the public keys.
func TestRetiredKeysAreKeptWithTheirDate(t *testing.T) {
	k, err := New()
	if err != nil {
		t.Fatal(err)
	}
	first := k.CurrentIdentity
	if got := k.RetireIdentity(time.Now()); len(got) != 0 {
		t.Fatalf("retired %v with one key, the current one", got)
	}
	if err := k.Rotate(); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	if got := k.RetireIdentity(at); len(got) != 1 || got[0] != first {
		t.Fatalf("retired %v, want %s", got, first)
	}
	if got := k.RetireIdentity(at.Add(time.Hour)); len(got) != 0 {
		t.Errorf("retired %v again", got)
	}
	data, err := k.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse(data, true)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Retired[first].Equal(at) || back.Verify[first] == nil {
		t.Errorf("after the file: retired %v, public key kept %v", back.Retired, back.Verify[first] != nil)
	}
}

func TestBadKeyFiles(t *testing.T) {
	good, err := New()
	if err != nil {
		t.Fatal(err)
	}
	spoil := func(f func(*Keys)) []byte {
		k := *good
		k.Payload = map[string][]byte{good.CurrentPayload: good.Payload[good.CurrentPayload]}
		f(&k)
		data, err := k.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	cases := map[string][]byte{
		"not JSON":            []byte("hello"),
		"short payload key":   spoil(func(k *Keys) { k.Payload = map[string][]byte{k.CurrentPayload: make([]byte, 16)} }),
		"no current payload":  spoil(func(k *Keys) { k.CurrentPayload = "missing" }),
		"short pseudonym key": spoil(func(k *Keys) { k.Pseudonym = k.Pseudonym[:8] }),
		"signing key of another id": spoil(func(k *Keys) {
			other, _ := New()
			k.Signing = other.Signing
		}),
		"the current identity key retired": spoil(func(k *Keys) { k.Retired = map[string]time.Time{k.CurrentIdentity: time.Now()} }),
		"an unknown key retired":           spoil(func(k *Keys) { k.Retired = map[string]time.Time{"i-unknown": time.Now()} }),
	}
	for name, data := range cases {
		if _, err := Parse(data, true); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDevKeysCreatedOnceUnderConcurrentStarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "keys.json")
	const starts = 8
	got := make([]*Keys, starts)
	errs := make([]error, starts)
	var wg sync.WaitGroup
	for i := range starts {
		wg.Go(func() { got[i], errs[i] = LoadOrCreate(path) })
	}
	wg.Wait()
	for i := range starts {
		if errs[i] != nil {
			t.Fatalf("start %d: %v", i, errs[i])
		}
		if got[i].CurrentPayload != got[0].CurrentPayload || string(got[i].Payload[got[i].CurrentPayload]) != string(got[0].Payload[got[0].CurrentPayload]) {
			t.Fatalf("start %d made other keys than start 0", i)
		}
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil || len(entries) != 1 {
		t.Errorf("data directory holds %v (%v), want the key file alone", entries, err)
	}
}

func TestSourceOrder(t *testing.T) {
	k, err := New()
	if err != nil {
		t.Fatal(err)
	}
	data, err := k.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Source{Inline: string(data), File: "/nonexistent"}.Load(true)
	if err != nil || got.CurrentPayload != k.CurrentPayload {
		t.Fatalf("inline keys: %v", err)
	}
	if _, err := (Source{}).Load(true); err == nil || !strings.Contains(err.Error(), "caseflow keys new") {
		t.Errorf("no source: %v, want a hint to make keys", err)
	}
}
