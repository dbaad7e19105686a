package workflows

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/activities"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// projections records the attempts of a stand-in ProjectCase activity.
type projections struct {
	mu       sync.Mutex
	local    map[int64]int // local attempts by version
	regular  []int64       // versions projected by regular activities
	attempts map[int64]int
}

func (p *projections) record(ctx context.Context, s projection.Summary) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.attempts == nil {
		p.attempts, p.local = map[int64]int{}, map[int64]int{}
	}
	p.attempts[s.Version]++
	if activity.GetInfo(ctx).IsLocalActivity {
		p.local[s.Version]++
	} else {
		p.regular = append(p.regular, s.Version)
	}
}

// sideEffectHarness runs a case whose ProjectCase is project; chases are recorded.
func sideEffectHarness(t *testing.T, project func(context.Context, projection.Summary) error) *harness {
	t.Helper()
	env := newTestEnv()
	env.SetTestTimeout(3 * time.Minute)
	h := &harness{t: t, env: env, pol: policy.Default(), sent: &recorder{}, input: Input{CaseID: "c1", Reference: "CF-TEST01"}}
	cw := &CaseWorkflow{Policy: func() *policy.Policy { return h.pol }, Callers: trustEveryCaller{}}
	env.RegisterWorkflowWithOptions(cw.Run, workflow.RegisterOptions{Name: WorkflowName})
	env.RegisterActivityWithOptions(project, activity.RegisterOptions{Name: projection.ProjectCaseName})
	env.RegisterActivityWithOptions(func(ctx context.Context, notices []notify.Notice) error {
		for _, n := range notices {
			_ = h.sent.Send(ctx, n)
		}
		return nil
	}, activity.RegisterOptions{Name: activities.NotifyAllName})
	return h
}

// TestSideEffectHandedOverWhenLocalAttemptsRunOut: a projection that keeps failing in the
// worker (Redis unreachable from it, say) is tried locally for a bounded time, then handed to a
// regular activity, which delivers it.
func TestSideEffectHandedOverWhenLocalAttemptsRunOut(t *testing.T) {
	p := &projections{}
	h := sideEffectHarness(t, func(ctx context.Context, s projection.Summary) error {
		p.record(ctx, s)
		if activity.GetInfo(ctx).IsLocalActivity {
			return errors.New("redis: connection refused")
		}
		return nil
	})
	h.step(time.Minute, safeguarding.StepRaiseConcern, carer, raise(""))
	h.run(time.Hour)

	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.regular) == 0 || p.regular[0] != 1 {
		t.Fatalf("regular activities projected versions %v, want the raised case's version 1 first", p.regular)
	}
	// Retries after 1, 2, 4 and 8 s, then every 10 s, end within the minute: the bound holds.
	if n := p.local[1]; n < 5 || n > 10 {
		t.Errorf("version 1 tried %d times locally, want a handful bounded by the %s schedule-to-close", n, localAttempts)
	}
	for _, v := range p.regular {
		if p.attempts[v] != p.local[v]+1 {
			t.Errorf("version %d: %d attempts, %d local: the regular activity should run once, after the local ones", v, p.attempts[v], p.local[v])
		}
	}
}

// TestPermanentSideEffectFailureIsNotRetried: a summary the read model can never take fails at
// once, is not handed over, and is not sent again in a loop; the case carries on and its chases
// are still sent.
func TestPermanentSideEffectFailureIsNotRetried(t *testing.T) {
	p := &projections{}
	h := sideEffectHarness(t, func(ctx context.Context, s projection.Summary) error {
		p.record(ctx, s)
		return temporal.NewNonRetryableApplicationError("cannot hold this summary", projection.UnprojectableError, nil)
	})
	h.step(time.Minute, safeguarding.StepRaiseConcern, carer, raise(""))
	// The police report is due within a day: its chases run through the failed projection.
	h.run(72 * time.Hour)

	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.regular) != 0 {
		t.Errorf("a permanent failure was handed to a regular activity %d times", len(p.regular))
	}
	for version, n := range p.attempts {
		if n != 1 {
			t.Errorf("version %d projected %d times, want once", version, n)
		}
	}
	if len(p.attempts) < 2 {
		t.Errorf("projections of %d versions, want the raised case and its chases", len(p.attempts))
	}
	levels := map[int]bool{}
	for _, n := range h.sent.all() {
		if n.Kind == string(policy.PoliceReport) {
			levels[n.Level] = true
		}
	}
	for _, want := range []safeguarding.Level{safeguarding.LevelOverdue, safeguarding.LevelManager, safeguarding.LevelLead} {
		if !levels[int(want)] {
			t.Errorf("no police report chase at level %s while projections failed; levels sent: %v", want, levels)
		}
	}
}
