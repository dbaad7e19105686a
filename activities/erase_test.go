package activities_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/caseflow/caseflow/activities"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

const redisDB = 17

// errCrash stands for a worker killed in the middle of a destruction.
var errCrash = errors.New("the worker was killed")

// TestAnInterruptedDestructionFinishesOnRetry erases a long case (many runs, several record
// chunks) from the real embedded server, the worker "killed" after the first deletion of each
// activity: the attempt fails with part of the record gone and part still kept; the retry (what
// Temporal does with the activity) deletes the rest and nothing twice, and a third attempt finds
// nothing left to do.
func TestAnInterruptedDestructionFinishesOnRetry(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB})
	ctx := context.Background()
	caseID := workflows.CaseIDFor("carer-1", "interrupted")
	wid := workflows.WorkflowID(caseID)
	if _, err := env.App.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue}, workflows.WorkflowName,
		workflows.Input{CaseID: caseID, Reference: workflows.ReferenceFor(caseID), MaxHistory: 60}); err != nil {
		t.Fatal(err)
	}
	cases := caseclient.New(env.App.Temporal, caseclient.Options{Signer: env.App.Signer(), DataConverter: env.App.Converters().Data})
	carer := safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	body, _ := json.Marshal(testenv.Concern(time.Now().Add(-time.Hour), "sw-1", "north", "carer-1"))
	if _, err := cases.Raise(ctx, carer, "interrupted", body); err != nil {
		t.Fatal(err)
	}
	for i := range 160 {
		note, _ := json.Marshal(map[string]string{"text": fmt.Sprintf("Note %d.", i)})
		if _, err := cases.Step(ctx, caseID, "care-plan-contribution", carer, "", note); err != nil {
			t.Fatal(err)
		}
	}
	// The last step may still continue the case as new after it returned: count once it settled.
	runs, chunks := settled(func() int { return countRuns(t, env, wid) }), settled(func() int { return countSeries(env, workflows.RecordChunkSeries(caseID)) })
	if runs < 3 || chunks < 2 {
		t.Fatalf("%d runs and %d chunks; want several of each", runs, chunks)
	}

	crashed := false
	eraser := &activities.Eraser{Temporal: env.App.Temporal, Namespace: "default", ReadModel: env.App.Store,
		Inbox: notify.NewInbox(env.Redis(), env.App.Pseudonyms(), slog.New(slog.DiscardHandler)),
		AfterDelete: func(string, string) error {
			if crashed {
				return nil
			}
			crashed = true
			return errCrash
		}}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.DiscardHandler)))
	erase := func(name string, req any) (activities.Erased, error) {
		aenv := suite.NewTestActivityEnvironment()
		aenv.RegisterActivity(eraser)
		v, err := aenv.ExecuteActivity(name, req)
		var erased activities.Erased
		if err == nil {
			err = v.Get(&erased)
		}
		return erased, err
	}

	for _, step := range []struct {
		name  string
		req   any
		total int
		left  func() int
	}{
		{activities.EraseWorkflowName, activities.EraseWorkflow{WorkflowID: wid}, runs, func() int { return countRuns(t, env, wid) }},
		{activities.EraseSeriesName, activities.EraseSeries{Prefix: workflows.RecordChunkSeries(caseID)}, chunks, func() int { return countSeries(env, workflows.RecordChunkSeries(caseID)) }},
	} {
		crashed = false
		if _, err := erase(step.name, step.req); err == nil || !strings.Contains(err.Error(), errCrash.Error()) {
			t.Fatalf("%s with the worker killed: %v", step.name, err)
		}
		left := -1
		deadline := time.Now().Add(time.Minute)
		for left != step.total-1 && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
			left = step.left()
		}
		if left != step.total-1 {
			t.Fatalf("%s with the worker killed after its first deletion left %d of %d", step.name, left, step.total)
		}
		erased, err := erase(step.name, step.req)
		if err != nil || erased.Workflows != step.total-1 {
			t.Fatalf("%s retried: erased %d (%v); want the %d left", step.name, erased.Workflows, err, step.total-1)
		}
		testenv.Eventually(t, 30*time.Second, "nothing left", func() bool { return step.left() == 0 })
		if again, err := erase(step.name, step.req); err != nil || again.Workflows != 0 {
			t.Errorf("%s a third time: erased %d (%v); want nothing left to do", step.name, again.Workflows, err)
		}
	}
}

// settled is what count gives twice in a row a second apart.
func settled(count func() int) int {
	n := count()
	for {
		time.Sleep(time.Second)
		again := count()
		if again == n {
			return n
		}
		n = again
	}
}

// countRuns counts the runs of a workflow that are still kept, by the run each continued.
func countRuns(t *testing.T, env *testenv.Env, wid string) int {
	t.Helper()
	ctx := context.Background()
	desc, err := env.App.Temporal.DescribeWorkflowExecution(ctx, wid, "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for run := desc.GetWorkflowExecutionInfo().GetExecution().GetRunId(); run != ""; n++ {
		iter := env.App.Temporal.GetWorkflowHistory(ctx, wid, run, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		first, err := iter.Next()
		if errors.As(err, &notFound) {
			return n
		}
		if err != nil {
			t.Fatal(err)
		}
		run = first.GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
	}
	return n
}

// countSeries counts the workflows of a series still kept, whatever their numbers.
func countSeries(env *testenv.Env, prefix string) int {
	n := 0
	for i := range 50 {
		if _, err := env.App.Temporal.DescribeWorkflowExecution(context.Background(), fmt.Sprintf("%s%d", prefix, i), ""); err == nil {
			n++
		}
	}
	return n
}
