package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
)

// TestShortClockThroughAPI starts caseflow with a policy whose police-report clock is three
// seconds long: the action turns overdue on time, the chase shows in the case timeline and on the
// managers' overdue list, and the escalations to the manager and the Safeguarding Lead follow.
func TestShortClockThroughAPI(t *testing.T) {
	pol, err := policy.LoadFile("../policy/testdata/short-clocks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env := start(t, testenv.Options{Policy: pol})
	p := tokens(env)
	raised := time.Now()
	caseID := raiseCase(t, env, p.carer, raised)

	levels := func() map[string]time.Time {
		var tl api.TimelineResponse
		env.Do(http.MethodGet, "/v1/cases/"+caseID+"/timeline", p.sw, nil).JSON(t, &tl)
		seen := map[string]time.Time{}
		for _, e := range tl.Entries {
			// Titles use the child's preferred term; the level ends the summary.
			if e.Kind == "chase" && strings.HasPrefix(e.Summary, "Report to the police") {
				seen[e.Summary[strings.LastIndex(e.Summary, ": ")+2:]] = e.RecordedAt
			}
		}
		return seen
	}

	testenv.Eventually(t, 30*time.Second, "the police report escalated to the Safeguarding Lead", func() bool {
		_, ok := levels()[safeguarding.LevelLead.String()]
		return ok
	})
	seen := levels()
	overdue, manager, lead := seen[safeguarding.LevelOverdue.String()], seen[safeguarding.LevelManager.String()], seen[safeguarding.LevelLead.String()]
	observed := raised.UTC().Truncate(time.Second) // the concern records whole seconds
	// The server may fire a timer up to a second late (history.timerProcessorMaxTimeShift).
	for _, c := range []struct {
		name string
		at   time.Time
		want time.Time
	}{{"overdue", overdue, observed.Add(3 * time.Second)}, {"manager", manager, observed.Add(5 * time.Second)}, {"lead", lead, observed.Add(7 * time.Second)}} {
		if c.at.Before(c.want) || c.at.After(c.want.Add(3*time.Second)) {
			t.Errorf("%s chase at %v, want %v (up to 3s late)", c.name, c.at, c.want)
		}
	}

	var page api.ActionsPage
	env.Do(http.MethodGet, "/v1/overdue?kind=police-report", p.manager, nil).JSON(t, &page)
	if len(page.Actions) != 1 || page.Actions[0].CaseID != caseID || page.Actions[0].Escalation != int(safeguarding.LevelLead) {
		t.Fatalf("overdue list: %+v", page.Actions)
	}
}
