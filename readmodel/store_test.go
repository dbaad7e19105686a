package readmodel

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/safeguarding"
)

// redisDB is this package's database on a shared real Redis.
const redisDB = 3

// testRedis returns the real Redis of REDIS_URL (database redisDB, flushed) or a miniredis.
func testRedis(t testing.TB) redis.UniversalClient {
	t.Helper()
	if url := os.Getenv("REDIS_URL"); url != "" {
		opts, err := redis.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		opts.DB = redisDB
		rdb := redis.NewClient(opts)
		if err := rdb.FlushDB(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = rdb.Close() })
		return rdb
	}
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func summary(id string, version int64, team string, actions ...ActionSummary) CaseSummary {
	return CaseSummary{
		CaseID: id, Reference: "CF-" + id, Version: version, Stage: "concern-raised", LA: "E1", Team: team,
		SocialWorker: "sw-" + team, FosteringSocialWorker: "fsw-1", Carers: []string{"carer-" + id},
		OpenedAt: now.Add(-time.Hour), UpdatedAt: now.Add(time.Duration(version) * time.Second), Actions: actions,
	}
}

func action(id, kind string, due time.Duration, level int) ActionSummary {
	return ActionSummary{ID: id, Kind: kind, OwnerRole: "social_worker", OwnerUser: "sw-north", Due: now.Add(due), Escalation: level}
}

func ids(rows []ActionRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.CaseID + "/" + r.ID
	}
	return out
}

func TestProjectVersions(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t))
	v2 := summary("c1", 2, "north", action("A1", "police-report", -time.Hour, 2), action("A2", "nrm-request", time.Hour, 0))
	if ok, err := s.Project(ctx, v2); !ok || err != nil {
		t.Fatalf("first projection: %v %v", ok, err)
	}
	older := summary("c1", 1, "south", action("A9", "lado", -2*time.Hour, 0))
	if ok, _ := s.Project(ctx, older); ok {
		t.Fatal("an older version was applied")
	}
	if ok, _ := s.Project(ctx, v2); ok {
		t.Fatal("the same version was applied twice")
	}
	page, _ := s.Overdue(ctx, OverdueQuery{Now: now})
	if got := ids(page.Items); len(got) != 1 || got[0] != "c1/A1" {
		t.Fatalf("overdue after stale projections: %v", got)
	}

	// Version 3 completes A1 and moves the case to another team and carer.
	v3 := summary("c1", 3, "south", action("A2", "nrm-request", time.Hour, 0))
	v3.Carers = []string{"carer-new"}
	if ok, _ := s.Project(ctx, v3); !ok {
		t.Fatal("newer version not applied")
	}
	if page, _ := s.Overdue(ctx, OverdueQuery{Now: now}); len(page.Items) != 0 {
		t.Fatalf("completed action still overdue: %v", ids(page.Items))
	}
	north, _ := s.Due(ctx, DueQuery{From: now, To: now.Add(24 * time.Hour), ActionFilter: ActionFilter{Team: "north"}})
	south, _ := s.Due(ctx, DueQuery{From: now, To: now.Add(24 * time.Hour), ActionFilter: ActionFilter{Team: "south"}})
	if len(north.Items) != 0 || len(south.Items) != 1 {
		t.Fatalf("team indexes after the move: north %v south %v", ids(north.Items), ids(south.Items))
	}
	old := Visibility{Actor: safeguarding.Actor{UserID: "carer-c1", Role: safeguarding.RoleCarer}}
	if can, _ := s.CanSee(ctx, old, "c1"); can {
		t.Fatal("a carer removed from the case still sees it")
	}
	newer := Visibility{Actor: safeguarding.Actor{UserID: "carer-new", Role: safeguarding.RoleCarer}}
	if can, _ := s.CanSee(ctx, newer, "c1"); !can {
		t.Fatal("the new carer does not see the case")
	}
}

func TestOverdueFiltersAndOrder(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t))
	s.Project(ctx, summary("c1", 1, "north", action("A1", "police-report", -3*time.Hour, 4), action("A2", "care-plan", -time.Hour, 2)))
	s.Project(ctx, summary("c2", 1, "south", action("A1", "police-report", -2*time.Hour, 3), action("A2", "nrm-request", time.Hour, 0)))
	cases := []struct {
		name string
		f    ActionFilter
		want []string
	}{
		{"all, most late first", ActionFilter{}, []string{"c1/A1", "c2/A1", "c1/A2"}},
		{"team", ActionFilter{Team: "south"}, []string{"c2/A1"}},
		{"kind", ActionFilter{Kind: "police-report"}, []string{"c1/A1", "c2/A1"}},
		{"escalated to manager", ActionFilter{MinEscalation: 3}, []string{"c1/A1", "c2/A1"}},
		{"team and kind", ActionFilter{Team: "north", Kind: "care-plan"}, []string{"c1/A2"}},
		{"owner", ActionFilter{OwnerUser: "sw-north"}, []string{"c1/A1", "c2/A1", "c1/A2"}},
	}
	for _, c := range cases {
		page, err := s.Overdue(ctx, OverdueQuery{Now: now, ActionFilter: c.f})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(page.Items); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	page, _ := s.Overdue(ctx, OverdueQuery{Now: now, ActionFilter: ActionFilter{Kind: "police-report"}})
	if page.Items[0].LateSeconds != 3*3600 || page.Items[0].Reference != "CF-c1" {
		t.Errorf("row %+v", page.Items[0])
	}
}

// TestCursorPaginationWithTies pages through many actions sharing one due time, with actions
// completed between pages: no row is skipped or repeated.
func TestCursorPaginationWithTies(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t))
	var sums []CaseSummary
	for i := range 57 {
		sums = append(sums, summary(fmt.Sprintf("c%02d", i), 1, "north", action("A1", "police-report", -time.Hour, 2)))
	}
	if err := s.ProjectAll(ctx, sums); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	cursor := ""
	for pages := 0; ; pages++ {
		page, err := s.Overdue(ctx, OverdueQuery{Now: now, Limit: 10, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids(page.Items) {
			seen[id]++
		}
		if pages == 1 {
			// The last row of this page completes before the next page is read.
			last := page.Items[len(page.Items)-1]
			done := summary(last.CaseID, 2, "north")
			if _, err := s.Project(ctx, done); err != nil {
				t.Fatal(err)
			}
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	if len(seen) != 57 {
		t.Fatalf("saw %d distinct rows, want 57", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s returned %d times", id, n)
		}
	}
	if _, err := s.Overdue(ctx, OverdueQuery{Now: now, Cursor: "%%%"}); err != ErrBadCursor {
		t.Errorf("bad cursor: %v", err)
	}
}

func TestVisibility(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t))
	s.Project(ctx, summary("c1", 1, "north"))
	s.Project(ctx, summary("c2", 1, "south"))
	cases := []struct {
		v    Visibility
		want []string
	}{
		{Visibility{Actor: safeguarding.Actor{UserID: "mgr", Role: safeguarding.RoleManager}}, []string{"c2", "c1"}},
		{Visibility{Actor: safeguarding.Actor{UserID: "lead", Role: safeguarding.RoleSafeguardingLead}}, []string{"c2", "c1"}},
		{Visibility{Actor: safeguarding.Actor{UserID: "sw-north", Role: safeguarding.RoleSocialWorker}}, []string{"c1"}},
		{Visibility{Actor: safeguarding.Actor{UserID: "sw-other", Role: safeguarding.RoleSocialWorker, Team: "south"}}, nil},
		{Visibility{Actor: safeguarding.Actor{UserID: "sw-other", Role: safeguarding.RoleSocialWorker, Team: "south"}, TeamAccess: true}, []string{"c2"}},
		{Visibility{Actor: safeguarding.Actor{UserID: "carer-c2", Role: safeguarding.RoleCarer}}, []string{"c2"}},
		{Visibility{Actor: safeguarding.Actor{UserID: "fsw-1", Role: safeguarding.RoleFosteringSocialWorker}}, []string{"c2", "c1"}},
		{Visibility{Actor: safeguarding.Actor{UserID: "carer-x", Role: safeguarding.RoleCarer}}, nil},
	}
	for _, c := range cases {
		page, err := s.CasesFor(ctx, c.v, 10, "")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, sum := range page.Items {
			got = append(got, sum.CaseID)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%s %s (team access %v): %v, want %v", c.v.Actor.Role, c.v.Actor.UserID, c.v.TeamAccess, got, c.want)
		}
	}
}

func TestCountsSeriesAndReset(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t)
	s := New(rdb)
	s.Project(ctx, summary("c1", 1, "north", action("A1", "police-report", -time.Hour, 2), action("A2", "care-plan", time.Hour, 0)))
	s.Project(ctx, summary("c2", 1, "south", action("A1", "police-report", -time.Hour, 2)))
	c, err := s.OverdueCounts(ctx, now)
	if err != nil || c.Total != 2 || c.ByTeam["north"] != 1 || c.ByTeam["south"] != 1 || c.ByKind["police-report"] != 2 || c.ByKind["care-plan"] != 0 {
		t.Fatalf("counts %+v %v", c, err)
	}
	if err := s.SampleOverdue(ctx, now); err != nil {
		t.Fatal(err)
	}
	series, _ := s.OverdueSeries(ctx, now.Add(-time.Hour))
	if len(series) != 1 || series[0].Overdue != 2 {
		t.Fatalf("series %+v", series)
	}
	idem := NewIdempotency(rdb)
	if _, outcome, _ := idem.Begin(ctx, "u", "k", "f", time.Hour); outcome != Started {
		t.Fatal("key not started")
	}
	if empty, _ := s.IsEmpty(ctx); !empty {
		t.Fatal("projections alone marked the model built: a flush followed by one projection would hide every other case")
	}
	if err := s.MarkBuilt(ctx); err != nil {
		t.Fatal(err)
	}
	if empty, _ := s.IsEmpty(ctx); empty {
		t.Fatal("a rebuilt model reports empty")
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if empty, _ := s.IsEmpty(ctx); !empty {
		t.Fatal("model not empty after reset")
	}
	if _, outcome, _ := idem.Begin(ctx, "u", "k", "f", time.Hour); outcome != InProgress {
		t.Fatalf("reset removed an idempotency key (outcome %v)", outcome)
	}
}

func TestIdempotencyOutcomes(t *testing.T) {
	ctx := context.Background()
	idem := NewIdempotency(testRedis(t))
	var wg sync.WaitGroup
	var mu sync.Mutex
	outcomes := map[Outcome]int{}
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, o, err := idem.Begin(ctx, "user", "key", "fp", time.Hour)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			outcomes[o]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if outcomes[Started] != 1 || outcomes[InProgress] != 9 {
		t.Fatalf("10 concurrent claims: %v, want one started", outcomes)
	}
	rec := Record{Status: 201, ContentType: "application/json", Body: []byte(`{"ok":true}`)}
	if err := idem.Complete(ctx, "user", "key", rec); err != nil {
		t.Fatal(err)
	}
	got, o, _ := idem.Begin(ctx, "user", "key", "fp", time.Hour)
	if o != Replay || got.Status != 201 || string(got.Body) != `{"ok":true}` {
		t.Fatalf("replay: %v %+v", o, got)
	}
	if _, o, _ := idem.Begin(ctx, "user", "key", "other", time.Hour); o != Mismatch {
		t.Fatalf("different fingerprint: %v", o)
	}
	if _, o, _ := idem.Begin(ctx, "another-user", "key", "other", time.Hour); o != Started {
		t.Fatalf("another user's key: %v", o)
	}
	idem.Abandon(ctx, "another-user", "key")
	if _, o, _ := idem.Begin(ctx, "another-user", "key", "fp", time.Hour); o != Started {
		t.Fatalf("abandoned key: %v", o)
	}
}

func TestLimiter(t *testing.T) {
	ctx := context.Background()
	l := NewLimiter(testRedis(t), 60, 3)
	allowed := 0
	var retry time.Duration
	for range 5 {
		ok, after, err := l.Allow(ctx, "u1")
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			allowed++
		} else {
			retry = after
		}
	}
	if allowed != 3 || retry <= 0 {
		t.Fatalf("burst of 3: %d allowed, retry after %v", allowed, retry)
	}
	if ok, _, _ := l.Allow(ctx, "u2"); !ok {
		t.Fatal("another user was limited")
	}
}

func TestPublishSubscribe(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t))
	ch, stop, err := s.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	sum := summary("c1", 1, "north", action("A1", "police-report", -time.Hour, 2))
	if err := s.Publish(ctx, ChangeOf(sum)); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-ch:
		if c.CaseID != "c1" || c.Overdue != 1 || len(c.Users) != 3 {
			t.Fatalf("change %+v", c)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no change delivered")
	}
}
