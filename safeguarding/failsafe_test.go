package safeguarding

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// The fail-safe rules: no obligation ends without a person with the authority deciding so, for a
// reason the timeline keeps.

func TestClosureRefusedWhileObligationsAreOpen(t *testing.T) {
	f := newCase(t, "E1")
	f.must("closure-request", aSW, map[string]any{"reason": "moved-to-another-agency", "note": "Moved to Leeds."})
	open := f.c.OpenActions()
	_, err := f.try("closure-approval", aManager, map[string]any{"note": "Agreed."})
	var e *Error
	if !asError(err, &e) || e.Code != EConflict {
		t.Fatalf("approval with open obligations: %v", err)
	}
	for _, a := range open {
		if !strings.Contains(e.Message, f.c.inTheirWords(a.Title)) || e.Fields["resolutions["+a.ID+"]"] == "" {

			t.Errorf("the refusal does not name %s (%s): %v", a.ID, a.Title, e)
		}
	}
	// Resolving all but one is still refused, naming the one left.
	some := f.resolveAll("Handed over to Leeds on 3 January.")[1:]
	_, err = f.try("closure-approval", aManager, map[string]any{"resolutions": some})
	if !asError(err, &e) || len(e.Fields) != 1 || e.Fields["resolutions["+open[0].ID+"]"] == "" {
		t.Fatalf("approval with one obligation left: %v", err)
	}
	f.refuse("closure-approval", aManager, map[string]any{"resolutions": []map[string]string{{"action_id": "A999", "reason": "x"}}}, EInvalid)
	f.refuse("closure-approval", aManager, map[string]any{"resolutions": []map[string]string{{"action_id": open[0].ID}}}, EInvalid)

	res := f.must("closure-approval", aManager, map[string]any{"resolutions": f.resolveAll("Handed over to Leeds on 3 January.")})
	if !f.c.Closed() || len(res.Closed) != len(open) {
		t.Fatalf("closed %v; want every obligation resolved", res.Closed)
	}
	for _, a := range open {
		a := f.c.action(a.ID)
		if a.Status != ActionResolved || a.Note != "Handed over to Leeds on 3 January." || a.ClosedBy.UserID != "mgr-1" || a.EndedBy != endedByClosure {
			t.Errorf("action %s after closure: %+v", a.ID, a)
		}
		if !f.hasEntry("action-resolved", a.ID, "Handed over to Leeds") {
			t.Errorf("the timeline does not keep the resolution of %s", a.ID)
		}
	}
}

func TestReopeningReArmsEveryObligationClosureEnded(t *testing.T) {
	f := newCase(t, "E1")
	f.must("police-report", aCarer, map[string]any{"reported_at": ts(time.Hour), "channel": "101", "reference": "P1"})
	f.must("closure-request", aSW, map[string]any{"reason": "risk-resolved", "note": "Done."})
	resolved := len(f.c.OpenActions()) // the police report was done, not resolved
	f.must("closure-approval", aManager, map[string]any{"resolutions": f.resolveAll("Risk resolved at review.")})
	res := f.must("reopen", aLead, map[string]any{"reason": "Seen with the same adults again."})
	if f.c.Closed() || len(res.Opened) != resolved || len(f.c.OpenActions()) != resolved {
		t.Fatalf("reopen re-armed %v; want the %d obligations closure ended", res.Opened, resolved)
	}
	for _, a := range f.c.OpenActions() {
		if a.Level != LevelNone || a.Kind == policy.PoliceReport {
			t.Errorf("re-armed action %+v", a)
		}
	}
	if f.c.NextChaseAt().IsZero() {
		t.Error("nothing will be chased after reopening")
	}
}

func TestANewConcernOrMissingEpisodeReopensAClosedCase(t *testing.T) {
	for _, step := range []string{"concern", "missing-episode"} {
		t.Run(step, func(t *testing.T) {
			f := newCase(t, "E1")
			f.must("closure-request", aSW, map[string]any{"reason": "risk-resolved", "note": "Done."})
			f.must("closure-approval", aManager, map[string]any{"resolutions": f.resolveAll("Risk resolved.")})
			body := map[string]any{"went_missing_at": ts(23 * time.Hour)}
			if step == "concern" {
				body = map[string]any{"observed_at": ts(23 * time.Hour), "exploitation_types": []string{"sexual-exploitation"},
					"indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Picked up by an older man."}
			}
			res := f.must(step, aCarer, body)
			if f.c.Closed() || !f.hasEntry("reopened", "", "") {
				t.Fatal("the case is still closed")
			}
			want := policy.PoliceReport
			if step == "missing-episode" {
				want = policy.MissingPoliceReport
			}
			found := false
			for _, id := range res.Opened {
				if a := f.c.action(id); a.Kind == want && a.Ref == res.Ref && a.Open() {
					found = true
				}
			}
			if !found {
				t.Errorf("no %s clock for the new record: opened %v", want, res.Opened)
			}
		})
	}
}

func TestRecordsCloseOnlyTheActionsOfWhatTheyAnswer(t *testing.T) {
	f := newCase(t, "E1") // concern C1, observed at t0
	second := f.must("concern", aCarer, map[string]any{"observed_at": ts(20 * time.Hour), "immediate_danger": true,
		"exploitation_types": []string{"sexual-exploitation"}, "indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Taken away."})
	danger := f.open(policy.ImmediateDanger)
	if len(danger) != 1 || danger[0].Ref != second.Ref || !danger[0].Due.Equal(t0.Add(20*time.Hour+15*time.Minute)) {
		t.Fatalf("immediate danger action %+v", danger)
	}
	// A 101 report made before the second concern answers the first only.
	res := f.must("police-report", aCarer, map[string]any{"reported_at": ts(2 * time.Hour), "channel": "101", "reference": "P1"})
	if len(res.Closed) != 1 || f.c.action(res.Closed[0]).Ref != "C1" || len(f.open(policy.ImmediateDanger)) != 1 {
		t.Fatalf("closed %v; want only concern C1's police report", res.Closed)
	}
	// Naming the second concern from before it was raised is refused.
	f.refuse("police-report", aCarer, map[string]any{"reported_at": ts(2 * time.Hour), "channel": "999", "reference": "P2", "concern_ids": []string{second.Ref}}, EInvalid)
	// A 101 call does not end the 999 clock; a 999 call does.
	f.must("police-report", aCarer, map[string]any{"reported_at": ts(21 * time.Hour), "channel": "101", "reference": "P2", "concern_ids": []string{second.Ref}})
	if len(f.open(policy.ImmediateDanger)) != 1 {
		t.Fatal("a 101 report closed the 999 clock")
	}
	res = f.must("police-report", aCarer, map[string]any{"reported_at": ts(21 * time.Hour), "channel": "999", "reference": "P3", "concern_ids": []string{second.Ref}})
	if len(f.open(policy.ImmediateDanger)) != 0 || len(res.Closed) != 1 {
		t.Fatalf("the 999 call closed %v", res.Closed)
	}
	// Telling the social worker about the first concern leaves the second's notification open.
	f.must("social-worker-informed", aCarer, map[string]any{"informed_at": ts(3 * time.Hour)})
	if got := f.open(policy.NotifySocialWorker); len(got) != 1 || got[0].Ref != second.Ref {
		t.Fatalf("open notify actions %+v; want the second concern's", got)
	}
	f.refuse("social-worker-informed", aCarer, map[string]any{"informed_at": ts(3 * time.Hour), "concern_ids": []string{"C99"}}, EInvalid)
}

func TestAMissingChildStartsHourClocks(t *testing.T) {
	f := newCase(t, "E1")
	went := t0.Add(20 * time.Hour)
	res := f.must("missing-episode", aCarer, map[string]any{"went_missing_at": went.Format(time.RFC3339), "reported_to_police": false})
	for _, rule := range []policy.RuleID{policy.MissingChild, policy.MissingPoliceReport, policy.MissingNotifySW, policy.MissingNotifyLead} {
		got := f.open(rule)
		if len(got) != 1 || got[0].Ref != res.Ref || got[0].Owner != (Owner{Role: RoleCarer, UserID: "carer-1"}) || !got[0].StartedAt.Equal(went) {
			t.Errorf("%s: %+v", rule, got)
		}
	}
	f.refuse("missing-episode", aCarer, map[string]any{"went_missing_at": ts(21 * time.Hour), "reported_to_police": true}, EInvalid)
	f.must("police-report", aCarer, map[string]any{"reported_at": ts(21 * time.Hour), "channel": "101", "reference": "MISS-1", "episode_id": res.Ref})
	if len(f.open(policy.MissingPoliceReport)) != 0 || !f.c.episode(res.Ref).ReportedToPolice || len(f.open(policy.PoliceReport)) != 1 {
		t.Fatal("the missing report did not close exactly the episode's police clock")
	}
	f.must("safeguarding-lead-informed", aCarer, map[string]any{"informed_at": ts(21 * time.Hour), "episode_id": res.Ref})
	if len(f.open(policy.MissingNotifyLead)) != 0 || len(f.open(policy.NotifySafeguardingLead)) != 1 {
		t.Fatal("telling the lead of the episode closed the wrong clock")
	}
	f.must("missing-return", aCarer, map[string]any{"episode_id": res.Ref, "returned_at": ts(23 * time.Hour)})
	interview := f.open(policy.ReturnInterview)
	if len(f.open(policy.MissingChild)) != 0 || len(interview) != 1 || !interview[0].Due.Equal(t0.Add(23*time.Hour+72*time.Hour)) {
		t.Fatalf("after the return: missing %v, interview %+v", f.open(policy.MissingChild), interview)
	}
	f.refuse("return-interview", aSW, map[string]any{"episode_id": res.Ref, "held_at": ts(23 * time.Hour), "outcome": "declined"}, EInvalid)
	f.must("return-interview", aSW, map[string]any{"episode_id": res.Ref, "held_at": ts(23 * time.Hour), "outcome": "declined", "offered_by": "Independent return worker, Barnardo's"})
	if len(f.open(policy.ReturnInterview)) != 0 || f.c.episode(res.Ref).Interview != InterviewDeclined || !f.hasEntry("return-interview", res.Ref, "declined") {
		t.Fatal("a declined interview did not end the chase with its record")
	}
}

func TestAMissingChildReportedWithAReferenceNeedsNoPoliceClock(t *testing.T) {
	f := newCase(t, "E1")
	f.must("missing-episode", aSW, map[string]any{"went_missing_at": ts(20 * time.Hour), "reported_to_police": true, "police_reference": "MISS-2"})
	if len(f.open(policy.MissingPoliceReport)) != 0 || len(f.open(policy.MissingNotifySW)) != 0 || len(f.open(policy.MissingNotifyLead)) != 1 {
		t.Fatalf("clocks after a reported episode recorded by the social worker: %+v", f.c.OpenActions())
	}
}

func TestAnAllegationRemovesTheAccusedWhateverTheirRole(t *testing.T) {
	f := newCase(t, "E1")
	res := f.must("allegation", aLead, map[string]any{"received_at": ts(time.Hour), "against_user": "sw-1", "against_role": "social_worker",
		"summary": "Seen with the child's exploiter.", "urgent": true, "possible_offence": true})
	if f.c.CanSee(aSW, Access{TeamAccess: true}) || f.c.SocialWorker != "" {
		t.Fatal("the accused social worker still has the case")
	}
	f.refuse("lado-informed", aSW, map[string]any{"allegation_id": res.Ref, "informed_at": ts(2 * time.Hour), "reference": "L1"}, ENotFound)
	for _, a := range f.c.OpenActions() {
		if a.Owner.UserID == "sw-1" {
			t.Errorf("action %s still owned by the accused", a.ID)
		}
	}
	if care := f.open(policy.CarePlan)[0]; care.Owner != (Owner{Role: RoleManager}) || care.HandedFrom.UserID != "sw-1" {
		t.Errorf("the care plan was not handed to the manager: %+v", care)
	}
	for _, rule := range []policy.RuleID{policy.LADOUrgent, policy.AllegationPolice, policy.DBSReferral} {
		if got := f.open(rule); len(got) != 1 || got[0].Ref != res.Ref || got[0].Owner.Role != RoleSafeguardingLead {
			t.Errorf("%s: %+v", rule, got)
		}
	}
	if urgent := f.open(policy.LADOUrgent)[0]; !urgent.Due.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("the urgent LADO clock is due %v, want an hour after the allegation", urgent.Due)
	}
	f.refuse("lado-informed", aLead, map[string]any{"allegation_id": res.Ref, "informed_at": ts(2 * time.Hour)}, EInvalid)
	f.must("lado-informed", aLead, map[string]any{"allegation_id": res.Ref, "informed_at": ts(2 * time.Hour), "reference": "LADO-7"})
	f.must("allegation-police-report", aManager, map[string]any{"allegation_id": res.Ref, "informed_at": ts(3 * time.Hour), "reference": "CR-1"})
	f.must("dbs-referral", aLead, map[string]any{"allegation_id": res.Ref, "informed_at": ts(4 * time.Hour), "reference": "DBS-1"})
	for _, rule := range []policy.RuleID{policy.LADOUrgent, policy.AllegationPolice, policy.DBSReferral} {
		if len(f.open(rule)) != 0 {
			t.Errorf("%s still open after it was recorded", rule)
		}
	}
	// The accused can never come back through reassignment; a new social worker takes the work.
	f.refuse("team", aManager, map[string]any{"social_worker": "sw-1", "reason": "back"}, EConflict)
	f.must("team", aManager, map[string]any{"social_worker": "sw-2", "reason": "New social worker."})
	if care := f.open(policy.CarePlan)[0]; care.Owner != (Owner{Role: RoleSocialWorker, UserID: "sw-2"}) || care.HandedFrom != nil {
		t.Errorf("the new social worker did not get the care plan: %+v", care)
	}
}

func TestAnAllegationAgainstAManagerGoesToTheSafeguardingLead(t *testing.T) {
	f := newCase(t, "E1")
	f.must("due-date", aManager, map[string]any{"action_id": f.open(policy.CarePlan)[0].ID, "due": ts(30 * 24 * time.Hour), "reason": "Court."})
	f.must("allegation", aLead, map[string]any{"received_at": ts(time.Hour), "against_user": "mgr-1", "against_role": "manager", "summary": "x"})
	if f.c.CanSee(aManager, Access{}) {
		t.Fatal("the accused manager still sees the case")
	}
	if _, err := f.c.ViewFor(aManager, Access{}, f.env.now); CodeOf(err) != ENotFound {
		t.Fatalf("view for the accused manager: %v", err)
	}
}

func TestMovingADeadlineLaterNeedsAManager(t *testing.T) {
	f := newCase(t, "E1")
	care := f.open(policy.CarePlan)[0]
	later := care.Due.Add(10 * 24 * time.Hour).Format(time.RFC3339)
	f.refuse("due-date", aSW, map[string]any{"action_id": care.ID, "due": later, "reason": "Court date."}, EForbidden)
	f.refuse("due-date", aManager, map[string]any{"action_id": care.ID, "due": later}, EInvalid)
	earlier := care.Due.Add(-2 * 24 * time.Hour).Format(time.RFC3339)
	f.must("due-date", aSW, map[string]any{"action_id": care.ID, "due": earlier, "reason": "Meeting brought forward."})
	// Back to the policy's date and beyond is still an extension for the social worker.
	f.refuse("due-date", aSW, map[string]any{"action_id": care.ID, "due": care.Due.Add(time.Hour).Format(time.RFC3339), "reason": "x"}, EForbidden)
	f.must("due-date", aManager, map[string]any{"action_id": care.ID, "due": later, "reason": "Court date."})
	moved := f.c.action(care.ID)
	if !moved.OriginalDue.Equal(care.Due) || moved.Due.Format(time.RFC3339) != later {
		t.Fatalf("moved action %+v", moved)
	}
	if !f.hasEntry("due-changed", care.ID, "extension approved by the manager") {
		t.Error("the timeline does not record the manager's approval")
	}
}

func TestAnActionOneMayNotSeeIsUnknownNeverNamed(t *testing.T) {
	f := newCase(t, "E1")
	f.must("allegation", aLead, map[string]any{"received_at": ts(time.Hour), "against_user": "staff-9", "against_role": "manager", "summary": "x"})
	lado := f.open(policy.LADO)[0]
	for _, by := range []Actor{aFSW, aCarer} {
		_, err := f.try("action-done", by, map[string]any{"action_id": lado.ID, "completed_at": ts(2 * time.Hour)})
		if CodeOf(err) != EInvalid || strings.Contains(err.Error(), "LADO") || strings.Contains(err.Error(), "Designated") {
			t.Errorf("%s completing the LADO action: %v; want it unknown", by.Role, err)
		}
	}
	// The social worker, who sees allegations, is told why instead.
	if _, err := f.try("action-done", aSW, map[string]any{"action_id": lado.ID, "completed_at": ts(2 * time.Hour)}); CodeOf(err) != EConflict {
		t.Errorf("the social worker completing the LADO action by hand: %v", err)
	}
}

func TestOnlyTheOwnerOrTheCaseLeadsCompleteAnAgreedAction(t *testing.T) {
	f := newCase(t, "E1")
	res := f.must("strategy-meeting-held", aSW, map[string]any{"held_at": ts(time.Hour), "format": "meeting", "outcome": "Plan.",
		"actions": []map[string]any{
			{"title": "Keep a diary of phone use", "owner_role": "carer", "owner_user": "carer-1", "due": ts(7 * 24 * time.Hour)},
			{"title": "Speak to the school", "owner_role": "fostering_social_worker", "owner_user": "fsw-1", "due": ts(7 * 24 * time.Hour)},
		}})
	diary, school := res.Opened[0], res.Opened[1]
	f.refuse("action-done", aFSW, map[string]any{"action_id": diary, "completed_at": ts(2 * time.Hour)}, EForbidden)
	f.refuse("action-done", aCarer, map[string]any{"action_id": school, "completed_at": ts(2 * time.Hour)}, EInvalid)
	f.must("action-done", aCarer, map[string]any{"action_id": diary, "completed_at": ts(2 * time.Hour)})
	f.must("action-done", aSW, map[string]any{"action_id": school, "completed_at": ts(2 * time.Hour)})
}

func TestEveryLadderKeepsChasing(t *testing.T) {
	f := newCase(t, "E1")
	police := f.open(policy.PoliceReport)[0]
	if police.RechaseEvery.IsZero() {
		t.Fatal("the police report action has no re-chase")
	}
	f.c.TakeDueChases(police.EscalateAgainAt)
	for day := 1; day <= 3; day++ {
		at := police.EscalateAgainAt.Add(time.Duration(day) * 24 * time.Hour)
		var repeats int
		for _, ch := range f.c.TakeDueChases(at) {
			if ch.ActionID == police.ID && ch.Level == LevelLead {
				repeats++
			}
		}
		if repeats != 1 {
			t.Fatalf("day %d: %d chases of the unmade police report; want one (catch-up chases are one)", day, repeats)
		}
	}
}

func TestTimelineKeepsWhenThingsWereRecorded(t *testing.T) {
	f := newCase(t, "E1")
	f.env.now = t0.Add(72 * time.Hour)
	f.must("police-report", aCarer, map[string]any{"reported_at": ts(time.Hour), "channel": "101", "reference": "P1"})
	e := f.c.Timeline[len(f.c.Timeline)-1]
	if !e.At.Equal(t0.Add(time.Hour)) || !e.RecordedAt.Equal(t0.Add(72*time.Hour)) {
		t.Fatalf("entry at %v recorded %v; want the report's time and the recording's", e.At, e.RecordedAt)
	}
}

func TestIdentifiersAreCheckedAtTheDoor(t *testing.T) {
	raise := func(team string, carers []string) map[string]any {
		return map[string]any{"observed_at": ts(0), "la": "E1", "team": team, "social_worker": "sw-1", "carers": carers,
			"child": map[string]any{"name": "C", "preferred_term": "victim"}, "exploitation_types": []string{"trafficking"},
			"indicators": []map[string]string{{"code": "disclosure"}}, "account": "x"}
	}
	f := &fixture{t: t, c: NewCase("c2", "CF-X", RulesCurrent), env: &testEnv{now: t0.Add(time.Minute)}}
	for name, body := range map[string]map[string]any{
		"control character": raise("north\x1fsouth", nil),
		"space":             raise("north team", nil),
		"too long":          raise(strings.Repeat("a", 129), nil),
		"too many carers":   raise("north", slices.Repeat([]string{"c"}, 21)),
	} {
		t.Run(name, func(t *testing.T) { f.refuse(StepRaiseConcern, aCarer, body, EInvalid) })
	}
	f.refuse(StepRaiseConcern, Actor{UserID: "carer 1", Role: RoleCarer}, raise("north", nil), EForbidden)
	f.must(StepRaiseConcern, aCarer, raise("north.team-2@agency", nil))
}

func TestUpgradingAFirstReleaseCase(t *testing.T) {
	f := &fixture{t: t, c: NewCase("c3", "CF-OLD", RulesFirst), env: &testEnv{now: t0.Add(time.Minute)}}
	f.must(StepRaiseConcern, aCarer, map[string]any{"observed_at": ts(0), "la": "E1", "team": "north", "social_worker": "sw-1",
		"child": map[string]any{"name": "C", "preferred_term": "victim"}, "exploitation_types": []string{"trafficking"},
		"indicators": []map[string]string{{"code": "disclosure"}}, "account": "x"})
	// Its actions were opened under a policy whose ladders ended in silence.
	for i := range f.c.Actions {
		f.c.Actions[i].RechaseEvery = policy.Duration{}
	}
	// The first release's behaviour, kept for cases on its rules: closure cancelled everything.
	// Today's validator refuses that approval, so it is applied as a replay applies it.
	f.must("closure-request", aSW, map[string]any{"reason": "risk-resolved", "note": "x"})
	approval, _ := StepNamed("closure-approval")
	if _, err := f.c.Apply(approval, f.request(aManager, map[string]any{}), f.env); err != nil {
		t.Fatal(err)
	}
	for _, a := range f.c.Actions {
		if a.Status != ActionCancelled {
			t.Fatalf("first-release closure left %s %s", a.ID, a.Status)
		}
	}
	if err := f.c.CheckUpgrade(); err != nil {
		t.Fatal(err)
	}
	f.c.UpgradeRules(f.env)
	if f.c.Rules != RulesCurrent || f.c.CheckUpgrade() == nil || !f.hasEntry("rules-upgraded", "", "") {
		t.Fatal("the case did not move to the current rules once")
	}
	res := f.must("reopen", aLead, map[string]any{"reason": "New information."})
	if len(res.Opened) != len(f.c.Actions) {
		t.Fatalf("reopening an upgraded case re-armed %v", res.Opened)
	}
	for _, a := range f.c.OpenActions() {
		if a.RechaseEvery.IsZero() && a.Kind != policy.NRMRecovery {
			t.Errorf("%s re-armed without a re-chase", a.ID)
		}
	}
}

// hasEntry reports whether the timeline has an entry of kind about ref whose summary says text.
func (f *fixture) hasEntry(kind, ref, text string) bool {
	for _, e := range f.c.Timeline {
		if e.Kind == kind && (ref == "" || e.Ref == ref) && strings.Contains(e.Summary, text) {
			return true
		}
	}
	return false
}

// TestChasesOfWorkingDayRulesWaitForTheOffice: a repeated chase of a working-day clock that
// falls on a Saturday reaches its people on Monday at the opening; an hour clock's does not wait.
func TestChasesOfWorkingDayRulesWaitForTheOffice(t *testing.T) {
	f := newCase(t, "E1") // raised on Monday 2 November 2026 at 09:00
	nrm := f.open(policy.NRMRequest)[0]
	police := f.open(policy.PoliceReport)[0]
	f.c.TakeDueChases(nrm.EscalateAgainAt) // Friday 6 November, 09:00: the Safeguarding Lead is told
	saturday := time.Date(2026, 11, 7, 12, 0, 0, 0, time.UTC)
	count := func(chases []DueChase, id string) int {
		n := 0
		for _, c := range chases {
			if c.ActionID == id {
				n++
			}
		}
		return n
	}
	weekend := f.c.TakeDueChases(saturday)
	if count(weekend, nrm.ID) != 0 || count(weekend, police.ID) != 1 {
		t.Fatalf("on Saturday: %d chases of the NRM request, %d of the police report; want none and one", count(weekend, nrm.ID), count(weekend, police.ID))
	}
	monday := time.Date(2026, 11, 9, 9, 0, 0, 0, time.UTC)
	if got := count(f.c.TakeDueChases(monday.Add(-time.Minute)), nrm.ID); got != 0 {
		t.Fatalf("%d chases before Monday's opening", got)
	}
	if got := count(f.c.TakeDueChases(monday), nrm.ID); got != 1 {
		t.Fatalf("%d chases of the NRM request at Monday's opening; want one", got)
	}
}

// A carer leaving the placement loses sight of the case; what they owed goes to the child's
// social worker, marked as handed on, and the cap on carers counts those who stay.
func TestRemovedCarersHandTheirActionsToTheSocialWorker(t *testing.T) {
	f := newCase(t, "E1")
	owed := 0
	for _, a := range f.c.Actions {
		if a.Open() && a.Owner.Role == RoleCarer {
			owed++
		}
	}
	if owed == 0 {
		t.Fatal("the opening concern left the carer nothing to do; the test needs a carer's action")
	}
	f.must("team", aManager, body{"remove_carers": []string{"carer-1"}, "add_carers": []string{"carer-2"}, "reason": "Placement ended."})
	for _, a := range f.c.Actions {
		if !a.Open() {
			continue
		}
		if a.Owner.UserID == "carer-1" {
			t.Errorf("%s still owned by the carer who left", a.Kind)
		}
		if a.HandedFrom != nil && a.HandedFrom.UserID == "carer-1" && a.Owner != (Owner{Role: RoleSocialWorker, UserID: "sw-1"}) {
			t.Errorf("%s handed to %+v, not the social worker", a.Kind, a.Owner)
		}
	}
	handed := 0
	for _, a := range f.c.Actions {
		if a.Open() && a.HandedFrom != nil && a.HandedFrom.UserID == "carer-1" {
			handed++
		}
	}
	if handed != owed {
		t.Errorf("%d of the carer's %d actions handed on", handed, owed)
	}

	var full []string
	for i := range maxCarers - 1 {
		full = append(full, "carer-x"+strconv.Itoa(i))
	}
	f.must("team", aManager, body{"add_carers": full, "reason": "Large household."})
	f.refuse("team", aManager, body{"add_carers": []string{"carer-y"}, "reason": "One more."}, EInvalid)
	f.must("team", aManager, body{"add_carers": []string{"carer-y"}, "remove_carers": []string{"carer-2"}, "reason": "One leaves, one joins."})
}
