package audit_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// TestLogKeepsEveryRecordAcrossChunks appends records from many goroutines at once to a stream
// that seals a chunk every 5 records, on the real embedded Temporal, then reads them all back,
// oldest first, from the sealed chunks and the head.
func TestLogKeepsEveryRecordAcrossChunks(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB})
	log := audit.NewLog(env.App.Temporal, env.App.Signer(), workflows.TaskQueue)
	log.ChunkSize = 5
	ctx := context.Background()
	stream := audit.CaseStream("chunked")
	const writers, each = 6, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				rec := audit.Record{At: time.Now().UTC(), UserID: fmt.Sprintf("u%d-%d", w, i), Role: safeguarding.RoleManager, Action: "getCase", Outcome: audit.Allowed}
				errs <- log.Append(ctx, stream, rec)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	lead := safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}
	var records []audit.Record
	// An append returns once Temporal has stored it; the head takes it and seals chunks after.
	testenv.Eventually(t, 30*time.Second, "every record readable, four chunks sealed", func() bool {
		var err error
		records, err = log.Read(ctx, stream, lead)
		_, sealed := env.App.Temporal.DescribeWorkflowExecution(ctx, audit.AuditChunkID(stream, 3), "")
		return err == nil && len(records) == writers*each && sealed == nil
	})
	seen := map[string]bool{}
	for i, r := range records {
		if seen[r.UserID] {
			t.Errorf("record of %s stored twice", r.UserID)
		}
		seen[r.UserID] = true
		if i > 0 && r.At.Before(records[i-1].At) && r.UserID[:3] == records[i-1].UserID[:3] {
			t.Errorf("one writer's records out of order: %s before %s", records[i-1].UserID, r.UserID)
		}
	}
	if got, err := log.Read(ctx, audit.CaseStream("never-written"), lead); err != nil || len(got) != 0 {
		t.Errorf("a stream never written: %v %v", got, err)
	}

	// Page by page from the newest, whatever a reader keeps, the same records: each once.
	for _, keepEven := range []bool{false, true} {
		keep := func(r audit.Record) bool { return !keepEven || r.UserID[len(r.UserID)-1]%2 == 0 }
		var want []audit.Record
		for i := len(records) - 1; i >= 0; i-- {
			if keep(records[i]) {
				want = append(want, records[i])
			}
		}
		var got []audit.Record
		at := audit.First()
		for pages := 0; ; pages++ {
			if pages > 20 {
				t.Fatal("paging never ends")
			}
			page, next, err := log.ReadPage(ctx, stream, lead, at, 4, keep)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > 4 {
				t.Fatalf("a page of %d records, asked for 4", len(page))
			}
			got = append(got, page...)
			if next == nil {
				break
			}
			if at, err = audit.ParsePosition(next.String()); err != nil {
				t.Fatal(err)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("keeping even ones %v: paged %d records, want %d", keepEven, len(got), len(want))
		}
		for i := range got {
			if got[i].UserID != want[i].UserID {
				t.Fatalf("keeping even ones %v: record %d is %s, want %s", keepEven, i, got[i].UserID, want[i].UserID)
			}
		}
	}
	// A reader who keeps nothing is answered after the head and three chunks, told where to go on.
	page, next, err := log.ReadPage(ctx, stream, lead, audit.First(), 4, func(audit.Record) bool { return false })
	if err != nil || len(page) != 0 || next == nil || next.Chunk != 0 {
		t.Errorf("a page keeping nothing: %d records, next %v, %v; want none, next at chunk 0", len(page), next, err)
	}
}

// TestAppendSoonIsStoredByClose: a list is answered before its records are stored; stopping
// the API waits for them.
func TestAppendSoonIsStoredByClose(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB})
	log := audit.NewLog(env.App.Temporal, env.App.Signer(), workflows.TaskQueue)
	rec := audit.Record{At: time.Now().UTC(), UserID: "manager-1", Role: safeguarding.RoleManager, Action: "listOverdue", Outcome: audit.Allowed}
	streams := []audit.Stream{audit.CaseStream("listed-1"), audit.CaseStream("listed-2")}
	log.AppendSoon(map[audit.Stream][]audit.Record{streams[0]: {rec}, streams[1]: {rec}})
	log.Close()
	lead := safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}
	// Temporal answers a query after the workflow task that takes a stored signal.
	for _, s := range streams {
		if got, err := log.Read(context.Background(), s, lead); err != nil || len(got) != 1 || got[0].Action != "listOverdue" {
			t.Errorf("records of %s once Close returned: %+v %v", s, got, err)
		}
	}
}
