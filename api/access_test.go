package api

import (
	"testing"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows/audit"
)

// TestTheAccessLogShowsStepsAboutAnAllegationOnlyToThoseWhoSeeAllegations: a record of a step
// about an allegation is shown only to someone the visibility policy lets see allegations; a
// record of any other access to someone who may see the case; nothing to anyone else.
func TestTheAccessLogShowsStepsAboutAnAllegationOnlyToThoseWhoSeeAllegations(t *testing.T) {
	records := map[string]bool{ // the action of a record: whether it is about an allegation
		"step-allegation": true, "step-lado-informed": true, "step-dbs-referral": true, "step-allegation-police-report": true,
		"step-police-report": false, "getCase": false, "caseAccess": false, "events": false,
	}
	for _, rel := range safeguarding.Relations {
		sight := safeguarding.Sight{Relation: rel}
		for action, restricted := range records {
			want := sight.Sees() && (!restricted || sight.SeesRestricted())
			if got := seesRecord(sight, audit.Record{Action: action}); got != want {
				t.Errorf("%s sees a record of %s: %v, want %v", rel, action, got, want)
			}
		}
	}
}
