package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
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
	carer := safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	for _, clients := range []int{1, 16} {
		prefix := fmt.Sprintf("start-%d-%d-", clients, time.Now().UnixNano())
		ours := func(i int) error {
			status, body, err := r.post(ctx, "/v1/cases", safeguarding.RoleCarer, concern(time.Now()), prefix+fmt.Sprint(i))
			if err == nil && status != http.StatusCreated {
				err = fmt.Errorf("raise: %d %s", status, body)
			}
			return err
		}
		base := func(i int) error {
			id := workflows.CaseIDFor("baseline", prefix+fmt.Sprint(i))
			start := r.temporal().NewWithStartWorkflowOperation(client.StartWorkflowOptions{
				ID: workflows.WorkflowID(id), TaskQueue: workflows.TaskQueue,
				WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
			}, workflows.WorkflowName, workflows.Input{CaseID: id, Reference: workflows.ReferenceFor(id)})
			h, err := r.temporal().UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
				StartWorkflowOperation: start,
				UpdateOptions: client.UpdateWorkflowOptions{
					UpdateName: safeguarding.StepRaiseConcern, WaitForStage: client.WorkflowUpdateStageCompleted,
					Args: r.stepArgs(ctx, id, safeguarding.StepRaiseConcern, carer, prefix+fmt.Sprint(i), raw),
				},
			})
			if err != nil {
				return err
			}
			return h.Get(ctx, nil)
		}
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
	for _, clients := range []int{1, 16} {
		ours := func(i int) error {
			status, body, err := r.post(ctx, "/v1/cases/"+ids[i%cases]+"/care-plan-contribution", safeguarding.RoleCarer, contribution, fmt.Sprintf("step-%d-%d-%d", stamp, clients, i))
			if err == nil && status != http.StatusOK {
				err = fmt.Errorf("step: %d %s", status, body)
			}
			return err
		}
		base := func(i int) error {
			id := ids[(i+cases/2)%cases]
			h, err := r.temporal().UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
				WorkflowID: workflows.WorkflowID(id), UpdateName: "care-plan-contribution",
				WaitForStage: client.WorkflowUpdateStageCompleted,
				Args:         r.stepArgs(ctx, id, "care-plan-contribution", carer, fmt.Sprintf("raw-%d-%d", clients, i), raw),
			})
			if err != nil {
				return err
			}
			return h.Get(ctx, nil)
		}
		a, b, err := interleaved(clients, r.opts.StepsPerArm, ours, base)
		if err != nil {
			return err
		}
		res := compare(fmt.Sprintf("Step round trip, %d client(s)", clients),
			"POST /v1/cases/{id}/care-plan-contribution vs raw SDK UpdateWorkflow, over 64 cases",
			summarise("caseflow", a, clients, true), summarise("raw SDK", b, clients, true))
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
