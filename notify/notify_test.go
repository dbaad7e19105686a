package notify

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/pseudonym"
)

// TestInboxesHoldNoUserIDs delivers a chase to a social worker and the team's managers, then
// reads every key and value in Redis: the social worker's id is nowhere, yet they read the
// notice back, named as themselves.
func TestInboxesHoldNoUserIDs(t *testing.T) {
	ctx := context.Background()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	ids, err := pseudonym.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	in := NewInbox(rdb, ids, slog.New(slog.DiscardHandler))
	n := Notice{
		ID: "n1", CaseID: "c1", Reference: "CF-1", ActionID: "A1", Kind: "police-report", Level: 2, Due: time.Now(), SentAt: time.Now(),
		To: []safeguarding.Recipient{
			{Role: safeguarding.RoleSocialWorker, UserID: "sw-1"},
			{Role: safeguarding.RoleManager, Team: "north"},
		},
	}
	for range 2 {
		if err := in.Send(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	for _, key := range mr.Keys() {
		texts := []string{key}
		if mr.Exists(key) {
			if list, err := mr.List(key); err == nil {
				texts = append(texts, list...)
			}
		}
		for _, text := range texts {
			if strings.Contains(text, "sw-1") {
				t.Errorf("%s holds the user id: %s", key, text)
			}
		}
	}
	got, err := in.Read(ctx, safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("the social worker has %d notices, want 1 (delivered once)", len(got))
	}
	if got[0].To[0].UserID != "sw-1" {
		t.Errorf("the reader is named %q in their own notice", got[0].To[0].UserID)
	}
	managers, err := in.Read(ctx, safeguarding.Actor{UserID: "mgr-1", Role: safeguarding.RoleManager, Team: "north"}, 10)
	if err != nil || len(managers) != 1 {
		t.Fatalf("the team's manager has %d notices (%v), want 1", len(managers), err)
	}
	if to := managers[0].To[0].UserID; to != ids.Of("sw-1") {
		t.Errorf("another reader sees the social worker as %q, want the pseudonym", to)
	}
}

// TestForgetCaseEmptiesEveryInboxOfTheCase: once a record is destroyed, no inbox keeps a notice
// about it; notices about other cases stay.
func TestForgetCaseEmptiesEveryInboxOfTheCase(t *testing.T) {
	ctx := context.Background()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	ids, err := pseudonym.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	in := NewInbox(rdb, ids, slog.New(slog.DiscardHandler))
	to := []safeguarding.Recipient{{Role: safeguarding.RoleSocialWorker, UserID: "sw-1"}, {Role: safeguarding.RoleSafeguardingLead}}
	for i, caseID := range []string{"gone", "kept", "gone"} {
		n := Notice{ID: caseID + "/A1/2/0/" + string(rune('1'+i)), CaseID: caseID, Reference: "CF-" + caseID, ActionID: "A1", Kind: "retention-review", Level: 2, Due: time.Now(), SentAt: time.Now(), To: to}
		if err := in.Send(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	if removed, err := in.ForgetCase(ctx, "gone"); err != nil || removed != 4 {
		t.Fatalf("forgot %d notices (%v); want both notices in both inboxes", removed, err)
	}
	for _, reader := range []safeguarding.Actor{{UserID: "sw-1", Role: safeguarding.RoleSocialWorker}, {UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}} {
		got, err := in.Read(ctx, reader, 10)
		if err != nil || len(got) != 1 || got[0].CaseID != "kept" {
			t.Errorf("%s reads %+v, %v; want only the other case's notice", reader.Role, got, err)
		}
	}
	if removed, err := in.ForgetCase(ctx, "gone"); err != nil || removed != 0 {
		t.Errorf("forgetting again removed %d (%v)", removed, err)
	}
	for _, key := range mr.Keys() {
		if strings.Contains(key, "gone") {
			t.Errorf("%s is still kept", key)
		}
	}
	if !mr.Exists(seenPrefix + "kept/A1/2/0/2") {
		t.Error("the mark of the other case's notice went too")
	}
}
