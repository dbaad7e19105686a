package bench

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/caseflow/caseflow/dev/devstack"
	"github.com/caseflow/caseflow/safeguarding"
)

// actionsPerCase: actions agreed at one strategy meeting, each with its own due time.
const actionsPerCase = 20

// timerLag makes TimerActions actions fall due within one minute and measures, for each, how
// long after its due time the read model shows it overdue. The baseline is in-process
// time.Timers with the same due times.
func (r *run) timerLag(ctx context.Context) error {
	cases := max(1, r.opts.TimerActions/actionsPerCase)
	ids := make([]string, cases)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(16)
	stamp := time.Now().UnixNano()
	for i := range ids {
		g.Go(func() error {
			id, err := r.createCase(gctx, fmt.Sprintf("lag-%d-%d", stamp, i))
			ids[i] = id
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// The window opens after every meeting is recorded, so every action's timer is armed in time.
	setup := time.Duration(cases)*40*time.Millisecond + 20*time.Second
	windowStart := time.Now().Add(setup).Truncate(time.Second)
	// A case's actions fall due one after another (at 10,000 actions, its twenty within 120 ms,
	// like deadlines agreed at one meeting), and the cases follow each other through the minute.
	// One timer fire chases every action of its case then due, so about 500 to 650 fires chase
	// the 10,000 actions; spread so that every action is its own fire, see docs/benchmarks.md.
	dueOf := func(c, a int) time.Time {
		n := c*actionsPerCase + a
		return windowStart.Add(time.Duration(n) * time.Minute / time.Duration(cases*actionsPerCase))
	}
	g, gctx = errgroup.WithContext(ctx)
	g.SetLimit(16)
	for c, id := range ids {
		g.Go(func() error {
			var agreed []map[string]any
			for a := range actionsPerCase {
				agreed = append(agreed, map[string]any{"title": "Benchmark action", "owner_role": "social_worker", "owner_user": "sw-1", "due": dueOf(c, a).Format(time.RFC3339Nano)})
			}
			body := map[string]any{"held_at": time.Now().Add(-time.Second).UTC().Format(time.RFC3339), "format": "meeting", "outcome": "Benchmark.", "actions": agreed}
			status, resp, err := r.post(gctx, "/v1/cases/"+id+"/strategy-meeting-held", safeguarding.RoleSocialWorker, body, "meeting-"+id)
			if err != nil || status != http.StatusOK {
				return fmt.Errorf("record meeting: %d %s %v", status, resp, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if time.Now().After(windowStart) {
		return fmt.Errorf("setup overran the window by %s; lower TimerActions", time.Since(windowStart))
	}
	r.progress("timer lag: %d actions in %d cases due from %s for one minute", cases*actionsPerCase, cases, windowStart.Format(time.TimeOnly))

	// Baseline: the same due times as in-process timers.
	var mu sync.Mutex
	var base Sample
	for c := range ids {
		for a := range actionsPerCase {
			due := dueOf(c, a)
			time.AfterFunc(time.Until(due), func() {
				lag := time.Since(due)
				mu.Lock()
				base = append(base, lag)
				mu.Unlock()
			})
		}
	}

	seen, err := r.watchOverdue(ctx, ids, windowStart.Add(3*time.Minute))
	if err != nil {
		return err
	}
	ours := make(Sample, 0, len(seen))
	for _, lag := range seen {
		ours = append(ours, lag)
	}
	if len(ours) < cases*actionsPerCase {
		return fmt.Errorf("only %d of %d actions turned overdue within 3 minutes", len(ours), cases*actionsPerCase)
	}
	mu.Lock()
	base = slices.Clone(base)
	mu.Unlock()
	res := compare(fmt.Sprintf("Timer lag, %d actions due within one minute", len(ours)),
		"due time to overdue visible in the read model vs in-process time.Timer with the same due times",
		summarise("caseflow", ours, 1, false), summarise("time.Timer", base, 1, false))
	res.Note = fmt.Sprintf("The embedded server runs with history.timerProcessorMaxTimeShift %s (the server's default is 1s) and history.timerProcessorMaxPollRPS %d (default 20). Every chase is delivered at any hour (policy chase_at_any_hour), so the stage measures the same path whatever the time of day. The board's change feed was followed and each changed case read back; the lag counts to when the read that first showed the action overdue returned. The in-process timers' own p99 shows how busy the machine was.", devstack.TimerMaxTimeShift, devstack.TimerMaxPollRPS)
	if res.Parts, err = r.lagParts(ctx, ids, windowStart, windowStart.Add(time.Minute)); err != nil {
		return err
	}
	r.report.TimerLag = &res
	r.progress("%s: caseflow p50 %.0fms p99 %.0fms, time.Timer p50 %.2fms p99 %.2fms", res.Name, res.Ours.P50MS, res.Ours.P99MS, res.Baseline.P50MS, res.Baseline.P99MS)
	for _, part := range res.Parts {
		r.progress("  %s: n %d p50 %.0fms p99 %.0fms", part.Name, part.N, part.P50MS, part.P99MS)
	}
	return nil
}

// sweepEvery is how often every case still owing an overdue action is read again, in case its
// change was dropped by a slow subscriber.
const sweepEvery = 2 * time.Second

// watchOverdue follows the read model's change feed, which the board's live view follows, and
// reads each changed case: the lag of an action counts to when the read that first showed it
// overdue returned, an upper bound on when the board could show it. Until deadline, or until
// every action of the cases is seen overdue.
//
// The feed drops changes for a reader that falls behind (readmodel.Subscribe), so the watcher
// never waits on its own reads: a change marks its case to be read, readers take marked cases
// (a case changed again while marked is read once), and every sweepEvery the cases still owing
// an action are marked again in case a change was dropped all the same.
func (r *run) watchOverdue(ctx context.Context, ids []string, deadline time.Time) (map[string]time.Duration, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	changes, stop, err := r.app.Store.Subscribe(ctx)
	if err != nil {
		return nil, err
	}
	defer stop()
	ours := make(map[string]bool, len(ids))
	for _, id := range ids {
		ours[id] = true
	}
	var mu sync.Mutex
	seen := map[string]time.Duration{}
	owing := map[string]int{} // actions of a case not yet seen overdue
	for _, id := range ids {
		owing[id] = actionsPerCase
	}
	marked := map[string]bool{}
	wake := make(chan struct{}, 1)
	nudge := func() {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	mark := func(id string) {
		mu.Lock()
		marked[id] = true
		mu.Unlock()
		nudge()
	}
	// take returns a marked case, and wakes another reader if more are marked.
	take := func() (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		for id := range marked {
			delete(marked, id)
			if len(marked) > 0 {
				nudge()
			}
			return id, true
		}
		return "", false
	}
	read := func(id string) error {
		s, ok, err := r.app.Store.Case(ctx, id)
		at := time.Now()
		if err != nil || !ok {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		for _, a := range s.Actions {
			key := s.CaseID + "/" + a.ID
			if _, done := seen[key]; !done && a.Kind == string(safeguarding.MeetingAction) && a.Escalation >= int(safeguarding.LevelOverdue) {
				seen[key] = at.Sub(a.Due)
				owing[id]--
			}
		}
		return nil
	}
	allSeen := make(chan struct{})
	var once sync.Once
	g, gctx := errgroup.WithContext(ctx)
	for range 16 {
		g.Go(func() error {
			for {
				id, ok := take()
				if !ok {
					select {
					case <-gctx.Done():
						return nil
					case <-allSeen:
						return nil
					case <-wake:
					}
					continue
				}
				if err := read(id); err != nil && gctx.Err() == nil {
					return err
				}
				mu.Lock()
				done := len(seen) == len(ids)*actionsPerCase
				mu.Unlock()
				if done {
					once.Do(func() { close(allSeen) })
				}
			}
		})
	}
	sweep := time.NewTicker(sweepEvery)
	defer sweep.Stop()
feed:
	for {
		select {
		case <-allSeen:
			break feed
		case <-gctx.Done():
			break feed
		case c, ok := <-changes:
			if !ok {
				break feed // the deadline passed
			}
			if ours[c.CaseID] {
				mark(c.CaseID)
			}
		case <-sweep.C:
			mu.Lock()
			var late []string
			for id, n := range owing {
				if n > 0 {
					late = append(late, id)
				}
			}
			mu.Unlock()
			for _, id := range late {
				mark(id)
			}
		}
	}
	cancel()
	if err := g.Wait(); err != nil && ctx.Err() == nil {
		return nil, err
	}
	mu.Lock()
	defer mu.Unlock()
	return maps.Clone(seen), nil
}
