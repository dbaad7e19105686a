package workflows

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	sdkpb "go.temporal.io/api/sdk/v1"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/safeguarding"
)

// metadataQuery is the SDK's built-in query of what a workflow has registered (the SDK's
// QueryTypeWorkflowMetadata, which its client package does not export).
const metadataQuery = "__temporal_workflow_metadata"

// updateNames asks the run, at offset d, for the names of the Updates it has registered, through
// the SDK's built-in metadata query.
func (h *harness) updateNames(d time.Duration, names *[]string) {
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(metadataQuery)
		if err != nil {
			h.t.Errorf("metadata query: %v", err)
			return
		}
		var md sdkpb.WorkflowMetadata
		if err := v.Get(&md); err != nil {
			h.t.Errorf("decode metadata: %v", err)
			return
		}
		for _, u := range md.GetDefinition().GetUpdateDefinitions() {
			*names = append(*names, u.GetName())
		}
	}, d)
}

// sendAs sends a step at offset d as the Update named update, with req.Step as given, and keeps
// its refusal or its failure in *outcome.
func (h *harness) sendAs(d time.Duration, update, id string, req safeguarding.Request, outcome *error) {
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(update, id, &testUpdate{
			reject:   func(err error) { *outcome = err },
			complete: func(_ any, err error) { *outcome = err },
		}, req)
	}, d)
}

// A new run takes every step as the one step Update: it registers that, the catch-up and
// nothing else, and a step sent by its own name, as the first release's API sent it, is unknown.
func TestANewRunTakesEveryStepAsOneUpdate(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	var names []string
	h.updateNames(m, &names)
	contribution, _ := json.Marshal(map[string]any{"text": "Settled well."})
	byOwnName := errNotSent
	h.sendAs(2*m, "care-plan-contribution", "own-name", safeguarding.Request{RequestID: "own-name", Actor: carer, Body: contribution}, &byOwnName)
	h.step(3*m, "care-plan-contribution", carer, map[string]any{"text": "Settled well."})
	h.view(4*m, manager, func(v safeguarding.View) {
		if v.Revision != 2 || len(v.CarePlan.Contributions) != 1 {
			t.Errorf("revision %d with %d contributions, want the concern and one contribution", v.Revision, len(v.CarePlan.Contributions))
		}
	})
	h.run(5 * m)
	slices.Sort(names)
	if want := []string{UpdateCatchUp, UpdateStep}; !slices.Equal(names, want) {
		t.Errorf("updates registered %v, want %v", names, want)
	}
	if byOwnName == nil || !strings.HasPrefix(byOwnName.Error(), "unknown update care-plan-contribution.") {
		t.Errorf("a step sent by its own name: %v, want unknown", byOwnName)
	}
}

// A run begun before the step Update (and every history recorded then) keeps the Update of each
// step's own name, with its validator, beside the step Update: an API of either release is
// answered, and a refusal by either name is the same.
func TestARunBeforeTheStepUpdateTakesBothNames(t *testing.T) {
	h := newHarness(t, nil)
	h.env.OnGetVersion(stepUpdateChange, workflow.DefaultVersion, stepUpdateCurrentVersion).Return(workflow.DefaultVersion)
	var names []string
	h.updateNames(m/2, &names)
	concern, _ := json.Marshal(raise(""))
	raised := errNotSent
	h.sendAs(time.Second, safeguarding.StepRaiseConcern, "concern", safeguarding.Request{RequestID: "concern", Actor: carer, Body: concern}, &raised)
	h.step(m, "care-plan-contribution", carer, map[string]any{"text": "Settled well."})
	refusedByOwnName, refusedAsStep := errNotSent, errNotSent
	h.sendAs(2*m, "closure-approval", "own-name", safeguarding.Request{RequestID: "own-name", Actor: carer, Body: json.RawMessage(`{}`)}, &refusedByOwnName)
	h.sendAs(2*m, UpdateStep, "as-step", safeguarding.Request{Step: "closure-approval", RequestID: "as-step", Actor: carer, Body: json.RawMessage(`{}`)}, &refusedAsStep)
	h.view(3*m, manager, func(v safeguarding.View) {
		if v.Revision != 2 || len(v.CarePlan.Contributions) != 1 {
			t.Errorf("revision %d with %d contributions, want the concern and one contribution", v.Revision, len(v.CarePlan.Contributions))
		}
	})
	h.run(4 * m)
	want := []string{UpdateStep, UpdateCatchUp}
	for _, s := range safeguarding.Steps() {
		want = append(want, s.Name)
	}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("updates registered %v, want %v", names, want)
	}
	if raised != nil {
		t.Errorf("the concern by its own name: %v", raised)
	}
	for _, err := range []error{refusedByOwnName, refusedAsStep} {
		if code := safeguarding.CodeOf(FromApplicationError(err)); code != safeguarding.EForbidden {
			t.Errorf("a carer's closure approval: %v, want forbidden", err)
		}
	}
}

// errNotSent stands for the outcome of an update that never reached the workflow.
var errNotSent = errors.New("not sent")
