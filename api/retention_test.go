package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

// longCase starts a case that continues as new every 60 events, raises it as carer-1, records an
// early allegation and then contributions enough to seal several record chunks, and returns its
// id.
func longCase(t *testing.T, env *testenv.Env, key string, in workflows.Input, contributions int, before func(caseID string)) string {
	t.Helper()
	ctx := context.Background()
	caseID := workflows.CaseIDFor("carer-1", key)
	in.CaseID, in.Reference, in.MaxHistory = caseID, workflows.ReferenceFor(caseID), 60
	if _, err := env.App.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkflowID(caseID), TaskQueue: workflows.TaskQueue}, workflows.WorkflowName, in); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(testenv.Concern(time.Now().Add(-time.Hour), "sw-1", "north", "carer-1"))
	if _, err := caseclient.New(env.App.Temporal, caseclient.Options{Signer: env.App.Signer(), DataConverter: env.App.Converters().Data}).Raise(ctx, safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}, key, body); err != nil {
		t.Fatal(err)
	}
	if before != nil {
		before(caseID)
	}
	p := tokens(env)
	path := "/v1/cases/" + caseID
	for i := range contributions {
		mustStep(t, env, p.carer, path, "care-plan-contribution", map[string]any{"text": fmt.Sprintf("Note %d.", i)})
	}
	return caseID
}

// runsOf lists the runs of a workflow, newest first, by the run each continued.
func runsOf(t *testing.T, env *testenv.Env, workflowID string) []string {
	t.Helper()
	ctx := context.Background()
	desc, err := env.App.Temporal.DescribeWorkflowExecution(ctx, workflowID, "")
	if err != nil {
		t.Fatalf("describe %s: %v", workflowID, err)
	}
	var runs []string
	for run := desc.GetWorkflowExecutionInfo().GetExecution().GetRunId(); run != ""; {
		runs = append(runs, run)
		iter := env.App.Temporal.GetWorkflowHistory(ctx, workflowID, run, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		first, err := iter.Next()
		if err != nil {
			t.Fatalf("first event of %s run %s: %v", workflowID, run, err)
		}
		run = first.GetWorkflowExecutionStartedEventAttributes().GetContinuedExecutionRunId()
	}
	return runs
}

// gone reports whether a run's history is deleted ("" for the workflow's current run).
func gone(env *testenv.Env, workflowID, runID string) bool {
	iter := env.App.Temporal.GetWorkflowHistory(context.Background(), workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	_, err := iter.Next()
	var notFound *serviceerror.NotFound
	return errors.As(err, &notFound)
}

// readTimeline pages through the whole timeline as token sees it, oldest entry first.
func readTimeline(t *testing.T, env *testenv.Env, token, caseID string) []safeguarding.Entry {
	t.Helper()
	var all []safeguarding.Entry
	for before := 0; ; {
		url := "/v1/cases/" + caseID + "/timeline?limit=50"
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

// TestTheEarliestEntriesOutliveTheirRuns: a case continues as new many times; then every one of
// its earlier runs is deleted, as the namespace's retention would delete them days after each
// closed. Its whole timeline still reads back, every entry once and in order, from the record
// chunks it sealed, and the visibility policy still applies to what they hold.
func TestTheEarliestEntriesOutliveTheirRuns(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := longCase(t, env, "outlives", workflows.Input{}, 130, func(caseID string) {
		mustStep(t, env, p.lead, "/v1/cases/"+caseID, "allegation", map[string]any{"received_at": rfc3339(time.Now()), "against_user": "staff-9",
			"against_role": "manager", "summary": "Early allegation."})
	})
	wid := workflows.WorkflowID(caseID)
	runs := runsOf(t, env, wid)
	if len(runs) < 3 {
		t.Fatalf("the case ran %d runs; want several continue-as-new", len(runs))
	}
	ctx := context.Background()
	for _, run := range runs[1:] {
		if _, err := env.App.Temporal.WorkflowService().DeleteWorkflowExecution(ctx, &workflowservice.DeleteWorkflowExecutionRequest{
			Namespace: "default", WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: wid, RunId: run},
		}); err != nil {
			t.Fatalf("delete run %s: %v", run, err)
		}
	}
	// Temporal deletes in the background: on a busy machine, tens of seconds later.
	testenv.Eventually(t, 2*time.Minute, "the earlier runs deleted", func() bool {
		return !slices.ContainsFunc(runs[1:], func(run string) bool { return !gone(env, wid, run) })
	})

	lead := readTimeline(t, env, p.lead, caseID)
	for i, e := range lead {
		if e.Seq != i+1 {
			t.Fatalf("the Safeguarding Lead's timeline: entry %d is number %d; want every entry once, in order", i, e.Seq)
		}
	}
	// The concern, the allegation and 130 contributions, whatever the chases add.
	if len(lead) < 132 || lead[0].Kind != "concern-raised" || !slices.ContainsFunc(lead[:5], func(e safeguarding.Entry) bool { return e.Kind == "allegation" }) {
		t.Fatalf("the Safeguarding Lead read %d entries from %+v; want the whole timeline from the concern", len(lead), lead[0])
	}
	fsw := readTimeline(t, env, p.fsw, caseID)
	if slices.ContainsFunc(fsw, func(e safeguarding.Entry) bool { return e.Kind == "allegation" }) {
		t.Fatal("the allegation, read back from a chunk, reached the fostering social worker")
	}
	if len(fsw) == 0 || len(fsw) >= len(lead) || fsw[0].Kind != "concern-raised" {
		t.Fatalf("the fostering social worker read %d entries of %d", len(fsw), len(lead))
	}
	t.Logf("%d runs, %d deleted; %d entries read back", len(runs), len(runs)-1, len(lead))
}

// shortRetention is the default policy with the record of a child who was not looked after kept
// only two seconds after its case closes, so that its review falls due while a test watches.
func shortRetention(t *testing.T) *policy.Policy {
	t.Helper()
	text := strings.Replace(string(policy.DefaultFile()), "    until_birthday: 25\n    after_closure: 6y\n", "    after_closure: 2s\n", 1)
	p, err := policy.Load("short-retention.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if r := p.RetentionRules()[2]; r.UntilBirthday != 0 || r.AfterClosure.String() != "2s" {
		t.Fatalf("the short retention did not take: %+v", r)
	}
	return p
}

// TestARecordIsDestroyedOnlyByThoseWithAuthority runs a record's end through the API: its
// retention date passes and its review opens for the Safeguarding Lead; carers, social workers
// and fostering social workers cannot approve its destruction or hold it; a legal hold stops the
// destruction until it is lifted; a manager approves it; then nothing of the case is left in
// Temporal (every run of its workflow, its record chunks, every run of its access audit and the
// audit's chunks) or in Redis, and the destruction register, which only the Safeguarding Lead
// reads, says what was destroyed, when, who approved it, under which rule and why, naming no one.
func TestARecordIsDestroyedOnlyByThoseWithAuthority(t *testing.T) {
	env := start(t, testenv.Options{Policy: shortRetention(t)})
	p := tokens(env)
	ctx := context.Background()
	caseID := longCase(t, env, "destroyed", workflows.Input{SweepAfter: time.Second}, 110, func(caseID string) {
		// An access audit with chunks of its own: five records a chunk.
		log := audit.NewLog(env.App.Temporal, env.App.Signer(), workflows.TaskQueue)
		log.ChunkSize, log.MaxHistory = 5, 40
		defer log.Close()
		for i := range 12 {
			rec := audit.Record{At: time.Now(), UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Action: fmt.Sprintf("getCase-%d", i), Outcome: audit.Allowed, Status: 200}
			if err := log.Append(ctx, audit.CaseStream(caseID), rec); err != nil {
				t.Fatal(err)
			}
		}
	})
	path := "/v1/cases/" + caseID
	stream := audit.CaseStream(caseID)
	testenv.Eventually(t, 30*time.Second, "the audit's chunks sealed", func() bool {
		_, err := env.App.Temporal.DescribeWorkflowExecution(ctx, audit.AuditChunkID(stream, 1), "")
		return err == nil
	})
	caseRuns := runsOf(t, env, workflows.WorkflowID(caseID))
	auditRuns := runsOf(t, env, audit.AuditWorkflowID(stream))
	chunks := 0
	for ; ; chunks++ {
		if _, err := env.App.Temporal.DescribeWorkflowExecution(ctx, workflows.RecordChunkID(caseID, chunks), ""); err != nil {
			break
		}
	}
	if len(caseRuns) < 3 || chunks < 1 {
		t.Fatalf("the case has %d runs and %d record chunks; want several of each to destroy", len(caseRuns), chunks)
	}

	mustStep(t, env, p.sw, path, "closure-request", map[string]any{"reason": "risk-resolved", "note": "Settled."})
	mustStep(t, env, p.manager, path, "closure-approval", map[string]any{"resolutions": resolveAll(openActions(t, env, p.manager, caseID), "Done.")})
	reviewOpen := func() bool {
		return slices.ContainsFunc(openActions(t, env, p.lead, caseID), func(a safeguarding.ActionView) bool { return a.Kind == policy.RetentionReview })
	}
	testenv.Eventually(t, 30*time.Second, "the review of the record open", reviewOpen)
	if v := viewAs(t, env, p.lead, caseID); v.Retention == nil || v.Retention.Rule != policy.RecordOther || len(v.Retention.Basis) != 1 {
		t.Fatalf("the Safeguarding Lead sees the retention %+v", v.Retention)
	}

	approve := map[string]any{"reason": "Retention period ended; no claim, inquiry or access request outstanding."}
	for _, who := range []string{p.carer, p.sw, p.fsw, p.otherSW} {
		for _, step := range []string{safeguarding.StepApproveDestruction, "legal-hold", "legal-hold-lift"} {
			if r := env.Do(http.MethodPost, path+"/"+step, who, approve); r.Status != http.StatusForbidden {
				t.Errorf("%s by someone without the authority: %d %s", step, r.Status, r.Body)
			}
		}
	}
	mustStep(t, env, p.manager, path, "legal-hold", map[string]any{"reason": "Civil claim notified by solicitors."})
	if r := env.Do(http.MethodPost, path+"/"+safeguarding.StepApproveDestruction, p.lead, approve); r.Status != http.StatusConflict || !strings.Contains(string(r.Body), "legal hold") {
		t.Fatalf("approval under a legal hold: %d %s", r.Status, r.Body)
	}
	if reviewOpen() {
		t.Fatal("the review stays open under a legal hold")
	}
	mustStep(t, env, p.lead, path, "legal-hold-lift", map[string]any{"reason": "Claim settled."})
	testenv.Eventually(t, 30*time.Second, "the review open again", reviewOpen)
	started := time.Now()
	mustStep(t, env, p.manager, path, safeguarding.StepApproveDestruction, approve)

	testenv.Eventually(t, 60*time.Second, "the case gone", func() bool {
		return env.Do(http.MethodGet, path, p.lead, nil).Status == http.StatusNotFound
	})
	var register api.DestructionRegister
	// The register entry is written once every run of the case, its chunks and its audit are
	// erased, each waited for until Temporal no longer keeps it: minutes under the race detector.
	testenv.Eventually(t, 4*time.Minute, "the destruction in the register", func() bool {
		r := env.Do(http.MethodGet, "/v1/destruction-register", p.lead, nil)
		if r.Status == http.StatusServiceUnavailable {
			// A register entry just written answers once a worker has run it: on a loaded
			// machine, seconds later.
			return false
		}
		if r.Status != http.StatusOK {
			t.Fatalf("the register: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &register)
		if strings.Contains(string(r.Body), testenv.ChildName) {
			t.Fatal("the register names the child")
		}
		return len(register.Entries) == 1
	})
	destroyedIn := time.Since(started)

	for _, run := range caseRuns {
		if !gone(env, workflows.WorkflowID(caseID), run) {
			t.Errorf("case run %s is still kept", run)
		}
	}
	for _, run := range auditRuns {
		if !gone(env, audit.AuditWorkflowID(stream), run) {
			t.Errorf("audit run %s is still kept", run)
		}
	}
	for _, id := range []string{workflows.WorkflowID(caseID), audit.AuditWorkflowID(stream), workflows.RecordChunkID(caseID, 0), audit.AuditChunkID(stream, 0)} {
		if !gone(env, id, "") {
			t.Errorf("%s is still kept", id)
		}
	}
	keys, err := env.Redis().Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k == "cf:rm:destroyed:"+caseID {
			continue
		}
		if strings.Contains(k, caseID) || strings.Contains(redisValue(t, env, k), caseID) {
			t.Errorf("Redis still holds the case in %s", k)
		}
	}

	e := register.Entries[0]
	if e.CaseID != caseID || e.Reference != workflows.ReferenceFor(caseID) || e.ApprovedBy.UserID != "mgr-1" || e.Rule != policy.RecordOther ||
		e.Reason != approve["reason"] || e.RuleTitle == "" || e.DestroyedAt.Before(e.ApprovedAt) {
		t.Errorf("register entry %+v", e)
	}
	// The closure and the review added runs and chunks after they were counted above.
	var destroyedRuns, destroyedChunks, destroyedAuditRuns, destroyedAuditChunks int
	_, errRuns := fmt.Sscanf(e.Destroyed[0], "the case's workflow: %d", &destroyedRuns)
	_, errChunks := fmt.Sscanf(e.Destroyed[1], "the case's timeline chunks: %d", &destroyedChunks)
	_, errAudit := fmt.Sscanf(e.Destroyed[2], "the case's access log: %d runs and %d", &destroyedAuditRuns, &destroyedAuditChunks)
	if err := errors.Join(errRuns, errChunks, errAudit); err != nil || destroyedRuns < len(caseRuns) || destroyedChunks < chunks ||
		destroyedAuditRuns < len(auditRuns) || destroyedAuditChunks < 2 {
		t.Errorf("the register says %q were destroyed (%v); want at least %d case runs, %d chunks, %d audit runs and 2 chunks", e.Destroyed, err, len(caseRuns), chunks, len(auditRuns))
	}
	for _, who := range []string{p.manager, p.sw, p.carer} {
		if r := env.Do(http.MethodGet, "/v1/destruction-register", who, nil); r.Status != http.StatusForbidden {
			t.Errorf("the register read by another role: %d", r.Status)
		}
	}
	t.Logf("destroyed in %s (a sweep of 1s included): %s", destroyedIn.Round(100*time.Millisecond), strings.Join(e.Destroyed, "; "))
}

// redisValue is everything a key holds, as text.
func redisValue(t *testing.T, env *testenv.Env, key string) string {
	t.Helper()
	ctx := context.Background()
	rdb := env.Redis()
	var parts []string
	switch typ := rdb.Type(ctx, key).Val(); typ {
	case "string":
		parts = append(parts, rdb.Get(ctx, key).Val())
	case "list":
		parts = rdb.LRange(ctx, key, 0, -1).Val()
	case "set":
		parts = rdb.SMembers(ctx, key).Val()
	case "zset":
		parts = rdb.ZRange(ctx, key, 0, -1).Val()
	case "hash":
		for k, v := range rdb.HGetAll(ctx, key).Val() {
			parts = append(parts, k, v)
		}
	case "none":
	default:
		t.Fatalf("%s holds a %s", key, typ)
	}
	return strings.Join(parts, "\n")
}
