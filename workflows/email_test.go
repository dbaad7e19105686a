package workflows

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"

	"github.com/caseflow/caseflow/activities"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// TestChasesAreAlsoEmailed: every wake-up that sends chases in caseflow also hands the same
// notices to the email activity, once; the notices say the police report is an hour clock and
// whom the case excludes.
func TestChasesAreAlsoEmailed(t *testing.T) {
	pol, err := policy.LoadFile("../policy/testdata/short-clocks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, pol)
	var emailed [][]notify.Notice
	h.env.OnActivity(activities.EmailChasesName, mock.Anything, mock.Anything).Return(func(_ context.Context, n []notify.Notice) error {
		emailed = append(emailed, n)
		return nil
	})
	h.step(0, "raise-concern", carer, raise(""))
	h.run(10 * time.Second)

	var levels []int
	for _, batch := range emailed {
		for _, n := range batch {
			if n.Kind != string(policy.PoliceReport) {
				t.Errorf("emailed a %s chase within seconds", n.Kind)
			}
			if !n.HourClock {
				t.Errorf("the police report's chase is not marked as an hour clock: %+v", n)
			}
			levels = append(levels, n.Level)
		}
	}
	want := []int{int(safeguarding.LevelOverdue), int(safeguarding.LevelManager), int(safeguarding.LevelLead)}
	if !slices.Equal(levels, want) || len(emailed) != 3 {
		t.Fatalf("emailed levels %v in %d wake-ups, want %v in 3", levels, len(emailed), want)
	}
	inApp := h.sent.all()
	if len(inApp) != len(want) {
		t.Fatalf("%d chases in caseflow, want %d", len(inApp), len(want))
	}
	for i, n := range inApp {
		if n.ID != emailed[i][0].ID {
			t.Errorf("chase %d: in caseflow %s, emailed %s", i, n.ID, emailed[i][0].ID)
		}
	}
}
