package api

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/api/idempotency"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/auth"
	"github.com/caseflow/caseflow/security/pseudonym"
	"github.com/caseflow/caseflow/security/session"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// fakeCases stands in for the case workflows: it answers a call with the error of its case in
// errFor, else err when set, and records what it was asked.
type fakeCases struct {
	mu     sync.Mutex
	err    error
	errFor map[string]error // errors of one case, before err
	// viewFor are the views of some cases; others are empty views.
	viewFor map[string]safeguarding.View
	exists  bool
	calls   []caseCall
}

// caseCall is one call the API made to the case workflows (Exists aside).
type caseCall struct {
	method, caseID, step, requestID string
	actor                           safeguarding.Actor
	keepWording                     bool
}

func (f *fakeCases) record(ctx context.Context, c caseCall) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c.keepWording = workflows.KeepsWording(ctx)
	f.calls = append(f.calls, c)
	if err, ok := f.errFor[c.caseID]; ok {
		return err
	}
	return f.err
}

func (f *fakeCases) called() []caseCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]caseCall(nil), f.calls...)
}

func (f *fakeCases) Exists(context.Context, string) (bool, error) { return f.exists, nil }

func (f *fakeCases) Raise(ctx context.Context, actor safeguarding.Actor, requestID string, _ json.RawMessage) (safeguarding.Result, error) {
	caseID := workflows.CaseIDFor(actor.UserID, requestID)
	if err := f.record(ctx, caseCall{method: "Raise", caseID: caseID, step: safeguarding.StepRaiseConcern, requestID: requestID, actor: actor}); err != nil {
		return safeguarding.Result{}, err
	}
	return safeguarding.Result{CaseID: caseID, Revision: 1, Opened: []string{"A1"}}, nil
}

func (f *fakeCases) Step(ctx context.Context, caseID, step string, actor safeguarding.Actor, requestID string, _ json.RawMessage) (safeguarding.Result, error) {
	if err := f.record(ctx, caseCall{method: "Step", caseID: caseID, step: step, requestID: requestID, actor: actor}); err != nil {
		return safeguarding.Result{}, err
	}
	return safeguarding.Result{CaseID: caseID, Revision: 2}, nil
}

func (f *fakeCases) Get(ctx context.Context, caseID string, actor safeguarding.Actor) (safeguarding.View, error) {
	if err := f.record(ctx, caseCall{method: "Get", caseID: caseID, actor: actor}); err != nil {
		return safeguarding.View{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.viewFor[caseID], nil
}

func (f *fakeCases) Sight(ctx context.Context, caseID string, actor safeguarding.Actor) (safeguarding.Sight, error) {
	if err := f.record(ctx, caseCall{method: "Sight", caseID: caseID, actor: actor}); err != nil {
		return safeguarding.Sight{}, err
	}
	return safeguarding.Sight{Actor: actor, Relation: safeguarding.RelationOverseer}, nil
}

func (f *fakeCases) Exclusions(ctx context.Context, caseID string) (safeguarding.CaseExclusions, error) {
	if err := f.record(ctx, caseCall{method: "Exclusions", caseID: caseID, actor: safeguarding.Caseflow}); err != nil {
		return safeguarding.CaseExclusions{}, err
	}
	return safeguarding.CaseExclusions{}, nil
}

func (f *fakeCases) Timeline(ctx context.Context, caseID string, actor safeguarding.Actor, _, _ int) (workflows.TimelinePage, error) {
	if err := f.record(ctx, caseCall{method: "Timeline", caseID: caseID, actor: actor}); err != nil {
		return workflows.TimelinePage{}, err
	}
	return workflows.TimelinePage{}, nil
}

func (f *fakeCases) Register(ctx context.Context, actor safeguarding.Actor) ([]workflows.RegisterEntry, error) {
	if err := f.record(ctx, caseCall{method: "Register", actor: actor}); err != nil {
		return nil, err
	}
	return nil, nil
}

// fakeAudit keeps access records in memory; appendErr and readErr make it unavailable.
type fakeAudit struct {
	mu                 sync.Mutex
	appendErr, readErr error
	stored             map[audit.Stream][]audit.Record
	// soon are the records given to be stored after the answer (lists).
	soon map[audit.Stream][]audit.Record
}

func (a *fakeAudit) AppendEach(_ context.Context, records map[audit.Stream][]audit.Record) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.appendErr != nil {
		return a.appendErr
	}
	for s, recs := range records {
		a.stored[s] = append(a.stored[s], recs...)
	}
	return nil
}

func (a *fakeAudit) AppendSoon(records map[audit.Stream][]audit.Record) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for s, recs := range records {
		a.soon[s] = append(a.soon[s], recs...)
	}
}

// soonOf is what AppendSoon was given for s so far.
func (a *fakeAudit) soonOf(s audit.Stream) []audit.Record {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.soon[s])
}

// ReadPage pages the stored records as the audit does, newest first, the whole store taken as
// the head.
func (a *fakeAudit) ReadPage(_ context.Context, s audit.Stream, _ safeguarding.Actor, at audit.Position, limit int, keep func(audit.Record) bool) ([]audit.Record, *audit.Position, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.readErr != nil {
		return nil, nil, a.readErr
	}
	records := a.stored[s]
	if at.Before >= 0 {
		records = records[:min(at.Before, len(records))]
	}
	page := []audit.Record{}
	for i := len(records) - 1; i >= 0; i-- {
		if len(page) == limit {
			return page, &audit.Position{Chunk: -1, Before: i + 1}, nil
		}
		if keep(records[i]) {
			page = append(page, records[i])
		}
	}
	return page, nil, nil
}

// switchLimiter allows everything until denied is set.
type switchLimiter struct{ denied bool }

func (l *switchLimiter) Allow(context.Context, string) (bool, time.Duration) {
	return !l.denied, 30 * time.Second
}

// fixture is the API over fakes: the case workflows and the audit in memory, the read model
// and the inbox on an in-process Redis. Nothing here starts Temporal.
type fixture struct {
	t        *testing.T
	url      string
	redis    *miniredis.Miniredis
	cases    *fakeCases
	audit    *fakeAudit
	limit    *switchLimiter
	newCases *switchLimiter
	tokens   *auth.DevTokens
	sessions *fakeSessions
}

// fakeSessions signs in by a cookie naming a session; a session ended is refused as ended.
type fakeSessions struct {
	mu    sync.Mutex
	live  map[string]safeguarding.Actor
	ended map[string]bool
}

const fakeSessionCookie = "fake-session"

func (s *fakeSessions) Actor(r *http.Request) (safeguarding.Actor, error) {
	cookie, err := r.Cookie(fakeSessionCookie)
	if err != nil {
		return safeguarding.Actor{}, session.ErrNone
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	actor, ok := s.live[cookie.Value]
	if !ok || s.ended[cookie.Value] {
		return safeguarding.Actor{}, session.ErrExpired
	}
	return actor, nil
}

// signIn starts a session of actor and returns its cookie value.
func (s *fakeSessions) signIn(id string, actor safeguarding.Actor) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.live[id] = actor
	return id
}

// end ends a session, as signing out on every device does.
func (s *fakeSessions) end(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ended[id] = true
}

// fixtureSecret is the fixture's pseudonym key.
var fixtureSecret = bytes.Repeat([]byte{7}, 32)

func newFixture(t *testing.T) *fixture {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { rdb.Close() })
	ids, err := pseudonym.New(fixtureSecret)
	if err != nil {
		t.Fatal(err)
	}
	_, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	f := &fixture{
		t: t, redis: mr, cases: &fakeCases{exists: true},
		audit: &fakeAudit{stored: map[audit.Stream][]audit.Record{}, soon: map[audit.Stream][]audit.Record{}},
		limit: &switchLimiter{}, newCases: &switchLimiter{}, tokens: auth.NewDevTokens(key, time.Hour),
		sessions: &fakeSessions{live: map[string]safeguarding.Actor{}, ended: map[string]bool{}},
	}
	srv := httptest.NewServer(New(Config{
		Cases: f.cases, Store: readmodel.New(rdb, ids), Idempotency: idempotency.New(rdb, ids),
		Limiter: f.limit, NewCases: f.newCases, Inbox: notify.NewInbox(rdb, ids, logger),
		Verifier: f.tokens, Sessions: f.sessions, Audit: f.audit, Health: &Health{}, Logger: logger,
	}))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

// store is the read model the API reads, for tests to project and announce cases.
func (f *fixture) store() *readmodel.Store {
	f.t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: f.redis.Addr()})
	f.t.Cleanup(func() { rdb.Close() })
	ids, err := pseudonym.New(fixtureSecret)
	if err != nil {
		f.t.Fatal(err)
	}
	return readmodel.New(rdb, ids)
}

// token signs in as actor.
func (f *fixture) token(actor safeguarding.Actor) string {
	f.t.Helper()
	tok, err := f.tokens.Mint(actor, time.Hour)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// answer is a response read whole, or for an event stream its status and headers only.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) problem(t *testing.T) Problem {
	t.Helper()
	var p Problem
	if ct := a.header.Get("Content-Type"); ct != ProblemContentType {
		t.Errorf("a %d answered with Content-Type %q, want %s", a.status, ct, ProblemContentType)
	}
	if err := json.Unmarshal(a.body, &p); err != nil {
		t.Fatalf("a %d is not a problem: %v: %s", a.status, err, a.body)
	}
	return p
}

// do sends a request; headers are name, value pairs. An event stream is closed as soon as its
// headers arrive.
func (f *fixture) do(method, path, token string, body []byte, headers ...string) answer {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, f.url+path, r)
	if err != nil {
		f.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		if a.body, err = io.ReadAll(resp.Body); err != nil {
			f.t.Fatalf("read %s %s: %v", method, path, err)
		}
	}
	return a
}
