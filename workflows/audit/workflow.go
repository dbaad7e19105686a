package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
)

// Record is one access.
type Record struct {
	At time.Time `json:"at"`
	// UserID, Role and Team are who, as their token named them.
	UserID string            `json:"user_id"`
	Role   safeguarding.Role `json:"role"`
	Team   string            `json:"team,omitempty"`
	// Action is what was asked: the API operation (getCase, getTimeline, listCases, a step's
	// name) or codec-decode.
	Action string `json:"action"`
	// Outcome is allowed, refused or failed, and Status the HTTP status answered.
	Outcome   string `json:"outcome"`
	Status    int    `json:"status,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	// Detail says more where the action needs it, such as how many payloads were decoded.
	Detail string `json:"detail,omitempty"`
	// Count, on the record of a refusal that showed nothing of the case (404, 403), is how many
	// times that person had been refused it that hour: such refusals are recorded at the 1st,
	// 10th, 100th..., so that a flood of them cannot bury the log.
	Count int64 `json:"count,omitempty"`
	// Late marks a record the audit took so long after the API signed it (a worker down for
	// over a week) that it cannot be told from a copy of one already listed: it is kept, since an
	// access log errs on the side of keeping, and an auditor reading it knows it may repeat one.
	Late bool `json:"late,omitempty"`
}

// Outcomes of an access.
const (
	Allowed = "allowed"
	Refused = "refused"
	Failed  = "failed"
)

// Names of the audit workflows, their signal, update and query.
const (
	WorkflowName      = "AuditStream"
	ChunkWorkflowName = "AuditChunk"
	// SignalAppend carries a SignedBatch: how the API appends.
	SignalAppend = "append-records"
	// UpdateAppend is how the API appended before SignalAppend; kept for replicas of that
	// release during an upgrade, and for the histories they wrote.
	UpdateAppend = "append"
	QueryRecords = "records"
	// readOperation is what a reader's proof vouches for.
	readOperation = "audit.read"
)

// Stream names what an audit workflow records: one case, or the codec endpoint.
type Stream string

// CodecStream records every decode through the codec endpoint.
const CodecStream Stream = "codec"

// CaseStream is the stream of one case.
func CaseStream(caseID string) Stream { return Stream("case-" + caseID) }

// AuditWorkflowID is the workflow id of a stream's head.
func AuditWorkflowID(s Stream) string { return "audit-" + string(s) }

// AuditChunkID is the workflow id of the n-th sealed chunk of a stream, counted from 0.
func AuditChunkID(s Stream, n int) string { return AuditChunkSeries(s) + strconv.Itoa(n) }

// AuditChunkSeries is what the ids of a stream's chunks start with, before their number.
func AuditChunkSeries(s Stream) string { return "audit-" + string(s) + "-chunk-" }

// Defaults of the head: continue as new well before Temporal's history limits, and seal a
// chunk of records when the head carries this many (about 150 bytes each before compression).
const (
	DefaultMaxHistory = 2000
	DefaultChunkSize  = 2000
)

// Input starts or continues a stream's head.
type Input struct {
	Stream Stream `json:"stream"`
	// Records are those not yet sealed into a chunk.
	Records []Record `json:"records,omitempty"`
	// Sealed counts the chunks sealed so far.
	Sealed int `json:"sealed,omitempty"`
	// Taken are the digests of the batches taken in the last week (rememberFor), with when the
	// API signed each, so that a batch sent again (a retry after a timeout that had in fact
	// stored it, or a copy) is stored once. Batches signed before TakenSince can no longer be
	// told from a copy: they are kept, marked Late.
	Taken      []TakenBatch `json:"taken,omitempty"`
	TakenSince time.Time    `json:"taken_since,omitzero"`
	// Recent are the digests the release before Taken remembered, without their times; a run
	// continued from one of its heads moves them into Taken.
	Recent []string `json:"recent,omitempty"`
	// MaxHistory and ChunkSize replace the defaults when set (tests use small ones).
	MaxHistory int `json:"max_history,omitempty"`
	ChunkSize  int `json:"chunk_size,omitempty"`
}

// TakenBatch is a batch the head took: its digest and when the API signed it.
type TakenBatch struct {
	Digest   string    `json:"d"`
	SignedAt time.Time `json:"at"`
}

// recentBatches is how many batch digests the release before Taken remembered.
const recentBatches = 256

// Batch is the argument of an append: records, signed by the API as a whole.
type Batch struct {
	Records []Record `json:"records"`
}

// SignedBatch is the argument of the append signal: a batch and the API's proof of it.
type SignedBatch struct {
	Batch Batch          `json:"batch"`
	Proof identity.Proof `json:"proof"`
}

// Page is the answer of the records query: the records a workflow holds, oldest first, and for
// the head how many chunks precede them.
type Page struct {
	Records []Record `json:"records"`
	Sealed  int      `json:"sealed,omitempty"`
}

// Verifier checks the API's proofs (identity.Verifier in the worker): Verify against the wall
// clock, for queries and validators; VerifyAt against a time Temporal recorded, and Authentic
// against no time, for workflow code, whose decisions must be the same on every replay.
type Verifier interface {
	Verify(identity.Call, identity.Proof) error
	VerifyAt(identity.Call, identity.Proof, time.Time) error
	Authentic(identity.Call, identity.Proof) error
}

// Workflows are the audit workflows as the worker registers them.
type Workflows struct {
	// Callers checks the proof on every append and read; without it all are refused.
	Callers Verifier
}

// ErrNotVouchedFor refuses an append or a read that did not come from the API.
var ErrNotVouchedFor = errors.New("this request did not come through caseflow and was refused")

// appendCall is what the API signs for a batch.
func appendCall(s Stream, b Batch) (identity.Call, error) {
	body, err := json.Marshal(b)
	if err != nil {
		return identity.Call{}, fmt.Errorf("encode audit batch: %w", err)
	}
	return identity.Call{Operation: UpdateAppend, Subject: string(s), Body: body}, nil
}

func readCall(s Stream, reader safeguarding.Actor) identity.Call {
	return identity.Call{Operation: readOperation, Subject: string(s), Actor: reader}
}

// verifyBatch checks the API's fresh proof of a batch, for the append update's validator.
func (w *Workflows) verifyBatch(s Stream, b Batch, proof identity.Proof) error {
	call, err := appendCall(s, b)
	if err != nil {
		return err
	}
	return w.verify(call, proof)
}

// batchDigest names a batch: the body the API signs, hashed.
func batchDigest(b Batch) string {
	body, err := json.Marshal(b)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:16])
}

func (w *Workflows) verify(call identity.Call, proof identity.Proof) error {
	if w.Callers == nil {
		return ErrNotVouchedFor
	}
	if err := w.Callers.Verify(call, proof); err != nil {
		return ErrNotVouchedFor
	}
	return nil
}

// recordsQuery answers the records query for a reader the API vouched for.
func (w *Workflows) recordsQuery(s Stream, page func() Page) func(safeguarding.Actor, identity.Proof) (Page, error) {
	return func(reader safeguarding.Actor, proof identity.Proof) (Page, error) {
		if err := w.verify(readCall(s, reader), proof); err != nil {
			return Page{}, err
		}
		return page(), nil
	}
}

// Stream is the head of a stream: it appends batches, answers reads, seals chunks and continues
// as new.
//
// Batches arrive as signals: Temporal stores a signal before SignalWithStart returns, so the
// API's wait for a record is one write on the server, not a round trip through this worker as
// an update's is. A signal cannot be refused before it reaches history as an update can, so
// the head judges each batch as it takes it (see take.go) and drops, with a warning, one the API
// did not sign: it is in the history, never in the records.
func (w *Workflows) Stream(ctx workflow.Context, in Input) error {
	h := newHead(ctx, w, in)
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateAppend,
		func(ctx workflow.Context, b Batch, _ identity.Proof) (int, error) {
			h.records = append(h.records, b.Records...)
			return len(b.Records), nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, b Batch, proof identity.Proof) error {
			return w.verifyBatch(h.stream, b, proof)
		}})
	if err != nil {
		return err
	}
	err = workflow.SetQueryHandler(ctx, QueryRecords, w.recordsQuery(h.stream, func() Page {
		return Page{Records: h.records, Sealed: h.sealed}
	}))
	if err != nil {
		return err
	}
	continueAsNew := func() bool {
		info := workflow.GetInfo(ctx)
		return info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= h.maxHistory
	}
	for {
		if err := workflow.Await(ctx, func() bool { return h.appends.Len() > 0 || len(h.records) >= h.chunkSize || continueAsNew() }); err != nil {
			return err
		}
		h.takeSignalled(ctx)
		if len(h.records) >= h.chunkSize {
			chunk := append([]Record(nil), h.records[:h.chunkSize]...)
			if err := sealChunk(ctx, h.stream, h.sealed, chunk); err != nil {
				return err
			}
			h.records = append([]Record(nil), h.records[h.chunkSize:]...)
			h.sealed++
			continue
		}
		if !continueAsNew() {
			continue
		}
		if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
			return err
		}
		// Signals that came while the updates finished go with the records; any that come
		// after this task started make Temporal refuse the continue-as-new and run it again.
		h.takeSignalled(ctx)
		return workflow.NewContinueAsNewError(ctx, WorkflowName, h.next(in))
	}
}

// ChunkInput is a sealed chunk of a stream.
type ChunkInput struct {
	Stream  Stream   `json:"stream"`
	Index   int      `json:"index"`
	Records []Record `json:"records"`
}

// sealChunk starts the chunk workflow holding records, and returns once Temporal has it. The
// chunk outlives the head (ParentClosePolicy abandon), and its id is fixed, so a head that is
// replayed or retried cannot seal the same chunk twice.
func sealChunk(ctx workflow.Context, s Stream, n int, records []Record) error {
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:        AuditChunkID(s, n),
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
	child := workflow.ExecuteChildWorkflow(cctx, ChunkWorkflowName, ChunkInput{Stream: s, Index: n, Records: records})
	if err := child.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		return fmt.Errorf("seal audit chunk %d of %s: %w", n, s, err)
	}
	return nil
}

// Chunk holds a sealed chunk of records and answers reads of it. It never ends: an open
// workflow is never deleted by the namespace's retention. Only the head of its stream starts a
// chunk, as its child under the chunk's own id; a chunk started any other way holds nothing and
// ends at once, leaving its id to the head.
func (w *Workflows) Chunk(ctx workflow.Context, in ChunkInput) error {
	if !identity.StartedAsChildOf(workflow.GetInfo(ctx), AuditWorkflowID(in.Stream), AuditChunkID(in.Stream, in.Index)) {
		return temporal.NewNonRetryableApplicationError("an audit chunk is started only by the head of its stream", "NotSealedByHead", nil)
	}
	err := workflow.SetQueryHandler(ctx, QueryRecords, w.recordsQuery(in.Stream, func() Page {
		return Page{Records: in.Records}
	}))
	if err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return false })
}
