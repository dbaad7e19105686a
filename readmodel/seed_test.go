package readmodel

import (
	"context"
	"slices"
	"testing"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

func TestSeed(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t)
	s := New(rdb, testIDs)
	// A smaller seed and then a larger one leave what the larger one alone does.
	if err := Seed(ctx, s, 40, now); err != nil {
		t.Fatal(err)
	}
	if err := Seed(ctx, s, 120, now); err != nil {
		t.Fatal(err)
	}
	grown := dump(t, rdb, false)
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := Seed(ctx, s, 120, now); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(grown, dump(t, rdb, false)) {
		t.Error("seeding 40 then 120 cases differs from seeding 120")
	}

	all, err := s.CasesFor(ctx, Visibility{Actor: safeguarding.Actor{UserID: "mgr", Role: safeguarding.RoleManager}}, MaxLimit, "")
	if err != nil || len(all.Items) != 120 {
		t.Fatalf("%d cases, %v", len(all.Items), err)
	}
	counts, err := s.OverdueCounts(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.Overdue(ctx, OverdueQuery{Visibility: overseer, Now: now, Limit: MaxLimit})
	if err != nil || len(page.Items) != counts.Total || counts.Total == 0 || counts.Total == 3*120 {
		t.Fatalf("%d overdue listed, %d counted, %v; want some of the %d actions", len(page.Items), counts.Total, err, 3*120)
	}
	for _, r := range page.Items {
		if r.Escalation < projection.EscalationOverdue {
			t.Errorf("overdue seeded action %s/%s not escalated", r.CaseID, r.ID)
		}
	}
}
