package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
)

// door is what a route shows of a case, and so how the table below tries it.
type door int

const (
	// caseDoor shows one case, or acts on it: anyone who may not see the case gets 404, exactly
	// as if it did not exist.
	caseDoor door = iota
	// listDoor lists cases or their actions (or streams their changes): it never names a case the
	// person may not see.
	listDoor
	// boardDoor counts the overdue actions: never one the person's overdue list would not show.
	boardDoor
	// plainDoor names no case (the codes, a new case, encoding): answered alike to every
	// relation.
	plainDoor
	// nameTheCaseDoor is refused to everyone its roles allow, saying how to name the case: a
	// decode that does not say whose payloads it decodes.
	nameTheCaseDoor
	// publicDoor needs no sign-in and shows nothing of any case (health, the API's description,
	// CORS preflights).
	publicDoor
	// registerDoor is the destruction register, the Safeguarding Lead's: it lists only records
	// already destroyed (a case that still exists is never in it), holding no personal data, so
	// it answers alike to every relation and names none of the table's cases.
	registerDoor
	// decryptionsDoor is the agency's record of decryptions, the data protection officer's
	// alone: it holds who decoded which case's records, and no role that works with cases may
	// read it (the Safeguarding Lead whose decryptions it holds to account least of all).
	decryptionsDoor
)

// doors is the table: every route caseflow's API serves, and what kind of door it is. A route
// missing here fails TestEveryDoorByRoleAndRelation, so no route can skip the visibility policy
// unnoticed. Each step's route is a case door by the step table (see doorOf).
var doors = map[string]door{
	"POST /v1/cases":                            plainDoor,
	"GET /v1/cases":                             listDoor,
	"GET /v1/cases/:id":                         caseDoor,
	"GET /v1/cases/:id/timeline":                caseDoor,
	"GET /v1/cases/:id/access":                  caseDoor,
	"GET /v1/me/actions":                        listDoor,
	"GET /v1/me/notifications":                  listDoor,
	"GET /v1/overdue":                           listDoor,
	"GET /v1/overdue/summary":                   boardDoor,
	"GET /v1/events":                            listDoor,
	"GET /v1/reference":                         plainDoor,
	"POST /codec/encode":                        plainDoor,
	"POST /codec/decode":                        nameTheCaseDoor,
	"POST /codec/workflows/:workflow/encode":    caseDoor,
	"POST /codec/workflows/:workflow/decode":    caseDoor,
	"GET /healthz":                              publicDoor,
	"GET /readyz":                               publicDoor,
	"GET /v1/openapi.json":                      publicDoor,
	"OPTIONS /codec/encode":                     publicDoor,
	"OPTIONS /codec/decode":                     publicDoor,
	"OPTIONS /codec/workflows/:workflow/encode": publicDoor,
	"OPTIONS /codec/workflows/:workflow/decode": publicDoor,
	"GET /v1/destruction-register":              registerDoor,
	"GET /v1/decryptions":                       decryptionsDoor,
}

// doorOf is the kind of door a served route is; false when the table has no row for it.
func doorOf(method, path string) (door, bool) {
	if d, ok := doors[method+" "+path]; ok {
		return d, true
	}
	if name, ok := strings.CutPrefix(path, "/v1/cases/:id/"); ok && method == http.MethodPost {
		if _, step := safeguarding.StepNamed(name); step {
			return caseDoor, true
		}
	}
	return 0, false
}

// served lists every route the API serves, as its router holds them: routes added beside the
// route table are listed too.
func served(t *testing.T) []gin.RouteInfo {
	t.Helper()
	engine, ok := api.New(api.Config{}).(*gin.Engine)
	if !ok {
		t.Fatal("the API handler is not a gin engine: list its routes another way")
	}
	return engine.Routes()
}

// TestEveryRouteHasARowInTheDoorTable: a route the table does not know fails here, so nobody
// adds a door without saying what it shows of a case and having it tried below.
func TestEveryRouteHasARowInTheDoorTable(t *testing.T) {
	routes := served(t)
	if len(routes) < 20 {
		t.Fatalf("only %d routes served: the list is wrong", len(routes))
	}
	seen := map[string]bool{}
	for _, r := range routes {
		seen[r.Method+" "+r.Path] = true
		if _, ok := doorOf(r.Method, r.Path); !ok {
			t.Errorf("%s %s has no row in the door table: say what it shows of a case", r.Method, r.Path)
		}
	}
	for key := range doors {
		if !seen[key] {
			t.Errorf("the door table has a row for %s, which is not served", key)
		}
	}
}

// relation is how the person calling stands to the case the table calls about.
type relation string

const (
	connected relation = "connected" // works with the child, or oversees the agency
	stranger  relation = "stranger"  // works elsewhere
	excluded  relation = "excluded"  // an allegation on the case is about them
)

// doorsFixture is the world of the table: case C, of a child placed with carer-1 and worked by
// sw-1 and fsw-1; and case E, of a child placed with carer-9 and worked by sw-9 and fsw-9, where
// allegations were recorded against each of them and against the manager mgr-9 and the
// Safeguarding Lead lead-9. Both cases have overdue work; E's urgent LADO referral is overdue.
type doorsFixture struct {
	env       *testenv.Env
	caseC     string
	caseE     string
	people    map[relation]map[safeguarding.Role]string // tokens
	userOf    map[string]string                         // token -> user id, for messages
	connected map[safeguarding.Role]string
}

func newDoorsFixture(t *testing.T) *doorsFixture {
	env := start(t, testenv.Options{})
	p := tokens(env)
	f := &doorsFixture{env: env, userOf: map[string]string{}}
	tok := func(role safeguarding.Role, user, team string) string {
		token := env.Token(role, user, team)
		f.userOf[token] = user
		return token
	}
	f.people = map[relation]map[safeguarding.Role]string{
		connected: {safeguarding.RoleCarer: p.carer, safeguarding.RoleSocialWorker: p.sw, safeguarding.RoleFosteringSocialWorker: p.fsw,
			safeguarding.RoleSafeguardingLead: p.lead, safeguarding.RoleManager: p.manager, safeguarding.RoleDataProtectionOfficer: p.dpo},
		stranger: {safeguarding.RoleCarer: p.otherCarer, safeguarding.RoleSocialWorker: p.otherSW, safeguarding.RoleFosteringSocialWorker: p.otherFSW},
		excluded: {safeguarding.RoleCarer: tok(safeguarding.RoleCarer, "carer-9", ""), safeguarding.RoleSocialWorker: tok(safeguarding.RoleSocialWorker, "sw-9", "north"),
			safeguarding.RoleFosteringSocialWorker: tok(safeguarding.RoleFosteringSocialWorker, "fsw-9", "north"),
			safeguarding.RoleSafeguardingLead:      tok(safeguarding.RoleSafeguardingLead, "lead-9", ""), safeguarding.RoleManager: tok(safeguarding.RoleManager, "mgr-9", "north")},
	}
	for user, token := range map[string]string{"carer-1": p.carer, "carer-2": p.otherCarer, "sw-1": p.sw, "sw-2": p.otherSW, "fsw-1": p.fsw, "fsw-2": p.otherFSW, "lead-1": p.lead, "mgr-1": p.manager, "dpo-1": p.dpo} {
		f.userOf[token] = user
	}
	f.connected = f.people[connected]
	threeDaysAgo := time.Now().Add(-72 * time.Hour)
	f.caseC = raiseCase(t, env, p.carer, threeDaysAgo)
	// Another child (a concern about the child of case C goes to case C).
	concernE := testenv.ConcernFor(testenv.ChildName+" E", "2010-05-01", threeDaysAgo, "sw-9", "north", "carer-9")
	concernE["fostering_social_worker"] = "fsw-9"
	resp := env.Do(http.MethodPost, "/v1/cases", f.people[excluded][safeguarding.RoleCarer], concernE)
	if resp.Status != http.StatusCreated {
		t.Fatalf("raise case E: %d %s", resp.Status, resp.Body)
	}
	var created api.StepResponse
	resp.JSON(t, &created)
	f.caseE = created.CaseID
	for _, accused := range []struct {
		user string
		role safeguarding.Role
	}{{"sw-9", safeguarding.RoleSocialWorker}, {"fsw-9", safeguarding.RoleFosteringSocialWorker}, {"carer-9", safeguarding.RoleCarer},
		{"mgr-9", safeguarding.RoleManager}, {"lead-9", safeguarding.RoleSafeguardingLead}} {
		body := map[string]any{"received_at": threeDaysAgo.UTC().Format(time.RFC3339), "against_user": accused.user,
			"against_role": accused.role, "summary": "Seen handing the child a phone.", "urgent": true}
		if got := env.Send(http.MethodPost, "/v1/cases/"+f.caseE+"/allegation", p.lead, body); got.Status != http.StatusOK {
			t.Fatalf("allegation against %s: %d %s", accused.user, got.Status, got.Body)
		}
	}
	for _, id := range []string{f.caseC, f.caseE} {
		testenv.WaitQuiet(t, env.App.Temporal, workflows.WorkflowID(id))
	}
	testenv.Eventually(t, 20*time.Second, "both cases on the board", func() bool {
		body := string(env.Do(http.MethodGet, "/v1/overdue?limit=500", p.lead, nil).Body)
		return strings.Contains(body, f.caseC) && strings.Contains(body, f.caseE) && strings.Contains(body, `"restricted"`)
	})
	return f
}

// hidden lists the cases the person may not see.
func (f *doorsFixture) hidden(rel relation, role safeguarding.Role) []string {
	switch {
	case rel == stranger:
		return []string{f.caseC, f.caseE}
	case rel == excluded:
		return []string{f.caseE}
	case role.Oversees():
		return nil
	}
	return []string{f.caseE}
}

// caseOf is the case the table calls a case door about for a relation: E for those it excludes.
func (f *doorsFixture) caseOf(rel relation) string {
	if rel == excluded {
		return f.caseE
	}
	return f.caseC
}

// TestEveryDoorByRoleAndRelation tries every route the API serves (the door table) as every role
// in every relation to a case: connected with the child (or overseeing the agency), working
// elsewhere, and excluded by an allegation on it, whatever their role, a manager's or the
// Safeguarding Lead's included. A role a route does not list gets 403; a case door answers 404
// to anyone who may not see the case, as if it did not exist, and lets through everyone else; a
// list never names a case the person may not see; the board counts exactly what the person's
// overdue list shows; the codec decodes only a case's records, for a Lead who may see the case.
func TestEveryDoorByRoleAndRelation(t *testing.T) {
	f := newDoorsFixture(t)
	env := f.env
	streams := f.listenAll(t)
	routes := served(t)
	allowed := map[string][]safeguarding.Role{}
	for _, rt := range api.Routes() {
		allowed[rt.Method+" "+rt.Path] = rt.Roles
	}
	// Lists, the board and plain doors first; then case doors, closing, reopening and merging
	// last, as they change what the other steps may do.
	rank := func(r gin.RouteInfo) int {
		d, _ := doorOf(r.Method, r.Path)
		switch {
		case d != caseDoor:
			return 0
		case strings.Contains(r.Path, "/closure-") || strings.HasSuffix(r.Path, "/reopen") || strings.HasSuffix(r.Path, "/"+safeguarding.StepMergeInto):
			return 2
		}
		return 1
	}
	slices.SortStableFunc(routes, func(a, b gin.RouteInfo) int { return rank(a) - rank(b) })
	bodies := sampleBodies(time.Now())
	payloads := map[string]any{"payloads": []any{}}
	for _, rt := range routes {
		d, ok := doorOf(rt.Method, rt.Path)
		if !ok {
			t.Errorf("%s %s: no row in the door table", rt.Method, rt.Path)
			continue
		}
		key := rt.Method + " " + rt.Path
		roles, listed := allowed[key]
		if !listed && d != publicDoor {
			t.Errorf("%s: served, but not in api.Routes with its roles", key)
			continue
		}
		var body any
		if name, step := strings.CutPrefix(rt.Path, "/v1/cases/:id/"); step {
			body = bodies[name]
		}
		if strings.HasPrefix(rt.Path, "/codec/") {
			body = payloads
		}
		if rt.Path == "/v1/cases" && rt.Method == http.MethodPost {
			body = testenv.Concern(time.Now(), "sw-1", "north", "carer-1")
		}
		if d == publicDoor {
			if got := env.Do(rt.Method, strings.ReplaceAll(rt.Path, ":workflow", "case-x"), "", nil).Status; got == http.StatusUnauthorized || got >= 500 {
				t.Errorf("%s without a token: %d, want it answered", key, got)
			}
			continue
		}
		if got := env.Do(rt.Method, f.path(rt.Path, f.caseC), "", body).Status; got != http.StatusUnauthorized {
			t.Errorf("%s without a token: %d, want 401", key, got)
		}
		for _, rel := range []relation{connected, stranger, excluded} {
			if d == plainDoor && rel != connected {
				continue // it names no case: nothing differs by relation
			}
			for _, role := range safeguarding.Roles {
				token, ok := f.people[rel][role]
				if !ok {
					continue // managers and the Lead oversee every case: nobody of theirs is a stranger
				}
				name := key + " as " + string(role) + " " + f.userOf[token] + " (" + string(rel) + ")"
				if rt.Path == "/v1/events" {
					f.checkStream(t, name, streams[token], slices.Contains(roles, role), f.hidden(rel, role), rel == connected && !role.Oversees())
					continue
				}
				got := f.do(rt.Method, f.path(rt.Path, f.caseOf(rel)), token, body)
				if !slices.Contains(roles, role) {
					if got.Status != http.StatusForbidden {
						t.Errorf("%s: %d, want 403", name, got.Status)
					}
					continue
				}
				f.check(t, name, d, rt, rel, role, token, got)
			}
		}
	}
}

// check judges one answer of a door the role may use.
func (f *doorsFixture) check(t *testing.T, name string, d door, rt gin.RouteInfo, rel relation, role safeguarding.Role, token string, got testenv.Response) {
	t.Helper()
	switch d {
	case caseDoor:
		switch {
		case rel != connected && got.Status != http.StatusNotFound:
			t.Errorf("%s: %d %.200s, want 404, as for a case that does not exist", name, got.Status, got.Body)
		case rel == connected && !permitted(got.Status):
			t.Errorf("%s: %d %.300s, want the request let through", name, got.Status, got.Body)
		}
	case plainDoor:
		if !permitted(got.Status) {
			t.Errorf("%s: %d %.300s, want it answered", name, got.Status, got.Body)
		}
	case nameTheCaseDoor:
		if got.Status != http.StatusBadRequest || !strings.Contains(string(got.Body), "/codec/workflows/case-") {
			t.Errorf("%s: %d %.300s, want 400 saying how to name the case", name, got.Status, got.Body)
		}
	case listDoor:
		if got.Status != http.StatusOK {
			t.Errorf("%s: %d %.300s, want 200", name, got.Status, got.Body)
			return
		}
		for _, id := range f.hidden(rel, role) {
			if strings.Contains(string(got.Body), id) {
				t.Errorf("%s: names a case the person may not see (%s): %.300s", name, id, got.Body)
			}
		}
		if rel == connected && rt.Path == "/v1/cases" && !strings.Contains(string(got.Body), f.caseC) {
			t.Errorf("%s: the person's own case is not listed: %.300s", name, got.Body)
		}
		if rel == connected && rt.Path == "/v1/overdue" && !strings.Contains(string(got.Body), f.caseE) {
			t.Errorf("%s: the case with the allegation is not on the overseer's list: %.300s", name, got.Body)
		}
	case boardDoor:
		f.checkBoard(t, name, rel, token, got)
	case decryptionsDoor:
		if got.Status != http.StatusOK || !strings.Contains(string(got.Body), `"records"`) {
			t.Errorf("%s: %d %.300s, want 200 with the record", name, got.Status, got.Body)
		}
	case registerDoor:
		if got.Status != http.StatusOK {
			t.Errorf("%s: %d %.300s, want 200", name, got.Status, got.Body)
		}
		for _, id := range []string{f.caseC, f.caseE} {
			if strings.Contains(string(got.Body), id) {
				t.Errorf("%s: the register names case %s, which was not destroyed: %.300s", name, id, got.Body)
			}
		}
	}
}

// checkBoard: the board counts exactly the actions the person's overdue list shows; only those
// who may see the case with the allegation find its restricted action counted.
func (f *doorsFixture) checkBoard(t *testing.T, name string, rel relation, token string, got testenv.Response) {
	t.Helper()
	if got.Status != http.StatusOK {
		t.Errorf("%s: %d %.300s, want 200", name, got.Status, got.Body)
		return
	}
	var board api.OverdueSummary
	got.JSON(t, &board)
	if restricted := board.Counts.ByKind["restricted"]; (restricted > 0) != (rel == connected) {
		t.Errorf("%s: %d restricted actions counted: %+v", name, restricted, board.Counts)
	}
	for attempt := 0; ; attempt++ {
		listed := map[string]int{}
		total := 0
		for cursor := ""; ; {
			var page api.ActionsPage
			f.env.Do(http.MethodGet, "/v1/overdue?limit=500&cursor="+cursor, token, nil).JSON(t, &page)
			for _, a := range page.Actions {
				listed[a.Kind]++
				total++
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		var now api.OverdueSummary
		f.env.Do(http.MethodGet, "/v1/overdue/summary", token, nil).JSON(t, &now)
		same := now.Counts.Total == total && len(now.Counts.ByKind) == len(listed)
		for kind, n := range listed {
			same = same && now.Counts.ByKind[kind] == n
		}
		if same {
			return
		}
		if attempt == 3 { // a projection may land between the two reads: try again, then judge
			t.Errorf("%s: the board counts %+v, the overdue list shows %d: %v", name, now.Counts, total, listed)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// do sends a request as Env.Do does, once more after a pause when the answer is 503: the audit
// a content read waits for is slow now and then on a loaded machine, and availability is not
// what the table tries.
func (f *doorsFixture) do(method, path, token string, body any) testenv.Response {
	got := f.env.Do(method, path, token, body)
	for attempt := 0; got.Status == http.StatusServiceUnavailable && attempt < 3; attempt++ {
		time.Sleep(2 * time.Second)
		got = f.env.Do(method, path, token, body)
	}
	return got
}

// path fills a route's path for a case.
func (f *doorsFixture) path(route, caseID string) string {
	return strings.NewReplacer(":id", caseID, ":workflow", workflows.WorkflowID(caseID)).Replace(route)
}

// stream is a live-update stream's case events as they arrive.
type stream struct {
	mu    sync.Mutex
	cases []string
	err   string
}

func (s *stream) saw(caseID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.cases, caseID)
}

// listenAll opens a live-update stream for everyone of the table, then changes case E and then
// case C, and waits until the Safeguarding Lead, who sees both, is told of C's change: every
// stream has then been offered E's change before C's (one subscription feeds them all, in order).
func (f *doorsFixture) listenAll(t *testing.T) map[string]*stream {
	out := map[string]*stream{}
	for _, byRole := range f.people {
		for _, token := range byRole {
			out[token] = f.listen(t, token)
		}
	}
	concern := sampleBodies(time.Now())["concern"]
	for _, id := range []string{f.caseE, f.caseC} {
		if got := f.env.Do(http.MethodPost, "/v1/cases/"+id+"/concern", f.connected[safeguarding.RoleSafeguardingLead], concern); got.Status != http.StatusOK {
			t.Fatalf("a change of case %s: %d %s", id, got.Status, got.Body)
		}
	}
	lead := out[f.connected[safeguarding.RoleSafeguardingLead]]
	testenv.Eventually(t, 20*time.Second, "the Lead told of both changes", func() bool { return lead.saw(f.caseE) && lead.saw(f.caseC) })
	time.Sleep(time.Second) // the other streams' writes of what they were offered
	return out
}

func (f *doorsFixture) listen(t *testing.T, token string) *stream {
	s := &stream{}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, f.env.URL+"/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		s.err = resp.Status
		return s
	}
	ready := make(chan struct{})
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			if strings.HasPrefix(line, "event:ready") {
				close(ready)
			}
			if data, ok := strings.CutPrefix(line, "data:"); ok {
				var e struct {
					CaseID string `json:"case_id"`
				}
				if json.Unmarshal([]byte(data), &e) == nil && e.CaseID != "" {
					s.mu.Lock()
					s.cases = append(s.cases, e.CaseID)
					s.mu.Unlock()
				}
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatalf("the stream of %s never became ready", f.userOf[token])
	}
	return s
}

// checkStream: a stream tells nobody of a change of a case they may not see; it told the
// people connected with case C of its change.
func (f *doorsFixture) checkStream(t *testing.T, name string, s *stream, allowed bool, hidden []string, toldOfC bool) {
	t.Helper()
	if !allowed {
		if s.err == "" {
			t.Errorf("%s: a stream was opened, want 403", name)
		}
		return
	}
	if s.err != "" {
		t.Errorf("%s: %s, want a stream", name, s.err)
		return
	}
	for _, id := range hidden {
		if s.saw(id) {
			t.Errorf("%s: told of a change of a case the person may not see (%s)", name, id)
		}
	}
	if toldOfC {
		for deadline := time.Now().Add(10 * time.Second); !s.saw(f.caseC) && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
		if !s.saw(f.caseC) {
			t.Errorf("%s: not told of the change of the child's case", name)
		}
	}
}

// permitted: the caller got past authorisation. 409 and 422 are the case's own answers to a
// step that does not fit it now (the table sends every step to one case).
func permitted(status int) bool {
	return status == http.StatusOK || status == http.StatusCreated || status == http.StatusConflict || status == http.StatusUnprocessableEntity
}

// TestRefusalsNameNoAllegationToThoseWhoMayNotSeeIt: giving work on a case to someone an
// allegation excluded is refused with 409; the fostering social worker, who may not see
// allegations, is not told of one, while a manager is told why. A fostering social worker may
// not name a social worker at all: 403, which names no allegation either.
func TestRefusalsNameNoAllegationToThoseWhoMayNotSeeIt(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now())
	allegation := map[string]any{"received_at": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339), "against_user": "sw-1",
		"against_role": "social_worker", "summary": "Seen handing the child a phone."}
	if got := env.Do(http.MethodPost, "/v1/cases/"+caseID+"/allegation", p.lead, allegation); got.Status != http.StatusOK {
		t.Fatalf("allegation: %d %s", got.Status, got.Body)
	}
	later := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	for _, c := range []struct {
		name, step, token string
		body              map[string]any
		toldWhy           bool
		status            int
	}{
		{"the fostering social worker names the accused as social worker", "case-details", p.fsw,
			map[string]any{"social_worker": "sw-1", "reason": "Correcting the record."}, false, http.StatusForbidden},
		{"the fostering social worker gives the accused a meeting's action", "strategy-meeting-held", p.fsw,
			map[string]any{"held_at": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339), "format": "meeting", "outcome": "Plan agreed.",
				"actions": []map[string]any{{"title": "Visit", "owner_role": "social_worker", "owner_user": "sw-1", "due": later}}}, false, http.StatusConflict},
		{"a manager names the accused as social worker", "team", p.manager,
			map[string]any{"social_worker": "sw-1", "reason": "Back from leave."}, true, http.StatusConflict},
	} {
		got := env.Do(http.MethodPost, "/v1/cases/"+caseID+"/"+c.step, c.token, c.body)
		var problem api.Problem
		got.JSON(t, &problem)
		if got.Status != c.status || got.Header.Get("Content-Type") != api.ProblemContentType {
			t.Errorf("%s: %d %s, want a %d problem", c.name, got.Status, got.Body, c.status)
			continue
		}
		if told := strings.Contains(strings.ToLower(string(got.Body)), "allegation"); told != c.toldWhy {
			t.Errorf("%s: %q names the allegation: %v, want %v", c.name, problem.Detail, told, c.toldWhy)
		}
	}
}

// TestMetricsAreNotOnTheAPIPort: whoever reaches the API cannot read what caseflow counts; the
// metrics are on the process's own port (app), with every step under one route label, so that
// even there they count requests, not allegations or referrals.
func TestMetricsAreNotOnTheAPIPort(t *testing.T) {
	for _, rt := range served(t) {
		if rt.Path == "/metrics" {
			t.Errorf("the API serves %s %s", rt.Method, rt.Path)
		}
	}
	for _, step := range []string{"allegation", "lado-informed", "dbs-referral", "care-plan-contribution"} {
		if got := api.MetricsRoute("/v1/cases/:id/" + step); got != "/v1/cases/:id/:step" {
			t.Errorf("the %s route is labelled %q, want the label every step shares", step, got)
		}
	}
	if got := api.MetricsRoute("/v1/cases/:id/timeline"); got != "/v1/cases/:id/timeline" {
		t.Errorf("a read is labelled %q, want its own route", got)
	}
}
