package workflows

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// immediateDanger is a concern raised at offset d that the child is in immediate danger.
func immediateDanger(d time.Duration) map[string]any {
	return map[string]any{"observed_at": at(d), "immediate_danger": true, "exploitation_types": []string{"sexual-exploitation"},
		"indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Taken away in a car."}
}

// sendBare sends at offset d an Update that carries nothing (the rules upgrade, the catch-up),
// and keeps its refusal or its failure in *outcome (nil once it completes).
func (h *harness) sendBare(d time.Duration, update, id string, outcome *error) {
	h.env.RegisterDelayedCallback(func() {
		h.env.UpdateWorkflow(update, id, &testUpdate{
			reject:   func(err error) { *outcome = FromApplicationError(err) },
			complete: func(_ any, err error) { *outcome = err },
		})
	}, d)
}

// dangerClocks counts, in a view, the police actions retitled for immediate danger (what the
// first release's rules do) and the immediate-danger clocks (what the fail-safe rules start).
func dangerClocks(v safeguarding.View) (retitled, clocks int) {
	for _, a := range v.OpenActions {
		switch {
		case a.Kind == policy.PoliceReport && strings.HasPrefix(a.Title, "Call 999"):
			retitled++
		case a.Kind == policy.ImmediateDanger:
			clocks++
		}
	}
	return retitled, clocks
}

// TestAFirstReleaseCaseMovesToTheCurrentRulesByItself: a case begun before the fail-safe rules
// keeps the first release's behaviour (so its history replays), and no client can move it: the
// rules upgrade is refused. The catch-up, which carries nothing, only makes the run continue as
// new; the new run moves the case to the current rules as it starts, and its steps follow them.
// That run refuses the catch-up, and knows no rules upgrade at all.
func TestAFirstReleaseCaseMovesToTheCurrentRulesByItself(t *testing.T) {
	h := newHarness(t, nil)
	// The case began before this release, and before the rules' version marker existed.
	h.env.OnGetVersion(startChange, workflow.DefaultVersion, startCurrentVersion).Return(workflow.DefaultVersion)
	h.env.OnGetVersion(rulesChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)).Return(workflow.DefaultVersion)
	h.env.OnGetVersion(sideEffectsChange, workflow.DefaultVersion, sideEffectsCurrentVersion).Return(workflow.Version(sideEffectsCurrentVersion))
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	h.step(m, "concern", carer, immediateDanger(m))
	upgrade, catchUp := errNotSent, errNotSent
	h.sendBare(2*m, safeguarding.UpgradeRulesStep, "upgrade", &upgrade)
	h.view(3*m, manager, func(v safeguarding.View) {
		if retitled, clocks := dangerClocks(v); retitled != 1 || clocks != 0 {
			t.Errorf("under the first rules: %d retitled police actions, %d immediate-danger clocks; want 1 and 0", retitled, clocks)
		}
	})
	h.sendBare(4*m, UpdateCatchUp, "catch-up", &catchUp)
	next := h.runUntilContinued(time.Hour)
	if safeguarding.CodeOf(upgrade) != safeguarding.EForbidden {
		t.Errorf("the rules upgrade from a client: %v, want refused", upgrade)
	}
	if catchUp != nil {
		t.Errorf("the catch-up: %v", catchUp)
	}
	if next.State.Rules != safeguarding.RulesFirst {
		t.Fatalf("the old run moved the case to rules %d itself", next.State.Rules)
	}

	h2 := newHarness(t, nil)
	h2.continueFrom(next)
	again, upgradeAgain := errNotSent, errNotSent
	h2.sendBare(m, UpdateCatchUp, "catch-up-again", &again)
	h2.sendBare(m, safeguarding.UpgradeRulesStep, "upgrade-again", &upgradeAgain)
	danger, _ := json.Marshal(immediateDanger(2 * m))
	concern := errNotSent
	// Its own request id: the case remembers those of the run before.
	h2.sendAs(2*m, UpdateStep, "danger-again", safeguarding.Request{Step: "concern", RequestID: "danger-again", Actor: carer, Body: danger}, &concern)
	h2.view(3*m, manager, func(v safeguarding.View) {
		if retitled, clocks := dangerClocks(v); retitled != 1 || clocks != 1 {
			t.Errorf("after moving: %d retitled police actions (the first concern's), %d immediate-danger clocks; want 1 each", retitled, clocks)
		}
		if !slices.ContainsFunc(v.Timeline, func(e safeguarding.Entry) bool { return e.Kind == "rules-upgraded" }) {
			t.Error("the timeline does not say the case moved to the current rules")
		}
	})
	h2.run(4 * m)
	if concern != nil {
		t.Errorf("the concern after moving: %v", concern)
	}
	if safeguarding.CodeOf(again) != safeguarding.EConflict {
		t.Errorf("a catch-up of a run of this release: %v, want refused as not needed", again)
	}
	if upgradeAgain == nil || !strings.HasPrefix(upgradeAgain.Error(), "unknown update "+safeguarding.UpgradeRulesStep) {
		t.Errorf("a rules upgrade sent to a run of this release: %v, want unknown", upgradeAgain)
	}
}

// TestANewCaseRefusesTheCatchUp: a case begun by this release follows the current rules from its
// first concern, and refuses the catch-up without a trace: a client can make it do nothing.
func TestANewCaseRefusesTheCatchUp(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	var before, after safeguarding.View
	h.view(m, manager, func(v safeguarding.View) { before = v })
	catchUp := errNotSent
	h.sendBare(2*m, UpdateCatchUp, "catch-up", &catchUp)
	h.view(3*m, manager, func(v safeguarding.View) { after = v })
	h.run(4 * m)
	if safeguarding.CodeOf(catchUp) != safeguarding.EConflict {
		t.Errorf("the catch-up of a new case: %v, want refused", catchUp)
	}
	if before.Revision != after.Revision || len(before.Timeline) != len(after.Timeline) {
		t.Errorf("the refused catch-up changed the case: revision %d -> %d", before.Revision, after.Revision)
	}
}

// TestACaseMovingToTheAgeRulesRunsAgainWhatTheBirthdayEndedWithoutADecision: a case on the
// fail-safe rules keeps them, and its 18th birthday ends the child clocks by itself. The catch-up
// makes it go on in a run of this release, which moves the case to today's rules as it starts:
// the child clocks run again, nothing ends, and the Safeguarding Lead is asked to decide.
func TestACaseMovingToTheAgeRulesRunsAgainWhatTheBirthdayEndedWithoutADecision(t *testing.T) {
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
	catchUp := errNotSent
	h.sendBare(after+m, UpdateCatchUp, "catch-up", &catchUp)
	next := h.runUntilContinued(after + time.Hour)
	if catchUp != nil {
		t.Fatalf("the catch-up of a run on older rules: %v", catchUp)
	}
	if next.State.Rules != safeguarding.RulesFailSafe {
		t.Fatalf("the old run moved the case to rules %d itself", next.State.Rules)
	}

	h2 := newHarness(t, nil)
	h2.continueFrom(next)
	h2.env.SetStartTime(testStart.Add(after + time.Hour)) // the next run begins when the last one ended
	again := errNotSent
	h2.sendBare(m, UpdateCatchUp, "catch-up-again", &again)
	h2.view(2*m, manager, func(v safeguarding.View) {
		for _, kind := range []policy.RuleID{policy.LACReview, policy.SWVisit, policy.CarePlan, policy.ConfirmAdulthood, policy.Transition} {
			if _, ok := openAction(v, kind); !ok {
				t.Errorf("%s is not open after the move to today's rules", kind)
			}
		}
		if !v.TurnedAdult.IsZero() {
			t.Error("still treated as an adult without a decision")
		}
	})
	h2.run(3 * m)
	if safeguarding.CodeOf(again) != safeguarding.EConflict {
		t.Errorf("a second catch-up: %v, want refused as not needed", again)
	}
}

// TestAnUpgradeMovesACaseToTheRulesItsHistoryRecorded: a case on the fail-safe rules opens only
// the LADO clock for an allegation of no offence. The catch-up makes its run continue as new, and
// the next run moves the case to the rules under which every allegation also opens the police
// and DBS referrals. A run that moved before the move recorded its target (replayed) went no
// further than the fail-safe rules, so its history replays as it ran.
func TestAnUpgradeMovesACaseToTheRulesItsHistoryRecorded(t *testing.T) {
	for _, tt := range []struct {
		name     string
		recorded workflow.Version // what the move's version marker says
		want     []policy.RuleID  // what the allegation after the move opens
	}{
		{"moved now", workflow.Version(safeguarding.RulesAllegationReferrals), []policy.RuleID{policy.AllegationPolice, policy.DBSReferral, policy.LADO}},
		{"moved before the marker", workflow.DefaultVersion, []policy.RuleID{policy.LADO}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			allegation := func(user string) map[string]any {
				return map[string]any{"received_at": at(0), "against_user": user, "against_role": "carer", "summary": "Seen with the exploiters."}
			}
			opened := func(v safeguarding.View, user string) []policy.RuleID {
				var kinds []policy.RuleID
				for _, al := range v.Allegations {
					for _, a := range v.OpenActions {
						if al.AgainstUser == user && a.Ref == al.ID {
							kinds = append(kinds, a.Kind)
						}
					}
				}
				slices.Sort(kinds)
				return kinds
			}
			h := newHarness(t, nil)
			h.env.OnGetVersion(rulesChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)).Return(workflow.Version(safeguarding.RulesFailSafe))
			h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
			h.step(m, "allegation", lead, allegation("carer-8"))
			h.view(2*m, manager, func(v safeguarding.View) {
				if got := opened(v, "carer-8"); !slices.Equal(got, []policy.RuleID{policy.LADO}) {
					t.Errorf("on the fail-safe rules the allegation opened %v, want the LADO clock alone", got)
				}
			})
			catchUp := errNotSent
			h.sendBare(3*m, UpdateCatchUp, "catch-up", &catchUp)
			next := h.runUntilContinued(time.Hour)
			if catchUp != nil {
				t.Fatalf("the catch-up of a case on older rules: %v", catchUp)
			}

			h2 := newHarness(t, nil)
			h2.env.OnGetVersion(upgradeChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)).Return(tt.recorded)
			h2.continueFrom(next)
			body, _ := json.Marshal(allegation("carer-9"))
			step := errNotSent
			h2.sendAs(m, UpdateStep, "allegation-9", safeguarding.Request{Step: "allegation", RequestID: "allegation-9", Actor: lead, Body: body}, &step)
			var after []policy.RuleID
			h2.view(2*m, manager, func(v safeguarding.View) { after = opened(v, "carer-9") })
			h2.run(3 * m)
			if step != nil {
				t.Fatalf("the allegation after the move: %v", step)
			}
			if !slices.Equal(after, tt.want) {
				t.Errorf("after the move the allegation opened %v, want %v", after, tt.want)
			}
		})
	}
}
