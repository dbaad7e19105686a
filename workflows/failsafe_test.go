package workflows

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// The fail-safe rules, run through the workflow with time skipping: what they keep chasing, they
// keep chasing across closure, other records and allegations.

// TestReopeningResumesTheChase: a case closed with its police report still unmade (the manager
// resolved it with a reason) is quiet while closed; reopened after the report fell due, the
// report is chased at once.
func TestReopeningResumesTheChase(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	var open []safeguarding.ActionView
	h.view(5*m, manager, func(v safeguarding.View) { open = v.OpenActions })
	h.step(6*m, "closure-request", sw, map[string]any{"reason": "moved-to-another-agency", "note": "Moved to Leeds."})
	h.step(7*m, "closure-approval", manager, func() any {
		var resolutions []map[string]string
		for _, a := range open {
			resolutions = append(resolutions, map[string]string{"action_id": a.ID, "reason": "Handed over to Leeds."})
		}
		return map[string]any{"resolutions": resolutions}
	})
	h.step(3*time.Hour, "reopen", lead, map[string]any{"reason": "Returned to the placement."})
	h.run(3*time.Hour + 5*m)

	police := actionOf(open, policy.PoliceReport)
	var got []notify.Notice
	for _, n := range h.sent.forAction(police) {
		if n.SentAt.After(testStart.Add(7 * m)) {
			got = append(got, n)
		}
	}
	if len(got) == 0 || !got[0].SentAt.Equal(testStart.Add(3*time.Hour)) || got[0].Level != int(safeguarding.LevelOverdue) {
		t.Fatalf("chases of the police report after closure: %v; want overdue at the reopening, and nothing while closed", describe(got))
	}
}

// TestAReportAboutOneConcernLeavesAnothersChaseRunning: a 101 report made before a second
// concern was raised closes the first concern's police action only.
func TestAReportAboutOneConcernLeavesAnothersChaseRunning(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	h.step(30*m, "concern", carer, map[string]any{"observed_at": at(30 * m), "exploitation_types": []string{"sexual-exploitation"},
		"indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Picked up by an older man."})
	h.step(40*m, "police-report", carer, map[string]any{"reported_at": at(20 * m), "channel": "101", "reference": "P-1"})
	var police []safeguarding.ActionView
	h.view(45*m, manager, func(v safeguarding.View) {
		for _, a := range v.OpenActions {
			if a.Kind == policy.PoliceReport {
				police = append(police, a)
			}
		}
	})
	h.run(2 * time.Hour)
	if len(police) != 1 || police[0].Ref != h.results[1].Ref {

		t.Fatalf("police actions open after the report: %+v; want the second concern's only", police)
	}
	if got := h.sent.forAction(police[0].ID); len(got) == 0 || got[0].Level != int(safeguarding.LevelReminded) {
		t.Fatalf("the second concern's police report was not chased: %v", describe(got))
	}
}

// TestAnAllegationHandsTheAccusedsChasesToTheManager: once an allegation is recorded against the
// carer who raised the concern, the chases of their actions go to the team's manager, never to
// them.
func TestAnAllegationHandsTheAccusedsChasesToTheManager(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	h.step(10*m, "allegation", lead, map[string]any{"received_at": at(5 * m), "against_user": "carer-1", "against_role": "carer", "summary": "Allegation."})
	var policeID string
	h.view(11*m, manager, func(v safeguarding.View) {
		for _, a := range v.OpenActions {
			if a.Kind == policy.PoliceReport {
				policeID = a.ID
			}
		}
	})
	h.run(3 * time.Hour)
	got := h.sent.forAction(policeID)
	if len(got) == 0 {
		t.Fatal("the handed-over police report was not chased")
	}
	for _, n := range got {
		if n.SentAt.After(testStart.Add(10*m)) && (n.To[0].Role != safeguarding.RoleManager || slices.ContainsFunc(n.To, func(r safeguarding.Recipient) bool { return r.UserID == "carer-1" })) {
			t.Errorf("chase at %v went to %+v; want the manager, never the accused", n.SentAt, n.To)
		}
	}
}

// TestImmediateDangerIsChasedEveryFifteenMinutes: the 999 call is due in fifteen minutes, then
// the owner, the manager and the Safeguarding Lead are told at once, and again every fifteen
// minutes until the call is recorded.
func TestImmediateDangerIsChasedEveryFifteenMinutes(t *testing.T) {
	h := newHarness(t, nil)
	concern := raise("")
	concern["immediate_danger"] = true
	h.step(0, safeguarding.StepRaiseConcern, carer, concern)
	var id string
	h.view(m, manager, func(v safeguarding.View) {
		for _, a := range v.OpenActions {
			if a.Kind == policy.ImmediateDanger {
				id = a.ID
			}
		}
	})
	h.step(61*m, "police-report", carer, map[string]any{"reported_at": at(61 * m), "channel": "999", "reference": "999-1"})
	h.run(3 * time.Hour)
	var lead, repeats int
	for _, n := range h.sent.forAction(id) {
		if n.SentAt.After(testStart.Add(61 * m)) {
			t.Errorf("chased after the 999 call: %s at %v", n.LevelName, n.SentAt)
		}
		if n.Level == int(safeguarding.LevelLead) {
			lead++
			if n.Repeat > 0 {
				repeats++
			}
			if !sentTo(n, safeguarding.RoleManager) || !sentTo(n, safeguarding.RoleSafeguardingLead) {
				t.Errorf("escalation to %+v", n.To)
			}
		}
	}
	// Told at 15 minutes, then again at 30, 45 and 60.
	if lead != 4 || repeats != 3 {
		t.Fatalf("%d escalations to the Safeguarding Lead, %d of them repeats; want 4 and 3: %v", lead, repeats, describe(h.sent.forAction(id)))
	}
}

// TestAProjectionThatCanNeverSucceedFailsOnce: a case whose team was recorded before identifiers
// were checked cannot be stored in the read model; the projection fails once, non-retryably, and
// the failure is recorded for the managers' board, instead of retrying forever.
func TestAProjectionThatCanNeverSucceedFailsOnce(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	next := h.continuedAsNew(m)

	// The same case, continued as new with a team written by an older release.
	next.State.Team = "north\x1fteam"
	h2 := newHarness(t, nil)
	h2.continueFrom(next)

	h2.step(m, "care-plan-contribution", carer, map[string]any{"text": "A note."})
	h2.run(30 * m)
	n, err := h2.store.ProjectionFailures(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("projection failures recorded: %d, %v; want 1", n, err)
	}
	if _, found, _ := h2.store.Case(context.Background(), "c1"); found {
		t.Fatal("the unprojectable case is in the read model")
	}
}

// TestTheTimelineKeepsWhenEachEntryWasRecorded: an event recorded hours after it happened keeps
// both times.
func TestTheTimelineKeepsWhenEachEntryWasRecorded(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	h.step(5*time.Hour, "police-report", carer, map[string]any{"reported_at": at(30 * m), "channel": "101", "reference": "P-1"})
	h.view(5*time.Hour+m, sw, func(v safeguarding.View) {
		for _, e := range v.Timeline {
			if e.Kind == "police-report" && (!e.At.Equal(testStart.Add(30*m)) || !e.RecordedAt.Equal(testStart.Add(5*time.Hour))) {
				t.Errorf("police report entry at %v recorded %v", e.At, e.RecordedAt)
			}
			if e.Kind == "concern-raised" && !strings.HasPrefix(e.Summary, "Concern raised") {
				t.Errorf("unexpected first entry %+v", e)
			}
		}
	})
	h.run(5*time.Hour + 2*m)
}

func actionOf(list []safeguarding.ActionView, kind policy.RuleID) string {
	for _, a := range list {
		if a.Kind == kind {
			return a.ID
		}
	}
	return ""
}
