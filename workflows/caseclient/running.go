package caseclient

import (
	"context"
	"fmt"
	"strings"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/caseflow/caseflow/workflows"
)

// runningCases lists the case workflows still running, through Temporal visibility.
var runningCases = fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running'", workflows.WorkflowName)

// Running calls each with the id of every running case, a visibility page at a time, in the
// client's namespace. It stops at the first page it cannot read, or at the first error each
// returns, which it returns as it is.
func (c *Client) Running(ctx context.Context, each func(caseID string) error) error {
	var token []byte
	for {
		resp, err := c.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: runningCases, NextPageToken: token, PageSize: 500,
		})
		if err != nil {
			return fmt.Errorf("list running cases: %w", err)
		}
		for _, exec := range resp.GetExecutions() {
			if caseID, ok := strings.CutPrefix(exec.GetExecution().GetWorkflowId(), workflows.WorkflowID("")); ok {
				if err := each(caseID); err != nil {
					return err
				}
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return nil
		}
	}
}
