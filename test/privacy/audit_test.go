package privacy_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows/audit"
)

// TestAccessAuditAsTheLeadSeesIt: after a view, a list, a step and a refused request, the
// Safeguarding Lead sees each in the case's access log, with who, what, when, the outcome and
// the request id, and still does after caseflow restarts. A manager may see it too; a social
// worker may not.
func TestAccessAuditAsTheLeadSeesIt(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 2})
	caseID := raise(t, env)
	sw := env.Token(safeguarding.RoleSocialWorker, "sw-priv", "north")
	stranger := env.Token(safeguarding.RoleCarer, "carer-stranger", "")
	lead := env.Token(safeguarding.RoleSafeguardingLead, "lead-priv", "")

	// caseflow names each request and answers with its name, which the access log keeps.
	var listed, viewed, stepped, refused string
	testenv.Eventually(t, 30*time.Second, "the case in the social worker's list", func() bool {
		resp := env.Do(http.MethodGet, "/v1/cases", sw, nil, "X-Request-Id", "list-1")
		listed = resp.Header.Get("X-Request-Id")
		var page struct {
			Cases []struct {
				CaseID string `json:"case_id"`
			} `json:"cases"`
		}
		resp.JSON(t, &page)
		return len(page.Cases) == 1 && page.Cases[0].CaseID == caseID
	})
	view := env.Do(http.MethodGet, "/v1/cases/"+caseID, sw, nil, "X-Request-Id", "view-1")
	if view.Status != http.StatusOK {
		t.Fatalf("view: %d %s", view.Status, view.Body)
	}
	viewed = view.Header.Get("X-Request-Id")
	step := env.Do(http.MethodPost, "/v1/cases/"+caseID+"/care-plan-contribution", sw, map[string]any{"text": "Calmer this week."}, "X-Request-Id", "step-1")
	if step.Status != http.StatusOK {
		t.Fatalf("step: %d %s", step.Status, step.Body)
	}
	stepped = step.Header.Get("X-Request-Id")
	strangers := env.Do(http.MethodGet, "/v1/cases/"+caseID, stranger, nil, "X-Request-Id", "refused-1")
	if strangers.Status != http.StatusNotFound {
		t.Fatalf("a stranger's view: %d", strangers.Status)
	}
	refused = strangers.Header.Get("X-Request-Id")
	for _, id := range []string{listed, viewed, stepped, refused} {
		if id == "" || id == "list-1" || id == "view-1" || id == "step-1" || id == "refused-1" {
			t.Fatalf("request named %q: caseflow names each request itself, whatever the caller sent", id)
		}
	}

	want := []audit.Record{
		{UserID: "carer-priv", Role: safeguarding.RoleCarer, Action: "raiseConcern", Outcome: audit.Allowed, Status: http.StatusCreated},
		{UserID: "sw-priv", Role: safeguarding.RoleSocialWorker, Team: "north", Action: "listCases", Outcome: audit.Allowed, Status: http.StatusOK, RequestID: listed},
		{UserID: "sw-priv", Role: safeguarding.RoleSocialWorker, Team: "north", Action: "getCase", Outcome: audit.Allowed, Status: http.StatusOK, RequestID: viewed},
		{UserID: "sw-priv", Role: safeguarding.RoleSocialWorker, Team: "north", Action: "step-care-plan-contribution", Outcome: audit.Allowed, Status: http.StatusOK, RequestID: stepped},
		{UserID: "carer-stranger", Role: safeguarding.RoleCarer, Action: "getCase", Outcome: audit.Refused, Status: http.StatusNotFound, RequestID: refused},
	}
	matches := func(w, r audit.Record) bool {
		return r.UserID == w.UserID && r.Role == w.Role && r.Team == w.Team && r.Action == w.Action &&
			r.Outcome == w.Outcome && r.Status == w.Status && (w.RequestID == "" || r.RequestID == w.RequestID)
	}
	all := func(records []audit.Record) bool {
		for _, w := range want {
			if !slices.ContainsFunc(records, func(r audit.Record) bool { return matches(w, r) }) {
				return false
			}
		}
		return true
	}
	check := func(records []audit.Record) {
		t.Helper()
		for _, w := range want {
			found := false
			for _, r := range records {
				if matches(w, r) {
					found = true
					if r.At.IsZero() || time.Since(r.At) > 10*time.Minute || r.RequestID == "" {
						t.Errorf("record %+v lacks its time or request id", r)
					}
				}
			}
			if !found {
				t.Errorf("no record of %s %s by %s (%s)", w.Outcome, w.Action, w.UserID, w.RequestID)
			}
		}
		for i := 1; i < len(records); i++ {
			if records[i].At.After(records[i-1].At) {
				t.Errorf("records out of order: %v after %v", records[i].At, records[i-1].At)
			}
		}
	}
	read := func(env *testenv.Env, token string) (int, []audit.Record) {
		resp := env.Do(http.MethodGet, "/v1/cases/"+caseID+"/access?limit=500", token, nil)
		var log struct {
			Records []audit.Record `json:"records"`
		}
		if resp.Status == http.StatusOK {
			resp.JSON(t, &log)
		}
		return resp.Status, log.Records
	}
	// Records are stored after the answer (api.auditAccess) and batched: wait for them all.
	var records []audit.Record
	testenv.Eventually(t, 60*time.Second, "every record in the access log", func() bool {
		status, got := read(env, lead)
		records = got
		return status == http.StatusOK && all(got)
	})
	check(records)
	for _, r := range records {
		t.Logf("%s  %-15s %-17s %-8s %-28s %d  %s", r.At.Format(time.RFC3339), r.UserID, r.Role, r.Outcome, r.Action, r.Status, r.RequestID)
	}
	if status, _ := read(env, env.Token(safeguarding.RoleManager, "mgr-1", "south")); status != http.StatusOK {
		t.Errorf("a manager reading the access log: %d", status)
	}
	if status, _ := read(env, sw); status != http.StatusForbidden {
		t.Errorf("a social worker reading the access log: %d, want 403", status)
	}

	// Restart caseflow on the same data: the records are still there.
	address, dataDir := env.App.TemporalAddress(), env.DataDir
	env.App.Stop(context.Background())
	again := testenv.Start(t, testenv.Options{RedisDB: redisDB + 3, DataDir: dataDir, TemporalAddress: address})
	// The last reads' records may still wait for the stopped worker's sticky queue to time
	// out; until the new worker takes them, the log answers 503 (try again).
	var after []audit.Record
	testenv.Eventually(t, 30*time.Second, "the access log after a restart", func() bool {
		var status int
		status, after = read(again, again.Token(safeguarding.RoleSafeguardingLead, "lead-priv", ""))
		return status == http.StatusOK
	})
	if len(after) <= len(records) {
		t.Errorf("after the restart the log holds %d records, before it %d (plus the reads since)", len(after), len(records))
	}
	check(after)
}
