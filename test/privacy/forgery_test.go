package privacy_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// TestRawClientCannotActAsSomeoneElse is the attack of the issue: a program with the Temporal
// SDK and access to the frontend, but none of caseflow's keys, writes a made-up manager and a
// made-up social worker into updates and queries of a real case, and appends made-up records to
// its access audit. Every update and query is refused before it reaches history or a handler,
// and the case is unchanged; sent with the payload keys (a thief of the worker's keys, say),
// the case query is still refused, for want of the API's signature.
func TestRawClientCannotActAsSomeoneElse(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 1})
	caseID := raise(t, env)
	ctx := context.Background()
	raw := rawClient(t, env)
	wid := workflows.WorkflowID(caseID)
	before := settled(t, raw, wid)

	forgedManager := safeguarding.Actor{UserID: "mgr-forged", Role: safeguarding.RoleManager, Team: "north"}
	forgedSW := safeguarding.Actor{UserID: "sw-priv", Role: safeguarding.RoleSocialWorker, Team: "north"}
	updates := []struct {
		step string
		req  safeguarding.Request
	}{
		{"closure-request", safeguarding.Request{RequestID: "forged-1", Actor: forgedSW, Body: json.RawMessage(`{"reason":"risk-resolved","note":"forged"}`)}},
		{"team", safeguarding.Request{RequestID: "forged-2", Actor: forgedManager, Body: json.RawMessage(`{"social_worker":"sw-attacker","reason":"forged"}`)}},
		{"care-plan-contribution", safeguarding.Request{RequestID: "forged-3", Actor: forgedSW, Body: json.RawMessage(`{"text":"forged"}`)}},
	}
	withKeys, err := client.Dial(client.Options{
		HostPort: env.App.TemporalAddress(), Namespace: "default",
		DataConverter: env.App.Converters().Data, FailureConverter: env.App.Converters().Failure,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer withKeys.Close()
	send := func(c client.Client, id string, step string, req safeguarding.Request) error {
		req.Step = step
		handle, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: wid, UpdateID: id, UpdateName: workflows.UpdateStep,
			Args: []any{req}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = handle.Get(ctx, nil)
		}
		return err
	}
	for _, u := range updates {
		if err := send(raw, u.req.RequestID, u.step, u.req); err == nil {
			t.Errorf("the forged %s by %s was accepted", u.step, u.req.Actor.Role)
		}
		// With the payload keys the refusal can be read: it is the missing signature, not the
		// step's content, that stops it. Each step here is one the actor's role may take.
		err := workflows.FromApplicationError(send(withKeys, u.req.RequestID+"-keys", u.step, u.req))
		if safeguarding.CodeOf(err) != safeguarding.EForbidden || !strings.Contains(err.Error(), "did not come through caseflow") {
			t.Errorf("the forged %s was refused with %v, want the missing proof", u.step, err)
		}
	}
	if after := settled(t, raw, wid); after != before {
		t.Errorf("history grew from %d to %d events after forged updates", before, after)
	}
	for _, ev := range events(t, raw, wid) {
		if attrs := ev.GetWorkflowExecutionUpdateAcceptedEventAttributes(); attrs != nil {
			if id := attrs.GetAcceptedRequest().GetMeta().GetUpdateId(); len(id) > 7 && id[:7] == "forged-" {
				t.Errorf("forged update %s reached history", id)
			}
		}
	}

	// A query whose arguments are in clear is refused before any handler sees them.
	if value, err := raw.QueryWorkflow(ctx, wid, "", workflows.QueryCase, forgedManager); err == nil {
		var answer workflows.CaseAnswer
		t.Errorf("the raw client's query was answered (readable: %v)", value.Get(&answer) == nil)
	}
	value, err := withKeys.QueryWorkflow(ctx, wid, "", workflows.QueryCase, forgedManager)
	if err != nil {
		t.Fatalf("query with the payload keys: %v", err)
	}
	var answer workflows.CaseAnswer
	if err := value.Get(&answer); err != nil {
		t.Fatal(err)
	}
	if answer.View != nil || safeguarding.CodeOf(answer.Refused) != safeguarding.EForbidden {
		t.Errorf("a query without the API's signature answered %+v", answer)
	}

	// The access audit takes records from the API alone.
	lead := env.Token(safeguarding.RoleSafeguardingLead, "lead-priv", "")
	forgedRecord := audit.Batch{Records: []audit.Record{{At: time.Now(), UserID: "nobody", Role: safeguarding.RoleCarer, Action: "getCase", Outcome: audit.Allowed}}}
	handle, err := raw.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: audit.AuditWorkflowID(audit.CaseStream(caseID)), UpdateName: audit.UpdateAppend,
		Args: []any{forgedRecord}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = handle.Get(ctx, nil)
	}
	if err == nil {
		t.Error("a forged access record was appended")
	}
	resp := env.Do(http.MethodGet, "/v1/cases/"+caseID+"/access", lead, nil)
	if resp.Status != http.StatusOK {
		t.Fatalf("access log: %d %s", resp.Status, resp.Body)
	}
	var log struct {
		Records []audit.Record `json:"records"`
	}
	resp.JSON(t, &log)
	for _, r := range log.Records {
		if r.UserID == "nobody" {
			t.Error("the forged record is in the access log")
		}
	}
}

// settled waits until a workflow has nothing under way and returns how many events record
// something: all but the workflow-task bookkeeping, which Temporal adds when it hands the
// worker an update that the worker then refuses without recording anything of it.
func settled(t *testing.T, c client.Client, workflowID string) int {
	t.Helper()
	testenv.WaitQuiet(t, c, workflowID)
	n := 0
	for _, ev := range events(t, c, workflowID) {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
		default:
			n++
		}
	}
	return n
}

// events reads a workflow's history events.
func events(t *testing.T, c client.Client, workflowID string) []*historypb.HistoryEvent {
	t.Helper()
	iter := c.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var out []*historypb.HistoryEvent
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}
