package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/caseflow/caseflow/security/keyring"
)

func TestTokenTTLObeysTheCap(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"token", "--data-dir", dir, "--role", "social_worker", "--user", "sw-1", "--ttl", "13h"}, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "longer than the 12h0m0s") {
		t.Fatalf("a 13h token: exit %d, %q", code, errOut.String())
	}
	t.Setenv("CASEFLOW_MAX_TOKEN_LIFETIME", "1h")
	errOut.Reset()
	if code := run(context.Background(), []string{"token", "--data-dir", dir, "--role", "social_worker", "--user", "sw-1", "--ttl", "2h"}, &out, &errOut); code != 2 {
		t.Fatalf("a 2h token under a 1h cap: exit %d", code)
	}
	out.Reset()
	if code := run(context.Background(), []string{"token", "--data-dir", dir, "--role", "social_worker", "--user", "sw-1", "--ttl", "1h"}, &out, &errOut); code != 0 || strings.Count(out.String(), ".") != 2 {
		t.Fatalf("a 1h token: exit %d, %q %q", code, out.String(), errOut.String())
	}
}

func TestKeysCommands(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"keys", "new", "--out", path}, &out, &errOut); code != 0 {
		t.Fatalf("keys new: %d %s", code, errOut.String())
	}
	before, err := keyring.ReadFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if code := run(context.Background(), []string{"keys", "rotate", "--file", path}, &out, &errOut); code != 0 {
		t.Fatalf("keys rotate: %d %s", code, errOut.String())
	}
	after, err := keyring.ReadFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if after.CurrentPayload == before.CurrentPayload || len(after.Payload) != 2 {
		t.Errorf("rotation: current %s (was %s), %d payload keys", after.CurrentPayload, before.CurrentPayload, len(after.Payload))
	}
	out.Reset()
	if code := run(context.Background(), []string{"keys", "retire", "--file", path}, &out, &errOut); code != 0 || !strings.Contains(out.String(), before.CurrentIdentity) {
		t.Fatalf("keys retire: %d %q %s", code, out.String(), errOut.String())
	}
	if retired, err := keyring.ReadFile(path, true); err != nil || len(retired.Retired) != 1 || retired.Retired[before.CurrentIdentity].IsZero() {
		t.Fatalf("after retiring: %v, want the old identity key retired alone", err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"keys", "verify-only", "--file", path}, &out, &errOut); code != 0 {
		t.Fatalf("keys verify-only: %d %s", code, errOut.String())
	}
	worker, err := keyring.Parse(out.Bytes(), false)
	if err != nil || worker.Signing != nil || len(worker.Retired) != 1 {
		t.Fatalf("the worker's key file: %v, signing key present %v", err, worker != nil && worker.Signing != nil)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if code := run(context.Background(), []string{"keys", "rotate", "--file", path}, &out, &errOut); code == 0 {
		t.Error("rotated a key file readable by everyone")
	}
}
