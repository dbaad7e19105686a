package workflows

import (
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register puts the case workflow on a worker, with the workflows a case starts: the chunks its
// record is sealed in, its destruction, and its entry in the destruction register.
func (cw *CaseWorkflow) Register(r worker.WorkflowRegistry) {
	r.RegisterWorkflowWithOptions(cw.Run, workflow.RegisterOptions{Name: WorkflowName})
	r.RegisterWorkflowWithOptions(cw.RecordChunk, workflow.RegisterOptions{Name: RecordChunkWorkflowName})
	r.RegisterWorkflowWithOptions(cw.DestroyRecord, workflow.RegisterOptions{Name: DestroyWorkflowName})
	r.RegisterWorkflowWithOptions(cw.RegisterEntry, workflow.RegisterOptions{Name: RegisterEntryWorkflowName})
}
