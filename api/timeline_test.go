package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

// TestTheWholeTimelineOfALongCase: a case that has continued as new many times carries only its
// recent timeline; paging GET /v1/cases/{id}/timeline with next_before reads the rest back from
// its earlier runs, every entry once, in order, and the visibility policy still applies to the
// entries read back: a fostering social worker never sees the allegation recorded early on.
func TestTheWholeTimelineOfALongCase(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	ctx := context.Background()
	caseID := workflows.CaseIDFor("carer-1", "long")
	_, err := env.App.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkflowID(caseID), TaskQueue: workflows.TaskQueue},
		workflows.WorkflowName, workflows.Input{CaseID: caseID, Reference: workflows.ReferenceFor(caseID), MaxHistory: 60})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(testenv.Concern(time.Now().Add(-time.Hour), "sw-1", "north", "carer-1"))
	if _, err := caseclient.New(env.App.Temporal, caseclient.Options{Signer: env.App.Signer(), DataConverter: env.App.Converters().Data}).Raise(ctx, safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}, "long", body); err != nil {
		t.Fatal(err)
	}
	path := "/v1/cases/" + caseID
	mustStep(t, env, p.lead, path, "allegation", map[string]any{"received_at": rfc3339(time.Now()), "against_user": "staff-9",
		"against_role": "manager", "summary": "Early allegation."})
	for i := range 120 {
		mustStep(t, env, p.carer, path, "care-plan-contribution", map[string]any{"text": fmt.Sprintf("Note %d.", i)})
	}

	read := func(token string) []safeguarding.Entry {
		var all []safeguarding.Entry
		for before := 0; ; {
			url := path + "/timeline?limit=50"
			if before > 0 {
				url += fmt.Sprintf("&before=%d", before)
			}
			var page api.TimelineResponse
			r := env.Do(http.MethodGet, url, token, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("timeline page before %d: %d %s", before, r.Status, r.Body)
			}
			r.JSON(t, &page)
			all = append(page.Entries, all...)
			if page.NextBefore == 0 {
				return all
			}
			before = page.NextBefore
		}
	}
	lead := read(p.lead)
	for i, e := range lead {
		if e.Seq != i+1 {
			t.Fatalf("the Safeguarding Lead's timeline: entry %d is number %d; want every entry once, in order", i, e.Seq)
		}
	}
	// The concern, the allegation and 120 contributions, whatever the chases add.
	if len(lead) < 122 {
		t.Fatalf("the Safeguarding Lead read %d entries; want the whole timeline", len(lead))
	}
	desc, err := env.App.Temporal.DescribeWorkflowExecution(ctx, workflows.WorkflowID(caseID), "")
	if err != nil {
		t.Fatal(err)
	}
	if info := desc.GetWorkflowExecutionInfo(); info.GetFirstRunId() == info.GetExecution().GetRunId() {
		t.Fatal("the case never continued as new: nothing was read back from earlier runs")
	}

	fsw := read(p.fsw)
	for _, e := range fsw {
		if e.Kind == "allegation" {
			t.Fatal("an archived allegation reached the fostering social worker")
		}
	}
	if len(fsw) == 0 || len(fsw) >= len(lead) {
		t.Fatalf("the fostering social worker read %d entries of %d", len(fsw), len(lead))
	}
}
