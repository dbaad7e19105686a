package readmodel

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// excludedFixture holds two north cases and a south one, all with overdue work: on c1 an
// allegation excluded the manager mgr-9 and the Safeguarding Lead lead-9, and its LADO action
// (restricted) is overdue.
func excludedFixture(t *testing.T) *Store {
	s := New(testRedis(t), testIDs)
	accused := summary("c1", 1, "north",
		action("A1", "police-report", -time.Hour, projection.EscalationOverdue),
		action("A2", "restricted", -2*time.Hour, projection.EscalationOverdue))
	accused.Excluded = []string{"mgr-9", "lead-9"}
	mustProject(t, s, accused,
		summary("c2", 1, "north", action("A1", "police-report", -3*time.Hour, projection.EscalationOverdue)),
		summary("c3", 1, "south", action("A1", "care-plan", -time.Hour, projection.EscalationOverdue),
			action("A2", "care-plan", time.Hour, projection.EscalationNone)))
	return s
}

// TestBoardCountsOnlyWhatTheOverdueListShows: a manager or Lead an allegation excluded from a
// case finds none of its actions in the board's counts, as none is in their overdue list; every
// overseer's counts are exactly the rows their list shows.
func TestBoardCountsOnlyWhatTheOverdueListShows(t *testing.T) {
	ctx := context.Background()
	s := excludedFixture(t)
	people := map[string]struct {
		who  safeguarding.Actor
		want Counts
	}{
		"a manager": {safeguarding.Actor{UserID: "mgr-1", Role: safeguarding.RoleManager, Team: "north"},
			Counts{Total: 4, ByTeam: map[string]int{"north": 3, "south": 1}, ByKind: map[string]int{"police-report": 2, "restricted": 1, "care-plan": 1}}},
		"the accused manager": {safeguarding.Actor{UserID: "mgr-9", Role: safeguarding.RoleManager, Team: "north"},
			Counts{Total: 2, ByTeam: map[string]int{"north": 1, "south": 1}, ByKind: map[string]int{"police-report": 1, "care-plan": 1}}},
		"the accused Lead": {safeguarding.Actor{UserID: "lead-9", Role: safeguarding.RoleSafeguardingLead},
			Counts{Total: 2, ByTeam: map[string]int{"north": 1, "south": 1}, ByKind: map[string]int{"police-report": 1, "care-plan": 1}}},
		"a manager without a user id": {safeguarding.Actor{Role: safeguarding.RoleManager},
			Counts{ByTeam: map[string]int{}, ByKind: map[string]int{}}},
		"a carer of the case": {safeguarding.Actor{UserID: "carer-c3", Role: safeguarding.RoleCarer},
			Counts{Total: 1, ByTeam: map[string]int{"south": 1}, ByKind: map[string]int{"care-plan": 1}}},
	}
	for name, p := range people {
		v := Visibility{Actor: p.who}
		got, err := s.OverdueCountsFor(ctx, v, now)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != p.want.Total || !maps.Equal(got.ByTeam, p.want.ByTeam) || !maps.Equal(got.ByKind, p.want.ByKind) {
			t.Errorf("%s: %+v, want %+v", name, got, p.want)
		}
		list, err := s.Overdue(ctx, OverdueQuery{Now: now, Visibility: v, Limit: MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		listed := Counts{Total: len(list.Items), ByTeam: map[string]int{}, ByKind: map[string]int{}}
		for _, r := range list.Items {
			listed.ByTeam[r.Team]++
			listed.ByKind[r.Kind]++
		}
		if got.Total != listed.Total || !maps.Equal(got.ByTeam, listed.ByTeam) || !maps.Equal(got.ByKind, listed.ByKind) {
			t.Errorf("%s: the board counts %+v, the overdue list shows %+v", name, got, listed)
		}
	}
}

// TestBoardSeriesLeavesOutTheCasesOfAnAccusedOverseer: the overdue-over-time chart of a manager
// an allegation excluded from a case never counts its actions, minute by minute, while everyone
// else's counts them; it ends where their board's counts are.
func TestBoardSeriesLeavesOutTheCasesOfAnAccusedOverseer(t *testing.T) {
	ctx := context.Background()
	s := excludedFixture(t)
	for _, at := range []time.Time{now.Add(-90 * time.Minute), now} {
		if err := s.SampleOverdue(ctx, at); err != nil {
			t.Fatal(err)
		}
	}
	series := func(who safeguarding.Actor) []int {
		t.Helper()
		got, err := s.OverdueSeriesFor(ctx, Visibility{Actor: who}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		out := make([]int, len(got))
		for i, sample := range got {
			out[i] = sample.Overdue
		}
		return out
	}
	lead := series(safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead})
	accused := series(safeguarding.Actor{UserID: "mgr-9", Role: safeguarding.RoleManager, Team: "north"})
	// 90 minutes before now: c1's restricted action and c2's report were overdue.
	if want := []int{2, 4}; len(lead) != 2 || lead[0] != want[0] || lead[1] != want[1] {
		t.Errorf("the Lead's series %v, want %v", lead, want)
	}
	if want := []int{1, 2}; len(accused) != 2 || accused[0] != want[0] || accused[1] != want[1] {
		t.Errorf("the accused manager's series %v, want %v", accused, want)
	}
	if carer := series(safeguarding.Actor{UserID: "carer-c3", Role: safeguarding.RoleCarer}); len(carer) != 0 {
		t.Errorf("a carer has the agency's series: %v", carer)
	}
}

// TestLiveEventsSayOverdueOnlyOfWorkThePersonMaySee: a change tells a carer of the case the
// case has overdue work only when some of it is theirs to see; a restricted action overdue is
// news to those who see allegations alone; and someone an allegation excluded is told nothing.
func TestLiveEventsSayOverdueOnlyOfWorkThePersonMaySee(t *testing.T) {
	s := New(testRedis(t), testIDs)
	sum := summary("c1", 1, "north", action("A1", "restricted", -time.Hour, projection.EscalationOverdue))
	sum.Excluded = []string{"mgr-9"}
	published := func(c Change) Change { // as Subscribe receives it: people by pseudonym
		c.People = s.maskedParties(c.People)
		for i := range c.OverdueActions {
			c.OverdueActions[i].OwnerUser = s.ids.Of(c.OverdueActions[i].OwnerUser)
		}
		return c
	}
	restrictedOnly := published(changeAt(sum, now))
	sum.Actions = append(sum.Actions, projection.Action{ID: "A2", Kind: "care-plan", Class: string(safeguarding.ClassCare), OwnerRole: "social_worker", OwnerUser: "sw-north", Due: now.Add(-time.Hour)})
	withCare := published(changeAt(sum, now))
	legacy := restrictedOnly
	legacy.OverdueActions = nil // published by a release before changes named their overdue actions

	carer := safeguarding.Actor{UserID: "carer-c1", Role: safeguarding.RoleCarer}
	sw := safeguarding.Actor{UserID: "sw-north", Role: safeguarding.RoleSocialWorker, Team: "north"}
	accused := safeguarding.Actor{UserID: "mgr-9", Role: safeguarding.RoleManager, Team: "north"}
	for _, tt := range []struct {
		name          string
		c             Change
		who           safeguarding.Actor
		told, overdue bool
	}{
		{"a carer, of a restricted action", restrictedOnly, carer, true, false},
		{"a carer, of a care action", withCare, carer, true, true},
		{"the social worker, of a restricted action", restrictedOnly, sw, true, true},
		{"a carer, by an earlier release", legacy, carer, true, false},
		{"the social worker, by an earlier release", legacy, sw, true, true},
		{"the accused manager", withCare, accused, false, false},
	} {
		e, told := s.EventFor(tt.c, Visibility{Actor: tt.who})
		if told != tt.told || e.Overdue != tt.overdue {
			t.Errorf("%s: told %v, overdue %v; want %v, %v", tt.name, told, e.Overdue, tt.told, tt.overdue)
		}
	}
}
