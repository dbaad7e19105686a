package audit

import (
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/test/replaytest"
)

// TestReplayRecordedHistories replays the recorded histories of an audit stream (its head, run
// by run, and a sealed chunk) with today's code and its clocks a year ahead: the records a head
// took must be the records it takes on every replay, whenever a worker replays it.
func TestReplayRecordedHistories(t *testing.T) {
	replaytest.Replay(t, "testdata/histories", 2, func(r worker.WorkflowReplayer) {
		w := &Workflows{Callers: replaytest.Verifier(t)}
		r.RegisterWorkflowWithOptions(w.Stream, workflow.RegisterOptions{Name: WorkflowName})
		r.RegisterWorkflowWithOptions(w.Chunk, workflow.RegisterOptions{Name: ChunkWorkflowName})
	})
}
