package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caseflow/caseflow/safeguarding"
)

func TestDevKeyIsCreatedPrivatelyAndReused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "auth")
	path := filepath.Join(dir, "dev.key")
	first, err := LoadOrCreateDevKey(path)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700, filepath.Dir(dir): 0o700} {
		info, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", p, got, want)
		}
	}
	second, err := LoadOrCreateDevKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Equal(second) {
		t.Fatal("the second load made another key")
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Errorf("directory holds %v (%v), want the key file alone", entries, err)
	}
}

// TestDevKeyAgreesAcrossCommands mints as `caseflow token` does and verifies as a running
// `caseflow dev` does, each having loaded the key from the same data directory.
func TestDevKeyAgreesAcrossCommands(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.key")
	serverKey, err := LoadOrCreateDevKey(path)
	if err != nil {
		t.Fatal(err)
	}
	server := NewDevTokens(serverKey, 0)
	cliKey, err := LoadOrCreateDevKey(path)
	if err != nil {
		t.Fatal(err)
	}
	want := safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Team: "north"}
	token, err := NewDevIssuer(cliKey).Mint(want, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := server.Verify(context.Background(), token); err != nil || got != want {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestDevKeyCreatedOnceUnderConcurrentStarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.key")
	const starts = 8
	keys := make([][]byte, starts)
	errs := make([]error, starts)
	var wg sync.WaitGroup
	for i := range starts {
		wg.Go(func() {
			var key []byte
			key, errs[i] = LoadOrCreateDevKey(path)
			keys[i] = key
		})
	}
	wg.Wait()
	for i := range starts {
		if errs[i] != nil {
			t.Fatalf("start %d: %v", i, errs[i])
		}
		if string(keys[i]) != string(keys[0]) {
			t.Fatalf("start %d got another key than start 0", i)
		}
	}
}

func TestDevKeyFileThatIsNotAKey(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKCS8PrivateKey(ecKey)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		content []byte
		want    string
	}{
		"text":             {[]byte("not a key"), "is not a PEM"},
		"empty":            {nil, "is not a PEM"},
		"certificate PEM":  {pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}}), "is not a PEM"},
		"damaged key":      {pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("junk")}), "is unreadable"},
		"another key type": {pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}), "not an Ed25519 key"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "dev.key")
			if err := os.WriteFile(path, c.content, 0o600); err != nil {
				t.Fatal(err)
			}
			key, err := LoadOrCreateDevKey(path)
			if err == nil {
				t.Fatalf("loaded %d bytes of key from a bad file", len(key))
			}
			for _, want := range []string{c.want, path, "delete it"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			after, err := os.ReadFile(path)
			if err != nil || string(after) != string(c.content) {
				t.Error("the bad file was changed; it should be left for the developer to inspect")
			}
		})
	}
}

func TestDevKeyUnreadablePlace(t *testing.T) {
	// A regular file where the directory should be: neither readable nor creatable.
	blocker := filepath.Join(t.TempDir(), "blocker")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateDevKey(filepath.Join(blocker, "dev.key")); err == nil {
		t.Fatal("created a key under a regular file")
	}
}

func TestDevKeyReadableByOthersIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dev.key")
	if _, err := LoadOrCreateDevKey(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateDevKey(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a key readable by everyone was used: %v", err)
	}
}
