//go:build !nodev

package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/security/keyring"
	"github.com/caseflow/caseflow/security/pseudonym"
)

// openStore is the read model the development tools (seed) write to.
func openStore(url string) (*readmodel.Store, func(), error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	ids, err := toolPseudonyms()
	if err != nil {
		return nil, nil, err
	}
	rdb := redis.NewClient(opts)
	return readmodel.New(rdb, ids), func() { _ = rdb.Close() }, nil
}

// toolPseudonyms are the pseudonym keys of the stack a tool works on: from CASEFLOW_KEYS or
// CASEFLOW_KEYS_FILE, or dev's data directory.
func toolPseudonyms() (pseudonym.Key, error) {
	source := keyring.Source{
		File: os.Getenv("CASEFLOW_KEYS_FILE"), Inline: os.Getenv("CASEFLOW_KEYS"),
		DevFile: filepath.Join(envOr("CASEFLOW_DATA_DIR", ".caseflow"), "keys.json"),
	}
	k, err := source.Load(false)
	if err != nil {
		return pseudonym.Key{}, err
	}
	return pseudonym.New(k.Pseudonym)
}

// envOr is the environment variable name, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
