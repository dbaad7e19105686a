package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// These tests run every route of the route table against fakes of the case workflows and the
// audit: each outcome a route documents is produced and answered with its status, as a
// problem a social worker can read. A new route, or a new documented status, is covered or
// fails TestEveryRouteAnswersWhatItDocuments.

// theCase is the case every request names.
var theCase = workflows.CaseIDFor("carer-1", "the case")

// probe is one route as a request: the path with its case, the caller, the body.
type probe struct {
	rt     route
	path   string
	caller safeguarding.Actor
	body   []byte
}

func probeOf(t *testing.T, rt route) probe {
	t.Helper()
	p := probe{rt: rt, path: "/v1" + strings.Replace(rt.path, ":id", theCase, 1),
		caller: safeguarding.Actor{UserID: "u-1", Role: rt.roles[0], Team: "north"}}
	if rt.doc.body != nil {
		example, ok := examples[rt.doc.step]
		if !ok {
			t.Fatalf("no example body for step %s", rt.doc.step)
		}
		var err error
		if p.body, err = json.Marshal(example); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func (p probe) send(f *fixture, headers ...string) answer {
	return f.do(p.rt.method, p.path, f.token(p.caller), p.body, headers...)
}

func (p probe) namesCase() bool { return strings.Contains(p.rt.path, ":id") }
func (p probe) changes() bool   { return p.rt.doc.body != nil }

// showsCase reports whether the route shows a case's content: what the audit must record
// before it is sent.
func (p probe) showsCase() bool { return p.rt.method == http.MethodGet && p.namesCase() }

func (p probe) takes(param string) bool {
	return slices.ContainsFunc(p.rt.doc.query, func(q queryParam) bool { return q.name == param })
}

// documents reports whether the route's operation documents status.
func (p probe) documents(status int) bool {
	return status == p.rt.doc.status || slices.Contains(commonProblems, status) || slices.Contains(p.rt.doc.problems, status)
}

// scenario is one way a request can end. applies says whether it can happen on a route;
// usesCases is whether the route acts on the case workflows (learnt from its success).
type scenario struct {
	name    string
	status  int
	applies func(p probe, usesCases bool) bool
	run     func(f *fixture, p probe) answer
}

// casesFail is the scenario of the case workflows answering err.
func casesFail(name string, status int, err error) scenario {
	return scenario{name, status,
		func(p probe, usesCases bool) bool { return usesCases && p.documents(status) },
		func(f *fixture, p probe) answer { f.cases.err = err; return p.send(f) }}
}

func always(probe, bool) bool { return true }

var scenarios = []scenario{
	{"no token", http.StatusUnauthorized, always, func(f *fixture, p probe) answer {
		return f.do(p.rt.method, p.path, "", p.body)
	}},
	{"a token not signed by us", http.StatusUnauthorized, always, func(f *fixture, p probe) answer {
		return f.do(p.rt.method, p.path, "eyJhbGciOiJFZERTQSJ9.e30.c2ln", p.body)
	}},
	{"a role that may not use the route", http.StatusForbidden,
		func(p probe, _ bool) bool { return refusedRole(p.rt) != "" },
		func(f *fixture, p probe) answer {
			p.caller.Role = refusedRole(p.rt)
			return p.send(f)
		}},
	{"too many requests", http.StatusTooManyRequests, always, func(f *fixture, p probe) answer {
		f.limit.denied = true
		return p.send(f)
	}},
	{"too many new cases", http.StatusTooManyRequests,
		func(p probe, _ bool) bool { return p.rt.doc.step == safeguarding.StepRaiseConcern },
		func(f *fixture, p probe) answer { f.newCases.denied = true; return p.send(f) }},
	{"malformed JSON", http.StatusBadRequest, func(p probe, _ bool) bool { return p.changes() }, func(f *fixture, p probe) answer {
		p.body = []byte(`{"`)
		return p.send(f)
	}},
	{"an unknown field", http.StatusBadRequest, func(p probe, _ bool) bool { return p.changes() }, func(f *fixture, p probe) answer {
		p.body = slices.Concat(p.body[:len(p.body)-1], []byte(`,"no_such_field":1}`))
		return p.send(f)
	}},
	{"an Idempotency-Key too long", http.StatusBadRequest, func(p probe, _ bool) bool { return p.changes() }, func(f *fixture, p probe) answer {
		return p.send(f, "Idempotency-Key", strings.Repeat("k", maxIdempotencyKey+1))
	}},
	{"a page size out of range", http.StatusBadRequest, func(p probe, _ bool) bool { return p.takes("limit") }, func(f *fixture, p probe) answer {
		p.path += "?limit=0"
		return p.send(f)
	}},
	{"a body too large", http.StatusRequestEntityTooLarge, func(p probe, _ bool) bool { return p.changes() }, func(f *fixture, p probe) answer {
		p.body = []byte(`{"note":"` + strings.Repeat("x", MaxBodyBytes) + `"}`)
		return p.send(f)
	}},
	{"an Idempotency-Key reused for another request", http.StatusUnprocessableEntity,
		func(p probe, _ bool) bool { return p.changes() },
		func(f *fixture, p probe) answer {
			if a := p.send(f, "Idempotency-Key", "k-1"); a.status != p.rt.doc.status {
				f.t.Fatalf("first use of the key: %d %s", a.status, a.body)
			}
			p.body = slices.Concat(p.body, []byte(" "))
			return p.send(f, "Idempotency-Key", "k-1")
		}},
	{"a case that does not exist, or that the caller may not see", http.StatusNotFound,
		func(p probe, _ bool) bool { return p.namesCase() },
		func(f *fixture, p probe) answer {
			f.cases.err = safeguarding.Errorf(safeguarding.ENotFound, "No case with this reference is available to you.")
			f.cases.exists = false
			return p.send(f)
		}},
	casesFail("a step not possible at this point", http.StatusConflict, safeguarding.Errorf(safeguarding.EConflict, "The case is closed.")),
	casesFail("content the case's rules refuse", http.StatusUnprocessableEntity,
		&safeguarding.Error{Code: safeguarding.EInvalid, Message: "The date is in the future.", Fields: map[string]string{"held_at": "in the future"}}),
	casesFail("a step the caller may not take on this case", http.StatusForbidden, safeguarding.Errorf(safeguarding.EForbidden, "Only the case's social worker can do this.")),
	casesFail("the case workflows unreachable", http.StatusServiceUnavailable, fmt.Errorf("%w: deadline exceeded", workflows.ErrUnavailable)),
	{"the read model unreachable", http.StatusServiceUnavailable,
		func(p probe, _ bool) bool {
			return p.rt.method == http.MethodGet && slices.Contains(readModelRoutes, p.rt.path)
		},
		func(f *fixture, p probe) answer { f.redis.Close(); return p.send(f) }},
	{"the audit unavailable while a case would be shown", http.StatusServiceUnavailable,
		func(p probe, _ bool) bool { return p.showsCase() },
		func(f *fixture, p probe) answer { f.audit.appendErr = audit.ErrUnavailable; return p.send(f) }},
}

// readModelRoutes are the paths whose GET is answered from Redis.
var readModelRoutes = []string{"/cases", "/me/actions", "/me/notifications", "/overdue", "/overdue/summary"}

// refusedRole is a role the route refuses, or "" when every role may use it.
func refusedRole(rt route) safeguarding.Role {
	for _, r := range safeguarding.Roles {
		if !slices.Contains(rt.roles, r) {
			return r
		}
	}
	return ""
}

func TestEveryRouteAnswersWhatItDocuments(t *testing.T) {
	for _, rt := range routes(&handlers{}) {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			p := probeOf(t, rt)
			produced := map[int]bool{}

			f := newFixture(t)
			ok := p.send(f, "Idempotency-Key", "k-1")
			if ok.status != rt.doc.status {
				t.Fatalf("success: %d, want %d: %s", ok.status, rt.doc.status, ok.body)
			}
			produced[ok.status] = true
			usesCases := len(f.cases.called()) > 0
			checkCalls(t, p, f.cases.called())
			checkRecorded(t, p, f)

			for _, s := range scenarios {
				if !s.applies(p, usesCases) {
					continue
				}
				t.Run(s.name, func(t *testing.T) {
					if !p.documents(s.status) {
						t.Fatalf("answers %d, which its operation does not document", s.status)
					}
					f := newFixture(t)
					a := s.run(f, p)
					if a.status != s.status {
						t.Fatalf("%d, want %d: %s", a.status, s.status, a.body)
					}
					checkProblem(t, a, p.path)
					produced[a.status] = true
				})
			}
			for _, status := range rt.doc.problems {
				if !produced[status] {
					t.Errorf("documents %d, but no scenario produced it", status)
				}
			}
		})
	}
}

// checkCalls: a route acting on the case workflows names the case in its path, the step it
// takes, its caller, and the update id its Idempotency-Key makes. What caseflow asks of its own
// accord afterwards (who the child's cases exclude) is not the caller's call.
func checkCalls(t *testing.T, p probe, calls []caseCall) {
	t.Helper()
	calls = slices.DeleteFunc(slices.Clone(calls), func(c caseCall) bool { return c.actor == safeguarding.Caseflow })
	if len(calls) == 0 {
		if p.namesCase() && p.rt.path != "/cases/:id/access" {
			t.Errorf("a route of one case never asked the case workflows")
		}
		return
	}
	last := calls[len(calls)-1]
	// A merge records the decision on this case, then the merge on the case that continues.
	for _, c := range calls {
		if p.rt.doc.step != "" && c.method == "Step" && c.step == p.rt.doc.step {
			last = c
		}
	}
	if last.actor != p.caller {
		t.Errorf("the case workflows were asked by %+v, want %+v", last.actor, p.caller)
	}
	if p.namesCase() && last.caseID != theCase {
		t.Errorf("the case workflows were asked about case %q, want %q", last.caseID, theCase)
	}
	if p.changes() {
		if last.step != p.rt.doc.step {
			t.Errorf("step %q sent, want %q", last.step, p.rt.doc.step)
		}
		if want := requestIDFor(p.caller.UserID, "k-1"); last.requestID != want {
			t.Errorf("update id %q, want %q (from the Idempotency-Key)", last.requestID, want)
		}
	}
}

// checkRecorded: a successful request naming a case leaves an access record of it: stored
// before the answer when it shows the case, handed on to be stored after it otherwise.
func checkRecorded(t *testing.T, p probe, f *fixture) {
	t.Helper()
	if !p.namesCase() {
		return
	}
	recs := f.audit.soon[audit.CaseStream(theCase)]
	if p.showsCase() {
		recs = f.audit.stored[audit.CaseStream(theCase)]
	}
	if len(recs) != 1 || recs[0].Action != p.rt.doc.id || recs[0].Outcome != audit.Allowed || recs[0].UserID != p.caller.UserID {
		t.Errorf("access records %+v, want one allowed %s by %s", recs, p.rt.doc.id, p.caller.UserID)
	}
}

// checkProblem: an error is an RFC 9457 problem with its status's title and a detail.
func checkProblem(t *testing.T, a answer, path string) {
	t.Helper()
	pr := a.problem(t)
	if pr.Status != a.status || pr.Title != titles[a.status] || pr.Detail == "" || pr.Type != problemType(a.status) {
		t.Errorf("problem %+v for a %d", pr, a.status)
	}
	if pr.Instance != strings.SplitN(path, "?", 2)[0] {
		t.Errorf("problem instance %q, want %q", pr.Instance, path)
	}
	if a.status == http.StatusTooManyRequests && a.header.Get("Retry-After") == "" {
		t.Errorf("a 429 without Retry-After")
	}
	if a.status == http.StatusUnauthorized && a.header.Get("WWW-Authenticate") == "" {
		t.Errorf("a 401 without WWW-Authenticate")
	}
}

// A step retried with its Idempotency-Key is answered from the first response, with the
// replay marked, and reaches the case workflows once.
func TestEveryStepReplaysItsIdempotentResponse(t *testing.T) {
	for _, rt := range routes(&handlers{}) {
		if rt.doc.body == nil {
			continue
		}
		t.Run(rt.path, func(t *testing.T) {
			p := probeOf(t, rt)
			f := newFixture(t)
			first := p.send(f, "Idempotency-Key", "k-1")
			calls := len(f.cases.called())
			again := p.send(f, "Idempotency-Key", "k-1")
			if first.status != rt.doc.status || again.status != first.status || string(again.body) != string(first.body) {
				t.Fatalf("first %d %s, again %d %s", first.status, first.body, again.status, again.body)
			}
			if again.header.Get("Idempotent-Replayed") != "true" {
				t.Errorf("the replay is not marked")
			}
			if len(f.cases.called()) != calls {
				t.Errorf("the retry reached the case workflows again")
			}
		})
	}
}

// A refused or failed step releases its key: the corrected retry with the same key is applied.
func TestAFailedStepReleasesItsKey(t *testing.T) {
	p := probeOf(t, stepRoute(t, "care-plan-contribution"))
	f := newFixture(t)
	f.cases.err = fmt.Errorf("%w: timed out", workflows.ErrUnavailable)
	if a := p.send(f, "Idempotency-Key", "k-1"); a.status != http.StatusServiceUnavailable {
		t.Fatalf("while unavailable: %d %s", a.status, a.body)
	}
	f.cases.err = nil
	if a := p.send(f, "Idempotency-Key", "k-1"); a.status != http.StatusOK || a.header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("the retry: %d %s", a.status, a.body)
	}
}

// A step is answered without waiting for its access record, which goes to the audit to be
// stored after the answer (and kept while the audit is down); reading the case waits and is
// refused instead (TestEveryRouteAnswersWhatItDocuments).
func TestAStepIsAnsweredWhileTheAuditIsDown(t *testing.T) {
	p := probeOf(t, stepRoute(t, "care-plan-contribution"))
	f := newFixture(t)
	f.audit.appendErr = audit.ErrUnavailable
	if a := p.send(f); a.status != http.StatusOK {
		t.Fatalf("%d %s", a.status, a.body)
	}
	if recs := f.audit.soon[audit.CaseStream(theCase)]; len(recs) != 1 || recs[0].Outcome != audit.Allowed {
		t.Errorf("records handed on to be stored: %+v", recs)
	}
	if len(f.audit.stored) != 0 {
		t.Errorf("a step waited for its record: %+v", f.audit.stored)
	}
}

// A list is answered at once, its records of the cases it names handed to the audit to store
// after the answer, so a board of fifty cases does not wait for fifty appends.
func TestAListIsAnsweredBeforeItsRecordsAreStored(t *testing.T) {
	f := newFixture(t)
	f.audit.appendErr = audit.ErrUnavailable
	manager := safeguarding.Actor{UserID: "m-1", Role: safeguarding.RoleManager, Team: "north"}
	if _, err := f.store().Project(context.Background(), theSummary()); err != nil {
		t.Fatal(err)
	}
	a := f.do(http.MethodGet, "/v1/cases", f.token(manager), nil, "X-Request-Id", "list-1")
	if a.status != http.StatusOK || !strings.Contains(string(a.body), theCase) {
		t.Fatalf("the list while the audit is down: %d %s", a.status, a.body)
	}
	recs := f.audit.soon[audit.CaseStream(theCase)]
	if len(recs) != 1 || recs[0].Action != "listCases" || recs[0].UserID != "m-1" || recs[0].RequestID != a.header.Get("X-Request-Id") {
		t.Errorf("records handed on to be stored: %+v", recs)
	}
	if len(f.audit.stored) != 0 {
		t.Errorf("a list waited for its records: %+v", f.audit.stored)
	}
}

// theSummary is theCase as the read model holds it, in team north.
func theSummary() projection.Summary {
	now := time.Now().UTC()
	return projection.Summary{CaseID: theCase, Reference: "CF-TEST01", Version: 1, Stage: "open", Team: "north", OpenedAt: now, UpdatedAt: now}
}

// A live stream that tells a manager of a change of a case records it, like a list.
func TestALiveUpdateIsRecorded(t *testing.T) {
	f := newFixture(t)
	manager := safeguarding.Actor{UserID: "m-1", Role: safeguarding.RoleManager, Team: "north"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.url+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+f.token(manager))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewReader(resp.Body)
	if line, err := events.ReadString('\n'); err != nil || !strings.HasPrefix(line, "event:ready") {
		t.Fatalf("the stream began %q %v", line, err)
	}
	if err := f.store().Announce(ctx, theSummary()); err != nil {
		t.Fatal(err)
	}
	for {
		line, err := events.ReadString('\n')
		if err != nil {
			t.Fatalf("no case event: %v", err)
		}
		if strings.HasPrefix(line, "event:case") {
			break
		}
	}
	// The record is handed on just after the event is written: wait for it.
	for deadline := time.Now().Add(5 * time.Second); ; {
		recs := f.audit.soonOf(audit.CaseStream(theCase))
		if len(recs) == 1 && recs[0].Action == "events" && recs[0].UserID == "m-1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("records of the live update: %+v", recs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A live stream ends with the sign-in it was opened under: once the session is ended (signing
// out on every device), the next change is not sent, and the stream says so and closes.
func TestALiveStreamEndsWithItsSession(t *testing.T) {
	f := newFixture(t)
	cookie := f.sessions.signIn("s-1", safeguarding.Actor{UserID: "m-1", Role: safeguarding.RoleManager, Team: "north"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.url+"/v1/events", nil)
	req.AddCookie(&http.Cookie{Name: fakeSessionCookie, Value: cookie})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewReader(resp.Body)
	if line, err := events.ReadString('\n'); err != nil || !strings.HasPrefix(line, "event:ready") {
		t.Fatalf("the stream began %q %v", line, err)
	}
	f.sessions.end(cookie)
	if err := f.store().Announce(ctx, theSummary()); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(events)
	if err != nil {
		t.Fatalf("the stream did not close: %v", err)
	}
	if strings.Contains(string(rest), "event:case") || !strings.Contains(string(rest), "event:signed-out") {
		t.Errorf("after the session ended the stream sent %q", rest)
	}
}

// Linking two cases acts on the other case first; one the caller cannot see, or this case
// itself, is a correction of the request (422 naming case_id), not a missing page.
func TestLinkingToACaseTheCallerCannotSee(t *testing.T) {
	p := probeOf(t, stepRoute(t, safeguarding.StepLinkCase))
	var link safeguarding.LinkCase
	if err := json.Unmarshal(p.body, &link); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	f.cases.errFor = map[string]error{link.CaseID: safeguarding.Errorf(safeguarding.ENotFound, "No case with this reference is available to you.")}
	for name, body := range map[string][]byte{"another case": p.body, "this case": []byte(`{"case_id":"` + theCase + `","reason":"Raised twice."}`)} {
		p.body = body
		a := p.send(f)
		if a.status != http.StatusUnprocessableEntity {
			t.Fatalf("linking to %s: %d %s", name, a.status, a.body)
		}
		if pr := a.problem(t); pr.Errors["case_id"] == "" {
			t.Errorf("linking to %s: the problem does not name case_id: %+v", name, pr)
		}
	}
	for _, c := range f.cases.called() {
		if c.method == "Step" && c.caseID == theCase {
			t.Errorf("this case was linked although the other could not be: %+v", c)
		}
	}
}

// Merging acts on the case that continues only once this case's merge is recorded; one the caller
// cannot see, a closed one, or this case itself is a correction of the request, and this case is
// not merged.
func TestMergingIntoACaseTheCallerCannotSeeOrThatIsClosed(t *testing.T) {
	p := probeOf(t, stepRoute(t, safeguarding.StepMergeInto))
	var merge safeguarding.MergeInto
	if err := json.Unmarshal(p.body, &merge); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		body   []byte
		err    error
		view   *safeguarding.View
		status int
		field  string
	}{
		"a case the caller cannot see": {p.body, safeguarding.Errorf(safeguarding.ENotFound, "No case with this reference is available to you."), nil, http.StatusUnprocessableEntity, "case_id"},
		"this case":                    {[]byte(`{"case_id":"` + theCase + `","reason":"Raised twice."}`), nil, nil, http.StatusUnprocessableEntity, "case_id"},
		"a closed case":                {p.body, nil, &safeguarding.View{ID: merge.CaseID, Stage: safeguarding.StageClosed}, http.StatusConflict, ""},
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			if c.err != nil {
				f.cases.errFor = map[string]error{merge.CaseID: c.err}
			}
			if c.view != nil {
				f.cases.viewFor = map[string]safeguarding.View{merge.CaseID: *c.view}
			}
			p.body = c.body
			a := p.send(f)
			if a.status != c.status {
				t.Fatalf("%d %s, want %d", a.status, a.body, c.status)
			}
			if pr := a.problem(t); c.field != "" && pr.Errors[c.field] == "" {
				t.Errorf("the problem does not name %s: %+v", c.field, pr)
			}
			for _, call := range f.cases.called() {
				if call.method == "Step" {
					t.Errorf("a case was changed although the merge could not be made: %+v", call)
				}
			}
		})
	}
}

func stepRoute(t *testing.T, step string) route {
	t.Helper()
	for _, rt := range routes(&handlers{}) {
		if rt.doc.step == step {
			return rt
		}
	}
	t.Fatalf("no route takes step %s", step)
	return route{}
}

// TestNoRefusalNamesTheCaseAMergedCaseContinuesIn: the domain names, for the API alone, the case
// a merged case continues in; whatever step is refused that way, the answer never carries it,
// and a concern for it reaches it only for someone who may see it.
func TestNoRefusalNamesTheCaseAMergedCaseContinuesIn(t *testing.T) {
	const continues = "k2m4n6p8q1r3s5t7v9w2x4y6"
	merged := &safeguarding.Error{Code: safeguarding.EConflict, Message: "This case was merged into another case of the child.",
		Fields: map[string]string{safeguarding.MergedIntoField: continues}}
	for _, step := range []string{"police-report", "concern", "missing-episode"} {
		t.Run(step, func(t *testing.T) {
			p := probeOf(t, stepRoute(t, step))
			f := newFixture(t)
			f.cases.errFor = map[string]error{theCase: merged, continues: safeguarding.Errorf(safeguarding.ENotFound, "No case with this reference is available to you.")}
			a := p.send(f)
			if a.status != http.StatusConflict || strings.Contains(string(a.body), continues) || strings.Contains(string(a.body), safeguarding.MergedIntoField) {
				t.Fatalf("%d %s", a.status, a.body)
			}
			for _, call := range f.cases.called() {
				if call.method == "Step" && call.caseID == continues {
					t.Errorf("the step reached the case that continues, which the caller may not see: %+v", call)
				}
			}
		})
	}
}
