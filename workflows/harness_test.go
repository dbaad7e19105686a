package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/activities"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// testStart is a Friday a week before Christmas: working-day clocks started then cross a
// weekend and the Christmas and New Year bank holidays.
var testStart = time.Date(2026, 12, 18, 10, 0, 0, 0, time.UTC)

const testLA = "E08000025"

var (
	manager = safeguarding.Actor{UserID: "mgr-1", Role: safeguarding.RoleManager, Team: "north"}
	sw      = safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Team: "north"}
	carer   = safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	lead    = safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}
)

// recorder is the notification sender of the tests: it keeps every notice delivered.
type recorder struct {
	mu      sync.Mutex
	notices []notify.Notice
	seen    map[string]bool
}

func (r *recorder) Send(_ context.Context, n notify.Notice) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	if !r.seen[n.ID] {
		r.seen[n.ID] = true
		r.notices = append(r.notices, n)
	}
	return nil
}

// all is every notice delivered so far, copied under the lock: local activities run on their
// own goroutines even in the time-skipping environment.
func (r *recorder) all() []notify.Notice {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]notify.Notice(nil), r.notices...)
}

func (r *recorder) forAction(id string) []notify.Notice {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notify.Notice
	for _, n := range r.notices {
		if n.ActionID == id {
			out = append(out, n)
		}
	}
	return out
}

// harness runs one case workflow in the time-skipping test environment with the real
// activities (read model on miniredis) and a recording notifier.
type harness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	pol     *policy.Policy
	sent    *recorder
	store   *readmodel.Store
	results []safeguarding.Result
	errs    []error
	input   Input
	// cw is the registered workflow: a test may replace its Callers before the run.
	cw *CaseWorkflow
}

// taskLimit is how long a workflow task may run in these tests before the SDK calls it a
// deadlock. Workers keep the SDK's second; here the race detector and a busy CI machine slow a
// long case's task past it, which says nothing of the workflow. A task that blocks still fails.
const taskLimit = 20 * time.Second

// newTestEnv is the time-skipping environment of these tests, starting at testStart.
func newTestEnv() *testsuite.TestWorkflowEnvironment {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetWorkerOptions(worker.Options{DeadlockDetectionTimeout: taskLimit})
	env.SetStartTime(testStart)
	return env
}

func newHarness(t *testing.T, pol *policy.Policy) *harness {
	t.Helper()
	env := newTestEnv()
	env.SetTestTimeout(3 * time.Minute)
	if pol == nil {
		pol = policy.Default()
	}
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	h := &harness{t: t, env: env, pol: pol, sent: &recorder{}, store: readmodel.New(rdb, testPseudonyms),
		input: Input{CaseID: "c1", Reference: "CF-TEST01"}}
	cw := &CaseWorkflow{Policy: func() *policy.Policy { return pol }, Callers: trustEveryCaller{}}
	h.cw = cw
	env.RegisterWorkflowWithOptions(cw.Run, workflow.RegisterOptions{Name: WorkflowName})
	env.RegisterWorkflowWithOptions(cw.RecordChunk, workflow.RegisterOptions{Name: RecordChunkWorkflowName})
	env.RegisterWorkflowWithOptions(cw.DestroyRecord, workflow.RegisterOptions{Name: DestroyWorkflowName})
	env.RegisterActivity(&activities.Activities{Notifier: h.sent})
	env.RegisterActivity(&projection.Activity{ReadModel: h.store})
	// A case opened in a test continued before record chunks only when a test says so, and that
	// test gives the earlier runs' pages itself.
	env.RegisterActivityWithOptions(func(context.Context, ArchivedPagesRequest) (ArchivedPages, error) { return ArchivedPages{}, nil },
		activity.RegisterOptions{Name: ArchivedPagesName})
	return h
}

// continueFrom makes the harness's run the continuation of the run that carried next: Temporal
// links such a run to the one before it, and only such a run takes the state in its input.
func (h *harness) continueFrom(next Input) {
	h.input = next
	h.env.SetContinuedExecutionRunID("the-run-before")
}

// at is the instant d after the start, as the API would send it.
func at(d time.Duration) string { return testStart.Add(d).Format(time.RFC3339) }

// step sends an update at offset d after the start. body may be a func() any, evaluated when
// the update is sent, to use results of earlier steps.
func (h *harness) step(d time.Duration, name string, by safeguarding.Actor, body any) {
	h.env.RegisterDelayedCallback(func() {
		if f, ok := body.(func() any); ok {
			body = f()
		}
		raw, err := json.Marshal(body)
		if err != nil {
			h.t.Fatalf("encode %s: %v", name, err)
		}
		id := fmt.Sprintf("req-%d", len(h.results)+len(h.errs))
		h.env.UpdateWorkflow(UpdateStep, id, &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) {
				h.errs = append(h.errs, fmt.Errorf("%s rejected: %w", name, FromApplicationError(err)))
			},
			OnComplete: func(v any, err error) {
				if err != nil {
					h.errs = append(h.errs, fmt.Errorf("%s failed: %w", name, err))
					return
				}
				h.results = append(h.results, v.(safeguarding.Result))
			},
		}, safeguarding.Request{Step: name, RequestID: id, Actor: by, Body: raw})
	}, d)
}

// view queries the case as actor at offset d and hands it to check.
func (h *harness) view(d time.Duration, actor safeguarding.Actor, check func(safeguarding.View)) {
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryCase, actor)
		if err != nil {
			h.t.Errorf("query case: %v", err)
			return
		}
		var answer CaseAnswer
		if err := v.Get(&answer); err != nil || answer.View == nil {
			h.t.Errorf("decode case: %v %+v", err, answer.Refused)
			return
		}
		check(*answer.View)
	}, d)
}

// run executes the workflow until offset end, then cancels it, and fails on any step error.
func (h *harness) run(end time.Duration) {
	h.t.Helper()
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, end)
	h.env.ExecuteWorkflow(WorkflowName, h.input)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	for _, err := range h.errs {
		h.t.Error(err)
	}
}

// raise is the concern that opens every test case: a carer's, with trafficking suspected.
func raise(dob string) map[string]any {
	child := map[string]any{"name": "Test Child", "preferred_term": "victim", "parental_responsibility": "none-in-uk"}
	if dob != "" {
		child["date_of_birth"] = dob
	}
	return map[string]any{
		"observed_at": at(0), "child": child, "la": testLA, "team": "north",
		"social_worker": "sw-1", "fostering_social_worker": "fsw-1",
		"exploitation_types": []string{"criminal-exploitation", "trafficking"},
		"indicators":         []map[string]string{{"code": "multiple-phones"}},
		"account":            "Seen with two phones.",
	}
}

func openAction(v safeguarding.View, kind policy.RuleID) (safeguarding.ActionView, bool) {
	for _, a := range v.OpenActions {
		if a.Kind == kind {
			return a, true
		}
	}
	return safeguarding.ActionView{}, false
}

// continuedAsNew runs the workflow until it continues as new, made to at offset d, and returns
// the input it carried to the next run.
func (h *harness) continuedAsNew(d time.Duration) Input {
	h.t.Helper()
	h.env.RegisterDelayedCallback(func() { h.env.SetCurrentHistoryLength(DefaultMaxHistory) }, d)
	h.step(d+time.Second, "care-plan-contribution", carer, map[string]any{"text": "the step after which the run continues as new"})
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, d+20*m) // only if it never continues
	h.env.ExecuteWorkflow(WorkflowName, h.input)
	var can *workflow.ContinueAsNewError
	if !errors.As(h.env.GetWorkflowError(), &can) {
		h.t.Fatalf("the run ended with %v, want continue-as-new", h.env.GetWorkflowError())
	}
	var next Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil || next.State == nil {
		h.t.Fatalf("carried input: %v", err)
	}
	return next
}

// runUntilContinued runs the workflow until it continues as new, or fails the test at offset
// end, and returns the input it carried to the next run.
func (h *harness) runUntilContinued(end time.Duration) Input {
	h.t.Helper()
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, end)
	h.env.ExecuteWorkflow(WorkflowName, h.input)
	var can *workflow.ContinueAsNewError
	if !errors.As(h.env.GetWorkflowError(), &can) {
		h.t.Fatalf("the run ended with %v, want continue-as-new", h.env.GetWorkflowError())
	}
	var next Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil || next.State == nil {
		h.t.Fatalf("carried input: %v", err)
	}
	for _, err := range h.errs {
		h.t.Error(err)
	}
	return next
}
