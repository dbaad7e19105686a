package contacts

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register puts the contacts workflow on a worker.
func (w *Workflow) Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(w.Run, workflow.RegisterOptions{Name: WorkflowName})
}
