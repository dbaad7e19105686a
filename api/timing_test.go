package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
)

// TestMissingAndInvisibleCasesAnswerAlike: a case that does not exist and one the person may not
// see answer the same 404 in no less than the floor, read and stepped alike, so that the time an
// answer takes does not tell a stranger which case ids exist. (Without the floor, Temporal
// answers for a missing case in a few milliseconds, and for an invisible one only after the
// case's workflow has.) The times are logged for comparison.
func TestMissingAndInvisibleCasesAnswerAlike(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	invisible := raiseCase(t, env, p.carer, time.Now().Add(-time.Hour))
	missing := workflows.CaseIDFor("nobody", "never-raised")
	for _, door := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/v1/cases/{id}", nil},
		{http.MethodPost, "/v1/cases/{id}/concern", map[string]any{"observed_at": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339), "account": "Seen with older men."}},
	} {
		took := map[string][]time.Duration{}
		for range 5 {
			for name, id := range map[string]string{"missing": missing, "invisible": invisible} {
				began := time.Now()
				got := env.Do(door.method, strings.Replace(door.path, "{id}", id, 1), p.otherSW, door.body)
				took[name] = append(took[name], time.Since(began))
				if got.Status != http.StatusNotFound {
					t.Fatalf("%s %s of a case (%s): %d %s, want 404", door.method, door.path, name, got.Status, got.Body)
				}
			}
		}
		for name, times := range took {
			slices.Sort(times)
			if times[0] < api.DefaultNotFoundFloor {
				t.Errorf("%s %s of a case (%s) answered in %v, under the floor of %v", door.method, door.path, name, times[0], api.DefaultNotFoundFloor)
			}
			t.Logf("%s %s of a case (%s): fastest %v, median %v, slowest %v", door.method, door.path, name, times[0], times[len(times)/2], times[len(times)-1])
		}
	}
}
