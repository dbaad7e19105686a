// Package reindex rebuilds the Redis read model from the case workflows, the system of record:
// after Redis is flushed or replaced, or on an operator's demand (caseflow reindex).
package reindex

import (
	"context"
	"fmt"
	"log/slog"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"golang.org/x/sync/errgroup"

	"github.com/caseflow/caseflow/caseclient"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/workflows"
)

// concurrency bounds the summary queries in flight during a rebuild.
const concurrency = 8

// Run projects every running case's summary into the store and reports how many it projected.
// It lists cases through Temporal visibility and asks each workflow for its summary, so a case
// that changes meanwhile is still projected at its newest version (projection is versioned).
func Run(ctx context.Context, tc client.Client, namespace string, store *readmodel.Store, logger *slog.Logger) (int, error) {
	cases := caseclient.New(tc, caseclient.Options{}) // summaries only: no caller to vouch for
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(concurrency)
	projected := make(chan struct{}, 1024)
	done := make(chan int)
	go func() {
		n := 0
		for range projected {
			n++
		}
		done <- n
	}()
	var token []byte
	query := fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Running'", workflows.WorkflowName)
	for {
		resp, err := tc.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Namespace: namespace, Query: query, NextPageToken: token, PageSize: 500,
		})
		if err != nil {
			close(projected)
			<-done
			return 0, fmt.Errorf("list cases: %w", err)
		}
		for _, exec := range resp.GetExecutions() {
			id := exec.GetExecution().GetWorkflowId()
			g.Go(func() error {
				caseID := id[len("case-"):]
				sum, err := cases.Summary(gctx, caseID)
				if err != nil {
					// A workflow that never opened a case has no summary: skip it.
					logger.Debug("case skipped in rebuild", "case", caseID, "error", err)
					return nil
				}
				if _, err := store.Project(gctx, sum); err != nil {
					return err
				}
				projected <- struct{}{}
				return nil
			})
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			break
		}
	}
	err := g.Wait()
	close(projected)
	n := <-done
	if err != nil {
		return n, fmt.Errorf("rebuild read model: %w", err)
	}
	if err := store.MarkBuilt(ctx); err != nil {
		return n, err
	}
	return n, nil
}
