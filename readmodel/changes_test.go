package readmodel

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

func TestChangeAt(t *testing.T) {
	sum := summary("c1", 7, "north", action("A1", "police-report", time.Hour, projection.EscalationNone))
	sum.Carers = []string{"carer-1", "carer-2"}
	tests := []struct {
		name    string
		at      time.Time
		closed  bool
		overdue bool
	}{
		{"nothing due yet", now, false, false},
		{"due at the moment", now.Add(time.Hour), false, true},
		{"closed", now.Add(2 * time.Hour), true, false},
	}
	for _, tt := range tests {
		s := sum
		s.Closed = tt.closed
		c := changeAt(s, tt.at)
		if c.CaseID != "c1" || c.Version != 7 || c.People.Team != "north" || c.Overdue != tt.overdue ||
			c.People.SocialWorker != "sw-north" || !slices.Equal(c.People.Carers, []string{"carer-1", "carer-2"}) {
			t.Errorf("%s: %+v", tt.name, c)
		}
	}
}

// TestChangeVisibility: a change is announced to whoever may see the case, by the domain's
// visibility policy, and never to someone an allegation excluded.
func TestChangeVisibility(t *testing.T) {
	sum := summary("c1", 1, "north")
	sum.Excluded = []string{"mgr-accused"}
	c := changeAt(sum, now)
	for _, tt := range []struct {
		who  safeguarding.Actor
		team bool
		want bool
	}{
		{safeguarding.Actor{UserID: "mgr-1", Role: safeguarding.RoleManager}, false, true},
		{safeguarding.Actor{UserID: "mgr-accused", Role: safeguarding.RoleManager}, false, false},
		{safeguarding.Actor{UserID: "sw-north", Role: safeguarding.RoleSocialWorker}, false, true},
		{safeguarding.Actor{UserID: "sw-2", Role: safeguarding.RoleSocialWorker, Team: "north"}, false, false},
		{safeguarding.Actor{UserID: "sw-2", Role: safeguarding.RoleSocialWorker, Team: "north"}, true, true},
		{safeguarding.Actor{UserID: "carer-c1", Role: safeguarding.RoleCarer}, false, true},
		{safeguarding.Actor{UserID: "carer-x", Role: safeguarding.RoleCarer}, false, false},
	} {
		if got := c.Visible(Visibility{Actor: tt.who, TeamAccess: tt.team}); got != tt.want {
			t.Errorf("%s %s (team access %v): visible %v, want %v", tt.who.Role, tt.who.UserID, tt.team, got, tt.want)
		}
	}
}

func TestPublishSubscribe(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	changes, stop, err := s.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	want := changeAt(summary("c1", 3, "north", action("A1", "police-report", -time.Hour, projection.EscalationOverdue)), now)
	if err := s.Publish(ctx, want); err != nil {
		t.Fatal(err)
	}
	want.People = s.maskedParties(want.People) // announced by pseudonym
	select {
	case got := <-changes:
		if got.CaseID != want.CaseID || got.Version != want.Version || !got.Overdue || !slices.Equal(got.People.Carers, want.People.Carers) || !got.At.Equal(want.At) {
			t.Errorf("received %+v, want %+v", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no change delivered")
	}
	stop()
	stop() // stopping twice is harmless
	if _, open := <-changes; open {
		t.Error("channel open after stop")
	}
}

func TestSubscribeEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	changes, stop, err := New(testRedis(t), testIDs).Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	cancel()
	select {
	case _, open := <-changes:
		if open {
			t.Error("a change arrived instead of the end")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("channel still open after the context ended")
	}
}
