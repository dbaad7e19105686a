package readmodel

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api/idempotency"
	"github.com/caseflow/caseflow/api/ratelimit"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/pseudonym"
	"github.com/caseflow/caseflow/test/testredis"
)

// testIDs is the pseudonym key of the tests.
var testIDs = testredis.Pseudonyms

// TestCallersUseRealIDs: the read model stores pseudonyms, yet callers list and filter with
// real ids and see their own id back.
func TestCallersUseRealIDs(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	c1 := summary("c1", 1, "north", action("A1", "police-report", -time.Hour, projection.EscalationOverdue))
	mustProject(t, s, c1)

	sw := safeguarding.Actor{UserID: "sw-north", Role: safeguarding.RoleSocialWorker, Team: "north"}
	cases, err := s.CasesFor(ctx, Visibility{Actor: sw}, 10, "")
	if err != nil || len(cases.Items) != 1 {
		t.Fatalf("the social worker's cases: %+v %v", cases.Items, err)
	}
	got := cases.Items[0]
	if got.SocialWorker != "sw-north" {
		t.Errorf("the caller's own id came back as %q", got.SocialWorker)
	}
	if got.FosteringSocialWorker != testIDs.Of("fsw-1") || got.Carers[0] != testIDs.Of("carer-c1") {
		t.Errorf("other users are named %q %v, want their pseudonyms", got.FosteringSocialWorker, got.Carers)
	}

	mine, err := s.ActionsFor(ctx, Visibility{Actor: sw}, now.Add(time.Hour), 10, "")
	if err != nil || len(mine.Items) != 1 || mine.Items[0].OwnerUser != "sw-north" {
		t.Fatalf("my actions: %+v %v", mine.Items, err)
	}

	lead := Visibility{Actor: safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}}
	all, err := s.Overdue(ctx, OverdueQuery{Now: now, Limit: 10, Visibility: lead})
	if err != nil || len(all.Items) != 1 || all.Items[0].OwnerUser != testIDs.Of("sw-north") {
		t.Fatalf("overdue for the lead: %+v %v", all.Items, err)
	}
	byOwner, err := s.Overdue(ctx, OverdueQuery{Now: now, Limit: 10, Visibility: lead, ActionFilter: ActionFilter{OwnerUser: "sw-north"}})
	if err != nil || len(byOwner.Items) != 1 || byOwner.Items[0].OwnerUser != "sw-north" {
		t.Fatalf("overdue filtered by owner: %+v %v", byOwner.Items, err)
	}
	if ok, err := s.CanSee(ctx, Visibility{Actor: sw}, "c1"); !ok || err != nil {
		t.Errorf("the social worker cannot see their case: %v", err)
	}
	other := safeguarding.Actor{UserID: "sw-south", Role: safeguarding.RoleSocialWorker}
	if ok, _ := s.CanSee(ctx, Visibility{Actor: other}, "c1"); ok {
		t.Error("another social worker can see the case")
	}
}

// TestNoUserIDInRedis reads every key and value after projections, idempotent requests, rate
// limiting and a change announcement: no user id may appear, only pseudonyms.
func TestNoUserIDInRedis(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t)
	s := New(rdb, testIDs)
	mustProject(t, s, summary("c1", 1, "north", action("A1", "police-report", -time.Hour, projection.EscalationOverdue)))
	idem := idempotency.New(rdb, testIDs)
	if _, _, err := idem.Begin(ctx, "sw-north", "key-1", "fp", time.Minute); err != nil {
		t.Fatal(err)
	}
	ratelimit.NewLimiter(rdb, testIDs, 60, 10).Allow(ctx, "sw-north")
	ratelimit.NewCaseLimiter(rdb, testIDs, 10).Allow(ctx, "carer-c1")

	ids := []string{"sw-north", "fsw-1", "carer-c1"}
	iter := rdb.Scan(ctx, 0, "*", 100).Iterator()
	keys := 0
	for iter.Next(ctx) {
		keys++
		texts := append([]string{iter.Val()}, values(t, rdb, iter.Val())...)
		for _, text := range texts {
			for _, id := range ids {
				if strings.Contains(text, id) {
					t.Errorf("key %s holds the user id %q", iter.Val(), id)
				}
			}
		}
	}
	if keys < 5 {
		t.Fatalf("only %d keys written", keys)
	}
}

// TestChangesNameUsersByPseudonym: live-update announcements cross Redis too.
func TestChangesNameUsersByPseudonym(t *testing.T) {
	ctx := context.Background()
	s := New(testRedis(t), testIDs)
	changes, stop, err := s.Subscribe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if err := s.Announce(ctx, summary("c1", 1, "north")); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-changes:
		for _, u := range append([]string{c.People.SocialWorker, c.People.FosteringSocialWorker}, c.People.Carers...) {
			if !pseudonym.IsPseudonym(u) {
				t.Errorf("the change names %q", u)
			}
		}
		sw := Visibility{Actor: safeguarding.Actor{UserID: "sw-north", Role: safeguarding.RoleSocialWorker}}
		other := Visibility{Actor: safeguarding.Actor{UserID: "sw-south", Role: safeguarding.RoleSocialWorker}}
		if !s.Tells(c, sw) || s.Tells(c, other) {
			t.Error("Tells does not follow the case's people")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no change delivered")
	}
}
