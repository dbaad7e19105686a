package workflows

import (
	"encoding/json"
	"slices"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
)

// A case runs for years and continues as new many times; the timeline entries a run stops
// carrying (safeguarding.Case.Compact) must stay readable for as long as the record is kept,
// whatever the namespace's retention, which deletes a closed run's history some days after it
// closed. So at each continue-as-new the run seals those entries into a record chunk: a
// workflow of their own, started as the case's child under a fixed id (so a replay cannot seal
// twice) and abandoned by it, which holds them as its input, answers reads, and never ends (an
// open workflow is never deleted by retention). The case keeps where each chunk starts and the
// last entry they hold (Input.ChunkStarts, Input.SealedThrough); readers query the chunks that
// hold the entries they want, newest first.
//
// Cases that continued before chunks existed kept those entries only in their runs' inputs, one
// page per run. At their first continue-as-new with chunks, an activity reads back every page
// still held by an earlier run and the run seals each into a chunk of its own, oldest first,
// before sealing its own page.

// Names of the record chunks.
const (
	// RecordChunkWorkflowName is the registered name of CaseWorkflow.RecordChunk.
	RecordChunkWorkflowName = "CaseRecordChunk"
	// QueryRecordChunk returns the entries of a chunk the caller may see (RecordChunkAnswer).
	QueryRecordChunk = "entries"
	// ArchivedPagesName is the activity that reads the pages of entries earlier runs kept in
	// their inputs (caseclient.Client.ArchivedPages, registered by the worker).
	ArchivedPagesName = "ArchivedPages"
)

// RecordChunkID is the workflow id of a case's n-th record chunk, counted from 0.
func RecordChunkID(caseID string, n int) string { return RecordChunkSeries(caseID) + strconv.Itoa(n) }

// RecordChunkSeries is what the ids of a case's record chunks start with, before their number.
func RecordChunkSeries(caseID string) string { return WorkflowID(caseID) + "-record-" }

// RecordChunkInput is a sealed chunk of a case's timeline, oldest entry first.
type RecordChunkInput struct {
	CaseID  string               `json:"case_id"`
	Index   int                  `json:"index"`
	Entries []safeguarding.Entry `json:"entries"`
}

// RecordChunkAnswer is the answer of a chunk's query: the entries the caller may see, or why not.
type RecordChunkAnswer struct {
	Entries []safeguarding.Entry `json:"entries,omitempty"`
	Refused *safeguarding.Error  `json:"refused,omitempty"`
}

// SightProofBody is what the API's proof of a chunk query covers beside the caller: the sight
// of the case the case workflow gave that caller, by which the chunk filters its entries. A
// chunk holds no parties of its own, so it takes the sight from the query, and the proof makes
// sure the sight is the one the case gave.
func SightProofBody(s safeguarding.Sight) []byte {
	body, err := json.Marshal(s)
	if err != nil {
		return nil // a Sight always marshals; an empty body matches no proof the API signs
	}
	return body
}

// RecordChunk holds a sealed chunk of a case's timeline and answers reads of it. It never
// ends. Only the case's own workflow starts it, as its child under the chunk's id; a chunk
// started any other way holds nothing and ends at once, leaving its id to the case.
func (cw *CaseWorkflow) RecordChunk(ctx workflow.Context, in RecordChunkInput) error {
	if !identity.StartedAsChildOf(workflow.GetInfo(ctx), WorkflowID(in.CaseID), RecordChunkID(in.CaseID, in.Index)) {
		return temporal.NewNonRetryableApplicationError("a record chunk is started only by its case", "NotSealedByCase", nil)
	}
	err := workflow.SetQueryHandler(ctx, QueryRecordChunk, func(actor safeguarding.Actor, sight safeguarding.Sight, proof identity.Proof) (RecordChunkAnswer, error) {
		if err := cw.verifyChunkQuery(in.CaseID, actor, sight, proof); err != nil {
			return RecordChunkAnswer{Refused: domainError(err)}, nil
		}
		var out []safeguarding.Entry
		for _, e := range in.Entries {
			if sight.SeesEntry(e) {
				out = append(out, e)
			}
		}
		return RecordChunkAnswer{Entries: out}, nil
	})
	if err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return false })
}

// verifyChunkQuery checks the API's proof of a chunk query: the caller, and the sight the case
// gave them.
func (cw *CaseWorkflow) verifyChunkQuery(caseID string, actor safeguarding.Actor, sight safeguarding.Sight, proof identity.Proof) error {
	if sight.Actor != actor || !sight.Sees() {
		return notFoundForChunk()
	}
	if cw.Callers == nil || cw.Callers.Verify(identity.Call{Operation: QueryRecordChunk, Subject: caseID, Actor: actor, Body: SightProofBody(sight)}, proof) != nil {
		return notVouchedFor()
	}
	return nil
}

func notFoundForChunk() error {
	return safeguarding.NotFound()
}

// recordChunksChange versions sealing the timeline into record chunks at continue-as-new. Runs
// that continued before it kept the entries they dropped in the next run's input (Input.Archive),
// and their histories replay that way.
const (
	recordChunksChange         = "record-chunks"
	recordChunksSealed         = 1
	recordChunksCurrentVersion = recordChunksSealed
)

// ArchivedPagesRequest asks for the pages of entries numbered after After that the runs of a
// case, from RunID back to its first, still hold in their inputs.
type ArchivedPagesRequest struct {
	CaseID string `json:"case_id"`
	RunID  string `json:"run_id"`
	After  int    `json:"after"`
}

// ArchivedPages are such pages, oldest first, each a run's page; More says that more pages
// wait beyond what one answer may carry: ask again after the last entry given.
type ArchivedPages struct {
	Pages [][]safeguarding.Entry `json:"pages,omitempty"`
	More  bool                   `json:"more,omitempty"`
}

// archivedPagesOptions: reading back a case's earlier runs takes a history read per run. It is
// retried for an hour; if Temporal cannot give the pages by then, the run continues as before
// chunks and the next continue-as-new tries again.
func archivedPagesOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    2 * time.Minute,
		ScheduleToCloseTimeout: time.Hour,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
}

// earlierPagesChange versions sealing, as soon as a run can, the pages earlier runs kept: a case
// that continued before record chunks and is now closed may not continue as new for years, while
// retention deletes its earlier runs within months. It is asked only once the case follows the
// rules of records retention, which a case reaches only in a run of this release (a new case, or
// the move to the current rules a run makes as it begins), so histories recorded before never
// ask it.
const (
	earlierPagesChange         = "seal-earlier-pages"
	earlierPagesSealed         = 1
	earlierPagesCurrentVersion = earlierPagesSealed
)

// sealEarlierPagesSoon starts sealing, in the background, the pages of entries earlier runs still
// hold, once per run, when there are any and the case follows records retention. Continue-as-new
// waits for it, and carries where the chunks it sealed start.
func (r *run) sealEarlierPagesSoon(ctx workflow.Context) {
	if r.earlierPagesAsked || r.state.Rules < safeguarding.RulesRetention || r.state.ArchivedThrough <= r.in.SealedThrough {
		return
	}
	r.earlierPagesAsked = true
	if workflow.GetVersion(ctx, earlierPagesChange, workflow.DefaultVersion, earlierPagesCurrentVersion) < earlierPagesSealed {
		return
	}
	r.background(ctx, "sealing earlier timeline pages", func(ctx workflow.Context) error {
		r.sealEarlierPages(ctx, &r.in)
		return nil
	})
}

// sealRecord seals the entries this run stops carrying into the case's record chunks, after any
// pages earlier runs kept in their inputs, and says where the next run's chunks start. It
// returns false when a page could not be sealed: the run then carries its page in the next
// run's input as runs did before chunks, and a later continue-as-new tries again.
func (r *run) sealRecord(ctx workflow.Context, next *Input, archivedBefore int, dropped []safeguarding.Entry) bool {
	if archivedBefore > next.SealedThrough {
		if !r.sealEarlierPages(ctx, next) {
			return false
		}
	}
	if len(dropped) == 0 {
		return true
	}
	return r.sealChunk(ctx, next, dropped)
}

// sealEarlierPages seals, each into a chunk, the pages of entries earlier runs still hold.
func (r *run) sealEarlierPages(ctx workflow.Context, next *Input) bool {
	for {
		var pages ArchivedPages
		req := ArchivedPagesRequest{CaseID: r.in.CaseID, RunID: workflow.GetInfo(ctx).WorkflowExecution.RunID, After: next.SealedThrough}
		if err := workflow.ExecuteActivity(archivedPagesOptions(ctx), ArchivedPagesName, req).Get(ctx, &pages); err != nil {
			r.logger.Error("earlier runs' timeline pages not read: they stay in those runs until the next continue-as-new", "case", r.in.CaseID, "error", err)
			return false
		}
		for _, page := range pages.Pages {
			if len(page) > 0 && !r.sealChunk(ctx, next, page) {
				return false
			}
		}
		if !pages.More || len(pages.Pages) == 0 {
			return true
		}
	}
}

// startAbandoned starts a workflow that outlives the one starting it (ParentClosePolicy abandon)
// under a fixed id, so that a replayed or retried run cannot start it twice, and returns once
// Temporal has it.
func startAbandoned(ctx workflow.Context, id, name string, input any) error {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: id, ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON})
	return workflow.ExecuteChildWorkflow(cctx, name, input).GetChildWorkflowExecution().Get(ctx, nil)
}

// sealChunk starts the chunk holding entries, and returns once Temporal has it.
func (r *run) sealChunk(ctx workflow.Context, next *Input, entries []safeguarding.Entry) bool {
	n := len(next.ChunkStarts)
	if err := startAbandoned(ctx, RecordChunkID(r.in.CaseID, n), RecordChunkWorkflowName, RecordChunkInput{CaseID: r.in.CaseID, Index: n, Entries: entries}); err != nil {
		r.logger.Error("timeline chunk not sealed", "case", r.in.CaseID, "chunk", n, "error", err)
		return false
	}
	next.ChunkStarts = append(slices.Clone(next.ChunkStarts), entries[0].Seq)
	next.SealedThrough = entries[len(entries)-1].Seq
	return true
}
