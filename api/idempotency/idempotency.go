package idempotency

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/security/pseudonym"
)

// Outcome says what Begin found for an idempotency key.
type Outcome int

const (
	// Started: the key was free and now belongs to this request, until Complete or Abandon.
	Started Outcome = iota
	// Replay: a request with the key completed; return its stored response.
	Replay
	// InProgress: another request with the key is running now.
	InProgress
	// Mismatch: the key was used for a different request (another fingerprint).
	Mismatch
)

func (o Outcome) String() string {
	switch o {
	case Started:
		return "started"
	case Replay:
		return "replay"
	case InProgress:
		return "in progress"
	case Mismatch:
		return "mismatch"
	}
	return "outcome(" + strconv.Itoa(int(o)) + ")"
}

// keyPrefix starts every key, apart from the read model's (which a rebuild clears).
const keyPrefix = "cf:idem:"

// DefaultTTL is how long a key is remembered when Begin is given no ttl.
const DefaultTTL = 24 * time.Hour

// ErrKeyLost is returned by Complete when the key expired or was released while its
// request ran: the response is not stored, and a retry runs the request again.
var ErrKeyLost = errors.New("the idempotency key is no longer held")

// Record is a stored response.
type Record struct {
	Status      int    `json:"status"`
	ContentType string `json:"content_type"`
	Body        []byte `json:"body"`
}

// Store remembers POST requests by Idempotency-Key, per scope (the caller's user id), so
// a retried request gets the first one's response instead of acting twice. Each key is a hash:
// the request's fingerprint while it runs, and the response once complete.
type Store struct {
	rdb redis.UniversalClient
	ids pseudonym.Key
}

// New returns a Store on rdb, whose keys hash the scope (a user id) with ids.
func New(rdb redis.UniversalClient, ids pseudonym.Key) *Store {
	return &Store{rdb: rdb, ids: ids}
}

// idemKey hashes the scope (a user id) and the caller's key, which is client-chosen text, into a
// fixed-size Redis key, keyed so that it cannot be linked to the user.
func (i *Store) idemKey(scope, key string) string {
	return keyPrefix + i.ids.Keyed("idem", scope, key)
}

// InProgressLease is how long a key stays claimed by a request that has not completed. A request
// ends within seconds (the case client gives Temporal fifteen); a process killed in the middle of
// one leaves its claim behind, and the client's retry must be able to run once the lease is over
// (the Temporal update id keeps that retry from acting twice).
const InProgressLease = 30 * time.Second

// beginScript claims a key or reports its state, atomically, so exactly one of many concurrent
// requests with one key starts. The claim lasts the lease; Complete keeps the response for the
// ttl. ARGV: fingerprint, ttl and lease in milliseconds.
var beginScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'ttl', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {'started'}
end
local e = redis.call('HMGET', KEYS[1], 'fp', 'status', 'type', 'body')
if e[1] ~= ARGV[1] then return {'mismatch'} end
if not e[2] then return {'progress'} end
return {'replay', e[2], e[3], e[4]}
`)

// Begin claims a key for a request with the given fingerprint, or reports who has it. Exactly
// one of many concurrent callers with one key gets Started; a ttl of zero or less means
// DefaultTTL.
func (i *Store) Begin(ctx context.Context, scope, key, fingerprint string, ttl time.Duration) (Record, Outcome, error) {
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	lease := min(InProgressLease, ttl)
	reply, err := beginScript.Run(ctx, i.rdb, []string{i.idemKey(scope, key)}, fingerprint, ttl.Milliseconds(), lease.Milliseconds()).StringSlice()
	if err != nil {
		return Record{}, 0, fmt.Errorf("claim idempotency key: %w", err)
	}
	switch reply[0] {
	case "started":
		return Record{}, Started, nil
	case "mismatch":
		return Record{}, Mismatch, nil
	case "progress":
		return Record{}, InProgress, nil
	}
	if len(reply) != 4 {
		return Record{}, 0, fmt.Errorf("claim idempotency key: unexpected reply of %d values", len(reply))
	}
	status, err := strconv.Atoi(reply[1])
	if err != nil {
		return Record{}, 0, fmt.Errorf("decode stored response status: %w", err)
	}
	return Record{Status: status, ContentType: reply[2], Body: []byte(reply[3])}, Replay, nil
}

// completeScript stores a response under a key still held, and keeps it for the ttl given to
// Begin. ARGV: status, content type, body.
var completeScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'fp') == 0 then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'type', ARGV[2], 'body', ARGV[3])
redis.call('PEXPIRE', KEYS[1], redis.call('HGET', KEYS[1], 'ttl'))
return 1
`)

// Complete stores the response of the request that holds the key, for Begin to replay.
func (i *Store) Complete(ctx context.Context, scope, key string, rec Record) error {
	held, err := completeScript.Run(ctx, i.rdb, []string{i.idemKey(scope, key)}, rec.Status, rec.ContentType, rec.Body).Int()
	if err != nil {
		return fmt.Errorf("store idempotent response: %w", err)
	}
	if held == 0 {
		return ErrKeyLost
	}
	return nil
}

// abandonScript releases a key unless it holds a completed response, which must outlive a late
// or mistaken Abandon.
var abandonScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], 'status') == 1 then return 0 end
return redis.call('DEL', KEYS[1])
`)

// Abandon releases a key whose request failed before it had any effect, so that a retry with the
// key runs the request again. A completed key is kept.
func (i *Store) Abandon(ctx context.Context, scope, key string) error {
	if err := abandonScript.Run(ctx, i.rdb, []string{i.idemKey(scope, key)}).Err(); err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}
