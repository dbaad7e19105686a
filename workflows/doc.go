// Package workflows holds CaseWorkflow: one long-running Temporal workflow per safeguarding case.
// It owns the case's state (package safeguarding), accepts every change as a Workflow Update
// whose validator refuses impossible steps before they reach history, keeps the durable timers
// that chase overdue actions, and projects a summary without personal data to the read model.
//
// Workflow code here must stay deterministic: time comes from workflow.Now, policy deadlines are
// recorded with SideEffect, and any change to the order of commands goes behind
// workflow.GetVersion, with recorded histories in testdata/ replayed by the tests.
package workflows
