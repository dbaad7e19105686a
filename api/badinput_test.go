package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/test/testenv"
)

// TestBadRequestsChangeNothing sends what a buggy client or a hurried person might: each gets
// its documented status and a problem a social worker can read, and the case's history does not
// grow by a single event.
func TestBadRequestsChangeNothing(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now())
	path := "/v1/cases/" + caseID + "/police-report"
	ts := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)

	before := settledHistory(t, env, caseID)
	cases := []struct {
		name   string
		path   string
		body   any
		status int
	}{
		{"malformed JSON", path, `{"reported_at": "` + ts + `", "channel": "101",`, http.StatusBadRequest},
		{"unknown field", path, map[string]any{"reported_at": ts, "channel": "101", "reference": "R", "officer": "PC 99"}, http.StatusBadRequest},
		{"wrong type", path, map[string]any{"reported_at": ts, "channel": 101, "reference": "R"}, http.StatusBadRequest},
		{"trailing data", path, `{"reported_at":"` + ts + `","channel":"101","reference":"R"} {}`, http.StatusBadRequest},
		{"oversized body", path, `{"reference":"` + strings.Repeat("x", api.MaxBodyBytes) + `"}`, http.StatusRequestEntityTooLarge},
		{"missing fields", path, map[string]any{"channel": "112"}, http.StatusUnprocessableEntity},
		{"time in the future", path, map[string]any{"reported_at": time.Now().Add(time.Hour).Format(time.RFC3339), "channel": "101", "reference": "R"}, http.StatusUnprocessableEntity},
		{"impossible transition", "/v1/cases/" + caseID + "/nrm-cg-decision", map[string]any{"decided_at": ts, "outcome": "positive"}, http.StatusConflict},
		{"bad cursor", "/v1/cases?cursor=not-a-cursor", nil, http.StatusBadRequest},
	}
	for _, c := range cases {
		method := http.MethodPost
		if c.body == nil {
			method = http.MethodGet
		}
		resp := env.Do(method, c.path, p.sw, c.body)
		if resp.Status != c.status {
			t.Errorf("%s: %d %s, want %d", c.name, resp.Status, resp.Body, c.status)
			continue
		}
		var problem api.Problem
		resp.JSON(t, &problem)
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, api.ProblemContentType) || problem.Detail == "" || problem.Status != c.status {
			t.Errorf("%s: content type %q, problem %+v", c.name, ct, problem)
		}
	}
	if after := historyLength(t, env, caseID); after != before {
		t.Fatalf("bad requests changed the case history: %d events, then %d", before, after)
	}
}

// TestIdempotencyKey replays one request with the same Idempotency-Key, ten times at once and
// then again: one effect, one answer. The same key with a different body is refused.
func TestIdempotencyKey(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now())
	path := "/v1/cases/" + caseID + "/care-plan-contribution"
	body := map[string]any{"text": "Likes cooking with us on Sundays."}

	var wg sync.WaitGroup
	statuses := make([]int, 10)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = env.Do(http.MethodPost, path, p.carer, body, "Idempotency-Key", "contribution-1").Status
		}()
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict: // still in progress when it arrived: retry later
		default:
			t.Errorf("concurrent replay answered %d", s)
		}
	}
	if ok == 0 {
		t.Fatalf("no request with the key succeeded: %v", statuses)
	}
	settled := settledHistory(t, env, caseID)
	replay := env.Do(http.MethodPost, path, p.carer, body, "Idempotency-Key", "contribution-1")
	if replay.Status != http.StatusOK || replay.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("replay: %d %v", replay.Status, replay.Header)
	}
	if got := env.Do(http.MethodPost, path, p.carer, map[string]any{"text": "different"}, "Idempotency-Key", "contribution-1").Status; got != http.StatusUnprocessableEntity {
		t.Errorf("same key, different body: %d, want 422", got)
	}
	if after := historyLength(t, env, caseID); after != settled {
		t.Errorf("replays changed the case history: %d events, then %d", settled, after)
	}
	var v struct {
		CarePlan struct {
			Contributions []any `json:"contributions"`
		} `json:"care_plan"`
	}
	env.Do(http.MethodGet, "/v1/cases/"+caseID, p.sw, nil).JSON(t, &v)
	if n := len(v.CarePlan.Contributions); n != 1 {
		t.Fatalf("%d contributions after 12 requests with one key, want 1", n)
	}

	// Raising a concern twice with one key opens one case.
	concern := testenv.ConcernFor("Kit Testchild", "2011-02-03", time.Now(), "sw-1", "north", "carer-1")
	first := env.Do(http.MethodPost, "/v1/cases", p.carer, concern, "Idempotency-Key", "concern-1")
	second := env.Do(http.MethodPost, "/v1/cases", p.carer, concern, "Idempotency-Key", "concern-1")
	var a, b api.StepResponse
	first.JSON(t, &a)
	second.JSON(t, &b)
	if first.Status != http.StatusCreated || a.CaseID != b.CaseID {
		t.Fatalf("raising twice with one key: %d %s then %d %s", first.Status, a.CaseID, second.Status, b.CaseID)
	}
}
