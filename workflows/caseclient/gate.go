package caseclient

import (
	"context"
	"fmt"
	"sync"

	"github.com/caseflow/caseflow/workflows"
)

// UpdatesPerCase is how many updates one API process sends to one case at a time; the rest
// wait their turn. Temporal admits at most 10 incomplete updates per workflow
// (history.maxInFlightUpdates). The eleventh is refused, and the refusal clears the workflow's
// update registry, aborting every update in flight; their retries repeat it, and a burst of
// steps on one case never drains. Queuing here keeps each API replica well under the limit: with
// the server's default, up to three replicas share it.
const UpdatesPerCase = 3

// caseGate queues updates per case. Entries exist only while someone holds or waits for a
// slot, so the map stays as small as the number of cases being changed right now.
type caseGate struct {
	size  int
	mu    sync.Mutex
	cases map[string]*caseSlots
}

type caseSlots struct {
	free  chan struct{}
	users int
}

func newCaseGate(size int) *caseGate {
	return &caseGate{size: size, cases: map[string]*caseSlots{}}
}

// enter waits for a slot on the case, or for ctx to end. The returned leave must be called
// once the update has finished.
func (g *caseGate) enter(ctx context.Context, caseID string) (leave func(), err error) {
	g.mu.Lock()
	s := g.cases[caseID]
	if s == nil {
		s = &caseSlots{free: make(chan struct{}, g.size)}
		g.cases[caseID] = s
	}
	s.users++
	g.mu.Unlock()

	select {
	case s.free <- struct{}{}:
		return func() { <-s.free; g.release(caseID, s) }, nil
	case <-ctx.Done():
		g.release(caseID, s)
		return nil, fmt.Errorf("%w: waiting for earlier changes to this case: %w", workflows.ErrUnavailable, ctx.Err())
	}
}

func (g *caseGate) release(caseID string, s *caseSlots) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s.users--; s.users == 0 {
		delete(g.cases, caseID)
	}
}
