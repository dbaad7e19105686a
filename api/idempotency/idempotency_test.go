package idempotency

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/caseflow/caseflow/test/testredis"
)

// redisDB is this package's database on the real Redis of REDIS_URL.
const redisDB = 10

func TestIdempotencyConcurrentBegin(t *testing.T) {
	ctx := context.Background()
	idem := New(testredis.New(t, redisDB), testredis.Pseudonyms)
	const callers = 10
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		outcomes = map[Outcome]int{}
	)
	for range callers {
		wg.Go(func() {
			_, o, err := idem.Begin(ctx, "user-1", "key-1", "fp", time.Hour)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			outcomes[o]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if outcomes[Started] != 1 || outcomes[InProgress] != callers-1 {
		t.Fatalf("%d concurrent Begins: %v, want exactly one started", callers, outcomes)
	}
}

func TestIdempotencyOutcomes(t *testing.T) {
	ctx := context.Background()
	rdb := testredis.New(t, redisDB)
	idem := New(rdb, testredis.Pseudonyms)
	begin := func(scope, key, fp string) (Record, Outcome) {
		t.Helper()
		rec, o, err := idem.Begin(ctx, scope, key, fp, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return rec, o
	}

	if _, o := begin("u1", "k", "fp"); o != Started {
		t.Fatalf("a new key: %v", o)
	}
	if _, o := begin("u1", "k", "fp"); o != InProgress {
		t.Errorf("while running: %v", o)
	}
	if _, o := begin("u1", "k", "other"); o != Mismatch {
		t.Errorf("another request with the key: %v", o)
	}
	if _, o := begin("u2", "k", "other"); o != Started {
		t.Errorf("another user's key of the same name: %v", o)
	}

	stored := Record{Status: 201, ContentType: "application/json", Body: []byte("{\"id\":\"c1\"}\x00\xff")}
	if err := idem.Complete(ctx, "u1", "k", stored); err != nil {
		t.Fatal(err)
	}
	rec, o := begin("u1", "k", "fp")
	if o != Replay || rec.Status != stored.Status || rec.ContentType != stored.ContentType || string(rec.Body) != string(stored.Body) {
		t.Errorf("after Complete: %v %+v, want a replay of %+v", o, rec, stored)
	}
	if _, o := begin("u1", "k", "other"); o != Mismatch {
		t.Errorf("another request after completion: %v", o)
	}
	// A completed key outlives a mistaken Abandon.
	if err := idem.Abandon(ctx, "u1", "k"); err != nil {
		t.Fatal(err)
	}
	if _, o := begin("u1", "k", "fp"); o != Replay {
		t.Errorf("Abandon released a completed key: %v", o)
	}

	// A failed request releases its key, and a retry runs again.
	if err := idem.Abandon(ctx, "u2", "k"); err != nil {
		t.Fatal(err)
	}
	if _, o := begin("u2", "k", "fp"); o != Started {
		t.Errorf("after Abandon: %v", o)
	}
	if err := idem.Abandon(ctx, "u2", "k"); err != nil {
		t.Fatal(err)
	}
	if err := idem.Complete(ctx, "u2", "k", stored); !errors.Is(err, ErrKeyLost) {
		t.Errorf("Complete of a released key: %v, want ErrKeyLost", err)
	}
	if _, o := begin("u2", "k", "fp"); o != Started {
		t.Errorf("Complete of a released key stored it: %v", o)
	}
}

func TestIdempotencyKeysExpire(t *testing.T) {
	ctx := context.Background()
	rdb := testredis.New(t, redisDB)
	idem := New(rdb, testredis.Pseudonyms)
	for _, tt := range []struct {
		ttl, want time.Duration
	}{{time.Hour, time.Hour}, {0, DefaultTTL}} {
		if _, _, err := idem.Begin(ctx, "u1", tt.ttl.String(), "fp", tt.ttl); err != nil {
			t.Fatal(err)
		}
		if err := idem.Complete(ctx, "u1", tt.ttl.String(), Record{Status: 200}); err != nil {
			t.Fatal(err)
		}
		left, err := rdb.PTTL(ctx, idem.idemKey("u1", tt.ttl.String())).Result()
		if err != nil || left <= tt.want-time.Minute || left > tt.want {
			t.Errorf("ttl %v: key expires in %v, %v; want %v, kept by Complete", tt.ttl, left, err, tt.want)
		}
	}
}

// TestIdempotencyClaimIsALease: a request's claim on a key lasts a short lease, so a process
// killed mid-request does not block the client's retries for the whole ttl; a completed response
// is kept for the ttl.
func TestIdempotencyClaimIsALease(t *testing.T) {
	ctx := context.Background()
	rdb := testredis.New(t, redisDB)
	idem := New(rdb, testredis.Pseudonyms)
	if _, o, err := idem.Begin(ctx, "user-1", "key-1", "fp", 24*time.Hour); err != nil || o != Started {
		t.Fatalf("begin: %v %v", o, err)
	}
	claimed, err := rdb.PTTL(ctx, idem.idemKey("user-1", "key-1")).Result()
	if err != nil {
		t.Fatal(err)
	}
	if claimed <= 0 || claimed > InProgressLease {
		t.Fatalf("claim expires in %s, want within the lease of %s", claimed, InProgressLease)
	}
	if err := idem.Complete(ctx, "user-1", "key-1", Record{Status: 201, ContentType: "application/json", Body: []byte("{}")}); err != nil {
		t.Fatal(err)
	}
	kept, err := rdb.PTTL(ctx, idem.idemKey("user-1", "key-1")).Result()
	if err != nil {
		t.Fatal(err)
	}
	if kept < 23*time.Hour {
		t.Fatalf("completed response kept for %s, want the 24h ttl", kept)
	}
}
