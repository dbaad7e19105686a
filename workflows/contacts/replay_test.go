package contacts

import (
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/test/replaytest"
)

// TestReplayRecordedHistories replays the recorded histories of the contacts learned at sign-in
// (run by run, across a continue-as-new) with today's code and its clocks a year ahead.
func TestReplayRecordedHistories(t *testing.T) {
	replaytest.Replay(t, "testdata/histories", 4, func(r worker.WorkflowReplayer) {
		contacts := &Workflow{Callers: replaytest.Verifier(t)}
		r.RegisterWorkflowWithOptions(contacts.Run, workflow.RegisterOptions{Name: WorkflowName})
	})
}
