package digest

import (
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// Register puts the morning digest and the activity that sends it on a worker. It is a function,
// not a method of Activities, whose every method a worker would take for an activity.
func Register(r worker.Registry, a *Activities) {
	r.RegisterWorkflowWithOptions(Workflow, workflow.RegisterOptions{Name: WorkflowName})
	r.RegisterActivityWithOptions(a.SendDigests, activity.RegisterOptions{Name: SendName})
}
