package readmodel

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

func TestVisibility(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	// c3 is the newest; c2 is in the south team but assigned to a north social worker.
	c2 := summary("c2", 2, "south")
	c2.SocialWorker = "sw-north"
	c3 := summary("c3", 3, "south")
	c3.FosteringSocialWorker = "fsw-2"
	c3.Carers = []string{"carer-c3", "carer-c1"}
	mustProject(t, s, summary("c1", 1, "north"), c2, c3)

	actor := func(role safeguarding.Role, user, team string) safeguarding.Actor {
		return safeguarding.Actor{UserID: user, Role: role, Team: team}
	}
	tests := []struct {
		name string
		v    Visibility
		want []string
	}{
		{"manager sees all", Visibility{Actor: actor(safeguarding.RoleManager, "mgr", "north")}, []string{"c3", "c2", "c1"}},
		{"lead sees all", Visibility{Actor: actor(safeguarding.RoleSafeguardingLead, "lead", "")}, []string{"c3", "c2", "c1"}},
		{"social worker: assigned", Visibility{Actor: actor(safeguarding.RoleSocialWorker, "sw-north", "north")}, []string{"c2", "c1"}},
		{"social worker: not their team's without access", Visibility{Actor: actor(safeguarding.RoleSocialWorker, "sw-x", "south")}, []string{}},
		{"social worker: team's with access", Visibility{Actor: actor(safeguarding.RoleSocialWorker, "sw-x", "south"), TeamAccess: true}, []string{"c3", "c2"}},
		{"social worker: assigned and team's, once each", Visibility{Actor: actor(safeguarding.RoleSocialWorker, "sw-north", "north"), TeamAccess: true}, []string{"c2", "c1"}},
		{"fostering social worker", Visibility{Actor: actor(safeguarding.RoleFosteringSocialWorker, "fsw-1", "")}, []string{"c2", "c1"}},
		{"carer of two", Visibility{Actor: actor(safeguarding.RoleCarer, "carer-c1", "")}, []string{"c3", "c1"}},
		{"carer: team access is for social workers", Visibility{Actor: actor(safeguarding.RoleCarer, "carer-c2", "south"), TeamAccess: true}, []string{"c2"}},
		{"unknown carer", Visibility{Actor: actor(safeguarding.RoleCarer, "carer-x", "")}, []string{}},
		{"no user id", Visibility{Actor: actor(safeguarding.RoleCarer, "", "")}, []string{}},
		{"unknown role", Visibility{Actor: actor("auditor", "carer-c1", "north"), TeamAccess: true}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.CasesFor(ctx, tt.v, 0, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := caseIDs(page.Items); !slices.Equal(got, tt.want) {
				t.Errorf("CasesFor: %v, want %v", got, tt.want)
			}
			for _, id := range []string{"c1", "c2", "c3", "c4"} {
				can, err := s.CanSee(ctx, tt.v, id)
				if err != nil {
					t.Fatal(err)
				}
				if want := slices.Contains(tt.want, id); can != want {
					t.Errorf("CanSee(%s) = %v, want %v", id, can, want)
				}
			}
		})
	}
}

// TestCasesForPages pages through a merged visibility (assigned plus team) with many cases
// updated in one millisecond.
func TestCasesForPages(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	var want []string
	for i := range 40 {
		sum := summary(fmt.Sprintf("c%02d", i), 1, "south")
		if i%3 == 0 {
			sum.Team, sum.SocialWorker = "north", "sw-south"
		}
		if i >= 30 {
			sum.UpdatedAt = now.Add(time.Duration(i) * time.Second)
		}
		mustProject(t, s, sum)
	}
	for i := 39; i >= 30; i-- {
		want = append(want, fmt.Sprintf("c%02d", i))
	}
	for i := 29; i >= 0; i-- { // equal times: by id, descending
		want = append(want, fmt.Sprintf("c%02d", i))
	}
	v := Visibility{Actor: safeguarding.Actor{UserID: "sw-south", Role: safeguarding.RoleSocialWorker, Team: "south"}, TeamAccess: true}
	var got []string
	cursor := ""
	for range len(want) {
		page, err := s.CasesFor(ctx, v, 7, cursor)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, caseIDs(page.Items)...)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages listed\n%v\nwant\n%v", got, want)
	}
}

// TestListsApplyTheVisibilityPolicy: every list shows each person what the domain's visibility
// policy gives them. A manager an allegation excluded sees nothing of the case; a fostering
// social worker and a carer never see a restricted action; a carer sees the child's care and
// their own actions only; the people excluded are shown only to those who see allegations.
func TestListsApplyTheVisibilityPolicy(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	c1 := summary("c1", 1, "north",
		action("A1", "care-plan", -time.Hour, projection.EscalationOverdue),
		action("A2", "nrm-request", -time.Hour, projection.EscalationOverdue),
		projection.Action{ID: "A3", Kind: "restricted", Class: "restricted", OwnerRole: "safeguarding_lead", Due: now.Add(-time.Hour)},
		projection.Action{ID: "A4", Kind: "police-report", Class: "casework", OwnerRole: "carer", OwnerUser: "carer-c1", Due: now.Add(-time.Hour)})
	c1.Excluded = []string{"mgr-accused", "carer-accused"}
	mustProject(t, s, c1, summary("c2", 1, "north", action("A1", "icpc", -time.Hour, projection.EscalationOverdue)))

	who := func(role safeguarding.Role, user string) Visibility {
		return Visibility{Actor: safeguarding.Actor{UserID: user, Role: role, Team: "north"}}
	}
	tests := []struct {
		name     string
		v        Visibility
		cases    []string
		actions  []string // of c1, in CasesFor
		overdue  []string
		excluded bool
	}{
		{"manager", who(safeguarding.RoleManager, "mgr-1"), []string{"c2", "c1"}, []string{"A1", "A2", "A3", "A4"},
			[]string{"c1/A1", "c1/A2", "c1/A3", "c1/A4", "c2/A1"}, true},
		{"accused manager", who(safeguarding.RoleManager, "mgr-accused"), []string{"c2"}, nil, []string{"c2/A1"}, false},
		{"fostering social worker", who(safeguarding.RoleFosteringSocialWorker, "fsw-1"), []string{"c2", "c1"}, []string{"A1", "A2", "A4"}, nil, false},
		{"carer", who(safeguarding.RoleCarer, "carer-c1"), []string{"c1"}, []string{"A1", "A4"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.CasesFor(ctx, tt.v, 0, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := caseIDs(page.Items); !slices.Equal(got, tt.cases) {
				t.Fatalf("cases %v, want %v", got, tt.cases)
			}
			for _, sum := range page.Items {
				if sum.CaseID != "c1" {
					continue
				}
				var ids []string
				for _, a := range sum.Actions {
					ids = append(ids, a.ID)
				}
				if !slices.Equal(ids, tt.actions) {
					t.Errorf("actions of c1 %v, want %v", ids, tt.actions)
				}
				if (len(sum.Excluded) > 0) != tt.excluded {
					t.Errorf("excluded people shown: %v", sum.Excluded)
				}
			}
			if tt.overdue == nil {
				return
			}
			overdue, err := s.Overdue(ctx, OverdueQuery{Visibility: tt.v, Now: now})
			if err != nil {
				t.Fatal(err)
			}
			got := rowIDs(overdue.Items)
			slices.Sort(got)
			if !slices.Equal(got, tt.overdue) {
				t.Errorf("overdue %v, want %v", got, tt.overdue)
			}
		})
	}
	mine, err := s.ActionsFor(ctx, who(safeguarding.RoleSafeguardingLead, "mgr-accused"), now, 0, "")
	if err != nil || len(mine.Items) != 0 {
		t.Errorf("an excluded person's role-owned actions: %v, %v", rowIDs(mine.Items), err)
	}
}
