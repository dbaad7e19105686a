package session_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/keyring"
	"github.com/caseflow/caseflow/security/session"
)

// create starts a session for actor and returns its id and the Redis key it landed under.
func create(t *testing.T, store *session.Store, mr *miniredis.Miniredis, actor safeguarding.Actor) (id, redisKey string) {
	t.Helper()
	before := mr.Keys()
	id, _, err := store.Create(context.Background(), actor, "oidc")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range mr.Keys() {
		if !slices.Contains(before, k) {
			return id, k
		}
	}
	t.Fatal("the session was not stored")
	return "", ""
}

// signedOut checks that id is refused as a session that has ended, by the store and by the
// pages' authentication: the person is asked to sign in again, not shown an error.
func signedOut(t *testing.T, store *session.Store, id string) {
	t.Helper()
	if _, err := store.Touch(context.Background(), id); !errors.Is(err, session.ErrExpired) {
		t.Fatalf("touch: %v, want ErrExpired", err)
	}
	r := httptest.NewRequest(http.MethodGet, "/v1/cases", nil)
	r.AddCookie(&http.Cookie{Name: "caseflow-session", Value: id})
	if _, err := session.NewCookies(store, false).Actor(r); !errors.Is(err, session.ErrExpired) {
		t.Fatalf("a request of the pages: %v, want ErrExpired", err)
	}
}

func TestRedisHoldsNoClaimOfTheSessionInClear(t *testing.T) {
	store, mr, _ := newStore(t, 0, 0)
	fsw := safeguarding.Actor{UserID: "fsw-planted-4821", Role: safeguarding.RoleFosteringSocialWorker, Team: "team-planted-77"}
	id, redisKey := create(t, store, mr, fsw)
	sess, err := store.Touch(context.Background(), id)
	if err != nil || sess.Actor != fsw {
		t.Fatalf("the session does not hold its person: %+v, %v", sess.Actor, err)
	}
	stored := mustGet(t, mr, redisKey)
	for _, secret := range []string{
		fsw.UserID, string(fsw.Role), fsw.Team, sess.CSRF, sess.Via, id,
		sess.CreatedAt.Format("2006-01-02"), "user_id", "csrf",
	} {
		if strings.Contains(stored, secret) || strings.Contains(redisKey, secret) {
			t.Errorf("Redis holds %q in clear under %s", secret, redisKey)
		}
	}
	if json.Valid([]byte(stored)) {
		t.Errorf("Redis holds the session as JSON: %q", stored)
	}
}

func TestARecordMovedUnderAnotherSessionDoesNotOpen(t *testing.T) {
	store, mr, _ := newStore(t, 0, 0)
	manager := safeguarding.Actor{UserID: "mgr-1", Role: safeguarding.RoleManager, Team: "north"}
	managerID, managerKey := create(t, store, mr, manager)
	carerID, carerKey := create(t, store, mr, carer)
	// Someone able to write Redis copies the manager's record over the carer's, hoping the
	// carer's cookie now opens a manager's session.
	if err := mr.Set(carerKey, mustGet(t, mr, managerKey)); err != nil {
		t.Fatal(err)
	}
	signedOut(t, store, carerID)
	if sess, err := store.Touch(context.Background(), managerID); err != nil || sess.Actor != manager {
		t.Fatalf("the manager's own session: %+v, %v", sess.Actor, err)
	}
}

func TestKeyRotationKeepsSessionsWhileTheirKeyIsKept(t *testing.T) {
	mr := miniredis.RunT(t)
	keys := newKeys(t)
	first := keys.CurrentPayload
	id, _ := create(t, storeOn(t, mr, keys, session.Options{}), mr, carer)

	rotated := cloneKeys(t, keys)
	if err := rotated.Rotate(); err != nil {
		t.Fatal(err)
	}
	afterRotation := storeOn(t, mr, rotated, session.Options{})
	if sess, err := afterRotation.Touch(context.Background(), id); err != nil || sess.Actor != carer {
		t.Fatalf("a session sealed before the rotation, its key still in the ring: %+v, %v", sess.Actor, err)
	}
	newID, _ := create(t, afterRotation, mr, carer)

	dropped := cloneKeys(t, rotated)
	delete(dropped.Payload, first)
	withoutFirst := storeOn(t, mr, dropped, session.Options{})
	signedOut(t, withoutFirst, id)
	if _, err := withoutFirst.Touch(context.Background(), newID); err != nil {
		t.Fatalf("a session sealed with the current key, after the old one was dropped: %v", err)
	}
}

func TestALegacyRecordInClearMeansSignedOut(t *testing.T) {
	store, mr, clk := newStore(t, 0, 0)
	id, redisKey := create(t, store, mr, carer)
	// The record as the release before sealing wrote it: the session as JSON.
	legacy, err := json.Marshal(session.Session{Actor: carer, CSRF: "legacy-csrf", Via: "oidc", CreatedAt: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	if err := mr.Set(redisKey, string(legacy)); err != nil {
		t.Fatal(err)
	}
	signedOut(t, store, id)
	if mr.Exists(redisKey) {
		t.Fatal("the record in clear is still in Redis after it was found")
	}
}

func TestAStoreNeedsItsKeys(t *testing.T) {
	if _, err := session.NewStore(nil, nil, session.Options{}); err == nil {
		t.Error("a store without keys was made")
	}
	keys := newKeys(t)
	keys.CurrentPayload = "missing"
	if _, err := session.NewStore(nil, keys, session.Options{}); err == nil {
		t.Error("a store whose current key is not in the ring was made")
	}
}

// cloneKeys copies keys through their file form, so that changing the copy leaves them as
// they were.
func cloneKeys(t *testing.T, keys *keyring.Keys) *keyring.Keys {
	t.Helper()
	data, err := keys.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	c, err := keyring.Parse(data, true)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
