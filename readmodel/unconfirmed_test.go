package readmodel

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// TestAnUnconfirmedCarerSeesOnlyTheirOwnActionsInLists: the lists apply the case's sight, so a
// carer whose placement staff have not confirmed sees the case and the actions they own, not
// the household's actions others own, and not whose placement awaits confirmation.
func TestAnUnconfirmedCarerSeesOnlyTheirOwnActionsInLists(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	sum := summary("c1", 1, "north",
		projection.Action{ID: "A1", Kind: "police-report", Class: "casework", OwnerRole: "carer", OwnerUser: "carer-c1", Due: now.Add(time.Hour)},
		projection.Action{ID: "A2", Kind: "missing-child", Class: "care", OwnerRole: "social_worker", OwnerUser: "sw-north", Due: now.Add(time.Hour)})
	sum.Unconfirmed = []string{"carer-c1"}
	mustProject(t, s, sum)
	carer := Visibility{Actor: safeguarding.Actor{UserID: "carer-c1", Role: safeguarding.RoleCarer}}
	rows, err := s.ActionsFor(ctx, carer, now.Add(24*time.Hour), 50, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := rowIDs(rows.Items); !slices.Equal(got, []string{"c1/A1"}) {
		t.Errorf("the unconfirmed carer's actions: %v, want their own only", got)
	}
	due, err := s.Due(ctx, DueQuery{From: now, To: now.Add(24 * time.Hour), Visibility: carer})
	if err != nil {
		t.Fatal(err)
	}
	if got := rowIDs(due.Items); !slices.Equal(got, []string{"c1/A1"}) {
		t.Errorf("the actions due that the unconfirmed carer sees: %v, want their own only", got)
	}
	cases, err := s.CasesFor(ctx, carer, 50, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases.Items) != 1 || len(cases.Items[0].Actions) != 1 || cases.Items[0].Unconfirmed != nil {
		t.Errorf("the unconfirmed carer's case list: %+v", cases.Items)
	}
	staff, _ := s.CasesFor(ctx, overseer, 50, "")
	if len(staff.Items) != 1 || !slices.Equal(staff.Items[0].Unconfirmed, []string{testIDs.Of("carer-c1")}) {
		t.Errorf("staff do not see whose placement awaits confirmation: %+v", staff.Items)
	}
}
