package readmodel

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

func TestProjectVersionOrdering(t *testing.T) {
	ctx := context.Background()
	v2 := summary("c1", 2, "north", action("A1", "police-report", -time.Hour, projection.EscalationOverdue))
	v2.AsOf = projectedAt
	tests := []struct {
		name        string
		next        projection.Summary
		wantApplied bool
		wantVersion int64
		wantTeam    string
	}{
		{"older version is ignored", summary("c1", 1, "south"), false, 2, "north"},
		{"same version twice is a no-op", summary("c1", 2, "south"), false, 2, "north"},
		{"newer version replaces", summary("c1", 3, "south"), true, 3, "south"},
		// A workflow task retried after its worker died projects the same version again, later,
		// with what Temporal recorded.
		{"same version made later replaces", asOf(summary("c1", 2, "south"), time.Minute), true, 2, "south"},
		{"same version made earlier is ignored", asOf(summary("c1", 2, "south"), -time.Minute), false, 2, "north"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rdb := testRedis(t)
			s := New(rdb, testIDs)
			mustProject(t, s, v2)
			before := dump(t, rdb, false)
			applied, err := s.Project(ctx, tt.next)
			if err != nil || applied != tt.wantApplied {
				t.Fatalf("Project = %v, %v; want %v", applied, err, tt.wantApplied)
			}
			got, found, err := s.Case(ctx, "c1")
			if err != nil || !found || got.Version != tt.wantVersion || got.Team != tt.wantTeam {
				t.Fatalf("Case = v%d %q, %v, %v; want v%d %q", got.Version, got.Team, found, err, tt.wantVersion, tt.wantTeam)
			}
			if !tt.wantApplied && !slices.Equal(dump(t, rdb, false), before) {
				t.Error("an ignored projection changed the read model")
			}
		})
	}
}

// projectedAt is when the stored version 2 was made.
var projectedAt = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

// asOf dates a summary by its offset from the stored version 2's.
func asOf(s projection.Summary, offset time.Duration) projection.Summary {
	s.AsOf = projectedAt.Add(offset)
	return s
}

// TestReprojectionLeavesNoTrace changes every indexed field of a case at once: what remains
// must be exactly what projecting the new summary into an empty model leaves.
func TestReprojectionLeavesNoTrace(t *testing.T) {
	v1 := summary("c1", 1, "north",
		action("A1", "police-report", -time.Hour, projection.EscalationOverdue),
		projection.Action{ID: "A2", Kind: "lado", OwnerRole: "safeguarding_lead", Due: now.Add(time.Hour)},
		action("A3", "care-plan", 2*time.Hour, projection.EscalationNone))
	v2 := summary("c1", 2, "south", action("A3", "care-plan", 3*time.Hour, projection.EscalationReminded))
	v2.SocialWorker, v2.FosteringSocialWorker, v2.Carers = "sw-new", "fsw-new", []string{"carer-new", "carer-second"}
	v2.Actions[0].OwnerUser = "sw-new"

	rdb := testRedis(t)
	mustProject(t, New(rdb, testIDs), v1, v2)
	got := dump(t, rdb, true)

	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	mustProject(t, New(rdb, testIDs), v2)
	want := dump(t, rdb, true)
	if !slices.Equal(got, want) {
		t.Errorf("after re-projection:\n%v\nwant as if projected fresh:\n%v", got, want)
	}
}

func TestReprojectionUpdatesLists(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	mustProject(t, s, summary("c1", 1, "north",
		action("A1", "police-report", -time.Hour, projection.EscalationOverdue),
		action("A2", "nrm-request", time.Hour, projection.EscalationNone)))

	// Version 2: A1 is done, the case moves team, and its carer changes.
	v2 := summary("c1", 2, "south", action("A2", "nrm-request", time.Hour, projection.EscalationNone))
	v2.Carers = []string{"carer-new"}
	mustProject(t, s, v2)

	if page, err := s.Overdue(ctx, OverdueQuery{Visibility: overseer, Now: now}); err != nil || len(page.Items) != 0 {
		t.Errorf("overdue after completion: %v, %v", rowIDs(page.Items), err)
	}
	week := DueQuery{Visibility: overseer, From: now, To: now.Add(7 * 24 * time.Hour)}
	for team, want := range map[string]int{"north": 0, "south": 1} {
		q := week
		q.Team = team
		if page, err := s.Due(ctx, q); err != nil || len(page.Items) != want {
			t.Errorf("due in team %s: %v, %v; want %d", team, rowIDs(page.Items), err, want)
		}
	}
	for carer, want := range map[string]bool{"carer-c1": false, "carer-new": true} {
		v := Visibility{Actor: safeguarding.Actor{UserID: carer, Role: safeguarding.RoleCarer}}
		if can, err := s.CanSee(ctx, v, "c1"); err != nil || can != want {
			t.Errorf("CanSee(%s) = %v, %v; want %v", carer, can, err, want)
		}
		page, err := s.CasesFor(ctx, v, 0, "")
		if err != nil || (len(page.Items) == 1) != want {
			t.Errorf("CasesFor(%s) = %v, %v", carer, caseIDs(page.Items), err)
		}
	}
}

// TestClosedCaseKeepsSummaryAndOnlyItsReview: a closed case keeps its summary and its place in
// the lists; its obligations ended with its closure, so it has no actions there, until its
// record's retention period ends and the review of its record is listed like any other action.
func TestClosedCaseKeepsSummaryAndOnlyItsReview(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	closed := summary("c1", 2, "north")
	closed.Closed = true
	mustProject(t, s, summary("c1", 1, "north", action("A1", "police-report", -time.Hour, projection.EscalationLead)), closed)

	got, found, err := s.Case(ctx, "c1")
	if err != nil || !found || !got.Closed || len(got.Actions) != 0 {
		t.Fatalf("closed case = %+v, %v, %v", got, found, err)
	}
	if page, _ := s.Overdue(ctx, OverdueQuery{Visibility: overseer, Now: now}); len(page.Items) != 0 {
		t.Errorf("closed case has overdue actions: %v", rowIDs(page.Items))
	}
	if counts, _ := s.OverdueCounts(ctx, now); counts.Total != 0 {
		t.Errorf("closed case counted: %+v", counts)
	}
	carer := Visibility{Actor: safeguarding.Actor{UserID: "carer-c1", Role: safeguarding.RoleCarer}}
	if can, _ := s.CanSee(ctx, carer, "c1"); !can {
		t.Error("the carer no longer sees the closed case")
	}

	reviewed := summary("c1", 3, "north", action("A9", "retention-review", -time.Hour, projection.EscalationOverdue))
	reviewed.Closed = true
	mustProject(t, s, reviewed)
	if page, _ := s.Overdue(ctx, OverdueQuery{Visibility: overseer, Now: now}); len(page.Items) != 1 || page.Items[0].ID != "A9" {
		t.Errorf("the overdue review of a closed record is not listed: %v", rowIDs(page.Items))
	}
}

func TestRemove(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t)
	s := New(rdb, testIDs)
	mustProject(t, s, summary("c1", 1, "north", action("A1", "police-report", -time.Hour, projection.EscalationOverdue)))
	if err := s.Remove(ctx, "c1"); err != nil {
		t.Fatal(err)
	}
	if left := dump(t, rdb, true); len(left) != 0 {
		t.Errorf("left after Remove: %v", left)
	}
	if _, found, _ := s.Case(ctx, "c1"); found {
		t.Error("removed case still found")
	}
	if err := s.Remove(ctx, "c1"); err != nil {
		t.Errorf("removing a missing case: %v", err)
	}
}

// TestDestroyLeavesOnlyItsMark: a destroyed case leaves nothing in the read model but the mark
// that it was destroyed (its id, nothing more), and a projection still in flight, newer than
// anything stored, cannot bring it back.
func TestDestroyLeavesOnlyItsMark(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t)
	s := New(rdb, testIDs)
	mustProject(t, s, summary("c1", 1, "north", action("A1", "retention-review", -time.Hour, projection.EscalationOverdue)))
	if err := s.RecordProjectionFailure(ctx, "c1", now); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Destroy(ctx, "c1"); err != nil {
			t.Fatal(err)
		}
	}
	if left := dump(t, rdb, true); !slices.Equal(left, []string{destroyedKey("c1") + " = 1"}) {
		t.Errorf("left after Destroy: %v", left)
	}
	if applied, err := s.Project(ctx, summary("c1", 9, "north", action("A1", "retention-review", -time.Hour, projection.EscalationOverdue))); err != nil || applied {
		t.Errorf("a late projection of the destroyed case: applied %v, %v", applied, err)
	}
	if _, found, _ := s.Case(ctx, "c1"); found {
		t.Error("the destroyed case came back")
	}
	if ttl := rdb.TTL(ctx, destroyedKey("c1")).Val(); ttl <= 0 || ttl > destroyedMarkFor {
		t.Errorf("the mark lasts %s", ttl)
	}
}

// TestConcurrentProjections delivers versions 1 to 20 of one case from 20 goroutines in a random
// order: the newest must win, with the indexes of the newest alone.
func TestConcurrentProjections(t *testing.T) {
	const versions = 20
	rdb := testRedis(t)
	s := New(rdb, testIDs)
	order := rand.Perm(versions)
	var wg sync.WaitGroup
	for _, i := range order {
		v := int64(i + 1)
		wg.Go(func() {
			sum := summary("c1", v, fmt.Sprintf("team-%d", v), action(fmt.Sprintf("A%d", v), "care-plan", time.Duration(v)*time.Minute, 0))
			if _, err := s.Project(context.Background(), sum); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got := dump(t, rdb, true)

	if err := rdb.FlushDB(context.Background()).Err(); err != nil {
		t.Fatal(err)
	}
	mustProject(t, s, summary("c1", versions, fmt.Sprintf("team-%d", versions), action(fmt.Sprintf("A%d", versions), "care-plan", versions*time.Minute, 0)))
	if want := dump(t, rdb, true); !slices.Equal(got, want) {
		t.Errorf("after concurrent projections:\n%v\nwant only the newest:\n%v", got, want)
	}
}
