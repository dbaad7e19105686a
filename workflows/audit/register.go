package audit

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register puts the access audit's stream and the chunks it seals on a worker.
func (w *Workflows) Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(w.Stream, workflow.RegisterOptions{Name: WorkflowName})
	r.RegisterWorkflowWithOptions(w.Chunk, workflow.RegisterOptions{Name: ChunkWorkflowName})
}
