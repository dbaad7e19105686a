package audit

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.temporal.io/api/serviceerror"

	"github.com/caseflow/caseflow/safeguarding"
)

// A log is read a page at a time, from the newest record back: the head's records, then each
// sealed chunk from the last. A page reads the head and at most maxChunksAPage chunks, each
// query under the log's timeout, so the first page costs the same however long the log has
// grown; a page short of its limit (the reader may not see every record) still says where the
// next one starts.
const maxChunksAPage = 3

// Position is where a page of the log continues: the records of Chunk (-1 for the head) before
// index Before, then the chunks before it. Sealed chunks never change, so a position into them
// stays true however many records arrive meanwhile.
type Position struct {
	Chunk, Before int
}

// First is the position of the log's first page: the head, from its newest record.
func First() Position { return Position{Chunk: -1, Before: -1} }

// String is the position as a page cursor.
func (p Position) String() string { return strconv.Itoa(p.Chunk) + "." + strconv.Itoa(p.Before) }

// ParsePosition reads a page cursor; the empty cursor is the first page.
func ParsePosition(cursor string) (Position, error) {
	if cursor == "" {
		return First(), nil
	}
	chunk, before, ok := strings.Cut(cursor, ".")
	c, err1 := strconv.Atoi(chunk)
	b, err2 := strconv.Atoi(before)
	if !ok || err1 != nil || err2 != nil || c < -1 || b < -1 {
		return Position{}, fmt.Errorf("not a position of the access log: %q", cursor)
	}
	return Position{Chunk: c, Before: b}, nil
}

// ReadPage reads up to limit records of the stream that keep accepts, newest first, from
// position at; next is where the following page starts, or nil after the log's first record.
func (l *Log) ReadPage(ctx context.Context, s Stream, reader safeguarding.Actor, at Position, limit int, keep func(Record) bool) (records []Record, next *Position, err error) {
	records = []Record{}
	unit, before := at.Chunk, at.Before
	if unit == -1 {
		head, err := l.queryWithin(ctx, AuditWorkflowID(s), s, reader)
		var notFound *serviceerror.NotFound
		if errors.As(err, &notFound) {
			return records, nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if records, next = take(records, clip(head.Records, before), keep, limit, -1); next != nil {
			return records, next, nil
		}
		unit, before = head.Sealed-1, -1
	}
	for read := 0; unit >= 0; read, unit, before = read+1, unit-1, -1 {
		if len(records) == limit || read == maxChunksAPage {
			return records, &Position{Chunk: unit, Before: before}, nil
		}
		chunk, err := l.queryWithin(ctx, AuditChunkID(s, unit), s, reader)
		if err != nil {
			return nil, nil, err
		}
		if records, next = take(records, clip(chunk.Records, before), keep, limit, unit); next != nil {
			return records, next, nil
		}
	}
	return records, nil, nil
}

// clip is a unit's records before index before (all of them for -1).
func clip(records []Record, before int) []Record {
	if before < 0 {
		return records
	}
	return records[:min(before, len(records))]
}

// take adds to page the records of one unit it keeps, newest (last) first, until page holds
// limit; next is where the unit's remaining records continue, nil when all were taken.
func take(page, unit []Record, keep func(Record) bool, limit, chunk int) ([]Record, *Position) {
	for i := len(unit) - 1; i >= 0; i-- {
		if len(page) == limit {
			return page, &Position{Chunk: chunk, Before: i + 1}
		}
		if keep(unit[i]) {
			page = append(page, unit[i])
		}
	}
	return page, nil
}

// queryWithin queries one workflow of the log under the log's timeout.
func (l *Log) queryWithin(ctx context.Context, workflowID string, s Stream, reader safeguarding.Actor) (Page, error) {
	ctx, cancel := context.WithTimeout(ctx, l.Timeout)
	defer cancel()
	return l.query(ctx, workflowID, s, reader)
}
