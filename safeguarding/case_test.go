package safeguarding

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// testEnv answers as the workflow does, straight from the default policy, at a settable time.
type testEnv struct{ now time.Time }

func (e *testEnv) Now() time.Time { return e.now }
func (e *testEnv) Deadline(rule policy.RuleID, start time.Time, la string, occurrence int) policy.Deadline {
	d, err := policy.Default().Deadline(rule, start, la, occurrence)
	if err != nil {
		panic(err)
	}
	return d
}
func (e *testEnv) Ladder(due time.Time, la string) policy.Deadline {
	return policy.Default().Ladder(due, la)
}
func (e *testEnv) Facts(la string) Facts {
	return Facts{PolicyVersion: policy.Default().Version(), ICTGSite: la != "NOT-ICTG"}
}
func (e *testEnv) RepeatMissing(la string) (int, time.Duration) {
	n, w := policy.Default().RepeatMissing(la)
	return n, w.Approx()
}
func (e *testEnv) ChildDeadline(rule policy.RuleID, start time.Time, la string, occurrence int, adultAt time.Time) policy.Deadline {
	d, err := policy.Default().ChildDeadline(rule, start, la, occurrence, adultAt)
	if err != nil {
		panic(err)
	}
	return d
}
func (e *testEnv) ClocksLeftOut(types []string) []policy.RuleID {
	return policy.Default().ClocksLeftOut(types)
}
func (e *testEnv) Retention(f policy.RetentionFacts) policy.RetentionDate {
	return policy.Default().Retention(f)
}

var (
	t0        = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	aCarer    = Actor{UserID: "carer-1", Role: RoleCarer}
	otherCare = Actor{UserID: "carer-2", Role: RoleCarer}
	aSW       = Actor{UserID: "sw-1", Role: RoleSocialWorker, Team: "north"}
	otherSW   = Actor{UserID: "sw-2", Role: RoleSocialWorker, Team: "north"}
	aFSW      = Actor{UserID: "fsw-1", Role: RoleFosteringSocialWorker}
	aLead     = Actor{UserID: "lead-1", Role: RoleSafeguardingLead}
	aManager  = Actor{UserID: "mgr-1", Role: RoleManager, Team: "north"}
)

func ts(d time.Duration) string { return t0.Add(d).Format(time.RFC3339) }

// fixture is a case driven through steps as the workflow drives it: Check, then Apply.
type fixture struct {
	t   *testing.T
	c   *Case
	env *testEnv
	n   int
}

func newCase(t *testing.T, la string) *fixture {
	f := unopenedCase(t)
	f.must(StepRaiseConcern, aCarer, firstConcern(la))
	f.confirmPlacement("carer-1")
	f.env.now = t0.Add(24 * time.Hour) // later steps record events of the day
	return f
}

// confirmPlacement is the child's social worker confirming that the child is placed with the
// carer who raised the concern.
func (f *fixture) confirmPlacement(carer string) {
	f.t.Helper()
	f.must(StepConfirmPlacement, aSW, map[string]any{"carer": carer, "decision": PlacementConfirmed, "reason": "Placed with them since March."})
}

// unopenedCase is a case waiting for its first concern, a minute after t0.
func unopenedCase(t *testing.T) *fixture {
	return &fixture{t: t, c: NewCase("c1", "CF-TEST", RulesCurrent), env: &testEnv{now: t0.Add(time.Minute)}}
}

// newCaseOn is newCase for a case opened under earlier rules, as its history replays them.
func newCaseOn(t *testing.T, la string, rules RulesVersion) *fixture {
	f := &fixture{t: t, c: NewCase("c1", "CF-TEST", rules), env: &testEnv{now: t0.Add(time.Minute)}}
	f.must(StepRaiseConcern, aCarer, firstConcern(la))
	f.env.now = t0.Add(24 * time.Hour)
	return f
}

// firstConcern is the concern, seen at t0, that opens the case of a trafficked child placed with
// carer-1 in local authority la, with social worker sw-1 and fostering social worker fsw-1.
func firstConcern(la string) map[string]any {
	return map[string]any{
		"observed_at": ts(0), "la": la, "team": "north", "social_worker": "sw-1", "fostering_social_worker": "fsw-1",
		"child":              map[string]any{"name": "Test Child", "preferred_term": "victim", "parental_responsibility": PRInUK, "date_of_birth": "2009-03-01"},
		"exploitation_types": []string{"trafficking"}, "trafficking_purposes": []string{"forced-labour"},
		"indicators": []map[string]string{{"code": "disclosure"}}, "account": "Told me about working nights.",
	}
}

func (f *fixture) request(by Actor, body any) Request {
	raw, _ := json.Marshal(body)
	f.n++
	return Request{RequestID: fmt.Sprintf("r%d", f.n), Actor: by, Body: raw}
}

// try checks and, if allowed, applies a step; it returns the check's error.
func (f *fixture) try(step string, by Actor, body any) (Result, error) {
	f.t.Helper()
	s, ok := StepNamed(step)
	if !ok {
		f.t.Fatalf("no step %q", step)
	}
	req := f.request(by, body)
	if err := f.c.Check(s, req, f.env.now, Access{}); err != nil {
		return Result{}, err
	}
	return f.c.Apply(s, req, f.env)
}

func (f *fixture) must(step string, by Actor, body any) Result {
	f.t.Helper()
	res, err := f.try(step, by, body)
	if err != nil {
		f.t.Fatalf("%s by %s: %v", step, by.Role, err)
	}
	return res
}

func (f *fixture) refuse(step string, by Actor, body any, code ErrorCode) {
	f.t.Helper()
	before := f.c.Revision
	_, err := f.try(step, by, body)
	if CodeOf(err) != code {
		f.t.Fatalf("%s by %s: %v (code %q), want %q", step, by.Role, err, CodeOf(err), code)
	}
	if f.c.Revision != before {
		f.t.Fatalf("%s was refused but changed the case", step)
	}
}

func (f *fixture) open(kind policy.RuleID) []Action {
	var out []Action
	for _, a := range f.c.OpenActions() {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

func TestRaiseConcernOpensTheFirstActions(t *testing.T) {
	f := newCase(t, "E1")
	for _, kind := range []policy.RuleID{policy.PoliceReport, policy.NotifySocialWorker, policy.NotifySafeguardingLead, policy.NRMRequest, policy.CarePlan, policy.ICTGReferral} {
		if len(f.open(kind)) != 1 {
			t.Errorf("no open %s action", kind)
		}
	}
	if !f.c.IsCarer("carer-1") {
		t.Error("the carer raising the concern is not a carer of the case")
	}
	police := f.open(policy.PoliceReport)[0]
	if police.Owner != (Owner{Role: RoleCarer, UserID: "carer-1"}) || !police.Due.Equal(t0.Add(time.Hour)) {
		t.Errorf("police report action %+v", police)
	}
	g := newCase(t, "NOT-ICTG")
	if len(g.open(policy.ICTGReferral)) != 0 {
		t.Error("an ICTG referral action for an LA that is not an ICTG site")
	}
}

func TestImpossibleTransitions(t *testing.T) {
	f := newCase(t, "E1")
	f.refuse("nrm-cg-decision", aSW, map[string]any{"decided_at": ts(time.Hour), "outcome": "positive"}, EConflict)
	f.refuse("nrm-rg-decision", aSW, map[string]any{"decided_at": ts(time.Hour), "outcome": "positive"}, EConflict)
	f.must("nrm-referral", aSW, map[string]any{"submitted_at": ts(time.Hour), "reference": "N1", "first_responder": "local-authority"})
	f.refuse("nrm-referral", aSW, map[string]any{"submitted_at": ts(time.Hour), "reference": "N2", "first_responder": "police"}, EConflict)
	f.refuse("nrm-rg-decision", aSW, map[string]any{"decided_at": ts(-time.Hour), "outcome": "positive"}, EInvalid)
	f.must("nrm-rg-decision", aSW, map[string]any{"decided_at": ts(2 * time.Hour), "outcome": "negative"})
	f.refuse("nrm-cg-decision", aSW, map[string]any{"decided_at": ts(3 * time.Hour), "outcome": "positive"}, EConflict)
	f.refuse("nrm-rg-decision", aSW, map[string]any{"decided_at": ts(3 * time.Hour), "outcome": "positive"}, EConflict)
	f.refuse("nrm-reconsideration", aSW, map[string]any{"decision": "conclusive-grounds", "requested_at": ts(3 * time.Hour), "reason": "x"}, EConflict)
	f.must("nrm-reconsideration", aSW, map[string]any{"decision": "reasonable-grounds", "requested_at": ts(3 * time.Hour), "reason": "new evidence"})
	f.must("nrm-rg-decision", aSW, map[string]any{"decided_at": ts(4 * time.Hour), "outcome": "positive"})
	if len(f.c.NRM.Superseded) != 1 || f.c.NRM.RG.Outcome != "positive" || f.c.NRM.RecoveryUntil.IsZero() {
		t.Fatalf("after reconsideration: %+v", f.c.NRM)
	}
	f.must("nrm-cg-decision", aSW, map[string]any{"decided_at": ts(5 * time.Hour), "outcome": "positive"})

	f.refuse("conference", aSW, map[string]any{"kind": "review", "held_at": ts(time.Hour)}, EConflict)
	f.refuse("ictg-assignment", aSW, map[string]any{"assigned_at": ts(time.Hour), "guardian_type": GuardianCoordinator}, EConflict)
	f.must("ictg-referral", aSW, map[string]any{"referred_at": ts(time.Hour)})
	// Someone in the UK holds parental responsibility: the guardian is a coordinator.
	f.refuse("ictg-assignment", aSW, map[string]any{"assigned_at": ts(2 * time.Hour), "guardian_type": GuardianDirectWorker}, EConflict)
	f.must("ictg-assignment", aSW, map[string]any{"assigned_at": ts(2 * time.Hour), "guardian_type": GuardianCoordinator})

	f.refuse("closure-approval", aManager, map[string]any{}, EConflict)
	f.refuse("closure-approval", aCarer, map[string]any{}, EForbidden)
	f.refuse("care-plan-review", aSW, map[string]any{"held_at": ts(time.Hour), "outcome": "x"}, EConflict)
	f.refuse("missing-return", aCarer, map[string]any{"episode_id": "E99", "returned_at": ts(time.Hour)}, EInvalid)
	f.refuse("allegation", aFSW, map[string]any{"received_at": ts(time.Hour), "against_user": "fsw-1", "against_role": "fostering_social_worker", "summary": "x"}, EConflict)
	f.refuse(StepRaiseConcern, aCarer, map[string]any{}, EInvalid)
}

func TestBadInputIsRefusedWithFields(t *testing.T) {
	f := newCase(t, "E1")
	s, _ := StepNamed("police-report")
	req := f.request(aCarer, map[string]any{"channel": "112", "reported_at": t0.Add(48 * time.Hour).Format(time.RFC3339)})
	err := f.c.Check(s, req, f.env.now, Access{})
	var e *Error
	if !asError(err, &e) || e.Code != EInvalid || e.Fields["channel"] == "" || e.Fields["reference"] == "" || !strings.Contains(e.Fields["reported_at"], "future") {
		t.Fatalf("bad police report: %#v", err)
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	if ok {
		*target = e
	}
	return ok
}

func TestVisibilityAndRoles(t *testing.T) {
	f := newCase(t, "E1")
	body := map[string]any{"text": "x"}
	f.refuse("care-plan-contribution", otherCare, body, ENotFound)
	f.refuse("care-plan-contribution", otherSW, body, ENotFound)
	f.refuse("care-plan-contribution", aLead, body, EForbidden)
	f.must("care-plan-contribution", aCarer, body)
	f.must("care-plan-contribution", aFSW, body)
	s, _ := StepNamed("care-plan-contribution")
	if err := f.c.Check(s, f.request(otherSW, body), f.env.now, Access{TeamAccess: true}); err != nil {
		t.Fatalf("team access: %v", err)
	}
	if len(f.c.CarePlan.Contributions) != 2 || f.c.CarePlan.Contributions[0].By != aCarer {
		t.Fatalf("contributions %+v", f.c.CarePlan.Contributions)
	}
}

// TestAllegationAgainstCarer: the accused carer loses the case at once, their actions pass to the
// team's manager, the LADO clock starts, and the allegation is hidden from carers and fostering
// social workers.
func TestAllegationAgainstCarer(t *testing.T) {
	f := newCase(t, "E1")
	res := f.must("allegation", aLead, map[string]any{"received_at": ts(time.Hour), "against_user": "carer-1", "against_role": "carer", "summary": "Involved."})
	if f.c.IsCarer("carer-1") || f.c.CanSee(aCarer, Access{}) {
		t.Fatal("the accused carer still has the case")
	}
	f.refuse("care-plan-contribution", aCarer, map[string]any{"text": "x"}, ENotFound)
	if police := f.open(policy.PoliceReport)[0]; police.Owner != (Owner{Role: RoleManager}) || police.HandedFrom.UserID != "carer-1" {
		t.Errorf("the accused carer's action was not handed to the manager: %+v", police)
	}
	lado := f.open(policy.LADO)
	if len(lado) != 1 || lado[0].Owner.Role != RoleSafeguardingLead {
		t.Fatalf("LADO action %+v", lado)
	}
	v, _ := f.c.ViewFor(aFSW, Access{}, f.env.now)
	if len(v.Allegations) != 0 {
		t.Error("the fostering social worker sees the allegation")
	}
	for _, e := range v.Timeline {
		if e.Kind == "allegation" {
			t.Error("the allegation is in the fostering social worker's timeline")
		}
	}
	for _, a := range v.Actions {
		if a.Kind == policy.LADO {
			t.Error("the LADO action is visible to the fostering social worker")
		}
	}
	f.must("lado-informed", aLead, map[string]any{"allegation_id": res.Ref, "informed_at": ts(2 * time.Hour), "reference": "LADO-1"})
	if len(f.open(policy.LADO)) != 0 {
		t.Error("LADO action still open after the LADO was informed")
	}
	f.refuse("team", aManager, map[string]any{"add_carers": []string{"carer-1"}, "reason": "return"}, EConflict)
}

func TestRepeatedMissingEpisodesCallForAStrategyDiscussion(t *testing.T) {
	f := newCase(t, "E1")
	for i, day := range []int{0, 30, 60} {
		f.env.now = t0.AddDate(0, 0, day).Add(time.Hour)
		f.must("missing-episode", aCarer, map[string]any{"went_missing_at": t0.AddDate(0, 0, day).Format(time.RFC3339),
			"returned_at": t0.AddDate(0, 0, day).Add(30 * time.Minute).Format(time.RFC3339)})
		if got := len(f.open(policy.StrategyDiscussion)); (i < 2 && got != 0) || (i == 2 && got != 1) {
			t.Fatalf("after episode %d: %d strategy discussion actions", i+1, got)
		}
	}
	if got := len(f.open(policy.ReturnInterview)); got != 3 {
		t.Fatalf("%d return interview actions, want 3", got)
	}
}

func TestOffencePromptsTheDefenceAndKeepsNRMStatus(t *testing.T) {
	f := newCase(t, "E1")
	f.must("nrm-referral", aSW, map[string]any{"submitted_at": ts(time.Hour), "reference": "N1", "first_responder": "police"})
	f.must("suspected-offence", aSW, map[string]any{"suspected_at": ts(2 * time.Hour), "offence": "cannabis cultivation", "linked_to_exploitation": true})
	o := f.c.Offences[0]
	if len(o.Prompts) != 2 || !strings.Contains(o.Prompts[0], "Section 45") || !strings.Contains(o.Prompts[1], "CPS") || !strings.Contains(o.NRMStatus, "N1") {
		t.Fatalf("offence %+v", o)
	}
}

func TestWithdrawalNeverClosesACase(t *testing.T) {
	f := newCase(t, "E1")
	open := len(f.c.OpenActions())
	f.must("disclosure-withdrawn", aCarer, map[string]any{"withdrawn_at": ts(time.Hour)})
	if f.c.Closed() || len(f.c.OpenActions()) != open {
		t.Fatal("a withdrawn disclosure changed the case's support")
	}
	f.refuse("closure-request", aSW, map[string]any{"reason": "disclosure-withdrawn", "note": "Withdrawn."}, EInvalid)
}

func TestClosureNeedsAManager(t *testing.T) {
	f := newCase(t, "E1")
	f.must("closure-request", aSW, map[string]any{"reason": "risk-resolved", "note": "Done."})
	f.refuse("closure-request", aSW, map[string]any{"reason": "risk-resolved", "note": "Again."}, EConflict)
	f.must("closure-decline", aManager, map[string]any{"note": "Not yet."})
	f.refuse("closure-approval", aManager, map[string]any{}, EConflict)
	f.must("closure-request", aSW, map[string]any{"reason": "risk-resolved", "note": "Done now."})
	f.must("closure-approval", aManager, map[string]any{"note": "Agreed.", "resolutions": f.resolveAll("Handed over to the LA.")})
	if !f.c.Closed() || len(f.c.OpenActions()) != 0 || f.c.Stage() != StageClosed {
		t.Fatal("approved closure did not close the case")
	}
	f.refuse("care-plan-contribution", aCarer, map[string]any{"text": "x"}, EConflict)
	f.must("reopen", aLead, map[string]any{"reason": "New concern."})
	if f.c.Closed() {
		t.Fatal("reopened case is still closed")
	}
}

// resolveAll resolves every open action of the case for one reason, as a closure's approval does.
func (f *fixture) resolveAll(reason string) []map[string]string {
	var out []map[string]string
	for _, a := range f.c.OpenActions() {
		out = append(out, map[string]string{"action_id": a.ID, "reason": reason})
	}
	return out
}

func TestRestrictedContactsAreNeverNotified(t *testing.T) {
	f := newCase(t, "E1")
	f.must("contact", aSW, map[string]any{"name": "Accompanying Adult", "relationship": "says he is an uncle", "restricted": true})
	chases := f.c.TakeDueChases(t0.AddDate(0, 1, 0))
	if len(chases) == 0 {
		t.Fatal("no chases a month after the concern")
	}
	for _, ch := range chases {
		for _, r := range ch.To {
			if r.Role == "" || (r.UserID != "" && strings.Contains(r.UserID, "Adult")) {
				t.Fatalf("a chase went to %+v", r)
			}
		}
	}
}

// TestChaseLadder: chases go out in order, each once; a reminder due after the deadline passed
// is skipped; nothing goes for a completed action.
func TestChaseLadder(t *testing.T) {
	f := newCase(t, "E1")
	police := f.open(policy.PoliceReport)[0]
	if got := f.c.TakeDueChases(police.RemindAt.Add(-time.Second)); len(got) != 0 {
		t.Fatalf("chases before the reminder: %+v", got)
	}
	if got := f.c.TakeDueChases(police.Due.Add(-time.Second)); len(got) != 1 || got[0].Level != LevelReminded {
		t.Fatalf("chases before the due time: %+v, want the reminder", got)
	}
	got := f.c.TakeDueChases(police.EscalateAgainAt)
	var levels []Level
	for _, c := range got {
		if c.ActionID == police.ID {
			levels = append(levels, c.Level)
		}
	}
	if len(levels) != 3 || levels[0] != LevelOverdue || levels[1] != LevelManager || levels[2] != LevelLead {
		t.Fatalf("police report chases %v", levels)
	}
	if again := f.c.TakeDueChases(police.EscalateAgainAt); len(again) != 0 {
		t.Fatalf("chases repeated: %+v", again)
	}
	f.env.now = police.EscalateAgainAt
	f.must("police-report", aCarer, map[string]any{"reported_at": police.EscalateAgainAt.Format(time.RFC3339), "channel": "101", "reference": "P1"})
	for _, c := range f.c.TakeDueChases(t0.AddDate(1, 0, 0)) {
		if c.ActionID == police.ID {
			t.Fatalf("chase for a completed action: %+v", c)
		}
	}
}
