package workflows

import (
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/internal/replaytest"
	"github.com/caseflow/caseflow/policy"
)

// TestReplayRecordedHistories replays every history recorded from earlier versions of the
// workflow (workflows/testdata/histories, written by ./internal/recordhistories) with today's
// code, its clocks a year ahead. A change that alters the order of commands fails here unless it
// is guarded with workflow.GetVersion, and cases already running would otherwise break.
// Histories recorded before payloads were encrypted replay through the same converters. Beside
// the case's runs, the workflows a case starts are recorded too: a record chunk, the destruction
// of a record and the register entry it wrote.
func TestReplayRecordedHistories(t *testing.T) {
	replaytest.Replay(t, "testdata/histories", 4, func(r worker.WorkflowReplayer) {
		// Replay never asks the policy: every deadline comes from the recorded side effects,
		// so a different policy here must not matter.
		cw := &CaseWorkflow{Policy: func() *policy.Policy { return nil }, Callers: replaytest.Verifier(t)}
		r.RegisterWorkflowWithOptions(cw.Run, workflow.RegisterOptions{Name: WorkflowName})
		r.RegisterWorkflowWithOptions(cw.RecordChunk, workflow.RegisterOptions{Name: RecordChunkWorkflowName})
		r.RegisterWorkflowWithOptions(cw.DestroyRecord, workflow.RegisterOptions{Name: DestroyWorkflowName})
		r.RegisterWorkflowWithOptions(cw.RegisterEntry, workflow.RegisterOptions{Name: RegisterEntryWorkflowName})
	})
}
