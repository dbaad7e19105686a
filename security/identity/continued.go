package identity

import "go.temporal.io/sdk/workflow"

// ContinuedByItself reports whether a run was started by its own workflow's continue-as-new, so
// that the state in its input is what the previous run carried, not what a client wrote. Only
// the Temporal server links a run to the one it continues, and a client's start can set no such
// link; a run that Temporal retried or started from a cron schedule is also linked to the run
// before it, but then carries the client's first input again, so those count as started by a
// client. caseflow's workflows have neither a retry policy nor a cron schedule.
func ContinuedByItself(info *workflow.Info) bool {
	return info.ContinuedExecutionRunID != "" && info.Attempt <= 1 && info.CronSchedule == "" && info.RetryPolicy == nil
}

// StartedAsChildOf reports whether a workflow runs under ownID and was started by the workflow
// parentID as its child: what a workflow that holds records (a chunk, a destruction, a register
// entry) checks before it holds anything, since only that parent starts it so, and a client's
// start can name no parent.
func StartedAsChildOf(info *workflow.Info, parentID, ownID string) bool {
	parent := info.ParentWorkflowExecution
	return parent != nil && parent.ID == parentID && info.WorkflowExecution.ID == ownID
}
