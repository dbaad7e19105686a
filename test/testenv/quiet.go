package testenv

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// WaitQuiet waits until a workflow has nothing under way: no workflow task, activity (a
// projection, say), child workflow or Nexus operation pending. Its history then grows only
// when something new reaches it, or a timer fires.
func WaitQuiet(t testing.TB, c client.Client, workflowID string) {
	t.Helper()
	Eventually(t, 30*time.Second, "workflow "+workflowID+" to have nothing under way", func() bool {
		d, err := c.DescribeWorkflowExecution(context.Background(), workflowID, "")
		if err != nil {
			t.Fatalf("describe %s: %v", workflowID, err)
		}
		return d.GetPendingWorkflowTask() == nil && len(d.GetPendingActivities()) == 0 &&
			len(d.GetPendingChildren()) == 0 && len(d.GetPendingNexusOperations()) == 0
	})
}
