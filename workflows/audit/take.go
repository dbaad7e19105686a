package audit

import (
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/security/identity"
)

// verdictChange versions how a head judges a signalled batch. The first release checked each
// batch's proof, freshness included, against the worker's wall clock as it took it: replayed
// more than two minutes later (a restart, a cache eviction), every batch was dropped again and
// the records were lost, or the replay failed once a chunk had been sealed. From version 1 the
// signature is checked once and the verdict recorded (a side effect, never run again on
// replay), and lateness is no reason to drop a record: a batch taken ten minutes or a week late
// is an access that happened. Runs begun before replay the first release's way, with freshness
// judged against the time Temporal recorded for the task, which is what the wall clock read
// when they ran.
const (
	verdictChange         = "recorded-batch-verdict"
	verdictRecorded       = 1
	verdictCurrentVersion = verdictRecorded
)

// How long a head remembers the batches it took, and how many at most: a copy of a batch within
// that time is stored once; an older one is kept, marked Late.
const (
	rememberFor   = 7 * 24 * time.Hour
	maxRemembered = 2048
)

// head is a stream's head in one run: its records, and what it remembers of the batches it took.
type head struct {
	w      *Workflows
	stream Stream
	logger log.Logger

	records []Record
	sealed  int
	taken   []TakenBatch
	since   time.Time
	// recent is the first release's memory of batches, used by runs of that release only.
	recent []string

	appends               workflow.ReceiveChannel
	verdicts              workflow.Version
	maxHistory, chunkSize int
}

func newHead(ctx workflow.Context, w *Workflows, in Input) *head {
	info := workflow.GetInfo(ctx)
	h := &head{
		w: w, stream: streamOf(info.WorkflowExecution.ID, in.Stream), logger: workflow.GetLogger(ctx),
		appends:    workflow.GetSignalChannel(ctx, SignalAppend),
		maxHistory: in.MaxHistory, chunkSize: in.ChunkSize,
	}
	if h.maxHistory <= 0 {
		h.maxHistory = DefaultMaxHistory
	}
	if h.chunkSize <= 0 {
		h.chunkSize = DefaultChunkSize
	}
	if identity.ContinuedByItself(info) {
		h.records, h.sealed, h.taken, h.since, h.recent = in.Records, in.Sealed, in.Taken, in.TakenSince, in.Recent
	} else if len(in.Records) > 0 || in.Sealed != 0 || len(in.Taken) > 0 || len(in.Recent) > 0 {
		// Only a head's own continue-as-new carries records: a start that brings some was not
		// made by caseflow, and what it brings is not the API's.
		h.logger.Warn("audit stream started with records it did not take: they are ignored", "stream", string(h.stream))
	}
	h.verdicts = workflow.GetVersion(ctx, verdictChange, workflow.DefaultVersion, verdictCurrentVersion)
	if h.verdicts >= verdictRecorded && len(h.recent) > 0 {
		// The first release's digests carry no time: remembered from now, they are kept a week.
		for _, d := range h.recent {
			h.taken = append(h.taken, TakenBatch{Digest: d, SignedAt: workflow.Now(ctx)})
		}
		h.recent = nil
	}
	return h
}

// streamOf is the stream a head's workflow id names. The id, not the input, decides: a start
// naming another stream would otherwise make the head refuse every batch the API signs for its own.
func streamOf(workflowID string, named Stream) Stream {
	if s, ok := strings.CutPrefix(workflowID, "audit-"); ok {
		return Stream(s)
	}
	return named
}

// next is the input that continues the head as new.
func (h *head) next(in Input) Input {
	next := in
	next.Stream = h.stream
	next.Records, next.Sealed, next.Taken, next.TakenSince, next.Recent = h.records, h.sealed, h.taken, h.since, h.recent
	return next
}

// takeSignalled takes every batch signalled so far.
func (h *head) takeSignalled(ctx workflow.Context) {
	var batches []SignedBatch
	var sb SignedBatch
	for h.appends.ReceiveAsync(&sb) {
		batches = append(batches, sb)
		sb = SignedBatch{}
	}
	if len(batches) == 0 {
		return
	}
	if h.verdicts == workflow.DefaultVersion {
		h.takeAsFirstRelease(ctx, batches)
		return
	}
	authentic := h.judge(ctx, batches)
	now := workflow.Now(ctx)
	h.forget(now)
	for i, b := range batches {
		if !authentic[i] {
			h.logger.Warn("audit batch dropped: not signed by caseflow's API", "stream", string(h.stream))
			continue
		}
		digest := batchDigest(b.Batch)
		if slices.ContainsFunc(h.taken, func(t TakenBatch) bool { return t.Digest == digest }) {
			continue
		}
		records := b.Batch.Records
		if !b.Proof.IssuedAt.After(h.since) {
			records = slices.Clone(records)
			for j := range records {
				records[j].Late = true
			}
		}
		h.records = append(h.records, records...)
		h.taken = append(h.taken, TakenBatch{Digest: digest, SignedAt: b.Proof.IssuedAt})
	}
	h.forget(now)
}

// judge says of each batch whether the API signed it, once: the verdicts are recorded, so a
// replay takes exactly the batches the first run took, whatever keys the worker then holds.
func (h *head) judge(ctx workflow.Context, batches []SignedBatch) []bool {
	var authentic []bool
	err := workflow.SideEffect(ctx, func(workflow.Context) any {
		return h.w.authentic(h.stream, batches)
	}).Get(&authentic)
	if err != nil || len(authentic) != len(batches) {
		// A recorded verdict that cannot be read is a fault of this worker, not of the batches:
		// failing the task keeps them for a worker that can.
		panic("audit: the recorded verdicts of signalled batches cannot be read")
	}
	return authentic
}

// authentic reports, for each batch, whether the API signed it.
func (w *Workflows) authentic(s Stream, batches []SignedBatch) []bool {
	out := make([]bool, len(batches))
	for i, b := range batches {
		call, err := appendCall(s, b.Batch)
		out[i] = err == nil && w.Callers != nil && w.Callers.Authentic(call, b.Proof) == nil
	}
	return out
}

// forget lets go of batches taken more than rememberFor before now, and of the oldest beyond
// maxRemembered; a copy of one signed before the latest forgotten is then marked Late.
func (h *head) forget(now time.Time) {
	if horizon := now.Add(-rememberFor); horizon.After(h.since) {
		h.since = horizon
	}
	kept := h.taken[:0:0]
	for i, t := range h.taken {
		if !t.SignedAt.After(h.since) || len(h.taken)-i > maxRemembered {
			if t.SignedAt.After(h.since) {
				h.since = t.SignedAt
			}
			continue
		}
		kept = append(kept, t)
	}
	h.taken = kept
}

// takeAsFirstRelease takes batches as the first release did, for the runs it began: the proof's
// freshness judged at the time Temporal recorded for this task, where the first release read the
// wall clock at the same moment, and a batch's digest remembered among the latest 256.
func (h *head) takeAsFirstRelease(ctx workflow.Context, batches []SignedBatch) {
	now := workflow.Now(ctx)
	for _, b := range batches {
		call, err := appendCall(h.stream, b.Batch)
		if err == nil && (h.w.Callers == nil || h.w.Callers.VerifyAt(call, b.Proof, now) != nil) {
			err = ErrNotVouchedFor
		}
		if err != nil {
			h.logger.Warn("audit batch dropped: not signed by caseflow's API", "stream", string(h.stream))
			continue
		}
		digest := batchDigest(b.Batch)
		if slices.Contains(h.recent, digest) {
			continue
		}
		h.records = append(h.records, b.Batch.Records...)
		h.recent = append(h.recent, digest)
		if len(h.recent) > recentBatches {
			h.recent = slices.Clone(h.recent[len(h.recent)-recentBatches:])
		}
	}
}
