package replaytest

import (
	"bytes"
	"encoding/base64"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/security/encryption"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/security/keyring"
)

// Ahead is how far past the recording every replay moves caseflow's clocks: a case cached by no
// worker for a year replays as it ran.
const Ahead = 366 * 24 * time.Hour

// Replay replays every history in dir (files *.json, as `temporal workflow show --output json`
// writes them) with the workflows register adds, and fails unless there are at least min. The
// replayer decodes with the converters of the test keys the histories were recorded under, which
// refuse payloads in clear, as caseflow's do.
func Replay(t *testing.T, dir string, min int, register func(worker.WorkflowReplayer)) {
	t.Helper()
	replay(t, dir, min, Converters(t), register)
}

// ReplayMigrating is Replay for a directory that also holds histories recorded before payloads
// were encrypted: the converters have the migration switch on, read on the migration's last day
// (encryption.PlaintextEnd), as a worker of a deployment that set it read them then.
func ReplayMigrating(t *testing.T, dir string, min int, register func(worker.WorkflowReplayer)) {
	t.Helper()
	replay(t, dir, min, Migrating(t), register)
}

// Migrating are the converters of the test keys with the migration switch on, read on the
// migration's last day.
func Migrating(t testing.TB) *encryption.Converters {
	t.Helper()
	end := encryption.PlaintextEnd()
	return Converters(t).AllowingPlaintextUntil(end, func() time.Time { return end })
}

func replay(t *testing.T, dir string, min int, converters *encryption.Converters, register func(worker.WorkflowReplayer)) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < min {
		t.Fatalf("found %d recorded histories in %s, want at least %d: record them with ./internal/recordhistories", len(files), dir, min)
	}
	logger := log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))
	encrypted := 0
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
			register(replayer)
			history, err := client.HistoryFromJSON(bytes.NewReader(data), client.HistoryJSONOptions{})
			if err != nil {
				t.Fatalf("read %s: %v", file, err)
			}
			// Under the workflow id it ran as: workflows that check who started them (a chunk, a
			// destruction) read their own id, which the replayer otherwise makes up.
			id := history.GetEvents()[0].GetWorkflowExecutionStartedEventAttributes().GetWorkflowId()
			if err := replayer.ReplayWorkflowHistoryWithOptions(logger, history, worker.ReplayWorkflowHistoryOptions{
				OriginalExecution: workflow.Execution{ID: id},
			}); err != nil {
				t.Fatalf("replay %s: %v", file, err)
			}
		})
	}
	if encrypted == 0 {
		t.Errorf("no history in %s has encrypted payloads: record one with ./internal/recordhistories", dir)
	}
}

// Keys are the test keys the histories were recorded under (workflows/testdata/keys.json).
func Keys(t testing.TB) *keyring.Keys {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	data, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "workflows", "testdata", "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := keyring.Parse(data, false)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

// Converters are the converters of the test keys.
func Converters(t testing.TB) *encryption.Converters {
	t.Helper()
	c, err := encryption.NewConverters(Keys(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Verifier checks proofs with the test keys, its clock a year ahead. Replay runs no validator
// and no query, so the clock is never read unless workflow code reads it: that is a bug (what the
// workflow decides must not depend on when it is replayed), and the test fails naming it.
func Verifier(t testing.TB) *identity.Verifier {
	v := identity.NewVerifier(Keys(t))
	v.Now = func() time.Time {
		t.Errorf("workflow code read the proof verifier's wall clock during replay: its decisions would change with the day it is replayed")
		return time.Now().Add(Ahead)
	}
	return v
}
