package readmodel

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// boardFixture: two teams' cases with actions overdue by 3h, 2h and 1h and one not yet due.
func boardFixture(t *testing.T) *Store {
	s := New(testRedis(t), testIDs)
	south := summary("c2", 1, "south",
		action("A1", "police-report", -2*time.Hour, projection.EscalationManager),
		action("A2", "nrm-request", time.Hour, projection.EscalationNone))
	south.Actions[0].OwnerUser = "sw-south"
	lead := projection.Action{ID: "A3", Kind: "lado", OwnerRole: "safeguarding_lead", Due: now.Add(-90 * time.Minute), Escalation: projection.EscalationOverdue}
	south.Actions = append(south.Actions, lead)
	mustProject(t, s,
		summary("c1", 1, "north",
			action("A1", "police-report", -3*time.Hour, projection.EscalationLead),
			action("A2", "care-plan", -time.Hour, projection.EscalationOverdue)),
		south)
	return s
}

func TestOverdueFiltersAndOrder(t *testing.T) {
	ctx := context.Background()
	s := boardFixture(t)
	tests := []struct {
		name string
		f    ActionFilter
		want []string
	}{
		{"all, most late first", ActionFilter{}, []string{"c1/A1", "c2/A1", "c2/A3", "c1/A2"}},
		{"team", ActionFilter{Team: "south"}, []string{"c2/A1", "c2/A3"}},
		{"kind", ActionFilter{Kind: "police-report"}, []string{"c1/A1", "c2/A1"}},
		{"owner user", ActionFilter{OwnerUser: "sw-south"}, []string{"c2/A1"}},
		{"owner role, named or not", ActionFilter{OwnerRole: "social_worker"}, []string{"c1/A1", "c2/A1", "c1/A2"}},
		{"role-owned", ActionFilter{OwnerRole: "safeguarding_lead"}, []string{"c2/A3"}},
		{"escalated to a manager or further", ActionFilter{MinEscalation: projection.EscalationManager}, []string{"c1/A1", "c2/A1"}},
		{"team and kind", ActionFilter{Team: "north", Kind: "care-plan"}, []string{"c1/A2"}},
		{"user, team and level", ActionFilter{OwnerUser: "sw-north", Team: "north", MinEscalation: projection.EscalationLead}, []string{"c1/A1"}},
		{"kind of another team", ActionFilter{Team: "south", Kind: "care-plan"}, []string{}},
		{"unknown team", ActionFilter{Team: "east"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.Overdue(ctx, OverdueQuery{Visibility: overseer, Now: now, ActionFilter: tt.f})
			if err != nil {
				t.Fatal(err)
			}
			if got := rowIDs(page.Items); !slices.Equal(got, tt.want) || page.NextCursor != "" {
				t.Errorf("got %v (next %q), want %v", got, page.NextCursor, tt.want)
			}
		})
	}
}

func TestOverdueRow(t *testing.T) {
	s := boardFixture(t)
	page, err := s.Overdue(context.Background(), OverdueQuery{Visibility: overseer, Now: now, Limit: 1})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("%v, %v", page, err)
	}
	want := ActionRow{
		Action: action("A1", "police-report", -3*time.Hour, projection.EscalationLead),
		CaseID: "c1", Reference: "CF-C1", Team: "north", Stage: "concern-raised", LateSeconds: 3 * 3600,
		// The board names people by pseudonym.
		people: rowPeople{socialWorker: testIDs.Of("sw-north"), fosteringSocialWorker: testIDs.Of("fsw-1"), carers: testIDs.Of("carer-c1")},
	}
	want.OwnerUser = testIDs.Of(want.OwnerUser)
	got := page.Items[0]
	if !got.Due.Equal(want.Due) {
		t.Errorf("due %v, want %v", got.Due, want.Due)
	}
	got.Due = want.Due
	if got != want {
		t.Errorf("row\n%+v\nwant\n%+v", got, want)
	}
	if page.NextCursor == "" {
		t.Error("no cursor to the rest")
	}
}

func TestDue(t *testing.T) {
	ctx := context.Background()
	s := boardFixture(t)
	page, err := s.Due(ctx, DueQuery{Visibility: overseer, From: now.Add(-150 * time.Minute), To: now.Add(time.Hour), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rowIDs(page.Items), []string{"c2/A1", "c2/A3", "c1/A2", "c2/A2"}; !slices.Equal(got, want) {
		t.Errorf("due in the window: %v, want %v (inclusive at both ends)", got, want)
	}
	if late := page.Items[3].LateSeconds; late != -3600 {
		t.Errorf("an action due in an hour is %ds late, want -3600", late)
	}
}

// TestCursorPaginationWithTies pages through many actions sharing one due millisecond, while
// the action under the cursor is completed and others fall due before the cursor: the pages
// list every action of the first snapshot exactly once, in order, and nothing else.
func TestCursorPaginationWithTies(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	const cases = 57
	var sums []projection.Summary
	for i := range cases {
		due := -time.Hour // most share one due millisecond
		if i%10 == 0 {
			due = -time.Duration(i) * time.Minute
		}
		sums = append(sums, summary(fmt.Sprintf("c%02d", i), 1, "north", action("A1", "police-report", due, projection.EscalationOverdue)))
	}
	mustProject(t, s, sums...)

	first, err := s.Overdue(ctx, OverdueQuery{Visibility: overseer, Now: now, Limit: MaxLimit})
	if err != nil || len(first.Items) != cases {
		t.Fatalf("one page of all: %d rows, %v", len(first.Items), err)
	}
	order := rowIDs(first.Items)

	var got []string
	cursor := ""
	for page := 0; ; page++ {
		p, err := s.Overdue(ctx, OverdueQuery{Visibility: overseer, Now: now, Limit: 10, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rowIDs(p.Items)...)
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
		if page%2 == 0 {
			// The row the cursor points at is completed before the next page: its case moves
			// to version 2 with no actions.
			last := p.Items[len(p.Items)-1]
			mustProject(t, s, summary(last.CaseID, 2, "north"))
		}
		// A new action falls due in the tie, before any listed row: it is not listed.
		late := summary(fmt.Sprintf("a%02d", page), 1, "north", action("A1", "police-report", -time.Hour, projection.EscalationOverdue))
		mustProject(t, s, late)
	}
	if !slices.Equal(got, order) {
		t.Errorf("pages listed\n%v\nwant each row once, in order:\n%v", got, order)
	}
}

// TestCursorPaginationWithSparseFilter pages through a kind that only one action in seven has,
// so that pages need several reads of the index.
func TestCursorPaginationWithSparseFilter(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	var sums []projection.Summary
	var want []string
	for i := range 300 {
		level := projection.EscalationOverdue
		if i%7 == 0 {
			level = projection.EscalationLead
			want = append(want, fmt.Sprintf("c%03d/A1", i))
		}
		sums = append(sums, summary(fmt.Sprintf("c%03d", i), 1, "north", action("A1", "police-report", -time.Duration(300-i)*time.Minute, level)))
	}
	if err := s.projectAll(ctx, sums); err != nil {
		t.Fatal(err)
	}
	var got []string
	cursor := ""
	for pages := 1; ; pages++ {
		p, err := s.Overdue(ctx, OverdueQuery{Visibility: overseer, Now: now, ActionFilter: ActionFilter{MinEscalation: projection.EscalationLead}, Limit: 4, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rowIDs(p.Items)...)
		if p.NextCursor == "" {
			break
		}
		if pages > len(want) {
			t.Fatal("pagination does not end")
		}
		cursor = p.NextCursor
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}

func TestPageLimits(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	var sums []projection.Summary
	for i := range MaxLimit + 1 {
		sums = append(sums, summary(fmt.Sprintf("c%03d", i), 1, "north", action("A1", "care-plan", -time.Minute, projection.EscalationOverdue)))
	}
	if err := s.projectAll(ctx, sums); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ limit, want int }{{0, DefaultLimit}, {-1, DefaultLimit}, {7, 7}, {MaxLimit + 100, MaxLimit}} {
		page, err := s.Overdue(ctx, OverdueQuery{Visibility: overseer, Now: now, Limit: tt.limit})
		if err != nil || len(page.Items) != tt.want || page.NextCursor == "" {
			t.Errorf("limit %d: %d rows (next %q), %v; want %d", tt.limit, len(page.Items), page.NextCursor, err, tt.want)
		}
	}
	// A page that ends exactly at the last row says so.
	page, err := s.Overdue(ctx, OverdueQuery{Visibility: overseer, Now: now, Limit: 1, Cursor: cursor{Score: float64(now.Add(-time.Minute).UnixMilli()), Member: "c499/A1"}.encode()})
	if err != nil || len(page.Items) != 1 || page.NextCursor != "" {
		t.Errorf("last page: %v (next %q), %v", rowIDs(page.Items), page.NextCursor, err)
	}
}

func TestBadCursor(t *testing.T) {
	s := New(testRedis(t), testIDs)
	for _, c := range []string{"%%%", "bm8tc2VwYXJhdG9y", cursor{Score: 1}.encode()} {
		if _, err := s.Overdue(context.Background(), OverdueQuery{Visibility: overseer, Now: now, Cursor: c}); !errors.Is(err, ErrBadCursor) {
			t.Errorf("cursor %q: %v, want ErrBadCursor", c, err)
		}
	}
}

func TestActionsFor(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	lead := func(id string, due time.Duration) projection.Action {
		return projection.Action{ID: id, Kind: "lado", OwnerRole: "safeguarding_lead", Due: now.Add(due)}
	}
	manager := func(id string, due time.Duration) projection.Action {
		return projection.Action{ID: id, Kind: "strategy-review", OwnerRole: "manager", Due: now.Add(due)}
	}
	north := summary("c1", 1, "north", action("A1", "care-plan", -time.Hour, projection.EscalationOverdue), lead("L1", time.Hour), manager("M1", -30*time.Minute))
	south := summary("c2", 1, "south", lead("L1", -2*time.Hour), manager("M1", time.Minute),
		projection.Action{ID: "L2", Kind: "lado", OwnerRole: "safeguarding_lead", OwnerUser: "lead-2", Due: now})
	south.Actions = append(south.Actions, projection.Action{ID: "N1", Kind: "nrm-request", OwnerRole: "manager", OwnerUser: "mgr-n", Due: now.Add(2 * time.Hour)})
	mustProject(t, s, north, south)

	until := now.Add(24 * time.Hour)
	tests := []struct {
		actor safeguarding.Actor
		want  []string
	}{
		{safeguarding.Actor{UserID: "sw-north", Role: safeguarding.RoleSocialWorker, Team: "north"}, []string{"c1/A1"}},
		{safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}, []string{"c2/L1", "c1/L1"}},
		{safeguarding.Actor{UserID: "lead-2", Role: safeguarding.RoleSafeguardingLead}, []string{"c2/L1", "c2/L2", "c1/L1"}},
		{safeguarding.Actor{UserID: "mgr-n", Role: safeguarding.RoleManager, Team: "north"}, []string{"c1/M1", "c2/N1"}},
		{safeguarding.Actor{UserID: "mgr-s", Role: safeguarding.RoleManager, Team: "south"}, []string{"c2/M1"}},
		{safeguarding.Actor{UserID: "carer-c1", Role: safeguarding.RoleCarer}, []string{}},
		{safeguarding.Actor{Role: safeguarding.RoleSocialWorker}, []string{}},
	}
	for _, tt := range tests {
		t.Run(string(tt.actor.Role)+"/"+tt.actor.UserID, func(t *testing.T) {
			page, err := s.ActionsFor(ctx, Visibility{Actor: tt.actor}, until, 0, "")
			if err != nil {
				t.Fatal(err)
			}
			if got := rowIDs(page.Items); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			// One row a page gives the same list.
			var paged []string
			cursor := ""
			for range len(tt.want) + 1 {
				p, err := s.ActionsFor(ctx, Visibility{Actor: tt.actor}, until, 1, cursor)
				if err != nil {
					t.Fatal(err)
				}
				paged = append(paged, rowIDs(p.Items)...)
				if cursor = p.NextCursor; cursor == "" {
					break
				}
			}
			if !slices.Equal(paged, tt.want) {
				t.Errorf("paged one at a time: %v, want %v", paged, tt.want)
			}
		})
	}
	soon, err := s.ActionsFor(ctx, Visibility{Actor: safeguarding.Actor{UserID: "lead-2", Role: safeguarding.RoleSafeguardingLead}}, now, 0, "")
	if got := rowIDs(soon.Items); err != nil || !slices.Equal(got, []string{"c2/L1", "c2/L2"}) {
		t.Errorf("due until now: %v, %v", got, err)
	}
}
