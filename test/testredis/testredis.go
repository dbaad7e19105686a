package testredis

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/security/pseudonym"
)

// New returns a client for the test on database db of the real Redis, or on a miniredis. Each
// test package uses a db number no other package uses, so packages may test in parallel.
func New(t testing.TB, db int) redis.UniversalClient {
	t.Helper()
	if url := os.Getenv("REDIS_URL"); url != "" {
		opts, err := redis.ParseURL(url)
		if err != nil {
			t.Fatalf("REDIS_URL: %v", err)
		}
		opts.DB = db
		rdb := redis.NewClient(opts)
		t.Cleanup(func() { _ = rdb.Close() })
		if err := rdb.FlushDB(context.Background()).Err(); err != nil {
			t.Fatalf("flush test database %d: %v", db, err)
		}
		return rdb
	}
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// Pseudonyms is a pseudonym key for tests: a fixed secret, so keys are stable across runs.
var Pseudonyms = func() pseudonym.Key {
	k, err := pseudonym.New(bytes.Repeat([]byte("test-secret-"), 3))
	if err != nil {
		panic(err)
	}
	return k
}()
