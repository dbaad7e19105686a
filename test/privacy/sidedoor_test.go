package privacy_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/encryption"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
	"github.com/caseflow/caseflow/workflows/caseclient"
	"github.com/caseflow/caseflow/workflows/contacts"
	"github.com/caseflow/caseflow/workflows/digest"
)

// The tests of this file go through Temporal's side door: a program that reaches the frontend,
// with no key (rawClient) or with the payload keys but not the API's signing key (a thief of
// the worker's keys), starts and signals caseflow's workflows as the API never would.

// withPayloadKeys is an SDK client holding the payload keys, as a thief of a worker's keys would:
// it writes payloads caseflow can read, but signs nothing.
func withPayloadKeys(t *testing.T, env *testenv.Env) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{
		HostPort: env.App.TemporalAddress(), Namespace: "default",
		DataConverter: env.App.Converters().Data, FailureConverter: env.App.Converters().Failure,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// startWith starts a case workflow under id with input payloads as they are, ciphertext or not,
// as a client copying them from a history would.
func startWith(t *testing.T, c client.Client, id string, input *commonpb.Payloads) {
	t.Helper()
	_, err := c.WorkflowService().StartWorkflowExecution(context.Background(), &workflowservice.StartWorkflowExecutionRequest{
		Namespace: "default", WorkflowId: id, RequestId: "forged-start-" + id,
		WorkflowType: &commonpb.WorkflowType{Name: workflows.WorkflowName},
		TaskQueue:    &taskqueuepb.TaskQueue{Name: workflows.TaskQueue},
		Input:        input,
	})
	if err != nil {
		t.Fatalf("start %s: %v", id, err)
	}
}

// firstInput is the input a workflow's current run started with, as its history holds it.
func firstInput(t *testing.T, c client.Client, workflowID string) *commonpb.Payloads {
	t.Helper()
	return events(t, c, workflowID)[0].GetWorkflowExecutionStartedEventAttributes().GetInput()
}

// continued reports whether a workflow's current run continues an earlier one.
func continued(t *testing.T, c client.Client, workflowID string) bool {
	t.Helper()
	d, err := c.DescribeWorkflowExecution(context.Background(), workflowID, "")
	if err != nil {
		t.Fatal(err)
	}
	info := d.GetWorkflowExecutionInfo()
	return info.GetFirstRunId() != info.GetExecution().GetRunId()
}

// listed reports whether a case is in a person's list of cases (the read model).
func listed(t *testing.T, env *testenv.Env, token, caseID string) bool {
	t.Helper()
	resp := env.Do(http.MethodGet, "/v1/cases", token, nil)
	if resp.Status != http.StatusOK {
		t.Fatalf("list cases: %d %s", resp.Status, resp.Body)
	}
	var page struct {
		Cases []struct {
			CaseID string `json:"case_id"`
		} `json:"cases"`
	}
	resp.JSON(t, &page)
	return slices.ContainsFunc(page.Cases, func(c struct {
		CaseID string `json:"case_id"`
	}) bool {
		return c.CaseID == caseID
	})
}

// TestAStartFromAStolenInputGivesTheAccusedNothing is the rollback attack: a carer's case
// continues as new, an allegation against the carer is recorded, and from then on the case is
// hidden from them. A client without keys copies the input the case carried across
// continue-as-new before the allegation out of its history, terminates the case and starts it
// again from that input, and starts another case from it too. Neither run holds the case: the
// accused sees no case, nor does anyone else, and the accused's list does not name it again.
func TestAStartFromAStolenInputGivesTheAccusedNothing(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 1})
	ctx := context.Background()
	raw := rawClient(t, env)
	accused := env.Token(safeguarding.RoleCarer, "carer-priv", "")
	sw := env.Token(safeguarding.RoleSocialWorker, "sw-priv", "north")
	lead := env.Token(safeguarding.RoleSafeguardingLead, "lead-priv", "")

	// A case that continues as new every few dozen events, so the test need not take thousands
	// of steps to see it do so.
	caseID := workflows.CaseIDFor("carer-priv", "stolen")
	wid := workflows.WorkflowID(caseID)
	_, err := env.App.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue},
		workflows.WorkflowName, workflows.Input{CaseID: caseID, Reference: workflows.ReferenceFor(caseID), MaxHistory: 40})
	if err != nil {
		t.Fatal(err)
	}
	concern, _ := json.Marshal(testenv.Concern(time.Now().Add(-time.Hour), "sw-priv", "north", "carer-priv"))
	cases := caseclient.New(env.App.Temporal, caseclient.Options{Signer: env.App.Signer(), DataConverter: env.App.Converters().Data})
	if _, err := cases.Raise(ctx, safeguarding.Actor{UserID: "carer-priv", Role: safeguarding.RoleCarer}, "stolen", concern); err != nil {
		t.Fatal(err)
	}
	for i := 0; !continued(t, raw, wid); i++ {
		if i == 50 {
			t.Fatal("the case never continued as new")
		}
		step := env.Do(http.MethodPost, "/v1/cases/"+caseID+"/care-plan-contribution", sw, map[string]any{"text": "Settled this week."})
		if step.Status != http.StatusOK {
			t.Fatalf("step: %d %s", step.Status, step.Body)
		}
	}
	if got := env.Do(http.MethodGet, "/v1/cases/"+caseID, accused, nil).Status; got != http.StatusOK {
		t.Fatalf("before the allegation the carer's view: %d", got)
	}
	stolen := firstInput(t, raw, wid) // ciphertext, copied without any key
	recorded := env.Do(http.MethodPost, "/v1/cases/"+caseID+"/allegation", sw, map[string]any{
		"received_at":  time.Now().Add(-time.Minute).UTC().Format(time.RFC3339),
		"against_user": "carer-priv", "against_role": "carer", "summary": allegation,
	})
	if recorded.Status != http.StatusOK {
		t.Fatalf("allegation: %d %s", recorded.Status, recorded.Body)
	}
	if got := env.Do(http.MethodGet, "/v1/cases/"+caseID, accused, nil).Status; got != http.StatusNotFound {
		t.Fatalf("after the allegation the accused's view: %d, want 404", got)
	}

	if err := raw.TerminateWorkflow(ctx, wid, "", "forged"); err != nil {
		t.Fatal(err)
	}
	otherID := workflows.CaseIDFor("someone", "the copy")
	for _, id := range []string{caseID, otherID} {
		startWith(t, raw, workflows.WorkflowID(id), stolen)
		testenv.WaitQuiet(t, raw, workflows.WorkflowID(id))
	}
	for who, token := range map[string]string{"the accused": accused, "the Safeguarding Lead": lead, "the social worker": sw} {
		for _, id := range []string{caseID, otherID} {
			if got := env.Do(http.MethodGet, "/v1/cases/"+id, token, nil).Status; got != http.StatusNotFound {
				t.Errorf("%s viewing case %s after the forged start: %d, want no case", who, id, got)
			}
		}
		if listed(t, env, token, otherID) {
			t.Errorf("%s's list names the case started from the stolen input", who)
		}
	}
	if listed(t, env, accused, caseID) {
		t.Error("the accused's list names the case again")
	}
}

// TestAForgedAuditStartRecordsNothing: a client with the payload keys terminates a case's access
// audit and starts it again carrying a made-up record. The record never appears in the case's
// access log; the accesses made since do.
func TestAForgedAuditStartRecordsNothing(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 1})
	ctx := context.Background()
	caseID := raise(t, env)
	lead := env.Token(safeguarding.RoleSafeguardingLead, "lead-priv", "")
	read := func() []audit.Record {
		resp := env.Do(http.MethodGet, "/v1/cases/"+caseID+"/access?limit=500", lead, nil)
		if resp.Status != http.StatusOK {
			t.Fatalf("access log: %d %s", resp.Status, resp.Body)
		}
		var log struct {
			Records []audit.Record `json:"records"`
		}
		resp.JSON(t, &log)
		return log.Records
	}
	read()

	stream := audit.CaseStream(caseID)
	head := audit.AuditWorkflowID(stream)
	keys := withPayloadKeys(t, env)
	if err := keys.TerminateWorkflow(ctx, head, "", "forged"); err != nil {
		t.Fatal(err)
	}
	forged := audit.Record{At: time.Now().UTC(), UserID: "nobody", Role: safeguarding.RoleCarer, Action: "getCase", Outcome: audit.Allowed, Status: http.StatusOK, RequestID: "forged"}
	if _, err := keys.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: head, TaskQueue: workflows.TaskQueue}, audit.WorkflowName,
		audit.Input{Stream: stream, Records: []audit.Record{forged}}); err != nil {
		t.Fatal(err)
	}
	testenv.WaitQuiet(t, keys, head)
	after := env.Do(http.MethodGet, "/v1/cases/"+caseID, lead, nil)
	if after.Status != http.StatusOK {
		t.Fatalf("the lead's view: %d", after.Status)
	}
	records := read()
	if !slices.ContainsFunc(records, func(r audit.Record) bool { return r.RequestID == after.Header.Get("X-Request-Id") }) {
		t.Fatalf("the access log lacks the view made after the forged start: %+v", records)
	}
	for _, r := range records {
		if r.UserID == "nobody" || r.RequestID == "forged" {
			t.Errorf("the forged record is in the access log: %+v", r)
		}
	}
}

// TestAnUnsignedContactDoesNotRepointAnAddress: a social worker's address learned at sign-in is
// what chases are emailed to. Signals of the contacts workflow from the side door, in clear, with
// the payload keys but no signature, with a made-up signature, or copied from the history of an
// earlier sign-in, leave the address the latest sign-in gave.
func TestAnUnsignedContactDoesNotRepointAnAddress(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 1})
	ctx := context.Background()
	raw, keys := rawClient(t, env), withPayloadKeys(t, env)
	person := safeguarding.Actor{UserID: "sw-priv", Role: safeguarding.RoleSocialWorker, Team: "north"}
	teller := &contacts.Teller{Client: env.App.Temporal, TaskQueue: workflows.TaskQueue, Signer: env.App.Signer()}
	if err := teller.Tell(ctx, person, "sw-priv@old.agency.example", "Sam Priv"); err != nil {
		t.Fatal(err)
	}
	if err := teller.Tell(ctx, person, "sw-priv@agency.example", "Sam Priv"); err != nil {
		t.Fatal(err)
	}
	address := func() string {
		v, err := env.App.Temporal.QueryWorkflow(ctx, contacts.WorkflowID, "", contacts.Query)
		if err != nil {
			t.Fatal(err)
		}
		var contacts []contacts.Contact
		if err := v.Get(&contacts); err != nil {
			t.Fatal(err)
		}
		for _, c := range contacts {
			if c.Actor.UserID == person.UserID {
				return c.Email
			}
		}
		return ""
	}
	testenv.Eventually(t, 30*time.Second, "the latest sign-in's address", func() bool { return address() == "sw-priv@agency.example" })

	firstSignIn := func() *commonpb.Payloads {
		for _, ev := range events(t, raw, contacts.WorkflowID) {
			if s := ev.GetWorkflowExecutionSignaledEventAttributes(); s != nil {
				return s.GetInput()
			}
		}
		t.Fatal("the contacts workflow has no signal")
		return nil
	}()
	attacker := contacts.Contact{Actor: person, Email: "attacker@evil.example", Name: "Sam Priv"}
	send := func(c client.Client, arg any) {
		t.Helper()
		if err := c.SignalWorkflow(ctx, contacts.WorkflowID, "", contacts.LearnSignal, arg); err != nil {
			t.Fatal(err)
		}
	}
	send(raw, attacker)
	send(keys, attacker)
	send(keys, contacts.SignedContact{Contact: attacker, Proof: identity.Proof{KeyID: "i-1", IssuedAt: time.Now(), Signature: []byte("made up")}})
	_, err := raw.WorkflowService().SignalWorkflowExecution(ctx, &workflowservice.SignalWorkflowExecutionRequest{
		Namespace: "default", WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: contacts.WorkflowID},
		SignalName: contacts.LearnSignal, Input: firstSignIn,
	})
	if err != nil {
		t.Fatal(err)
	}
	testenv.WaitQuiet(t, raw, contacts.WorkflowID)
	signals := 0
	for _, ev := range events(t, raw, contacts.WorkflowID) {
		if ev.GetEventType() == enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED {
			signals++
		}
	}
	if signals != 6 {
		t.Fatalf("the contacts workflow took %d signals, want the two sign-ins and the four forgeries", signals)
	}
	if got := address(); got != "sw-priv@agency.example" {
		t.Errorf("after the forged signals the address is %q", got)
	}
}

// TestAStartInClearIsRefused: a client without keys starts a case with an input in clear, naming
// an opened case it made up. The worker cannot read it, and the run fails at once: no case, no
// summary. With the migration switch on, the same start is read, and still holds nothing of
// what it brought, since only a run's own continue-as-new carries a case.
func TestAStartInClearIsRefused(t *testing.T) {
	made := &safeguarding.Case{ID: "made-up", Reference: "CF-MADEUP", Revision: 3, OpenedAt: time.Now(), Parties: safeguarding.Parties{Team: "north", SocialWorker: "sw-priv"}}
	startInClear := func(env *testenv.Env) (string, enumspb.WorkflowExecutionStatus) {
		t.Helper()
		raw := rawClient(t, env)
		caseID := workflows.CaseIDFor("attacker", "in clear")
		wid := workflows.WorkflowID(caseID)
		if _, err := raw.ExecuteWorkflow(context.Background(), client.StartWorkflowOptions{ID: wid, TaskQueue: workflows.TaskQueue},
			workflows.WorkflowName, workflows.Input{CaseID: caseID, Reference: "CF-MADEUP", State: made}); err != nil {
			t.Fatal(err)
		}
		testenv.WaitQuiet(t, raw, wid)
		d, err := raw.DescribeWorkflowExecution(context.Background(), wid, "")
		if err != nil {
			t.Fatal(err)
		}
		return caseID, d.GetWorkflowExecutionInfo().GetStatus()
	}
	noCase := func(env *testenv.Env, caseID string) {
		t.Helper()
		for _, token := range []string{env.Token(safeguarding.RoleSafeguardingLead, "lead-priv", ""), env.Token(safeguarding.RoleSocialWorker, "sw-priv", "north")} {
			if got := env.Do(http.MethodGet, "/v1/cases/"+caseID, token, nil); got.Status != http.StatusNotFound {
				t.Errorf("a view of the case started in clear: %d %s, want none", got.Status, got.Body)
			}
			if listed(t, env, token, caseID) || listed(t, env, token, made.ID) {
				t.Error("the case started in clear is listed")
			}
		}
	}

	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 1})
	caseID, status := startInClear(env)
	if status != enumspb.WORKFLOW_EXECUTION_STATUS_FAILED {
		t.Errorf("the run started in clear is %v, want failed", status)
	}
	noCase(env, caseID)
	env.App.Stop(context.Background())

	// caseflow as it runs during the migration, whatever the day the test runs.
	during, started := encryption.PlaintextEnd().AddDate(0, -1, 0), time.Now()
	migrating := testenv.Start(t, testenv.Options{RedisDB: redisDB + 1, Security: config.Security{
		PlaintextUntil: encryption.PlaintextEnd(),
		ProofClock:     func() time.Time { return during.Add(time.Since(started)) },
	}})
	caseID, status = startInClear(migrating)
	if status != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Errorf("with the migration switch on, the run started in clear is %v, want running, empty", status)
	}
	noCase(migrating, caseID)
}

// TestEveryPayloadCaseflowWritesIsEncrypted: the refusal of payloads in clear holds only if
// caseflow itself writes none, nil and empty values included (a signal-with-start's empty
// input, an Update that carries nothing, a result of nothing). After a case is raised and
// stepped, read, refused a catch-up, a contact is learned and a morning digest runs, every
// payload in every history of caseflow's workflows is encrypted, but for search attributes,
// which Temporal indexes and the codec never sees.
func TestEveryPayloadCaseflowWritesIsEncrypted(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 1})
	ctx := context.Background()
	caseID := raise(t, env)
	lead := env.Token(safeguarding.RoleSafeguardingLead, "lead-priv", "")
	if resp := env.Do(http.MethodGet, "/v1/cases/"+caseID+"/access", lead, nil); resp.Status != http.StatusOK {
		t.Fatalf("access log: %d", resp.Status)
	}
	if caughtUp, err := caseclient.New(env.App.Temporal, caseclient.Options{}).CatchUp(ctx, caseID); err != nil || caughtUp {
		t.Fatalf("the catch-up of a new case: %v, %v; want refused", caughtUp, err)
	}
	teller := &contacts.Teller{Client: env.App.Temporal, TaskQueue: workflows.TaskQueue, Signer: env.App.Signer()}
	if err := teller.Tell(ctx, safeguarding.Actor{UserID: "sw-priv", Role: safeguarding.RoleSocialWorker, Team: "north"}, "sw-priv@agency.example", "Sam Priv"); err != nil {
		t.Fatal(err)
	}
	run, err := env.App.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "digest-now", TaskQueue: workflows.TaskQueue}, digest.WorkflowName)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatalf("the morning digest: %v", err)
	}

	raw := rawClient(t, env)
	ours := []string{workflows.WorkflowName, audit.WorkflowName, audit.ChunkWorkflowName, contacts.WorkflowName, digest.WorkflowName}
	var runs []*workflowpb.WorkflowExecutionInfo
	testenv.Eventually(t, 30*time.Second, "every workflow in visibility", func() bool {
		resp, err := raw.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Namespace: "default", PageSize: 1000})
		if err != nil {
			t.Fatal(err)
		}
		runs = resp.GetExecutions()
		seen := map[string]bool{}
		for _, r := range runs {
			seen[r.GetType().GetName()] = true
		}
		return seen[workflows.WorkflowName] && seen[audit.WorkflowName] && seen[contacts.WorkflowName] && seen[digest.WorkflowName]
	})
	checked := 0
	for _, r := range runs {
		if !slices.Contains(ours, r.GetType().GetName()) {
			continue
		}
		testenv.WaitQuiet(t, raw, r.GetExecution().GetWorkflowId())
		iter := raw.GetWorkflowHistory(ctx, r.GetExecution().GetWorkflowId(), r.GetExecution().GetRunId(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range payloadsBesideSearchAttributes(ev.ProtoReflect()) {
				checked++
				if !encryption.IsEncrypted(p) {
					t.Errorf("%s %s: a payload in clear in %s: %s", r.GetType().GetName(), r.GetExecution().GetWorkflowId(), ev.GetEventType(), p.GetMetadata())
				}
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d payloads checked: the test looked at the wrong thing", checked)
	}
}

// payloadsBesideSearchAttributes are the payloads a message holds, but for those of search
// attributes.
func payloadsBesideSearchAttributes(m protoreflect.Message) []*commonpb.Payload {
	if p, ok := m.Interface().(*commonpb.Payload); ok {
		return []*commonpb.Payload{p}
	}
	if _, ok := m.Interface().(*commonpb.SearchAttributes); ok {
		return nil
	}
	var out []*commonpb.Payload
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Message() == nil:
		case fd.IsList():
			for i := range v.List().Len() {
				out = append(out, payloadsBesideSearchAttributes(v.List().Get(i).Message())...)
			}
		case fd.IsMap():
			if fd.MapValue().Message() != nil {
				v.Map().Range(func(_ protoreflect.MapKey, mv protoreflect.Value) bool {
					out = append(out, payloadsBesideSearchAttributes(mv.Message())...)
					return true
				})
			}
		default:
			out = append(out, payloadsBesideSearchAttributes(v.Message())...)
		}
		return true
	})
	return out
}
