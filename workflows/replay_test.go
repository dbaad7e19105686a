package workflows

import (
	"encoding/base64"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/encryption"
	"github.com/caseflow/caseflow/keyring"
	"github.com/caseflow/caseflow/policy"
)

// TestReplayRecordedHistories replays every history recorded from earlier versions of the
// workflow (workflows/testdata/histories, written by ./internal/recordhistories) with
// today's code. A change that alters the order of commands fails here unless it is guarded with
// workflow.GetVersion, and cases already running would otherwise break. The replayer uses the
// converters of the worker, with the test keys the histories were recorded under: histories
// recorded before payloads were encrypted replay through them too.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/histories/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("found %d recorded histories, want at least 4", len(files))
	}
	converters := testConverters(t)
	encrypted := 0
	logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), base64.StdEncoding.EncodeToString([]byte(encryption.Encoding))) {
			encrypted++
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			replayer, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
				DataConverter: converters.Data, FailureConverter: converters.Failure,
			})
			if err != nil {
				t.Fatal(err)
			}
			// Replay never asks the policy: every deadline comes from the recorded side effects,
			// so a different policy here must not matter.
			cw := &CaseWorkflow{Policy: func() *policy.Policy { return nil }}
			replayer.RegisterWorkflowWithOptions(cw.Run, workflow.RegisterOptions{Name: WorkflowName})
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(logger, file); err != nil {
				t.Fatalf("replay %s: %v", file, err)
			}
		})
	}
	if encrypted == 0 {
		t.Error("no recorded history has encrypted payloads: record one with ./internal/recordhistories")
	}
}

// testConverters are the converters of the test keys the histories were recorded under.
func testConverters(t *testing.T) *encryption.Converters {
	t.Helper()
	data, err := os.ReadFile("testdata/keys.json")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := keyring.Parse(data, false)
	if err != nil {
		t.Fatal(err)
	}
	c, err := encryption.NewConverters(keys)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
