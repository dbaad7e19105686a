package caseclient_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"
	"go.temporal.io/sdk/temporal"

	"github.com/stretchr/testify/mock"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

var (
	carer   = safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	aCase   = workflows.CaseIDFor("carer-1", "an earlier request")
	aBody   = json.RawMessage(`{"text": "He settles after football."}`)
	anyCtx  = mock.Anything
	updated = safeguarding.Result{CaseID: aCase, Revision: 7, Ref: "K3"}
)

// overTheWire is err as a client receives it: turned into a failure by the worker and back.
func overTheWire(err error) error {
	fc := temporal.GetDefaultFailureConverter()
	return fc.FailureToError(fc.ErrorToFailure(err))
}

// refusedBy is the error of an update the workflow's validator refused with a domain error.
func refusedBy(code safeguarding.ErrorCode, message string, fields map[string]string) error {
	return overTheWire(temporal.NewApplicationErrorWithOptions(message, string(code), temporal.ApplicationErrorOptions{
		NonRetryable: true, Details: []any{fields},
	}))
}

// handleOf is an update handle whose outcome is res, or err.
func handleOf(t *testing.T, res safeguarding.Result, err error) *mocks.WorkflowUpdateHandle {
	h := mocks.NewWorkflowUpdateHandle(t)
	h.On("Get", anyCtx, mock.Anything).Run(func(args mock.Arguments) {
		if err == nil {
			*args.Get(1).(*safeguarding.Result) = res
		}
	}).Return(err)
	return h
}

// A step is the step Update, its request naming the step.
func TestStepSendsAnUpdateNamedByItsRequest(t *testing.T) {
	tc := mocks.NewClient(t)
	var sent client.UpdateWorkflowOptions
	tc.On("UpdateWorkflow", anyCtx, mock.Anything).Run(func(args mock.Arguments) {
		sent = args.Get(1).(client.UpdateWorkflowOptions)
	}).Return(handleOf(t, updated, nil), nil)

	res, err := caseclient.New(tc, caseclient.Options{}).Step(context.Background(), aCase, "care-plan-contribution", carer, "k-123", aBody)
	if err != nil || res.CaseID != updated.CaseID || res.Revision != updated.Revision || res.Ref != updated.Ref {
		t.Fatalf("Step: %+v, %v", res, err)
	}
	if sent.WorkflowID != workflows.WorkflowID(aCase) || sent.UpdateName != workflows.UpdateStep || sent.UpdateID != "k-123" ||
		sent.WaitForStage != client.WorkflowUpdateStageCompleted {
		t.Errorf("update sent: %+v", sent)
	}
	req, ok := sent.Args[0].(safeguarding.Request)
	if !ok || req.Step != "care-plan-contribution" || req.RequestID != "k-123" || req.Actor != carer || string(req.Body) != `{"text":"He settles after football."}` {
		t.Errorf("the request the workflow receives: %+v", sent.Args[0])
	}
}

// Without an Idempotency-Key each step gets an update id of its own: two such requests are two
// steps, never one deduplicated by Temporal.
func TestStepsWithoutAKeyGetDistinctUpdateIDs(t *testing.T) {
	tc := mocks.NewClient(t)
	ids := map[string]bool{}
	tc.On("UpdateWorkflow", anyCtx, mock.Anything).Run(func(args mock.Arguments) {
		ids[args.Get(1).(client.UpdateWorkflowOptions).UpdateID] = true
	}).Return(handleOf(t, updated, nil), nil)
	cases := caseclient.New(tc, caseclient.Options{})
	for range 2 {
		if _, err := cases.Step(context.Background(), aCase, "care-plan-contribution", carer, "", aBody); err != nil {
			t.Fatal(err)
		}
	}
	if len(ids) != 2 || ids[""] {
		t.Errorf("update ids %v, want two distinct", ids)
	}
}

// startOp is the start half of an update-with-start, as the client built it.
type startOp struct {
	opts client.StartWorkflowOptions
	in   workflows.Input
}

func (*startOp) Get(context.Context) (client.WorkflowRun, error) {
	return nil, errors.New("not started")
}

// Raising a concern with the same request id addresses the same case, and the id is the
// update's: a retry after a lost answer opens nothing new.
func TestRaiseNamesTheCaseByItsRequest(t *testing.T) {
	tc := mocks.NewClient(t)
	tc.On("NewWithStartWorkflowOperation", mock.Anything, workflows.WorkflowName, mock.Anything).Return(
		func(opts client.StartWorkflowOptions, _ any, args ...any) client.WithStartWorkflowOperation {
			return &startOp{opts: opts, in: args[0].(workflows.Input)}
		})
	var sent []client.UpdateWithStartWorkflowOptions
	tc.On("UpdateWithStartWorkflow", anyCtx, mock.Anything).Run(func(args mock.Arguments) {
		sent = append(sent, args.Get(1).(client.UpdateWithStartWorkflowOptions))
	}).Return(handleOf(t, updated, nil), nil)
	cases := caseclient.New(tc, caseclient.Options{})
	for range 2 {
		if _, err := cases.Raise(context.Background(), carer, "k-raise", aBody); err != nil {
			t.Fatal(err)
		}
	}
	want := workflows.CaseIDFor(carer.UserID, "k-raise")
	for i, s := range sent {
		start := s.StartWorkflowOperation.(*startOp)
		if start.opts.ID != workflows.WorkflowID(want) || start.in.CaseID != want || start.in.Reference != workflows.ReferenceFor(want) ||
			start.opts.WorkflowIDConflictPolicy != enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING {
			t.Errorf("raise %d starts %+v with %+v, want case %s used if it exists", i, start.opts, start.in, want)
		}
		if s.UpdateOptions.UpdateID != "k-raise" || s.UpdateOptions.UpdateName != workflows.UpdateStep {
			t.Errorf("raise %d sends update %q %q", i, s.UpdateOptions.UpdateName, s.UpdateOptions.UpdateID)
		}
		if req := s.UpdateOptions.Args[0].(safeguarding.Request); req.Step != safeguarding.StepRaiseConcern {
			t.Errorf("raise %d names step %q", i, req.Step)
		}
	}
}

// unknownTo is the refusal of an update by a worker with no handler of that name, as the SDK
// words it (go.temporal.io/sdk internal_update.go) and as it reaches the client.
func unknownTo(name string, known ...string) error {
	return overTheWire(fmt.Errorf("unknown update %v. KnownUpdates=%v", name, known))
}

// A case running on a worker released before the step Update refuses it, unknown: the same
// request, with the same id and proof, goes again as the Update of the step's own name, and its
// result is the step's.
func TestStepFallsBackToTheStepsOwnUpdateOnAnOlderWorker(t *testing.T) {
	tc := mocks.NewClient(t)
	var sent []client.UpdateWorkflowOptions
	record := func(args mock.Arguments) { sent = append(sent, args.Get(1).(client.UpdateWorkflowOptions)) }
	tc.On("UpdateWorkflow", anyCtx, mock.Anything).Run(record).
		Return(handleOf(t, safeguarding.Result{}, unknownTo(workflows.UpdateStep, "care-plan-contribution", "raise-concern")), nil).Once()
	tc.On("UpdateWorkflow", anyCtx, mock.Anything).Run(record).Return(handleOf(t, updated, nil), nil).Once()

	res, err := caseclient.New(tc, caseclient.Options{}).Step(context.Background(), aCase, "care-plan-contribution", carer, "k-123", aBody)
	if err != nil || res.Revision != updated.Revision || res.Ref != updated.Ref {
		t.Fatalf("Step: %+v, %v", res, err)
	}
	if len(sent) != 2 || sent[0].UpdateName != workflows.UpdateStep || sent[1].UpdateName != "care-plan-contribution" {
		t.Fatalf("updates sent: %+v", sent)
	}
	if sent[1].UpdateID != sent[0].UpdateID || fmt.Sprint(sent[1].Args) != fmt.Sprint(sent[0].Args) {
		t.Errorf("the second try differs from the first: %+v, %+v", sent[1], sent[0])
	}
}

// Raising a concern on an older worker: the update-with-start of the step Update started the
// case and was refused; the second try, with a start operation of its own (one is sent once),
// finds the case started and names the step's own Update.
func TestRaiseFallsBackToTheStepsOwnUpdateOnAnOlderWorker(t *testing.T) {
	tc := mocks.NewClient(t)
	tc.On("NewWithStartWorkflowOperation", mock.Anything, workflows.WorkflowName, mock.Anything).Return(
		func(opts client.StartWorkflowOptions, _ any, args ...any) client.WithStartWorkflowOperation {
			return &startOp{opts: opts, in: args[0].(workflows.Input)}
		}).Twice()
	var sent []client.UpdateWithStartWorkflowOptions
	record := func(args mock.Arguments) { sent = append(sent, args.Get(1).(client.UpdateWithStartWorkflowOptions)) }
	tc.On("UpdateWithStartWorkflow", anyCtx, mock.Anything).Run(record).
		Return(handleOf(t, safeguarding.Result{}, unknownTo(workflows.UpdateStep, "raise-concern")), nil).Once()
	tc.On("UpdateWithStartWorkflow", anyCtx, mock.Anything).Run(record).Return(handleOf(t, updated, nil), nil).Once()

	res, err := caseclient.New(tc, caseclient.Options{}).Raise(context.Background(), carer, "k-raise", aBody)
	if err != nil || res.Revision != updated.Revision {
		t.Fatalf("Raise: %+v, %v", res, err)
	}
	if len(sent) != 2 || sent[0].UpdateOptions.UpdateName != workflows.UpdateStep || sent[1].UpdateOptions.UpdateName != safeguarding.StepRaiseConcern {
		t.Fatalf("updates sent: %+v", sent)
	}
	if sent[0].StartWorkflowOperation == sent[1].StartWorkflowOperation || sent[1].UpdateOptions.UpdateID != "k-raise" {
		t.Errorf("the second try reuses the start operation or changes the update id: %+v", sent[1])
	}
}

// Only a worker's "unknown update" of the step Update sends a step again: a refused step is
// refused once, and a step Update the worker refuses by another name is not retried either.
func TestStepIsNotSentAgainAfterOtherRefusals(t *testing.T) {
	for _, tc := range []struct {
		name    string
		outcome error
	}{
		{"refused by the validator", refusedBy(safeguarding.EConflict, "The case is closed.", nil)},
		{"another update unknown", unknownTo("care-plan-contribution", workflows.UpdateStep)},
		{"another failure", overTheWire(errors.New("unknown update handler panicked"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			temporalClient := mocks.NewClient(t)
			temporalClient.On("UpdateWorkflow", anyCtx, mock.Anything).Return(handleOf(t, safeguarding.Result{}, tc.outcome), nil).Once()
			if _, err := caseclient.New(temporalClient, caseclient.Options{}).Step(context.Background(), aCase, "care-plan-contribution", carer, "k-1", aBody); err == nil {
				t.Fatal("the refused step succeeded")
			}
		})
	}
}

// Temporal's errors reach the API as the domain's: a refused update carries its code, message
// and fields; a missing workflow is a case not found; an unreachable cluster is
// workflows.ErrUnavailable, which the API answers with 503.
func TestStepErrorsInDomainTerms(t *testing.T) {
	for _, tc := range []struct {
		name               string
		sendErr, outcome   error
		code               safeguarding.ErrorCode
		unavailable, field bool
	}{
		{name: "refused by the validator", outcome: refusedBy(safeguarding.EInvalid, "The date is in the future.", map[string]string{"held_at": "in the future"}), code: safeguarding.EInvalid, field: true},
		{name: "not possible now", outcome: refusedBy(safeguarding.EConflict, "The case is closed.", nil), code: safeguarding.EConflict},
		{name: "not the caller's to take", outcome: refusedBy(safeguarding.EForbidden, "Only the social worker can do this.", nil), code: safeguarding.EForbidden},
		{name: "no such workflow", sendErr: serviceerror.NewNotFound("workflow not found"), code: safeguarding.ENotFound},
		{name: "the workflow went away", outcome: serviceerror.NewNotFound("workflow execution already completed"), code: safeguarding.ENotFound},
		{name: "the cluster unreachable", sendErr: serviceerror.NewUnavailable("connection refused"), unavailable: true},
		{name: "the cluster too slow", sendErr: serviceerror.NewDeadlineExceeded("deadline"), unavailable: true},
		{name: "the request's time ran out", outcome: fmt.Errorf("get update result: %w", context.DeadlineExceeded), unavailable: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			temporalClient := mocks.NewClient(t)
			if tc.sendErr != nil {
				temporalClient.On("UpdateWorkflow", anyCtx, mock.Anything).Return(nil, tc.sendErr)
			} else {
				temporalClient.On("UpdateWorkflow", anyCtx, mock.Anything).Return(handleOf(t, safeguarding.Result{}, tc.outcome), nil)
			}
			_, err := caseclient.New(temporalClient, caseclient.Options{}).Step(context.Background(), aCase, "csc-decision", carer, "k-1", aBody)
			if got := errors.Is(err, workflows.ErrUnavailable); got != tc.unavailable {
				t.Fatalf("%v: unavailable %v, want %v", err, got, tc.unavailable)
			}
			if tc.unavailable {
				return
			}
			var d *safeguarding.Error
			if !errors.As(err, &d) || d.Code != tc.code || d.Message == "" {
				t.Fatalf("%#v, want a domain error %s", err, tc.code)
			}
			if tc.field && d.Fields["held_at"] != "in the future" {
				t.Errorf("fields %v lost on the way", d.Fields)
			}
		})
	}
}

// An error Temporal never documented is passed on as it is (the API answers 500), not dressed
// up as a domain error.
func TestUnknownErrorsPassThrough(t *testing.T) {
	temporalClient := mocks.NewClient(t)
	boom := errors.New("boom")
	temporalClient.On("UpdateWorkflow", anyCtx, mock.Anything).Return(nil, boom)
	_, err := caseclient.New(temporalClient, caseclient.Options{}).Step(context.Background(), aCase, "csc-decision", carer, "k-1", aBody)
	if !errors.Is(err, boom) || safeguarding.CodeOf(err) != "" {
		t.Fatalf("%v (code %q)", err, safeguarding.CodeOf(err))
	}
}

// An id that cannot be a case's never reaches Temporal (the mock fails on any call).
func TestMalformedCaseIDsAreNotFound(t *testing.T) {
	cases := caseclient.New(mocks.NewClient(t), caseclient.Options{})
	ctx := context.Background()
	for _, id := range []string{"", "../etc", "CASE-1", aCase + "x"} {
		_, stepErr := cases.Step(ctx, id, "csc-decision", carer, "k-1", aBody)
		_, getErr := cases.Get(ctx, id, carer)
		_, timelineErr := cases.Timeline(ctx, id, carer, 0, 10)
		for _, err := range []error{stepErr, getErr, timelineErr} {
			if safeguarding.CodeOf(err) != safeguarding.ENotFound {
				t.Errorf("case %q: %v, want not found", id, err)
			}
		}
		if ok, err := cases.Exists(ctx, id); ok || err != nil {
			t.Errorf("case %q exists: %v, %v", id, ok, err)
		}
	}
}

// answering makes a query answer with v.
func answering(t *testing.T, v any) *mocks.Value {
	value := mocks.NewEncodedValue(t)
	value.On("Get", mock.Anything).Run(func(args mock.Arguments) {
		data, _ := json.Marshal(v)
		if err := json.Unmarshal(data, args.Get(0)); err != nil {
			t.Fatal(err)
		}
	}).Return(nil)
	return value
}

// A case the caller may not see answers with the workflow's refusal, or not found when it gave
// none: both the same to the caller as a case that does not exist.
func TestGetAnswersTheWorkflowsRefusal(t *testing.T) {
	forbidden := &safeguarding.Error{Code: safeguarding.ENotFound, Message: "No case with this reference is available to you."}
	view := safeguarding.View{Reference: workflows.ReferenceFor(aCase)}
	for _, tc := range []struct {
		name   string
		answer workflows.CaseAnswer
		code   safeguarding.ErrorCode
	}{
		{"seen", workflows.CaseAnswer{View: &view}, ""},
		{"refused", workflows.CaseAnswer{Refused: forbidden}, safeguarding.ENotFound},
		{"empty", workflows.CaseAnswer{}, safeguarding.ENotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			temporalClient := mocks.NewClient(t)
			temporalClient.On("QueryWorkflow", anyCtx, workflows.WorkflowID(aCase), "", workflows.QueryCase, carer, mock.Anything).
				Return(answering(t, tc.answer), nil)
			got, err := caseclient.New(temporalClient, caseclient.Options{}).Get(context.Background(), aCase, carer)
			if safeguarding.CodeOf(err) != tc.code {
				t.Fatalf("%v, want code %q", err, tc.code)
			}
			if tc.code == "" && got.Reference != view.Reference {
				t.Errorf("view %+v", got)
			}
		})
	}
}

func TestQueryOfAMissingCaseIsNotFound(t *testing.T) {
	temporalClient := mocks.NewClient(t)
	temporalClient.On("QueryWorkflow", anyCtx, workflows.WorkflowID(aCase), "", workflows.QueryTimeline, carer, mock.Anything).
		Return(nil, serviceerror.NewNotFound("workflow not found"))
	if _, err := caseclient.New(temporalClient, caseclient.Options{}).Timeline(context.Background(), aCase, carer, 0, 10); safeguarding.CodeOf(err) != safeguarding.ENotFound {
		t.Fatalf("%v, want not found", err)
	}
}

// The timeline pages back through the entries the case carries, oldest first, and says where
// the page before starts.
func TestTimelinePagesBackwards(t *testing.T) {
	var entries []safeguarding.Entry
	for seq := 1; seq <= 5; seq++ {
		entries = append(entries, safeguarding.Entry{Seq: seq})
	}
	temporalClient := mocks.NewClient(t)
	temporalClient.On("QueryWorkflow", anyCtx, workflows.WorkflowID(aCase), "", workflows.QueryTimeline, carer, mock.Anything).
		Return(answering(t, workflows.TimelineAnswer{Entries: entries}), nil)
	cases := caseclient.New(temporalClient, caseclient.Options{})
	for _, tc := range []struct {
		before, limit int
		seqs          []int
		next          int
	}{
		{0, 2, []int{4, 5}, 4},
		{4, 2, []int{2, 3}, 2},
		{2, 2, []int{1}, 0},
		{0, 10, []int{1, 2, 3, 4, 5}, 0},
	} {
		page, err := cases.Timeline(context.Background(), aCase, carer, tc.before, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []int
		for _, e := range page.Entries {
			seqs = append(seqs, e.Seq)
		}
		if fmt.Sprint(seqs) != fmt.Sprint(tc.seqs) || page.NextBefore != tc.next {
			t.Errorf("before %d limit %d: %v next %d, want %v next %d", tc.before, tc.limit, seqs, page.NextBefore, tc.seqs, tc.next)
		}
	}
}

func TestExists(t *testing.T) {
	for _, tc := range []struct {
		name        string
		err         error
		exists      bool
		unavailable bool
	}{
		{"running or closed", nil, true, false},
		{"never started", serviceerror.NewNotFound("workflow not found"), false, false},
		{"cluster unreachable", serviceerror.NewUnavailable("connection refused"), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			temporalClient := mocks.NewClient(t)
			var resp *workflowservice.DescribeWorkflowExecutionResponse
			if tc.err == nil {
				resp = &workflowservice.DescribeWorkflowExecutionResponse{}
			}
			temporalClient.On("DescribeWorkflowExecution", anyCtx, workflows.WorkflowID(aCase), "").Return(resp, tc.err)
			ok, err := caseclient.New(temporalClient, caseclient.Options{}).Exists(context.Background(), aCase)
			if ok != tc.exists || errors.Is(err, workflows.ErrUnavailable) != tc.unavailable || (err != nil) != tc.unavailable {
				t.Fatalf("exists %v, %v", ok, err)
			}
		})
	}
}

// A run that registered no query of a case never became one (a start whose input the worker
// refused fails before it can): asking it for the case finds none. Any other failed query is
// passed on.
func TestARunWithoutTheCaseQueriesIsNoCase(t *testing.T) {
	for _, tc := range []struct {
		err      error
		notFound bool
	}{
		{serviceerror.NewQueryFailed("unknown queryType case. KnownQueryTypes=[__stack_trace __open_sessions]"), true},
		{serviceerror.NewQueryFailed("unknown queryType timeline. KnownQueryTypes=[__stack_trace]"), false},
		{serviceerror.NewQueryFailed("workflow panicked"), false},
	} {
		temporalClient := mocks.NewClient(t)
		temporalClient.On("QueryWorkflow", anyCtx, workflows.WorkflowID(aCase), "", workflows.QueryCase, carer, mock.Anything).Return(nil, tc.err)
		_, err := caseclient.New(temporalClient, caseclient.Options{}).Get(context.Background(), aCase, carer)
		if got := safeguarding.CodeOf(err) == safeguarding.ENotFound; got != tc.notFound {
			t.Errorf("%v: %v, want not found %v", tc.err, err, tc.notFound)
		}
	}
}
