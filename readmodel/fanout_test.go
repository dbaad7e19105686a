package readmodel

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestFanoutSharesOneSubscription opens many streams and counts Redis subscriptions: one, for
// as long as any stream is open, none after.
func TestFanoutSharesOneSubscription(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t)
	s := New(rdb, testIDs)
	f := NewFanout(s)
	subscriptions := func() int64 {
		n, err := rdb.PubSubNumSub(ctx, s.changes).Result()
		if err != nil {
			t.Fatal(err)
		}
		return n[s.changes]
	}
	const streams = 20
	chans := make([]<-chan Change, streams)
	stops := make([]func(), streams)
	for i := range streams {
		ch, stop, err := f.Subscribe(ctx)
		if err != nil {
			t.Fatal(err)
		}
		chans[i], stops[i] = ch, stop
	}
	if n := subscriptions(); n != 1 {
		t.Fatalf("%d streams hold %d Redis subscriptions, want 1", streams, n)
	}
	if err := s.Announce(ctx, summary("c1", 1, "north")); err != nil {
		t.Fatal(err)
	}
	for i, ch := range chans {
		select {
		case c := <-ch:
			if c.CaseID != "c1" {
				t.Errorf("stream %d got %+v", i, c)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("stream %d got nothing", i)
		}
	}
	for _, stop := range stops {
		stop()
	}
	deadline := time.Now().Add(5 * time.Second)
	for subscriptions() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the Redis subscription outlived the last stream")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if f.Subscribers() != 0 {
		t.Errorf("%d subscribers left", f.Subscribers())
	}
	// A stream opened after all closed subscribes again.
	ctx2, cancel := context.WithCancel(ctx)
	ch, _, err := f.Subscribe(ctx2)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case _, open := <-ch:
		if open {
			t.Error("a change arrived instead of the end of the stream")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream did not end with its context")
	}
}

// Redis has one set of channels for all its databases: a model in another database on the same
// server (another agency, a staging copy) must not hear this one's changes.
func TestModelsInTwoDatabasesHearOnlyTheirOwnChanges(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t)
	ours := New(rdb, testIDs)
	opts := *rdb.(*redis.Client).Options()
	opts.DB = 31 // a database no test package uses: the test writes no key there, only publishes
	other := redis.NewClient(&opts)
	t.Cleanup(func() { _ = other.Close() })
	theirs := New(other, testIDs)
	if ours.changes == theirs.changes {
		t.Fatalf("both databases publish on %q", ours.changes)
	}
	ch, stop, err := NewFanout(ours).Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if err := theirs.Announce(ctx, summary("theirs", 1, "north")); err != nil {
		t.Fatal(err)
	}
	if err := ours.Announce(ctx, summary("ours", 1, "north")); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-ch:
		if c.CaseID != "ours" {
			t.Fatalf("heard %q, another database's change", c.CaseID)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("heard nothing of this database's change")
	}
}
