package caseclient

import (
	"context"
	"fmt"
	"slices"

	"go.temporal.io/api/workflowservice/v1"
	"golang.org/x/sync/errgroup"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/workflows"
)

// registerEntries lists the register's entries through visibility: each destroyed record's entry
// is a workflow of its own that never ends.
var registerEntries = fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running'", workflows.RegisterEntryWorkflowName)

// registerReads bounds the entries read at once.
const registerReads = 8

// Register returns the agency's destruction register, the latest destruction first, as the
// Safeguarding Lead reads it. Visibility lags writes by a second or so, so a destruction that
// has just ended may not be listed yet.
func (c *Client) Register(ctx context.Context, actor safeguarding.Actor) ([]workflows.RegisterEntry, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var ids []string
	var token []byte
	for {
		resp, err := c.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: registerEntries, NextPageToken: token, PageSize: 1000})
		if err != nil {
			return nil, translate(err)
		}
		for _, ex := range resp.GetExecutions() {
			ids = append(ids, ex.GetExecution().GetWorkflowId())
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	proof := c.proof(ctx, identity.Call{Operation: workflows.QueryRegisterEntry, Subject: workflows.RegisterSubject, Actor: actor})
	entries := make([]workflows.RegisterEntry, len(ids))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(registerReads)
	for i, id := range ids {
		g.Go(func() error {
			value, err := c.temporal.QueryWorkflow(gctx, id, "", workflows.QueryRegisterEntry, actor, proof)
			if err != nil {
				return translate(err)
			}
			var a workflows.RegisterAnswer
			if err := value.Get(&a); err != nil {
				return fmt.Errorf("decode register entry %s: %w", id, err)
			}
			if a.Refused != nil || a.Entry == nil {
				return refusal(a.Refused)
			}
			entries[i] = *a.Entry
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.SortFunc(entries, func(a, b workflows.RegisterEntry) int { return b.DestroyedAt.Compare(a.DestroyedAt) })
	return entries, nil
}
