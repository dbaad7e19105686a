package digest

import (
	"testing"

	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/test/replaytest"
)

// TestReplayRecordedHistories replays a recorded morning digest with today's code and its clocks
// a year ahead.
func TestReplayRecordedHistories(t *testing.T) {
	replaytest.Replay(t, "testdata/histories", 1, func(r worker.WorkflowReplayer) {
		r.RegisterWorkflowWithOptions(Workflow, workflow.RegisterOptions{Name: WorkflowName})
	})
}
