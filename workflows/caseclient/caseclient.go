package caseclient

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/workflows"
)

// DefaultTimeout bounds every call into Temporal, so a slow cluster fails a request instead of
// holding it.
const DefaultTimeout = 15 * time.Second

// Client acts on case workflows.
type Client struct {
	temporal client.Client
	signer   *identity.Signer
	timeout  time.Duration
	// dataConverter decodes payloads read from history; nil means the SDK's default.
	dataConverter converter.DataConverter
	// clearBefore: see Options.ClearBefore.
	clearBefore time.Time
	updates     *caseGate
}

// Options are what a Client needs beside its Temporal client.
type Options struct {
	// Signer vouches for callers. A Client without one can read summaries only (to rebuild
	// the read model): the worker refuses its other calls.
	Signer *identity.Signer
	// DataConverter decodes payloads the Client reads from history itself (the timeline's
	// earlier runs): the encrypting converter of the Temporal client.
	DataConverter converter.DataConverter
	// ClearBefore is the end of the deployment's migration from payloads in clear (the
	// setting --plaintext-payloads-until), zero for none: a run Temporal started before it may
	// hold an archive caseflow wrote in clear before it encrypted payloads, which the timeline
	// still reads after the migration; a run started later cannot, and one in clear is refused.
	ClearBefore time.Time
}

// New returns a Client using c.
func New(c client.Client, opts Options) *Client {
	return &Client{temporal: c, signer: opts.Signer, dataConverter: opts.DataConverter, clearBefore: opts.ClearBefore, timeout: DefaultTimeout, updates: newCaseGate(UpdatesPerCase)}
}

// stepArgs are the arguments of a step's update: the request naming the step, with its body in
// the form the workflow will see it (encoding/json compacts a raw message), and the proof over
// exactly that.
func (c *Client) stepArgs(ctx context.Context, caseID, step string, actor safeguarding.Actor, requestID string, body json.RawMessage) ([]any, error) {
	canonical := body
	if len(body) > 0 {
		var err error
		if canonical, err = json.Marshal(body); err != nil {
			return nil, safeguarding.Errorf(safeguarding.EInvalid, "The request could not be read.")
		}
	}
	req := safeguarding.Request{Step: step, RequestID: requestID, Actor: actor, Body: canonical, KeepWording: workflows.KeepsWording(ctx)}
	return []any{req, c.proof(ctx, identity.Call{Operation: step, Subject: caseID, Actor: actor, StepID: requestID, Body: canonical, Flags: workflows.RequestFlags(req)})}, nil
}

func (c *Client) proof(ctx context.Context, call identity.Call) identity.Proof {
	if c.signer == nil {
		return identity.Proof{}
	}
	return c.signer.Sign(ctx, call)
}

// Temporal exposes the underlying client for health checks.
func (c *Client) Temporal() client.Client { return c.temporal }

// Raise opens a case from a concern. The same requestID (from an Idempotency-Key) always names
// the same case and opens it once.
func (c *Client) Raise(ctx context.Context, actor safeguarding.Actor, requestID string, body json.RawMessage) (safeguarding.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if requestID == "" {
		requestID = randomID()
	}
	caseID := workflows.CaseIDFor(actor.UserID, requestID)
	args, err := c.stepArgs(ctx, caseID, safeguarding.StepRaiseConcern, actor, requestID, body)
	if err != nil {
		return safeguarding.Result{}, err
	}
	return takeStep(ctx, safeguarding.StepRaiseConcern, func(update string) (client.WorkflowUpdateHandle, error) {
		// A start operation is sent once: the step's second try, if any, needs its own.
		start := c.temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID:                       workflows.WorkflowID(caseID),
			TaskQueue:                workflows.TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		}, workflows.WorkflowName, workflows.Input{CaseID: caseID, Reference: workflows.ReferenceFor(caseID)})
		return c.temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
			StartWorkflowOperation: start,
			UpdateOptions: client.UpdateWorkflowOptions{
				UpdateID:     requestID,
				UpdateName:   update,
				Args:         args,
				WaitForStage: client.WorkflowUpdateStageCompleted,
			},
		})
	})
}

// takeStep sends a step with send, as the step Update (workflows.UpdateStep). A case still
// running on a worker released before that Update refuses it as unknown, having taken nothing:
// the step is then sent once more as the Update of the step's own name, which such a worker
// takes. Either way the request and its proof are the same. See "Upgrading" in docs/deploying.md.
func takeStep(ctx context.Context, step string, send func(update string) (client.WorkflowUpdateHandle, error)) (safeguarding.Result, error) {
	res, err := outcome(ctx)(send(workflows.UpdateStep))
	if unknownUpdate(err, workflows.UpdateStep) {
		res, err = outcome(ctx)(send(step))
	}
	if err != nil {
		return safeguarding.Result{}, translate(err)
	}
	return res, nil
}

// unknownUpdate reports whether err is a worker's refusal of an update it has no handler for.
// The SDK's refusal is a plain error that reaches the client as an application error with the
// message "unknown update NAME. KnownUpdates=[...]" (go.temporal.io/sdk internal_update.go).
func unknownUpdate(err error, name string) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && strings.HasPrefix(app.Message(), "unknown update "+name+". ")
}

// unknownQuery reports whether err is a worker's answer to a query the run registered no handler
// for: "unknown queryType NAME. KnownQueryTypes=[...]" (go.temporal.io/sdk internal_workflow.go).
func unknownQuery(err error, name string) bool {
	var failed *serviceerror.QueryFailed
	return errors.As(err, &failed) && strings.HasPrefix(failed.Message, "unknown queryType "+name+". ")
}

// result waits for an update's outcome, in domain terms.
func result(ctx context.Context) func(client.WorkflowUpdateHandle, error) (safeguarding.Result, error) {
	return func(handle client.WorkflowUpdateHandle, err error) (safeguarding.Result, error) {
		res, err := outcome(ctx)(handle, err)
		if err != nil {
			return safeguarding.Result{}, translate(err)
		}
		return res, nil
	}
}

// outcome waits for an update's outcome, as Temporal gives it.
func outcome(ctx context.Context) func(client.WorkflowUpdateHandle, error) (safeguarding.Result, error) {
	return func(handle client.WorkflowUpdateHandle, err error) (safeguarding.Result, error) {
		var res safeguarding.Result
		if err == nil {
			err = handle.Get(ctx, &res)
		}
		return res, err
	}
}

// Step applies one step to a case. requestID makes it idempotent: a retry with the same id
// returns the first result.
func (c *Client) Step(ctx context.Context, caseID, step string, actor safeguarding.Actor, requestID string, body json.RawMessage) (safeguarding.Result, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	if requestID == "" {
		requestID = randomID()
	}
	if !workflows.ValidCaseID(caseID) {
		return safeguarding.Result{}, safeguarding.NotFound()
	}
	args, err := c.stepArgs(ctx, caseID, step, actor, requestID, body)
	if err != nil {
		return safeguarding.Result{}, err
	}
	leave, err := c.updates.enter(ctx, caseID)
	if err != nil {
		return safeguarding.Result{}, err
	}
	defer leave()
	return takeStep(ctx, step, func(update string) (client.WorkflowUpdateHandle, error) {
		return c.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID:   workflows.WorkflowID(caseID),
			UpdateID:     requestID,
			UpdateName:   update,
			Args:         args,
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
	})
}

// Get returns the case as actor may see it.
func (c *Client) Get(ctx context.Context, caseID string, actor safeguarding.Actor) (safeguarding.View, error) {
	var a workflows.CaseAnswer
	if err := c.query(ctx, caseID, workflows.QueryCase, &a, actor, c.proof(ctx, identity.Call{Operation: workflows.QueryCase, Subject: caseID, Actor: actor})); err != nil {
		return safeguarding.View{}, err
	}
	if a.Refused != nil || a.View == nil {
		return safeguarding.View{}, refusal(a.Refused)
	}
	return *a.View, nil
}

// Sight returns how actor stands to the case, by the case's own visibility policy: a not-found
// error when they may not know it exists.
func (c *Client) Sight(ctx context.Context, caseID string, actor safeguarding.Actor) (safeguarding.Sight, error) {
	var a workflows.SightAnswer
	if err := c.query(ctx, caseID, workflows.QuerySight, &a, actor, c.proof(ctx, identity.Call{Operation: workflows.QuerySight, Subject: caseID, Actor: actor})); err != nil {
		return safeguarding.Sight{}, err
	}
	if a.Refused != nil || a.Sight == nil {
		return safeguarding.Sight{}, refusal(a.Refused)
	}
	return *a.Sight, nil
}

// Exclusions returns who a case excludes and the cases linked to it, asked as caseflow itself
// (safeguarding.RoleSystem): for spreading exclusions to every case of a child, never shown.
func (c *Client) Exclusions(ctx context.Context, caseID string) (safeguarding.CaseExclusions, error) {
	var a workflows.ExclusionsAnswer
	actor := safeguarding.Caseflow
	if err := c.query(ctx, caseID, workflows.QueryExclusions, &a, actor, c.proof(ctx, identity.Call{Operation: workflows.QueryExclusions, Subject: caseID, Actor: actor})); err != nil {
		return safeguarding.CaseExclusions{}, err
	}
	if a.Refused != nil || a.Exclusions == nil {
		return safeguarding.CaseExclusions{}, refusal(a.Refused)
	}
	return *a.Exclusions, nil
}

// Timeline returns the page of the case's timeline before entry number before (0: the latest),
// at most limit entries, as actor may see it. The case carries its recent entries; older ones
// are read back from its record chunks, or from the inputs of earlier runs that continued before
// chunks (see safeguarding.Case.Compact and workflows' record.go), filtered by the caller's sight
// of the case as it is now.
func (c *Client) Timeline(ctx context.Context, caseID string, actor safeguarding.Actor, before, limit int) (workflows.TimelinePage, error) {
	var a workflows.TimelineAnswer
	if err := c.query(ctx, caseID, workflows.QueryTimeline, &a, actor, c.proof(ctx, identity.Call{Operation: workflows.QueryTimeline, Subject: caseID, Actor: actor})); err != nil {
		return workflows.TimelinePage{}, err
	}
	if a.Refused != nil {
		return workflows.TimelinePage{}, refusal(a.Refused)
	}
	entries := entriesBefore(a.Entries, before)
	if len(entries) < limit && a.ArchivedThrough > 0 && a.Sight != nil && (before == 0 || before > 1) {
		older, err := c.older(ctx, caseID, actor, a, before, limit-len(entries))
		if err != nil {
			return workflows.TimelinePage{}, err
		}
		entries = append(older, entries...)
	}
	page := workflows.TimelinePage{Entries: entries}
	if len(entries) > limit {
		page.Entries = entries[len(entries)-limit:]
	}
	if len(page.Entries) > 0 && page.Entries[0].Seq > 1 && (len(entries) > limit || a.ArchivedThrough > 0) {
		page.NextBefore = page.Entries[0].Seq
	}
	return page, nil
}

// entriesBefore keeps the entries numbered before n (all of them when n is 0).
func entriesBefore(entries []safeguarding.Entry, n int) []safeguarding.Entry {
	if n <= 0 {
		return entries
	}
	var out []safeguarding.Entry
	for _, e := range entries {
		if e.Seq < n {
			out = append(out, e)
		}
	}
	return out
}

func refusal(e *safeguarding.Error) error {
	if e == nil {
		return safeguarding.NotFound()
	}
	return e
}

// Exists reports whether a case's workflow exists, open or closed.
func (c *Client) Exists(ctx context.Context, caseID string) (bool, error) {
	if !workflows.ValidCaseID(caseID) {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	_, err := c.temporal.DescribeWorkflowExecution(ctx, workflows.WorkflowID(caseID), "")
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return false, nil
	}
	if err != nil {
		return false, translate(err)
	}
	return true, nil
}

// Summary returns the read-model summary of a case, for rebuilding the read model.
func (c *Client) Summary(ctx context.Context, caseID string) (workflows.Summary, error) {
	var s workflows.Summary
	err := c.query(ctx, caseID, workflows.QuerySummary, &s)
	// What the query answers is what Temporal recorded: it replaces a projection of the same
	// version that a worker made in a task it never completed.
	s.AsOf = time.Now()
	return s, err
}

func (c *Client) query(ctx context.Context, caseID, name string, out any, args ...any) error {
	if !workflows.ValidCaseID(caseID) {
		return safeguarding.NotFound()
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	value, err := c.temporal.QueryWorkflow(ctx, workflows.WorkflowID(caseID), "", name, args...)
	if unknownQuery(err, name) {
		// The run registered no query of a case: it never became one (a start whose input the
		// worker refused, say, failed before it could).
		return safeguarding.NotFound()
	}
	if err != nil {
		return translate(err)
	}
	if err := value.Get(out); err != nil {
		return fmt.Errorf("decode %s query of case %s: %w", name, caseID, err)
	}
	return nil
}

// translate maps Temporal's errors to the domain's: a missing workflow is a case not found,
// an unreachable server is workflows.ErrUnavailable, and a refused update carries its domain error.
func translate(err error) error {
	var notFound *serviceerror.NotFound
	var unavailable *serviceerror.Unavailable
	var deadline *serviceerror.DeadlineExceeded
	switch {
	case errors.As(err, &notFound):
		return safeguarding.NotFound()
	case errors.As(err, &unavailable), errors.As(err, &deadline),
		errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %v", workflows.ErrUnavailable, err)
	}
	return workflows.FromApplicationError(err)
}

func randomID() string { return rand.Text() }
