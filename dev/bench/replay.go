package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

// echoWorkflow is the baseline of the replay measurement: a workflow that accepts updates and
// does nothing with them, the least any update-driven workflow replays.
func echoWorkflow(ctx workflow.Context) error {
	if err := workflow.SetUpdateHandler(ctx, "echo", func(ctx workflow.Context, v string) (string, error) { return v, nil }); err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return false })
}

// replay builds a case history of ReplayEvents events and replays it, against an echo workflow's
// history of the same length.
func (r *run) replay(ctx context.Context) error {
	w := worker.New(r.temporal(), "bench-echo", worker.Options{})
	w.RegisterWorkflowWithOptions(echoWorkflow, workflow.RegisterOptions{Name: "BenchEcho"})
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()

	caseID := workflows.CaseIDFor("bench", fmt.Sprint(time.Now().UnixNano()))
	if _, err := r.temporal().ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkflowID(caseID), TaskQueue: workflows.TaskQueue},
		workflows.WorkflowName, workflows.Input{CaseID: caseID, Reference: workflows.ReferenceFor(caseID), MaxHistory: 100000}); err != nil {
		return err
	}
	cases := caseclient.New(r.temporal(), caseclient.Options{Signer: r.app.Signer(), DataConverter: r.app.Converters().Data})
	carer := safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	raw, _ := json.Marshal(concern(time.Now()))
	if _, err := cases.Step(ctx, caseID, safeguarding.StepRaiseConcern, carer, "", raw); err != nil {
		return err
	}
	contribution, _ := json.Marshal(map[string]any{"text": "Benchmark contribution."})
	caseHistory, err := r.grow(ctx, workflows.WorkflowID(caseID), func() error {
		_, err := cases.Step(ctx, caseID, "care-plan-contribution", carer, "", contribution)
		return err
	})
	if err != nil {
		return err
	}
	echoID := "bench-echo-" + caseID
	if _, err := r.temporal().ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: echoID, TaskQueue: "bench-echo"}, "BenchEcho"); err != nil {
		return err
	}
	echoHistory, err := r.grow(ctx, echoID, func() error {
		h, err := r.temporal().UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: echoID, UpdateName: "echo", Args: []any{"x"}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err != nil {
			return err
		}
		return h.Get(ctx, nil)
	})
	if err != nil {
		return err
	}

	logger := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	cw := &workflows.CaseWorkflow{Policy: func() *policy.Policy { return nil }}
	var ours, base Sample
	for i := range 20 {
		for _, arm := range order(i, caseHistory, echoHistory) {
			replayer, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
				DataConverter: r.app.Converters().Data, FailureConverter: r.app.Converters().Failure,
			})
			if err != nil {
				return err
			}
			replayer.RegisterWorkflowWithOptions(cw.Run, workflow.RegisterOptions{Name: workflows.WorkflowName})
			replayer.RegisterWorkflowWithOptions(echoWorkflow, workflow.RegisterOptions{Name: "BenchEcho"})
			t0 := time.Now()
			if err := replayer.ReplayWorkflowHistory(logger, arm); err != nil {
				return fmt.Errorf("replay: %w", err)
			}
			per := time.Since(t0) / time.Duration(len(arm.Events))
			if arm == caseHistory {
				ours = append(ours, per)
			} else {
				base = append(base, per)
			}
		}
	}
	res := compare(fmt.Sprintf("Replay, %d-event case history", len(caseHistory.Events)),
		fmt.Sprintf("replay time per event: CaseWorkflow vs a workflow that echoes updates (%d events)", len(echoHistory.Events)),
		summarise("caseflow", ours, 1, false), summarise("echo workflow", base, 1, false))
	res.Note = "Figures are per event, in milliseconds."
	r.report.Replay = &res
	r.progress("%s: caseflow p50 %.3fms/event, echo %.3fms/event", res.Name, res.Ours.P50MS, res.Baseline.P50MS)
	return nil
}

func order(i int, a, b *historypb.History) []*historypb.History {
	if i%2 == 0 {
		return []*historypb.History{a, b}
	}
	return []*historypb.History{b, a}
}

// grow applies step until the workflow's history holds ReplayEvents events, then returns it.
func (r *run) grow(ctx context.Context, workflowID string, step func() error) (*historypb.History, error) {
	for {
		desc, err := r.temporal().DescribeWorkflowExecution(ctx, workflowID, "")
		if err != nil {
			return nil, err
		}
		if desc.GetWorkflowExecutionInfo().GetHistoryLength() >= int64(r.opts.ReplayEvents) {
			break
		}
		if err := step(); err != nil {
			return nil, err
		}
	}
	time.Sleep(500 * time.Millisecond)
	iter := r.temporal().GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			return nil, err
		}
		h.Events = append(h.Events, ev)
	}
	return h, nil
}
