package audit_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows/audit"
)

// redisDB is this package's database on a shared real Redis.
const redisDB = 14

// TestAccessLogHoldsEveryReadAYearLater runs caseflow as `caseflow dev` does, on one data
// directory: a social worker reads a case five times; caseflow stops; the API runs with no
// worker while the social worker lists cases three times, signed ten minutes before any worker
// takes them; then caseflow starts again, its clocks a year ahead, and its new worker replays
// the access audit it has never cached. The Safeguarding Lead reads every one of the eight.
func TestAccessLogHoldsEveryReadAYearLater(t *testing.T) {
	redisURL := testenv.KeptRedisURL(t, redisDB)
	clockAt := func(offset time.Duration) config.Security {
		return config.Security{ProofClock: func() time.Time { return time.Now().Add(offset) }}
	}
	first := testenv.Start(t, testenv.Options{RedisURL: redisURL})
	address, dataDir := first.App.TemporalAddress(), first.DataDir
	sw := first.Token(safeguarding.RoleSocialWorker, "sw-year", "north")
	resp := first.Do(http.MethodPost, "/v1/cases", sw, testenv.Concern(time.Now().Add(-time.Hour), "sw-year", "north"))
	if resp.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s", resp.Status, resp.Body)
	}
	var created struct {
		CaseID string `json:"case_id"`
	}
	resp.JSON(t, &created)
	for range 5 {
		if resp := first.Do(http.MethodGet, "/v1/cases/"+created.CaseID, sw, nil); resp.Status != http.StatusOK {
			t.Fatalf("read: %d %s", resp.Status, resp.Body)
		}
	}
	testenv.Eventually(t, 30*time.Second, "the case on the social worker's list", func() bool {
		return len(listed(t, first, sw)) == 1
	})
	first.App.Stop(context.Background())

	// The worker is down: lists are answered from the read model, their records stored by
	// Temporal for a worker that is not there.
	apiOnly := testenv.Start(t, testenv.Options{RedisURL: redisURL, DataDir: dataDir, TemporalAddress: address,
		Parts: app.Parts{Embedded: true, API: true}, Security: clockAt(-10 * time.Minute)})
	for range 3 {
		if got := listed(t, apiOnly, sw); len(got) != 1 {
			t.Fatalf("list without a worker: %v", got)
		}
	}
	apiOnly.App.Stop(context.Background())

	later := testenv.Start(t, testenv.Options{RedisURL: redisURL, DataDir: dataDir, TemporalAddress: address, Security: clockAt(366 * 24 * time.Hour)})
	lead := later.Token(safeguarding.RoleSafeguardingLead, "lead-year", "")
	var reads, lists int
	testenv.Eventually(t, 60*time.Second, "every read and list in the access log", func() bool {
		resp := later.Do(http.MethodGet, "/v1/cases/"+created.CaseID+"/access?limit=500", lead, nil)
		var log struct {
			Records []audit.Record `json:"records"`
		}
		if resp.Status != http.StatusOK {
			return false
		}
		resp.JSON(t, &log)
		reads, lists = 0, 0
		for _, r := range log.Records {
			switch {
			case r.UserID == "sw-year" && r.Action == "getCase" && r.Outcome == audit.Allowed:
				reads++
			case r.UserID == "sw-year" && r.Action == "listCases" && r.Outcome == audit.Allowed:
				lists++
			}
		}
		return reads == 5 && lists >= 3
	})
	if reads != 5 || lists < 3 {
		t.Errorf("a year later the log lists %d reads and %d lists, want 5 and at least 3", reads, lists)
	}
}

// listed returns the case ids on a caller's list.
func listed(t *testing.T, env *testenv.Env, token string) []string {
	t.Helper()
	resp := env.Do(http.MethodGet, "/v1/cases", token, nil)
	var page struct {
		Cases []struct {
			CaseID string `json:"case_id"`
		} `json:"cases"`
	}
	if resp.Status != http.StatusOK {
		return nil
	}
	resp.JSON(t, &page)
	ids := make([]string, 0, len(page.Cases))
	for _, c := range page.Cases {
		ids = append(ids, c.CaseID)
	}
	return ids
}
