package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// concern is a valid concern body; runID keeps the cases of separate measurements apart.
func concern(observed time.Time) map[string]any {
	return map[string]any{
		"observed_at": observed.UTC().Format(time.RFC3339),
		"child":       map[string]any{"name": "Benchmark Child", "preferred_term": "victim", "parental_responsibility": "unknown"},
		"la":          "E08000025", "team": "north", "social_worker": "sw-1", "carers": []string{"carer-1"},
		"exploitation_types": []string{"criminal-exploitation"},
		"indicators":         []map[string]string{{"code": "multiple-phones"}},
		"account":            "Benchmark concern.",
	}
}

// caseStarts compares POST /v1/cases (authentication, validation, idempotency key, update-with-
// start, projection) with a raw SDK update-with-start of the same workflow and update.
func (r *run) caseStarts(ctx context.Context) error {
	raw, _ := json.Marshal(concern(time.Now()))
	for _, clients := range []int{1, 16} {
		prefix := fmt.Sprintf("start-%d-%d-", clients, time.Now().UnixNano())
		ours := func(i int) error {
			status, body, err := r.post(ctx, "/v1/cases", safeguarding.RoleCarer, concern(time.Now()), prefix+fmt.Sprint(i))
			if err == nil && status != http.StatusCreated {
				err = fmt.Errorf("raise: %d %s", status, body)
			}
			return err
		}
		base := func(i int) error { return r.rawStart(ctx, "baseline", prefix+fmt.Sprint(i), raw) }
		a, b, err := interleaved(clients, r.opts.StartsPerArm, ours, base)
		if err != nil {
			return err
		}
		res := compare(fmt.Sprintf("Case starts, %d client(s)", clients),
			"POST /v1/cases vs raw SDK update-with-start of the same workflow and concern",
			summarise("caseflow", a, clients, true), summarise("raw SDK", b, clients, true))
		r.report.Results = append(r.report.Results, res)
		r.progress("%s: caseflow p50 %.1fms p99 %.1fms, raw p50 %.1fms p99 %.1fms", res.Name, res.Ours.P50MS, res.Ours.P99MS, res.Baseline.P50MS, res.Baseline.P99MS)
	}
	return nil
}

// rawStart opens a case with the SDK's update-with-start of the concern body, as the API does
// but without it: no access record, no idempotency key, no projection wait.
func (r *run) rawStart(ctx context.Context, idSpace, key string, concernBody []byte) error {
	carer := safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	id := workflows.CaseIDFor(idSpace, key)
	start := r.temporal().NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID: workflows.WorkflowID(id), TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.WorkflowName, workflows.Input{CaseID: id, Reference: workflows.ReferenceFor(id)})
	args := r.stepArgs(ctx, id, safeguarding.StepRaiseConcern, carer, key, concernBody)
	// The update id makes a retry after a timeout join the first attempt, as the API's
	// Idempotency-Key does; a loaded server may let one wait past the SDK's deadline.
	for attempt := 1; ; attempt++ {
		h, err := r.temporal().UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
			StartWorkflowOperation: start,
			UpdateOptions: client.UpdateWorkflowOptions{
				UpdateID: "start-" + key, UpdateName: workflows.UpdateStep,
				WaitForStage: client.WorkflowUpdateStageCompleted, Args: args,
			},
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err == nil || ctx.Err() != nil || attempt == 5 || !timedOut(err) {
			return err
		}
		start = r.temporal().NewWithStartWorkflowOperation(client.StartWorkflowOptions{
			ID: workflows.WorkflowID(id), TaskQueue: workflows.TaskQueue,
			WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		}, workflows.WorkflowName, workflows.Input{CaseID: id, Reference: workflows.ReferenceFor(id)})
	}
}

// timedOut reports whether a call into Temporal gave up waiting.
func timedOut(err error) bool {
	var timeout *serviceerror.DeadlineExceeded
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &timeout) || strings.Contains(err.Error(), "Timeout or cancellation waiting for update")
}

// stepRoundTrips compares a step through the API with a raw SDK Update of the same workflow,
// rotating over many cases.
func (r *run) stepRoundTrips(ctx context.Context) error {
	const cases = 64
	ids := make([]string, cases)
	for i := range ids {
		id, err := r.createCase(ctx, fmt.Sprintf("steps-%d-%d", time.Now().UnixNano(), i))
		if err != nil {
			return err
		}
		ids[i] = id
	}
	contribution := map[string]any{"text": "Benchmark contribution."}
	raw, _ := json.Marshal(contribution)
	stamp := time.Now().UnixNano()
	carer := safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	// The third arm is the raw update followed by the access record the API stores for a step:
	// how much of the API's extra time the audit takes.
	auditLog := audit.NewLog(r.temporal(), r.app.Signer(), workflows.TaskQueue)
	defer auditLog.Close()
	for _, clients := range []int{1, 16} {
		ours := func(i int) error {
			status, body, err := r.post(ctx, "/v1/cases/"+ids[i%cases]+"/care-plan-contribution", safeguarding.RoleCarer, contribution, fmt.Sprintf("step-%d-%d-%d", stamp, clients, i))
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("step: %d %s", status, body)
			}
			return err
		}
		update := func(id, requestID string) error {
			h, err := r.temporal().UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
				WorkflowID: workflows.WorkflowID(id), UpdateName: workflows.UpdateStep,
				WaitForStage: client.WorkflowUpdateStageCompleted,
				Args:         r.stepArgs(ctx, id, "care-plan-contribution", carer, requestID, raw),
			})
			if err != nil {
				return err
			}
			return h.Get(ctx, nil)
		}
		base := func(i int) error {
			return update(ids[(i+cases/2)%cases], fmt.Sprintf("raw-%d-%d-%d", stamp, clients, i))
		}
		audited := func(i int) error {
			id := ids[(i+cases/4)%cases]
			requestID := fmt.Sprintf("audited-%d-%d-%d", stamp, clients, i)
			if err := update(id, requestID); err != nil {
				return err
			}
			return auditLog.Append(ctx, audit.CaseStream(id), audit.Record{
				At: time.Now().UTC(), UserID: carer.UserID, Role: carer.Role, Action: "care-plan-contribution",
				Outcome: audit.Allowed, Status: http.StatusOK, RequestID: requestID,
			})
		}
		arms, err := interleavedArms(clients, r.opts.StepsPerArm, ours, base, audited)
		if err != nil {
			return err
		}
		res := compare(fmt.Sprintf("Step round trip, %d client(s)", clients),
			"POST /v1/cases/{id}/care-plan-contribution vs raw SDK UpdateWorkflow, over 64 cases",
			summarise("caseflow", arms[0], clients, true), summarise("raw SDK", arms[1], clients, true))
		res.Extra = []Arm{summarise("raw SDK + access record", arms[2], clients, true)}
		r.report.Results = append(r.report.Results, res)
		r.progress("%s: caseflow p50 %.1fms p99 %.1fms, raw p50 %.1fms p99 %.1fms", res.Name, res.Ours.P50MS, res.Ours.P99MS, res.Baseline.P50MS, res.Baseline.P99MS)
	}
	return nil
}

// createCase raises a concern through the API and returns the new case's id.
func (r *run) createCase(ctx context.Context, key string) (string, error) {
	status, body, err := r.post(ctx, "/v1/cases", safeguarding.RoleCarer, concern(time.Now()), key)
	if err != nil || status != http.StatusCreated {
		return "", fmt.Errorf("create case: %d %s %v", status, body, err)
	}
	var res struct {
		CaseID string `json:"case_id"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return "", fmt.Errorf("create case: %w", err)
	}
	return res.CaseID, nil
}
