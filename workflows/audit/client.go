package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
)

// ErrUnavailable means an access could not be recorded (or the record read) in time. The API
// then answers 503 and shows nothing: no access goes unrecorded.
var ErrUnavailable = errors.New("the access audit is unavailable")

// Log appends records to audit streams and reads them back. Appends to one stream from one
// process go out one at a time, each carrying everything that arrived meanwhile, so a busy case
// costs one update per round trip rather than one per request, and Temporal's limit on updates
// in flight per workflow is never reached by one replica.
type Log struct {
	temporal  client.Client
	signer    *identity.Signer
	taskQueue string
	// Timeout bounds each append and read.
	Timeout time.Duration
	// ChunkSize and MaxHistory start new streams with other than the defaults (tests).
	ChunkSize, MaxHistory int

	// Logger reports records that could not be stored (never their content).
	Logger *slog.Logger

	mu      sync.Mutex
	streams map[Stream]*queue
	// slots bounds the appends in flight from this process across streams.
	slots chan struct{}
	// inflight counts AppendSoon's background appends.
	inflight sync.WaitGroup
	// spool holds records for a later attempt (appendLater).
	spool    map[Stream][]Record
	spooled  int
	retrying bool
	closed   chan struct{}
	close    sync.Once
}

// queue is a stream's records waiting to go, and whether a sender is at work on them.
type queue struct {
	waiting []Record
	done    []chan error
	sending bool
}

// maxParallelAppends bounds appends in flight from one process: a list naming 500 cases must
// not open 500 calls at once.
const maxParallelAppends = 32

// NewLog returns a Log that starts audit workflows on taskQueue and signs with signer.
func NewLog(c client.Client, signer *identity.Signer, taskQueue string) *Log {
	return &Log{
		temporal: c, signer: signer, taskQueue: taskQueue, Timeout: 10 * time.Second, Logger: slog.Default(),
		streams: map[Stream]*queue{}, slots: make(chan struct{}, maxParallelAppends),
		closed: make(chan struct{}),
	}
}

// Close waits for the appends AppendSoon started, then stops retrying spooled records; those
// still waiting are logged as lost.
func (l *Log) Close() {
	l.inflight.Wait()
	l.close.Do(func() { close(l.closed) })
}

// Append records accesses and returns once they are stored in Temporal, or with an error
// wrapping ErrUnavailable.
func (l *Log) Append(ctx context.Context, s Stream, records ...Record) error {
	if len(records) == 0 {
		return nil
	}
	done := make(chan error, 1)
	l.mu.Lock()
	q := l.streams[s]
	if q == nil {
		q = &queue{}
		l.streams[s] = q
	}
	q.waiting = append(q.waiting, records...)
	q.done = append(q.done, done)
	if !q.sending {
		q.sending = true
		go l.send(s, q)
	}
	l.mu.Unlock()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("%w: %v", ErrUnavailable, ctx.Err())
	}
}

// AppendEach records accesses to several streams at once (a list naming several cases).
func (l *Log) AppendEach(ctx context.Context, records map[Stream][]Record) error {
	var all []error
	for _, err := range l.appendEach(ctx, records) {
		all = append(all, err)
	}
	return errors.Join(all...)
}

// appendEach appends to each stream at once and says which failed.
func (l *Log) appendEach(ctx context.Context, records map[Stream][]Record) map[Stream]error {
	type outcome struct {
		s   Stream
		err error
	}
	outcomes := make(chan outcome, len(records))
	for s, recs := range records {
		go func() { outcomes <- outcome{s, l.Append(ctx, s, recs...)} }()
	}
	failed := map[Stream]error{}
	for range records {
		if o := <-outcomes; o.err != nil {
			failed[o.s] = o.err
		}
	}
	return failed
}

// AppendSoon stores records in the background, starting now, and keeps what Temporal does not
// take for a later attempt: for accesses answered without waiting for their records (steps,
// refusals, lists; see the API's auditAccess). Close waits for the appends it started.
func (l *Log) AppendSoon(records map[Stream][]Record) {
	l.inflight.Add(1)
	go func() {
		defer l.inflight.Done()
		ctx, cancel := context.WithTimeout(context.Background(), l.Timeout)
		defer cancel()
		for s := range l.appendEach(ctx, records) {
			l.appendLater(s, records[s]...)
		}
	}()
}

// send appends whatever waits on a stream, again until nothing does.
func (l *Log) send(s Stream, q *queue) {
	for {
		l.mu.Lock()
		records, done := q.waiting, q.done
		q.waiting, q.done = nil, nil
		if len(records) == 0 {
			q.sending = false
			delete(l.streams, s)
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		l.slots <- struct{}{}
		err := l.append(s, Batch{Records: records})
		<-l.slots
		for _, d := range done {
			d <- err
		}
	}
}

// append stores one batch with signal-with-start: the stream's workflow is started on its first
// record, and the call returns once Temporal has stored the signal. A batch sent again after a
// timeout that had in fact stored it is stored once (the head remembers recent digests).
func (l *Log) append(s Stream, b Batch) error {
	ctx, cancel := context.WithTimeout(context.Background(), l.Timeout)
	defer cancel()
	call, err := appendCall(s, b)
	if err != nil {
		return err
	}
	_, err = l.temporal.SignalWithStartWorkflow(ctx, AuditWorkflowID(s), SignalAppend,
		SignedBatch{Batch: b, Proof: l.signer.Sign(ctx, call)},
		client.StartWorkflowOptions{ID: AuditWorkflowID(s), TaskQueue: l.taskQueue}, WorkflowName, Input{Stream: s, ChunkSize: l.ChunkSize, MaxHistory: l.MaxHistory})
	if err != nil {
		return fmt.Errorf("%w: append to %s: %v", ErrUnavailable, s, err)
	}
	return nil
}

// Read returns every record of a stream, oldest first, as reader (whom the API authorised) may
// see them, read page by page (ReadPage). A stream never written has no records.
func (l *Log) Read(ctx context.Context, s Stream, reader safeguarding.Actor) ([]Record, error) {
	all := []Record{}
	for at := First(); ; {
		page, next, err := l.ReadPage(ctx, s, reader, at, readAllPage, func(Record) bool { return true })
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == nil {
			break
		}
		at = *next
	}
	slices.Reverse(all)
	return all, nil
}

// readAllPage is how many records Read takes a page.
const readAllPage = 10_000

func (l *Log) query(ctx context.Context, workflowID string, s Stream, reader safeguarding.Actor) (Page, error) {
	value, err := l.temporal.QueryWorkflow(ctx, workflowID, "", QueryRecords, reader, l.signer.Sign(ctx, readCall(s, reader)))
	if err != nil {
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			return Page{}, err
		}
		return Page{}, fmt.Errorf("%w: read %s: %v", ErrUnavailable, workflowID, err)
	}
	var p Page
	if err := value.Get(&p); err != nil {
		return Page{}, fmt.Errorf("decode audit records of %s: %w", workflowID, err)
	}
	return p, nil
}

// maxSpooled bounds the records kept in memory for a later attempt.
const maxSpooled = 50_000

// appendLater keeps records that AppendSoon could not store, trying again every few seconds
// until Temporal takes them. Records still waiting when the process stops are lost, and so are
// records beyond the first 50,000 waiting; both are logged.
func (l *Log) appendLater(s Stream, records ...Record) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.spool == nil {
		l.spool = map[Stream][]Record{}
	}
	room := maxSpooled - l.spooled
	if len(records) > room {
		l.Logger.Error("access records dropped: too many waiting for the audit", "stream", string(s), "dropped", len(records)-room)
		records = records[:max(room, 0)]
	}
	l.spool[s] = append(l.spool[s], records...)
	l.spooled += len(records)
	if !l.retrying && l.spooled > 0 {
		l.retrying = true
		go l.retrySpool()
	}
}

// retryInterval is how long the spool waits between attempts.
const retryInterval = 3 * time.Second

func (l *Log) retrySpool() {
	for {
		select {
		case <-l.closed:
			l.mu.Lock()
			if l.spooled > 0 {
				l.Logger.Error("access records lost: the process stopped before the audit took them", "records", l.spooled)
			}
			l.mu.Unlock()
			return
		case <-time.After(retryInterval):
		}
		l.mu.Lock()
		spool := l.spool
		l.spool, l.spooled = nil, 0
		l.mu.Unlock()
		failed := map[Stream][]Record{}
		for s, records := range spool {
			if err := l.Append(context.Background(), s, records...); err != nil {
				failed[s] = records
			}
		}
		l.mu.Lock()
		if l.spool == nil {
			l.spool = map[Stream][]Record{}
		}
		for s, records := range failed {
			l.spool[s] = append(records, l.spool[s]...)
			l.spooled += len(records)
		}
		if l.spooled == 0 {
			l.retrying = false
			l.mu.Unlock()
			return
		}
		if len(failed) > 0 {
			l.Logger.Warn("access records still waiting for the audit", "records", l.spooled)
		}
		l.mu.Unlock()
	}
}
