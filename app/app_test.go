package app_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
)

// redisDB is this package's database on a shared real Redis.
const redisDB = 2

// TestCaseSurvivesRestart runs the whole stack as `caseflow dev` does: a carer raises a concern
// through the API, the case is read back through the API, then the process stops and starts
// again on the same data directory and the case is still there, its clocks still running.
func TestCaseSurvivesRestart(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB})
	carer := env.Token(safeguarding.RoleCarer, "carer-1", "")
	sw := env.Token(safeguarding.RoleSocialWorker, "sw-1", "north")

	resp := env.Do(http.MethodPost, "/v1/cases", carer, testenv.Concern(time.Now().Add(-time.Hour), "sw-1", "north"))
	if resp.Status != http.StatusCreated {
		t.Fatalf("raise concern: %d %s", resp.Status, resp.Body)
	}
	var created api.StepResponse
	resp.JSON(t, &created)
	if created.CaseID == "" || len(created.Opened) == 0 {
		t.Fatalf("raise concern answered %+v", created)
	}

	var view safeguarding.View
	got := env.Do(http.MethodGet, "/v1/cases/"+created.CaseID, sw, nil)
	if got.Status != http.StatusOK {
		t.Fatalf("get case: %d %s", got.Status, got.Body)
	}
	got.JSON(t, &view)
	if view.Child.Name != testenv.ChildName || view.Reference != created.Reference {
		t.Fatalf("case read back wrong: child %q reference %q", view.Child.Name, view.Reference)
	}
	if view.Stage != safeguarding.StageConcernRaised {
		t.Fatalf("stage %q, want %q", view.Stage, safeguarding.StageConcernRaised)
	}

	testenv.Eventually(t, 10*time.Second, "the case in the social worker's list", func() bool {
		var page api.CasesPage
		r := env.Do(http.MethodGet, "/v1/cases", sw, nil)
		r.JSON(t, &page)
		return len(page.Cases) == 1 && page.Cases[0].CaseID == created.CaseID
	})

	address := env.App.TemporalAddress()
	env.App.Stop(t.Context())
	again := testenv.Start(t, testenv.Options{RedisDB: redisDB, DataDir: env.DataDir, TemporalAddress: address})
	sw = again.Token(safeguarding.RoleSocialWorker, "sw-1", "north")
	got = again.Do(http.MethodGet, "/v1/cases/"+created.CaseID, sw, nil)
	if got.Status != http.StatusOK {
		t.Fatalf("get case after restart: %d %s", got.Status, got.Body)
	}
	var after safeguarding.View
	got.JSON(t, &after)
	if after.Revision < view.Revision || len(after.OpenActions) != len(view.OpenActions) {
		t.Fatalf("case after restart: revision %d (was %d), %d open actions (was %d)", after.Revision, view.Revision, len(after.OpenActions), len(view.OpenActions))
	}
}
