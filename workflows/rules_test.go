package workflows

import (
	"strings"
	"testing"

	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// TestAFirstReleaseCaseMovesToTheCurrentRulesByAnUpdate: a case started before the fail-safe
// rules keeps the first release's behaviour (so its history replays) until the upgrade update,
// after which its steps follow today's rules. A second upgrade is refused and leaves no trace.
func TestAFirstReleaseCaseMovesToTheCurrentRulesByAnUpdate(t *testing.T) {
	h := newHarness(t, nil)
	// The case started before the rules' version marker existed.
	h.env.OnGetVersion(rulesChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)).Return(workflow.DefaultVersion)
	h.env.OnGetVersion(sideEffectsChange, workflow.DefaultVersion, sideEffectsCurrentVersion).Return(workflow.Version(sideEffectsCurrentVersion))
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	danger := func(d time.Duration) map[string]any {
		return map[string]any{"observed_at": at(d), "immediate_danger": true, "exploitation_types": []string{"sexual-exploitation"},
			"indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Taken away in a car."}
	}
	h.step(m, "concern", carer, danger(m))
	var upgrades []error
	for i, d := range []time.Duration{2 * m, 3 * m} {
		h.env.RegisterDelayedCallback(func() {
			h.env.UpdateWorkflow(safeguarding.UpgradeRulesStep, "upgrade-"+string(rune('a'+i)), &testUpdate{
				reject:   func(err error) { upgrades = append(upgrades, FromApplicationError(err)) },
				complete: func(_ any, err error) { upgrades = append(upgrades, err) },
			}, safeguarding.RulesCurrent)
		}, d)
	}
	h.step(4*m, "concern", carer, danger(4*m))
	h.view(5*m, manager, func(v safeguarding.View) {

		var retitled, minutes int
		for _, a := range v.OpenActions {
			switch {
			case a.Kind == policy.PoliceReport && strings.HasPrefix(a.Title, "Call 999"):
				retitled++
			case a.Kind == policy.ImmediateDanger:
				minutes++
			}
		}
		if retitled != 1 || minutes != 1 {
			t.Errorf("before the upgrade a retitled police action (%d), after it an immediate-danger clock (%d); want one each", retitled, minutes)
		}
	})
	h.run(6 * m)
	if len(upgrades) != 2 || upgrades[0] != nil || safeguarding.CodeOf(upgrades[1]) != safeguarding.EConflict {
		t.Fatalf("upgrades: %v; want the first applied and the second refused", upgrades)
	}
}
