package caseclient

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseflow/caseflow/workflows"
)

// A burst of updates on one case is sent at most UpdatesPerCase at a time, other cases are not
// held up by it, and nothing is left behind once the burst is over.
func TestCaseGateQueuesABurstOnOneCase(t *testing.T) {
	g := newCaseGate(UpdatesPerCase)
	var inside, most atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			leave, err := g.enter(context.Background(), "case-a")
			if err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			<-release
			inside.Add(-1)
			leave()
		}()
	}
	waitFor(t, func() bool { return inside.Load() == UpdatesPerCase })

	// Another case goes straight in while the first is full.
	leave, err := g.enter(context.Background(), "case-b")
	if err != nil {
		t.Fatalf("another case waited behind a busy one: %v", err)
	}
	leave()

	close(release)
	wg.Wait()
	if most.Load() != UpdatesPerCase {
		t.Errorf("at most %d updates at once, want %d", most.Load(), UpdatesPerCase)
	}
	if len(g.cases) != 0 {
		t.Errorf("%d cases still tracked after the burst", len(g.cases))
	}
}

// A request whose time runs out while it waits gives up with workflows.ErrUnavailable, so the API answers
// "try again", and its place is not kept.
func TestCaseGateGivesUpWhenTheRequestEnds(t *testing.T) {
	g := newCaseGate(1)
	leave, err := g.enter(context.Background(), "case-a")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := g.enter(ctx, "case-a"); !errors.Is(err, workflows.ErrUnavailable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting past the deadline: %v", err)
	}
	leave()
	if len(g.cases) != 0 {
		t.Fatalf("%d cases still tracked", len(g.cases))
	}
	again, err := g.enter(context.Background(), "case-a")
	if err != nil {
		t.Fatal(err)
	}
	again()
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5s")
		}
		time.Sleep(time.Millisecond)
	}
}
