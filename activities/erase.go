package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/readmodel"
)

// Eraser destroys what a case's record is made of once a person approved its destruction: the
// workflows that hold it, every run of each, and its entries in the read model. Every activity
// is idempotent and resumable: what is already gone counts as done, and each works in an order
// that a retry after a crash half-way finds the rest of.
type Eraser struct {
	Temporal  client.Client
	Namespace string
	ReadModel *readmodel.Store
	Inbox     *notify.Inbox
	// AfterDelete, when set, is told of each deletion, and an error it returns fails the
	// activity there: nil in caseflow, it lets a test stop a destruction half-way.
	AfterDelete func(workflowID, runID string) error
}

// Names of the erasing activities, for the destruction workflow.
const (
	EraseWorkflowName      = "EraseWorkflow"
	EraseSeriesName        = "EraseSeries"
	EraseCaseReadModelName = "EraseCaseReadModel"
)

// EraseWorkflow names a workflow to erase, every run of it.
type EraseWorkflow struct {
	WorkflowID string `json:"workflow_id"`
}

// EraseSeries names workflows numbered from 0: Prefix0, Prefix1, ... (the chunks of a case's
// timeline or of its access log).
type EraseSeries struct {
	Prefix string `json:"prefix"`
}

// Erased counts the workflow runs an activity deleted.
type Erased struct {
	Workflows int `json:"workflows"`
}

// EraseWorkflow deletes every run of a workflow: those its current run continued from, oldest
// first, those visibility lists beside them (a run that ended before the workflow started
// again), and the current one last, which ends it if it is running. A run deleted before (or by
// a retry's first attempt) is skipped. It returns once each run is gone, not merely once
// Temporal took the request: the register says what was destroyed, so it must be.
func (e *Eraser) EraseWorkflow(ctx context.Context, req EraseWorkflow) (Erased, error) {
	runs, err := e.runsOf(ctx, req.WorkflowID)
	if err != nil {
		return Erased{}, err
	}
	var deleted []string
	for _, run := range runs {
		ok, err := e.delete(ctx, req.WorkflowID, run)
		if err != nil {
			return Erased{Workflows: len(deleted)}, err
		}
		if ok {
			deleted = append(deleted, run)
		}
	}
	for _, run := range deleted {
		if err := e.waitGone(ctx, req.WorkflowID, run); err != nil {
			return Erased{Workflows: len(deleted)}, err
		}
	}
	return Erased{Workflows: len(deleted)}, nil
}

// EraseSeries deletes the workflows of a series. They were started in order from 0, so the
// series is counted first, then deleted from the last down: a retry after a crash finds the
// ones left still numbered from 0.
func (e *Eraser) EraseSeries(ctx context.Context, req EraseSeries) (Erased, error) {
	n := 0
	for {
		found, err := e.exists(ctx, req.Prefix+strconv.Itoa(n))
		if err != nil {
			return Erased{}, err
		}
		if !found {
			break
		}
		n++
	}
	deleted := 0
	for i := n - 1; i >= 0; i-- {
		id := req.Prefix + strconv.Itoa(i)
		ok, err := e.delete(ctx, id, "")
		if err == nil && ok {
			deleted++
			// Gone before the next: a retry after a crash must find the rest numbered from 0.
			err = e.waitGone(ctx, id, "")
		}
		if err != nil {
			return Erased{Workflows: deleted}, err
		}
	}
	return Erased{Workflows: deleted}, nil
}

// goneEvery is how often waitGone looks again.
const goneEvery = 200 * time.Millisecond

// waitGone waits until Temporal no longer keeps a run's history ("" for the workflow's current
// run): it deletes in the background, seconds later on a busy cluster. The activity's heartbeat
// keeps the wait alive; its timeout bounds it.
func (e *Eraser) waitGone(ctx context.Context, workflowID, runID string) error {
	for {
		activity.RecordHeartbeat(ctx, workflowID+"/"+runID)
		iter := e.Temporal.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		_, err := iter.Next()
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s run %q not yet deleted: %w", workflowID, runID, ctx.Err())
		case <-time.After(goneEvery):
		}
	}
}

// EraseCaseReadModel removes a case from the read model, leaving a mark that keeps a late
// projection from bringing it back, and its chases from every inbox.
func (e *Eraser) EraseCaseReadModel(ctx context.Context, caseID string) error {
	if err := e.ReadModel.Destroy(ctx, caseID); err != nil {
		return err
	}
	if _, err := e.Inbox.ForgetCase(ctx, caseID); err != nil {
		return err
	}
	return nil
}

// runsOf lists the runs of a workflow to delete, the current one last.
func (e *Eraser) runsOf(ctx context.Context, workflowID string) ([]string, error) {
	desc, err := e.Temporal.DescribeWorkflowExecution(ctx, workflowID, "")
	var notFound *serviceerror.NotFound
	var chain []string
	switch {
	case errors.As(err, &notFound):
	case err != nil:
		return nil, fmt.Errorf("describe %s: %w", workflowID, err)
	default:
		// Newest first, then reversed: each run names the one it continued.
		for run := desc.GetWorkflowExecutionInfo().GetExecution().GetRunId(); run != ""; {
			chain = append(chain, run)
			previous, err := e.continuedFrom(ctx, workflowID, run)
			if err != nil {
				return nil, err
			}
			run = previous
		}
		slices.Reverse(chain)
	}
	listed, err := e.listedRuns(ctx, workflowID)
	if err != nil {
		return nil, err
	}
	var others []string
	for _, run := range listed {
		if !slices.Contains(chain, run) {
			others = append(others, run)
		}
	}
	return append(others, chain...), nil
}

// continuedFrom is the run a run continued, "" for the first or one already deleted.
func (e *Eraser) continuedFrom(ctx context.Context, workflowID, runID string) (string, error) {
	iter := e.Temporal.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !iter.HasNext() {
		return "", nil
	}
	first, err := iter.Next()
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("read the first event of %s run %s: %w", workflowID, runID, err)
	}
	return first.GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId(), nil
}

// listedRuns are the runs visibility knows of a workflow id.
func (e *Eraser) listedRuns(ctx context.Context, workflowID string) ([]string, error) {
	var runs []string
	var token []byte
	for {
		resp, err := e.Temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s'", workflowID), NextPageToken: token, PageSize: 1000,
		})
		if err != nil {
			return nil, fmt.Errorf("list the runs of %s: %w", workflowID, err)
		}
		for _, ex := range resp.GetExecutions() {
			runs = append(runs, ex.GetExecution().GetRunId())
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return runs, nil
		}
	}
}

func (e *Eraser) exists(ctx context.Context, workflowID string) (bool, error) {
	_, err := e.Temporal.DescribeWorkflowExecution(ctx, workflowID, "")
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("describe %s: %w", workflowID, err)
	}
	return true, nil
}

// delete deletes one run ("" for the current one), and reports false when it was gone already.
// Temporal ends a running workflow before deleting it.
func (e *Eraser) delete(ctx context.Context, workflowID, runID string) (bool, error) {
	activity.RecordHeartbeat(ctx, workflowID+"/"+runID)
	_, err := e.Temporal.WorkflowService().DeleteWorkflowExecution(ctx, &workflowservice.DeleteWorkflowExecutionRequest{
		Namespace:         e.Namespace,
		WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: workflowID, RunId: runID},
	})
	var notFound *serviceerror.NotFound
	switch {
	case errors.As(err, &notFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("delete %s run %q: %w", workflowID, runID, err)
	}
	if e.AfterDelete != nil {
		if err := e.AfterDelete(workflowID, runID); err != nil {
			return true, err
		}
	}
	return true, nil
}
