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
			})
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

// TestAnUpgradeRunsAgainWhatTheBirthdayEndedWithoutADecision: a case on the fail-safe rules whose
// 18th birthday ended its child clocks by itself moves to today's rules by the upgrade update:
// the child clocks run again, nothing ends, and the Safeguarding Lead is asked to decide.
func TestAnUpgradeRunsAgainWhatTheBirthdayEndedWithoutADecision(t *testing.T) {
	h := newHarness(t, nil)
	h.env.OnGetVersion(rulesChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)).Return(workflow.Version(safeguarding.RulesFailSafe))
	birthday := time.Date(2027, 1, 27, 0, 0, 0, 0, policy.London)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise("2009-01-27"))
	h.step(m, "looked-after", sw, map[string]any{"since": at(0), "placement_start": at(0)})
	after := birthday.Sub(testStart) + time.Hour
	h.view(after, manager, func(v safeguarding.View) {
		if _, ok := openAction(v, policy.LACReview); ok || v.TurnedAdult.IsZero() {
			t.Error("the fail-safe birthday did not end the child clocks")
		}
	})
	var upgraded safeguarding.Result
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(safeguarding.UpgradeRulesStep, "upgrade", &testUpdate{
			reject:   func(err error) { t.Errorf("upgrade refused: %v", err) },
			complete: func(v any, err error) { upgraded, _ = v.(safeguarding.Result) },
		})
	}, after+m)
	h.view(after+2*m, manager, func(v safeguarding.View) {
		for _, kind := range []policy.RuleID{policy.LACReview, policy.SWVisit, policy.CarePlan, policy.ConfirmAdulthood, policy.Transition} {
			if _, ok := openAction(v, kind); !ok {
				t.Errorf("%s is not open after the upgrade", kind)
			}
		}
		if !v.TurnedAdult.IsZero() {
			t.Error("still treated as an adult without a decision")
		}
	})
	h.run(after + 3*m)
	if len(upgraded.Closed) != 0 || len(upgraded.Opened) < 4 {
		t.Errorf("the upgrade opened %v and closed %v", upgraded.Opened, upgraded.Closed)
	}
}
