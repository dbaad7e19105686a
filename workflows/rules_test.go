package workflows

import (
	"slices"
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

// TestAnUpgradeMovesACaseToTheRulesItsHistoryRecorded: a case on the fail-safe rules opens only
// the LADO clock for an allegation of no offence; an upgrade made now moves it to the rules
// under which every allegation also opens the police and DBS referrals. An upgrade recorded
// before the upgrade named its rules (replayed) still moves the case to the fail-safe rules
// alone, so its history replays as it ran.
func TestAnUpgradeMovesACaseToTheRulesItsHistoryRecorded(t *testing.T) {
	for _, tt := range []struct {
		name     string
		recorded workflow.Version // what the upgrade's version marker says
		want     []policy.RuleID  // what the allegation after the upgrade opens
	}{
		{"upgraded now", workflow.Version(safeguarding.RulesAllegationReferrals), []policy.RuleID{policy.AllegationPolice, policy.DBSReferral, policy.LADO}},
		{"upgraded before the marker", workflow.DefaultVersion, []policy.RuleID{policy.LADO}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.env.OnGetVersion(rulesChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)).Return(workflow.Version(safeguarding.RulesFailSafe))
			h.env.OnGetVersion(upgradeChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)).Return(tt.recorded)
			h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
			allegation := func(user string) map[string]any {
				return map[string]any{"received_at": at(0), "against_user": user, "against_role": "carer", "summary": "Seen with the exploiters."}
			}
			h.step(m, "allegation", lead, allegation("carer-8"))
			var upgraded error
			h.env.RegisterDelayedCallback(func() {
				h.env.UpdateWorkflow(safeguarding.UpgradeRulesStep, "upgrade", &testUpdate{
					reject:   func(err error) { upgraded = FromApplicationError(err) },
					complete: func(_ any, err error) { upgraded = err },
				})
			}, 2*m)
			h.step(3*m, "allegation", lead, allegation("carer-9"))
			opened := map[string][]policy.RuleID{}
			h.view(4*m, manager, func(v safeguarding.View) {
				for _, al := range v.Allegations {
					for _, a := range v.OpenActions {
						if a.Ref == al.ID {
							opened[al.AgainstUser] = append(opened[al.AgainstUser], a.Kind)
						}
					}
					slices.Sort(opened[al.AgainstUser])
				}
			})
			h.run(5 * m)
			if upgraded != nil {
				t.Fatalf("the upgrade: %v", upgraded)
			}
			if got := opened["carer-8"]; !slices.Equal(got, []policy.RuleID{policy.LADO}) {
				t.Errorf("before the upgrade the allegation opened %v, want the LADO clock alone", got)
			}
			if got := opened["carer-9"]; !slices.Equal(got, tt.want) {
				t.Errorf("after the upgrade the allegation opened %v, want %v", got, tt.want)
			}
		})
	}
}
