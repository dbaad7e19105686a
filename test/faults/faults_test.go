package faults_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	enumspb "go.temporal.io/api/enums/v1"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
)

const redisDB = 7

// TestMain lets the test binary run as a worker process of its own, which the kill test kills
// with SIGKILL (testenv.WorkerMain).
func TestMain(m *testing.M) {
	testenv.WorkerMain(m, func(spec string) (*config.Config, error) {
		temporal, redisURL, _ := strings.Cut(spec, " ")
		return &config.Config{TemporalAddress: temporal, TemporalNamespace: "default", RedisURL: redisURL, ReadModelCheck: time.Hour}, nil
	})
}

// startWorker starts a worker process of its own for env's stack, to be killed by the test.
func startWorker(t *testing.T, env *testenv.Env, redisURL string) *exec.Cmd {
	return testenv.StartWorker(t, env, env.App.TemporalAddress()+" "+redisURL)
}

// TestWorkerKilledMidUpdate kills the worker process with SIGKILL while care-plan contributions
// are in flight, then starts a new one. The worker is first frozen (SIGSTOP) with requests
// outstanding, and killed only once Temporal has handed it the workflow task carrying them: the
// kill lands mid-update, every time. Every request either succeeded, and is in the case exactly
// once, or failed with an error the caller can retry; no contribution is applied twice.
func TestWorkerKilledMidUpdate(t *testing.T) {
	mr := miniredis.RunT(t)
	redisURL := "redis://" + mr.Addr()
	if os.Getenv("REDIS_URL") != "" {
		redisURL = testenv.RedisURL(t, redisDB)
	}
	env := testenv.Start(t, testenv.Options{RedisURL: redisURL, Parts: app.Parts{Embedded: true, API: true}})
	worker := startWorker(t, env, redisURL)
	env.WaitReady()
	carer := env.Token(safeguarding.RoleCarer, "carer-1", "")
	resp := env.Do(http.MethodPost, "/v1/cases", carer, testenv.Concern(time.Now(), "sw-1", "north", "carer-1"))
	if resp.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s", resp.Status, resp.Body)
	}
	var created api.StepResponse
	resp.JSON(t, &created)
	path := "/v1/cases/" + created.CaseID + "/care-plan-contribution"

	const requests = 40
	statuses := make([]int, requests)
	var outstanding, succeeded atomic.Int32
	var wg sync.WaitGroup
	send := func(from, to int) {
		for i := from; i < to; i++ {
			wg.Add(1)
			outstanding.Add(1)
			go func() {
				defer wg.Done()
				defer outstanding.Add(-1)
				body := map[string]any{"text": fmt.Sprintf("contribution %02d", i)}
				statuses[i] = env.Do(http.MethodPost, path, carer, body, "Idempotency-Key", fmt.Sprintf("c-%d", i)).Status
				if statuses[i] == http.StatusOK {
					succeeded.Add(1)
				}
			}()
		}
	}
	// The first half is taken by the running worker; the second arrives while it is frozen.
	send(0, requests/2)
	testenv.Eventually(t, 30*time.Second, "the worker to apply a contribution", func() bool { return succeeded.Load() > 0 })
	if err := worker.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	send(requests/2, requests)
	testenv.Eventually(t, 30*time.Second, "the frozen worker to hold a workflow task with updates outstanding", func() bool {
		d, err := env.App.Temporal.DescribeWorkflowExecution(context.Background(), workflows.WorkflowID(created.CaseID), "")
		if err != nil {
			t.Fatalf("describe the case workflow: %v", err)
		}
		task := d.GetPendingWorkflowTask()
		return task.GetState() == enumspb.PENDING_WORKFLOW_TASK_STATE_STARTED && outstanding.Load() > 0
	})
	inFlight := outstanding.Load()
	if err := worker.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = worker.Process.Wait()
	t.Logf("killed the worker holding a workflow task, with %d requests outstanding", inFlight)
	startWorker(t, env, redisURL)
	wg.Wait()

	outcomes := map[int]int{}
	for _, s := range statuses {
		outcomes[s]++
	}
	t.Logf("statuses while the worker was killed and restarted: %v", outcomes)
	// Retry every request that did not succeed, with its key: a retry is always safe.
	for i, s := range statuses {
		if s != http.StatusOK {
			if s != http.StatusServiceUnavailable && s != http.StatusConflict && s != http.StatusInternalServerError {
				t.Errorf("request %d failed with %d, not a retryable status", i, s)
			}
			body := map[string]any{"text": fmt.Sprintf("contribution %02d", i)}
			testenv.Eventually(t, 30*time.Second, "the retry to succeed", func() bool {
				return env.Do(http.MethodPost, path, carer, body, "Idempotency-Key", fmt.Sprintf("c-%d", i)).Status == http.StatusOK
			})
		}
	}
	var v safeguarding.View
	env.Do(http.MethodGet, "/v1/cases/"+created.CaseID, carer, nil).JSON(t, &v)
	seen := map[string]int{}
	for _, k := range v.CarePlan.Contributions {
		seen[k.Text]++
	}
	for i := range requests {
		text := fmt.Sprintf("contribution %02d", i)
		if seen[text] != 1 {
			t.Errorf("%q is in the case %d times, want once", text, seen[text])
		}
	}
	if len(v.CarePlan.Contributions) != requests {
		t.Errorf("%d contributions, want %d", len(v.CarePlan.Contributions), requests)
	}
}

// TestTemporalRestartKeepsTimers stops the whole stack while clocks are pending and starts it
// again on the same data directory after they were due: every chase is sent, and sent once.
func TestTemporalRestartKeepsTimers(t *testing.T) {
	pol, err := policy.LoadFile("../../policy/testdata/short-clocks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	mr := miniredis.RunT(t)
	redisURL := "redis://" + mr.Addr()
	if os.Getenv("REDIS_URL") != "" {
		redisURL = testenv.RedisURL(t, redisDB+1)
	}
	env := testenv.Start(t, testenv.Options{RedisURL: redisURL, Policy: pol})
	carer := env.Token(safeguarding.RoleCarer, "carer-1", "")
	const cases = 5
	observed := time.Now()
	for i := range cases {
		// Five children: a concern about a child with a case goes to that case.
		child := testenv.ChildName + " " + string(rune('A'+i))
		if resp := env.Do(http.MethodPost, "/v1/cases", carer, testenv.ConcernFor(child, "2010-05-01", observed, "sw-1", "north", "carer-1")); resp.Status != http.StatusCreated {
			t.Fatalf("raise: %d %s", resp.Status, resp.Body)
		}
	}
	// Every police report clock runs out, and escalates to the Safeguarding Lead, while stopped.
	clock, err := pol.Deadline(policy.PoliceReport, observed, "E08000025", 0)
	if err != nil {
		t.Fatal(err)
	}
	address := env.App.TemporalAddress()
	env.App.Stop(context.Background())
	testenv.Eventually(t, time.Until(clock.EscalateAgainAt)+5*time.Second, "the last escalation to fall due while stopped", func() bool {
		return time.Now().After(clock.EscalateAgainAt)
	})
	again := testenv.Start(t, testenv.Options{RedisURL: redisURL, Policy: pol, DataDir: env.DataDir, TemporalAddress: address})

	inbox := notify.NewInbox(again.Redis(), again.App.Pseudonyms(), slog.Default())
	var notices []notify.Notice
	testenv.Eventually(t, 30*time.Second, "every police report escalated to the Safeguarding Lead", func() bool {
		notices, err = inbox.Read(context.Background(), safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}, 200)
		if err != nil {
			t.Fatal(err)
		}
		leads := 0
		for _, n := range notices {
			if n.Kind == string(policy.PoliceReport) && n.Level == int(safeguarding.LevelLead) {
				leads++
			}
		}
		return leads == cases
	})
	count := map[string]int{}
	for _, n := range notices {
		if n.Kind == string(policy.PoliceReport) {
			count[fmt.Sprintf("%s/%s/%d", n.CaseID, n.ActionID, n.Level)]++
		}
	}
	if len(count) != cases*3 {
		t.Errorf("%d distinct police-report chases, want %d (overdue, manager, lead for each case)", len(count), cases*3)
	}
	for k, n := range count {
		if n != 1 {
			t.Errorf("chase %s sent %d times", k, n)
		}
	}
}

// TestConcurrentStepsOnOneCase sends 50 steps to one case at once, each retried with its
// Idempotency-Key if it times out: every step is in the case once, the timeline records them in
// one order, and the revision counts them all.
func TestConcurrentStepsOnOneCase(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 2})
	carer := env.Token(safeguarding.RoleCarer, "carer-1", "")
	resp := env.Do(http.MethodPost, "/v1/cases", carer, testenv.Concern(time.Now(), "sw-1", "north", "carer-1"))
	var created api.StepResponse
	resp.JSON(t, &created)
	const n = 50
	revisions := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A client retries a timed-out request (503) with its key, as the API asks.
			var r testenv.Response
			for attempt := 0; attempt < 10; attempt++ {
				r = env.Do(http.MethodPost, "/v1/cases/"+created.CaseID+"/care-plan-contribution", carer,
					map[string]any{"text": fmt.Sprintf("note %02d", i)}, "Idempotency-Key", fmt.Sprintf("note-%d", i))
				if r.Status != http.StatusServiceUnavailable && r.Status != http.StatusConflict {
					break
				}
				time.Sleep(time.Second)
			}
			if r.Status != http.StatusOK {
				t.Errorf("step %d: %d %s", i, r.Status, r.Body)
				return
			}
			var res api.StepResponse
			r.JSON(t, &res)
			revisions[i] = res.Revision
		}()
	}
	wg.Wait()
	var v safeguarding.View
	env.Do(http.MethodGet, "/v1/cases/"+created.CaseID, carer, nil).JSON(t, &v)
	if len(v.CarePlan.Contributions) != n {
		t.Fatalf("%d contributions, want %d", len(v.CarePlan.Contributions), n)
	}
	sorted := append([]int64{}, revisions...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	for i := 1; i < n; i++ {
		if sorted[i] != sorted[i-1]+1 {
			t.Fatalf("revisions are not one per step: %v", sorted)
		}
	}
	// The order of the contributions is the order of their revisions.
	for i, k := range v.CarePlan.Contributions {
		var at int
		fmt.Sscanf(k.Text, "note %d", &at)
		if revisions[at] != sorted[i] {
			t.Fatalf("contribution %d (%q) has revision %d, but is at position %d of %v", at, k.Text, revisions[at], i, sorted)
		}
	}
}
