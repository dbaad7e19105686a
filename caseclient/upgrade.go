package caseclient

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
)

// UpgradeRules moves one case to the current safeguarding rules. The update is refused, leaving
// no trace, when the case already follows them; that is reported as done.
func (c *Client) UpgradeRules(ctx context.Context, caseID string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	_, err := result(ctx)(c.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID:   workflows.WorkflowID(caseID),
		UpdateID:     safeguarding.UpgradeRulesStep + "-" + strconv.Itoa(int(safeguarding.RulesCurrent)),
		UpdateName:   safeguarding.UpgradeRulesStep,
		Args:         []any{safeguarding.RulesCurrent},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	}))
	switch code := safeguarding.CodeOf(err); {
	case err == nil:
		return true, nil
	case code == safeguarding.EConflict, code == safeguarding.ENotFound:
		return false, nil
	}
	return false, fmt.Errorf("upgrade case %s: %w", caseID, err)
}

// UpgradeRunning moves every running case that follows older rules to the current ones, and
// reports how many it moved. The worker runs it when it starts, so a release's safer rules reach
// the cases already open, each by a recorded update.
func UpgradeRunning(ctx context.Context, tc client.Client, logger *slog.Logger) (int, error) {
	cases := New(tc, Options{}) // the upgrade names no caller: it only brings a case to the rules its worker applies
	moved := 0
	err := cases.Running(ctx, func(caseID string) error {
		ok, err := cases.UpgradeRules(ctx, caseID)
		switch {
		case errors.Is(err, context.Canceled):
			return err
		case err != nil:
			logger.Warn("case not upgraded", "case", caseID, "error", err)
		case ok:
			moved++
		}
		return nil
	})
	if err != nil {
		return moved, fmt.Errorf("upgrade cases: %w", err)
	}
	return moved, nil
}
