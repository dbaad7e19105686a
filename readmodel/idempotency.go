package readmodel

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Outcome says what Begin found for an Idempotency-Key.
type Outcome int

const (
	// Started: the key was free and now belongs to this request.
	Started Outcome = iota
	// Replay: a request with the key completed; return its stored response.
	Replay
	// InProgress: a request with the key is running now.
	InProgress
	// Mismatch: the key was used for a different request.
	Mismatch
)

// Record is a stored response.
type Record struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Body        []byte `json:"body"`
}

type idemEntry struct {
	Fingerprint string `json:"fingerprint"`
	Done        bool   `json:"done"`
	Record      Record `json:"record"`
}

// Idempotency remembers requests by Idempotency-Key, per caller.
type Idempotency struct{ rdb redis.UniversalClient }

// NewIdempotency returns an Idempotency on rdb.
func NewIdempotency(rdb redis.UniversalClient) *Idempotency { return &Idempotency{rdb: rdb} }

func idemKey(scope, key string) string {
	sum := sha256.Sum256([]byte(scope + "\x00" + key))
	return idemPrefix + hex.EncodeToString(sum[:])
}

// Begin claims a key for a request with the given fingerprint, or reports who has it. Exactly
// one of many concurrent callers with one key gets Started.
func (i *Idempotency) Begin(ctx context.Context, scope, key, fingerprint string, ttl time.Duration) (Record, Outcome, error) {
	k := idemKey(scope, key)
	pending, _ := json.Marshal(idemEntry{Fingerprint: fingerprint})
	ok, err := i.rdb.SetNX(ctx, k, pending, ttl).Result()
	if err != nil {
		return Record{}, 0, fmt.Errorf("claim idempotency key: %w", err)
	}
	if ok {
		return Record{}, Started, nil
	}
	raw, err := i.rdb.Get(ctx, k).Bytes()
	if errors.Is(err, redis.Nil) {
		// Released between the two calls: try once more.
		return i.Begin(ctx, scope, key, fingerprint, ttl)
	}
	if err != nil {
		return Record{}, 0, fmt.Errorf("read idempotency key: %w", err)
	}
	var e idemEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return Record{}, 0, fmt.Errorf("decode idempotency key: %w", err)
	}
	switch {
	case e.Fingerprint != fingerprint:
		return Record{}, Mismatch, nil
	case !e.Done:
		return Record{}, InProgress, nil
	}
	return e.Record, Replay, nil
}

// Complete stores the response of the request that holds the key.
func (i *Idempotency) Complete(ctx context.Context, scope, key string, rec Record) error {
	k := idemKey(scope, key)
	raw, err := i.rdb.Get(ctx, k).Bytes()
	if err != nil {
		return fmt.Errorf("read idempotency key: %w", err)
	}
	var e idemEntry
	if err := json.Unmarshal(raw, &e); err != nil {
		return fmt.Errorf("decode idempotency key: %w", err)
	}
	e.Done, e.Record = true, rec
	body, _ := json.Marshal(e)
	if err := i.rdb.Set(ctx, k, body, redis.KeepTTL).Err(); err != nil {
		return fmt.Errorf("store idempotent response: %w", err)
	}
	return nil
}

// Abandon releases a key whose request failed, so it can be retried.
func (i *Idempotency) Abandon(ctx context.Context, scope, key string) error {
	if err := i.rdb.Del(ctx, idemKey(scope, key)).Err(); err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}
