package caseclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
)

// CatchUp asks a case to go on in a run of the worker's release (workflows.UpdateCatchUp): a run
// begun by an earlier release continues as new, and the new run moves the case to the current
// rules by itself. The update carries nothing; a run of the current release refuses it, leaving
// no trace, which is reported as not needed.
func (c *Client) CatchUp(ctx context.Context, caseID string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	_, err := result(ctx)(c.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflows.WorkflowID(caseID),
		UpdateID:     workflows.UpdateCatchUp,
		UpdateName:   workflows.UpdateCatchUp,
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}))
	switch code := safeguarding.CodeOf(err); {
	case err == nil:
		return true, nil
	case code == safeguarding.EConflict, code == safeguarding.ENotFound:
		return false, nil
	}
	return false, fmt.Errorf("catch up case %s: %w", caseID, err)
}

// CatchUpRunning asks every running case to catch up (CatchUp) and reports how many went on in
// a new run. The worker runs it when it starts, so that the cases already open reach its
// release, and its rules, without waiting for their next continue-as-new. It needs no signer:
// the update vouches for nobody and changes nothing a client chooses.
func CatchUpRunning(ctx context.Context, tc client.Client, logger *slog.Logger) (int, error) {
	cases := New(tc, Options{})
	moved := 0
	err := cases.Running(ctx, func(caseID string) error {
		ok, err := cases.CatchUp(ctx, caseID)
		switch {
		case errors.Is(err, context.Canceled):
			return err
		case err != nil:
			logger.Warn("case not caught up", "case", caseID, "error", err)
		case ok:
			moved++
		}
		return nil
	})
	if err != nil {
		return moved, fmt.Errorf("catch up cases: %w", err)
	}
	return moved, nil
}
