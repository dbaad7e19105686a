package caseclient

import (
	"context"
	"errors"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/converter"

	"github.com/caseflow/caseflow/encryption"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
)

// archived reads timeline entries numbered before `before` (0: any) from the inputs of the
// case's runs, newest run first, until it has want entries the caller may see or there are no
// earlier runs. Each run's input holds the page of entries its predecessor stopped carrying.
// Earlier runs are kept by Temporal for the namespace's retention period, which is therefore the
// agency's retention of the case's full timeline (see the README's deployment section).
func (c *Client) archived(ctx context.Context, caseID string, sight safeguarding.Sight, before, want int) ([]safeguarding.Entry, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	wid := workflows.WorkflowID(caseID)
	runID := ""
	var out []safeguarding.Entry
	for len(out) < want {
		in, previous, err := c.runInput(ctx, wid, runID)
		if err != nil {
			return nil, err
		}
		if previous == "" {
			// Only a run that continues another carries an archive: one a fresh start brings
			// was written by a client, and the workflow ignores it too (workflows.Input).
			in.Archive = nil
		}
		var page []safeguarding.Entry
		for _, e := range entriesBefore(in.Archive, before) {
			if sight.SeesEntry(e) {
				page = append(page, e)
			}
		}
		out = append(page, out...)
		if previous == "" {
			break
		}
		runID = previous
	}
	return out, nil
}

// runInput decodes the input a run started with, and names the run it continued.
func (c *Client) runInput(ctx context.Context, wid, runID string) (workflows.Input, string, error) {
	iter := c.temporal.GetWorkflowHistory(ctx, wid, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !iter.HasNext() {
		return workflows.Input{}, "", fmt.Errorf("read the history of case run %s: empty", runID)
	}
	first, err := iter.Next()
	if err != nil {
		return workflows.Input{}, "", translate(err)
	}
	started := first.GetWorkflowExecutionStartedEventAttributes()
	var in workflows.Input
	err = c.converter().FromPayloads(started.GetInput(), &in)
	if errors.Is(err, encryption.ErrPlaintext) && first.GetEventTime().AsTime().Before(c.clearBefore) {
		// Written in clear before caseflow encrypted payloads, during the migration.
		err = converter.GetDefaultDataConverter().FromPayloads(started.GetInput(), &in)
	}
	if err != nil {
		return workflows.Input{}, "", fmt.Errorf("decode the input of case run %s: %w", runID, err)
	}
	return in, started.GetContinuedExecutionRunId(), nil
}

// converter decodes what the case workflows wrote: the client's own data converter when one is
// set, else the default.
func (c *Client) converter() converter.DataConverter {
	if c.dataConverter != nil {
		return c.dataConverter
	}
	return converter.GetDefaultDataConverter()
}
