package workflows

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/policy"
)

// TestReplayRecordedHistories replays every history recorded from earlier versions of the
// workflow (workflows/testdata/histories, written by ./internal/recordhistories) with
// today's code. A change that alters the order of commands fails here unless it is guarded with
// workflow.GetVersion, and cases already running would otherwise break.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/histories/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("found %d recorded histories, want at least 4", len(files))
	}
	logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			// Replay never asks the policy: every deadline comes from the recorded side effects,
			// so a different policy here must not matter.
			cw := &CaseWorkflow{Policy: func() *policy.Policy { return nil }}
			replayer.RegisterWorkflowWithOptions(cw.Run, workflow.RegisterOptions{Name: WorkflowName})
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(logger, file); err != nil {
				t.Fatalf("replay %s: %v", file, err)
			}
		})
	}
}
