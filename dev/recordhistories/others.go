package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
	"github.com/caseflow/caseflow/workflows/contacts"
	"github.com/caseflow/caseflow/workflows/digest"
)

// recorders record the workflows beside the case: an access audit stream that seals chunks and
// continues as new, with one of its chunks; the contacts learned at sign-in, continued as new
// once; a morning digest. Each writes to the testdata of the package that holds the workflow.
var recorders = map[string]func(ctx context.Context, a *app.App, out, name string) error{
	"audit":    recordAudit,
	"contacts": recordContacts,
	"digest":   recordDigest,
}

// recordOthers runs the recorders kinds names.
func recordOthers(ctx context.Context, a *app.App, kinds []string, name string) error {
	dirs := map[string]string{"audit": "workflows/audit", "contacts": "workflows/contacts", "digest": "workflows/digest"}
	for _, kind := range kinds {
		record, ok := recorders[kind]
		if !ok {
			continue
		}
		if err := record(ctx, a, filepath.Join(dirs[kind], "testdata", "histories"), name); err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
	}
	return nil
}

// recordAudit appends batches to one stream as the API does, small chunks and a short history so
// that chunks are sealed and the head continues as new, and with them what the head must not
// store: a batch sent twice, one with no proof, one with a proof of other records, and one
// appended by the update of the earlier release.
func recordAudit(ctx context.Context, a *app.App, out, name string) error {
	stream := audit.CaseStream("recorded")
	log := audit.NewLog(a.Temporal, a.Signer(), workflows.TaskQueue)
	log.ChunkSize, log.MaxHistory = 5, 40
	defer log.Close()
	sw := safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Team: "north"}
	record := func(i int) audit.Record {
		return audit.Record{At: time.Now().UTC(), UserID: sw.UserID, Role: sw.Role, Team: sw.Team, Action: "getCase",
			Outcome: audit.Allowed, Status: 200, RequestID: fmt.Sprintf("req-%d", i)}
	}
	for i := range 12 {
		if err := log.Append(ctx, stream, record(i)); err != nil {
			return err
		}
	}
	twice := audit.Batch{Records: []audit.Record{record(100)}}
	signed := signBatch(ctx, a.Signer(), stream, twice)
	forged := signBatch(ctx, a.Signer(), stream, audit.Batch{Records: []audit.Record{record(101)}})
	forged.Batch = audit.Batch{Records: []audit.Record{record(102)}}
	for _, sb := range []audit.SignedBatch{signed, signed, {Batch: audit.Batch{Records: []audit.Record{record(103)}}}, forged} {
		if err := a.Temporal.SignalWorkflow(ctx, audit.AuditWorkflowID(stream), "", audit.SignalAppend, sb); err != nil {
			return err
		}
	}
	byUpdate := audit.Batch{Records: []audit.Record{record(104)}}
	byUpdateProof := signBatch(ctx, a.Signer(), stream, byUpdate).Proof
	handle, err := a.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: audit.AuditWorkflowID(stream), UpdateName: audit.UpdateAppend, WaitForStage: client.WorkflowUpdateStageCompleted,
		Args: []any{byUpdate, byUpdateProof},
	})
	if err != nil {
		return err
	}
	if err := handle.Get(ctx, nil); err != nil {
		return err
	}
	for i := 12; i < 30; i++ {
		if err := log.Append(ctx, stream, record(i)); err != nil {
			return err
		}
	}
	time.Sleep(2 * time.Second)
	got, err := log.Read(ctx, stream, safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead})
	if err != nil {
		return err
	}
	if want := 30 + 2; len(got) != want {
		return fmt.Errorf("the stream holds %d records, want %d", len(got), want)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := writeRuns(ctx, a.Temporal, audit.AuditWorkflowID(stream), filepath.Join(out, name+"-stream")); err != nil {
		return err
	}
	return writeRuns(ctx, a.Temporal, audit.AuditChunkID(stream, 0), filepath.Join(out, name+"-chunk"))
}

// signBatch signs a batch as the API's audit log does.
func signBatch(ctx context.Context, signer *identity.Signer, s audit.Stream, b audit.Batch) audit.SignedBatch {
	body, _ := json.Marshal(b)
	call := identity.Call{Operation: audit.UpdateAppend, Subject: string(s), Body: body}
	return audit.SignedBatch{Batch: b, Proof: signer.Sign(ctx, call)}
}

// recordContacts passes on enough sign-ins for the contacts workflow to continue as new once,
// one person signing in twice with a new address, and with them what the workflow must not
// take: a contact without the API's signature, and a copy of the person's first signal (their
// old address) sent again after the second.
func recordContacts(ctx context.Context, a *app.App, out, name string) error {
	teller := &contacts.Teller{Client: a.Temporal, TaskQueue: workflows.TaskQueue, Signer: a.Signer()}
	tell := func(i int, email string) error {
		actor := safeguarding.Actor{UserID: fmt.Sprintf("user-%d", i), Role: safeguarding.RoleSocialWorker, Team: "north"}
		return teller.Tell(ctx, actor, email, fmt.Sprintf("Person %d", i))
	}
	if err := tell(0, "first@agency.example"); err != nil {
		return err
	}
	for i := range 560 {
		if err := tell(i, fmt.Sprintf("user-%d@agency.example", i)); err != nil {
			return err
		}
		if i == 0 {
			if err := sendForgedContacts(ctx, a); err != nil {
				return err
			}
		}
	}
	time.Sleep(2 * time.Second)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	return writeRuns(ctx, a.Temporal, contacts.WorkflowID, filepath.Join(out, name+"-contacts"))
}

// sendForgedContacts signals the contacts workflow as a client of the Temporal frontend could: a
// contact with no proof, and the first signal of its history sent again as it is.
func sendForgedContacts(ctx context.Context, a *app.App) error {
	unsigned := contacts.Contact{Actor: safeguarding.Actor{UserID: "user-0", Role: safeguarding.RoleSocialWorker, Team: "north"}, Email: "unsigned@evil.example"}
	if err := a.Temporal.SignalWorkflow(ctx, contacts.WorkflowID, "", contacts.LearnSignal, unsigned); err != nil {
		return err
	}
	iter := a.Temporal.GetWorkflowHistory(ctx, contacts.WorkflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			return err
		}
		if signal := ev.GetWorkflowExecutionSignaledEventAttributes(); signal != nil {
			_, err := a.Temporal.WorkflowService().SignalWorkflowExecution(ctx, &workflowservice.SignalWorkflowExecutionRequest{
				Namespace:         "default",
				WorkflowExecution: &commonpb.WorkflowExecution{WorkflowId: contacts.WorkflowID},
				SignalName:        contacts.LearnSignal,
				Input:             signal.GetInput(),
			})
			return err
		}
	}
	return errors.New("the contacts workflow has no signal to copy")
}

// recordDigest runs one morning digest to its end.
func recordDigest(ctx context.Context, a *app.App, out, name string) error {
	run, err := a.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "recorded-digest", TaskQueue: workflows.TaskQueue}, digest.WorkflowName)
	if err != nil {
		return err
	}
	var res digest.Result
	if err := run.Get(ctx, &res); err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	return writeRuns(ctx, a.Temporal, "recorded-digest", filepath.Join(out, name+"-digest"))
}
