package readmodel

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestChangeOf(t *testing.T) {
	sum := summary("c1", 7, "north", action("A1", "police-report", time.Hour, EscalationNone))
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
		if c.CaseID != "c1" || c.Version != 7 || c.Team != "north" || c.Overdue != tt.overdue ||
			!slices.Equal(c.Users, []string{"sw-north", "fsw-1", "carer-1", "carer-2"}) {
			t.Errorf("%s: %+v", tt.name, c)
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
	want := changeAt(summary("c1", 3, "north", action("A1", "police-report", -time.Hour, EscalationOverdue)), now)
	if err := s.Publish(ctx, want); err != nil {
		t.Fatal(err)
	}
	for i, u := range want.Users {
		want.Users[i] = testIDs.Of(u) // announced by pseudonym
	}
	select {
	case got := <-changes:
		if got.CaseID != want.CaseID || got.Version != want.Version || !got.Overdue || !slices.Equal(got.Users, want.Users) || !got.At.Equal(want.At) {
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
