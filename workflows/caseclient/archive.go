package caseclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/converter"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/encryption"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/workflows"
)

// older reads up to want timeline entries numbered before `before` (0: any) that the case no
// longer carries, as the caller may see them, oldest first. Entries after the case's sealed
// record (a run that continued before record chunks) are read from earlier runs' inputs; the rest
// from the record chunks that hold them, newest first, which outlive any namespace retention.
func (c *Client) older(ctx context.Context, caseID string, actor safeguarding.Actor, a workflows.TimelineAnswer, before, want int) ([]safeguarding.Entry, error) {
	var out []safeguarding.Entry
	if a.ArchivedThrough > a.SealedThrough && (before == 0 || before > a.SealedThrough+1) {
		runs, err := c.archived(ctx, caseID, *a.Sight, before, want, a.SealedThrough)
		if err != nil {
			return nil, err
		}
		out = runs
	}
	for n := len(a.ChunkStarts) - 1; n >= 0 && len(out) < want; n-- {
		if before > 0 && a.ChunkStarts[n] >= before {
			continue // every entry of this chunk is at or after before
		}
		page, err := c.chunk(ctx, caseID, n, actor, *a.Sight)
		if err != nil {
			return nil, err
		}
		out = append(entriesBefore(page, before), out...)
	}
	return out, nil
}

// chunk reads the entries of a case's n-th record chunk the caller may see, vouching for the
// caller and the sight the case gave them.
func (c *Client) chunk(ctx context.Context, caseID string, n int, actor safeguarding.Actor, sight safeguarding.Sight) ([]safeguarding.Entry, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	proof := c.proof(ctx, identity.Call{Operation: workflows.QueryRecordChunk, Subject: caseID, Actor: actor, Body: workflows.SightProofBody(sight)})
	value, err := c.temporal.QueryWorkflow(ctx, workflows.RecordChunkID(caseID, n), "", workflows.QueryRecordChunk, actor, sight, proof)
	if err != nil {
		return nil, fmt.Errorf("read timeline chunk %d of case %s: %w", n, caseID, translate(err))
	}
	var a workflows.RecordChunkAnswer
	if err := value.Get(&a); err != nil {
		return nil, fmt.Errorf("decode timeline chunk %d of case %s: %w", n, caseID, err)
	}
	if a.Refused != nil {
		return nil, a.Refused
	}
	return a.Entries, nil
}

// archived reads timeline entries numbered after floor and before `before` (0: any) from the
// inputs of the case's runs, newest run first, until it has want entries the caller may see, it
// reaches a run whose page starts at or below floor (the record chunks hold what is older), or
// there are no earlier runs: the first run, or one the namespace's retention already deleted.
func (c *Client) archived(ctx context.Context, caseID string, sight safeguarding.Sight, before, want, floor int) ([]safeguarding.Entry, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	wid := workflows.WorkflowID(caseID)
	runID := ""
	var out []safeguarding.Entry
	for len(out) < want {
		in, previous, err := c.runInput(ctx, wid, runID)
		if errors.Is(err, errRunGone) {
			break
		}
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
			if e.Seq > floor && sight.SeesEntry(e) {
				page = append(page, e)
			}
		}
		out = append(page, out...)
		if previous == "" || len(in.Archive) > 0 && in.Archive[0].Seq <= floor {
			break
		}
		runID = previous
	}
	return out, nil
}

// errRunGone: the run's history is no longer kept (the namespace's retention deleted it).
var errRunGone = errors.New("the run's history is no longer kept")

// runInput decodes the input a run started with, and names the run it continued.
func (c *Client) runInput(ctx context.Context, wid, runID string) (workflows.Input, string, error) {
	iter := c.temporal.GetWorkflowHistory(ctx, wid, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	if !iter.HasNext() {
		return workflows.Input{}, "", fmt.Errorf("read the history of case run %s: empty", runID)
	}
	first, err := iter.Next()
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return workflows.Input{}, "", errRunGone
	}
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

// archivedPagesBudget bounds the entries one ArchivedPages answer carries, in bytes of JSON
// before encryption, well under Temporal's limit on a payload (2 MiB).
const archivedPagesBudget = 1 << 20

// ArchivedPages is the activity (workflows.ArchivedPagesName) that reads back the pages of
// timeline entries numbered after req.After which the runs of a case, from req.RunID back, still
// hold in their inputs, for the case workflow to seal into record chunks. Pages come oldest
// first, as many as fit the budget (at least one); More says others wait. A run the namespace's
// retention deleted ends the reading: its page is gone.
func (c *Client) ArchivedPages(ctx context.Context, req workflows.ArchivedPagesRequest) (workflows.ArchivedPages, error) {
	wid := workflows.WorkflowID(req.CaseID)
	var pages [][]safeguarding.Entry
	for runID := req.RunID; runID != ""; {
		in, previous, err := c.runInput(ctx, wid, runID)
		if errors.Is(err, errRunGone) {
			break
		}
		if err != nil {
			return workflows.ArchivedPages{}, err
		}
		if previous == "" {
			// A first run's archive was written by whoever started it, not by the case: it is
			// never sealed into the record (see archived).
			in.Archive = nil
		}
		if page := entriesAfter(in.Archive, req.After); len(page) > 0 {
			pages = append(pages, page)
		}
		if len(in.Archive) > 0 && in.Archive[0].Seq <= req.After {
			break // what is older is sealed already
		}
		runID = previous
	}
	slices.Reverse(pages)
	var out workflows.ArchivedPages
	size := 0
	for _, page := range pages {
		body, err := json.Marshal(page)
		if err != nil {
			return workflows.ArchivedPages{}, fmt.Errorf("measure a timeline page: %w", err)
		}
		if len(out.Pages) > 0 && size+len(body) > archivedPagesBudget {
			out.More = true
			break
		}
		out.Pages = append(out.Pages, page)
		size += len(body)
	}
	return out, nil
}

// entriesAfter keeps the entries numbered after n.
func entriesAfter(entries []safeguarding.Entry, n int) []safeguarding.Entry {
	var out []safeguarding.Entry
	for _, e := range entries {
		if e.Seq > n {
			out = append(out, e)
		}
	}
	return out
}

// converter decodes what the case workflows wrote: the client's own data converter when one is
// set, else the default.
func (c *Client) converter() converter.DataConverter {
	if c.dataConverter != nil {
		return c.dataConverter
	}
	return converter.GetDefaultDataConverter()
}
