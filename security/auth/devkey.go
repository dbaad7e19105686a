package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The development key is stored as PKCS #8 in PEM, which openssl and other tools can read.
const (
	devKeyPEMType = "PRIVATE KEY"
	devKeyDirMode = 0o700
)

// LoadOrCreateDevKey returns the development signing key kept at path. On first use it creates
// the key, readable by its owner only (mode 0600, in directories of mode 0700); afterwards it
// reads the same key back, refusing it if others may read it, so `caseflow dev` and a later `caseflow token` on the same data
// directory agree. Processes starting at once agree too: the first to create the file wins.
func LoadOrCreateDevKey(path string) (ed25519.PrivateKey, error) {
	key, err := readDevKey(path)
	if errors.Is(err, fs.ErrNotExist) {
		return createDevKey(path)
	}
	return key, err
}

func readDevKey(path string) (ed25519.PrivateKey, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read development key: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("development key %s (mode %v) is readable or writable by others than its owner; chmod 600 it, or delete it to create a new key", path, info.Mode().Perm())
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read development key: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != devKeyPEMType {
		return nil, fmt.Errorf("development key %s is not a PEM %q file; delete it to create a new key", path, devKeyPEMType)
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("development key %s is unreadable (delete it to create a new key): %w", path, err)
	}
	key, ok := parsed.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("development key %s is a %T, not an Ed25519 key; delete it to create a new key", path, parsed)
	}
	return key, nil
}

// createDevKey writes a new key to a temporary file and links it into place. The link fails if
// another process got there first, and then its key is the one to use; a reader never sees a
// half-written file.
func createDevKey(path string) (ed25519.PrivateKey, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate development key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encode development key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, devKeyDirMode); err != nil {
		return nil, fmt.Errorf("create development key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".devkey-*") // CreateTemp makes the file with mode 0600.
	if err != nil {
		return nil, fmt.Errorf("create development key: %w", err)
	}
	defer os.Remove(tmp.Name())
	err = pem.Encode(tmp, &pem.Block{Type: devKeyPEMType, Bytes: der})
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return nil, fmt.Errorf("write development key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return readDevKey(path)
	} else if err != nil {
		return nil, fmt.Errorf("install development key: %w", err)
	}
	return key, nil
}
