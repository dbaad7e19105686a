package workflows

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/security/encryption"
	"github.com/caseflow/caseflow/test/replaytest"
)

// TestReplayRecordedHistories replays every history recorded from earlier versions of the
// workflow (workflows/testdata/histories, written by ./internal/recordhistories) with today's
// code, its clocks a year ahead. A change that alters the order of commands fails here unless it
// is guarded with workflow.GetVersion, and cases already running would otherwise break.
// Histories recorded before payloads were encrypted replay with the migration switch on, as a
// worker of a deployment migrating from that release reads them. Beside the case's runs, the
// workflows a case starts are recorded too: a record chunk, the destruction of a record and the
// register entry it wrote.
func TestReplayRecordedHistories(t *testing.T) {
	replaytest.ReplayMigrating(t, "testdata/histories", 4, func(r worker.WorkflowReplayer) { registerCase(t, r) })
}

// registerCase registers the case workflow, and those a case starts, on a replayer.
func registerCase(t *testing.T, r worker.WorkflowReplayer) {
	// Replay never asks the policy: every deadline comes from the recorded side effects, so a
	// different policy here must not matter.
	cw := &CaseWorkflow{Policy: func() *policy.Policy { return nil }, Callers: replaytest.Verifier(t)}
	r.RegisterWorkflowWithOptions(cw.Run, workflow.RegisterOptions{Name: WorkflowName})
	r.RegisterWorkflowWithOptions(cw.RecordChunk, workflow.RegisterOptions{Name: RecordChunkWorkflowName})
	r.RegisterWorkflowWithOptions(cw.DestroyRecord, workflow.RegisterOptions{Name: DestroyWorkflowName})
	r.RegisterWorkflowWithOptions(cw.RegisterEntry, workflow.RegisterOptions{Name: RegisterEntryWorkflowName})
}

// TestAHistoryInClearNeedsTheMigrationSwitch: a history recorded before payloads were encrypted
// replays only while the migration switch allows payloads in clear; without it, or after the
// migration's end whatever the switch says, its first task fails, as a start in clear by a
// client without the keys does.
func TestAHistoryInClearNeedsTheMigrationSwitch(t *testing.T) {
	const inClear = "testdata/histories/v1-full-run1.json"
	end := encryption.PlaintextEnd()
	for _, tc := range []struct {
		name       string
		converters *encryption.Converters
		replays    bool
	}{
		{"during the migration", replaytest.Migrating(t), true},
		{"without the switch", replaytest.Converters(t), false},
		{"after the migration's end", replaytest.Converters(t).AllowingPlaintextUntil(end.AddDate(1, 0, 0), func() time.Time { return end.Add(time.Second) }), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			replayer, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
				DataConverter: tc.converters.Data, FailureConverter: tc.converters.Failure,
			})
			if err != nil {
				t.Fatal(err)
			}
			registerCase(t, replayer)
			err = replayer.ReplayWorkflowHistoryFromJSONFile(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), inClear)
			if tc.replays && err != nil {
				t.Fatalf("replay: %v", err)
			}
			// The input decodes to nothing, so the run does not do what the history says.
			if !tc.replays && err == nil {
				t.Fatal("the history in clear replayed")
			}
		})
	}
}
