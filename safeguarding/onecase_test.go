package safeguarding

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// One case per child: a carer raises concerns about the children placed with them, or about a new
// child whose placement staff then confirm; only staff add carers; a concern is matched to the
// child's case by who the child is; staff merge two cases of one child, after which the child's
// counts are counted across both.

func TestOnlyStaffNameTheCarersOfAChild(t *testing.T) {
	concern := firstConcern("E1")
	concern["carers"] = []string{"carer-1", "carer-2"}
	f := unopenedCase(t)
	_, err := f.try(StepRaiseConcern, aCarer, concern)
	var e *Error
	if !asError(err, &e) || e.Code != EInvalid || e.Fields["carers"] == "" || !strings.Contains(e.Message, "Only staff") {
		t.Fatalf("a carer naming another carer: %v", err)
	}
	// Naming themselves is what raising the concern does anyway.
	concern["carers"] = []string{"carer-1"}
	f.must(StepRaiseConcern, aCarer, concern)

	staff := unopenedCase(t)
	concern["carers"] = []string{"carer-1", "carer-2"}
	staff.must(StepRaiseConcern, aSW, concern)
	if !slices.Equal(staff.c.Carers, []string{"carer-1", "carer-2"}) || len(staff.c.Unconfirmed) != 0 {
		t.Fatalf("a social worker's concern: carers %v, unconfirmed %v", staff.c.Carers, staff.c.Unconfirmed)
	}
}

func TestACarersConcernAboutANewChildRunsItsClocksWhileStaffConfirmThePlacement(t *testing.T) {
	f := unconfirmedCase(t)
	police := f.open(policy.PoliceReport)
	if len(police) != 1 || !police[0].StartedAt.Equal(t0) || police[0].Owner != (Owner{Role: RoleCarer, UserID: "carer-1"}) {
		t.Fatalf("the concern's police report clock %+v: it must run from the concern, owned by the carer", police)
	}
	if s := f.c.SightOf(aCarer, Access{}); s.Relation != RelationUnconfirmed {
		t.Fatalf("the carer's relation %s before confirmation", s.Relation)
	}
	// Staff record what the carer must not see until the placement is confirmed.
	f.must("case-details", aSW, body{"child": body{"date_of_birth": "2009-03-02", "first_language": "PLANTED-LANGUAGE"}, "reason": "From the LA."})
	f.must("team", aManager, body{"add_carers": []string{"carer-2"}, "reason": "Placed with both."})
	f.must("contact", aSW, body{"name": "PLANTED-CONTACT", "relationship": "says he is an uncle", "restricted": true})
	f.must("concern", aSW, body{"observed_at": ts(time.Hour), "exploitation_types": []string{"criminal-exploitation"},
		"indicators": []body{{"code": "multiple-phones"}}, "account": "PLANTED-SW-CONCERN"})
	f.must("missing-episode", aSW, body{"went_missing_at": ts(2 * time.Hour)})
	f.must("care-plan-contribution", aFSW, body{"text": "PLANTED-CONTRIBUTION"})
	f.must("care-plan-contribution", aCarer, body{"text": "MY-CONTRIBUTION"})

	v, err := f.c.ViewFor(aCarer, Access{}, f.env.now)
	if err != nil {
		t.Fatal(err)
	}
	view := mustJSON(t, v)
	for _, hidden := range []string{"PLANTED-LANGUAGE", "2009-03-02", "carer-2", "PLANTED-CONTACT", "PLANTED-SW-CONCERN", "PLANTED-CONTRIBUTION", "unconfirmed"} {
		if strings.Contains(view, hidden) {
			t.Errorf("before confirmation the carer sees %q", hidden)
		}
	}
	for _, shown := range []string{"Test Child", "Told me about working nights.", "MY-CONTRIBUTION"} {
		if !strings.Contains(view, shown) {
			t.Errorf("before confirmation the carer does not see %q, which they recorded", shown)
		}
	}
	if len(v.Missing) != 0 {
		t.Errorf("the carer sees missing episodes staff recorded: %+v", v.Missing)
	}
	for _, a := range v.OpenActions {
		if a.Owner.UserID != "carer-1" {
			t.Errorf("the carer sees %s (%s), owned by %+v", a.ID, a.Kind, a.Owner)
		}
	}
	timeline, _ := f.c.TimelineFor(aCarer, Access{})
	for _, e := range timeline {
		if e.By.UserID != "carer-1" {
			t.Errorf("the carer sees the timeline entry %q by %+v", e.Kind, e.By)
		}
	}
	// The read model's lists apply the same sight to a row.
	if s := f.c.SightOf(aCarer, Access{}); s.SeesAction(ClassCare, Owner{Role: RoleSocialWorker, UserID: "sw-1"}) || !s.SeesAction(ClassCasework, Owner{Role: RoleCarer, UserID: "carer-1"}) {
		t.Error("the unconfirmed carer's sight of actions by class and owner is wrong")
	}
	staff, _ := f.c.ViewFor(aSW, Access{}, f.env.now)
	if !slices.Equal(staff.UnconfirmedCarers, []string{"carer-1"}) {
		t.Errorf("staff do not see whose placement awaits confirmation: %v", staff.UnconfirmedCarers)
	}

	f.confirmPlacement("carer-1")
	after, _ := f.c.ViewFor(aCarer, Access{}, f.env.now)
	if after.Child.FirstLanguage != "PLANTED-LANGUAGE" || len(after.Missing) != 1 {
		t.Errorf("after confirmation the carer does not see the child's care: %+v, %d episodes", after.Child, len(after.Missing))
	}
}

// TestACarerRemovedBeforeTheirPlacementIsConfirmedLeavesTheCase: staff who remove a carer whose
// placement awaits confirmation take them off the case; they no longer see it, and adding them
// again makes them the child's carer.
func TestACarerRemovedBeforeTheirPlacementIsConfirmedLeavesTheCase(t *testing.T) {
	f := unconfirmedCase(t)
	f.must("team", aManager, body{"remove_carers": []string{"carer-1"}, "reason": "Placement moved."})
	if s := f.c.SightOf(aCarer, Access{}); s.Relation != RelationNone || len(f.c.Unconfirmed) != 0 {
		t.Fatalf("the removed carer stands to the case as %s (awaiting confirmation: %v)", s.Relation, f.c.Unconfirmed)
	}
	f.must("team", aManager, body{"add_carers": []string{"carer-1"}, "reason": "Placed with her again."})
	if s := f.c.SightOf(aCarer, Access{}); s.Relation != RelationCarer {
		t.Fatalf("the carer staff added again stands to the case as %s", s.Relation)
	}
}

func TestAChildIsMatchedHoweverTheirNameIsTyped(t *testing.T) {
	child := func(name, dob, ref string) Child { return Child{Name: name, DateOfBirth: Date(dob), Reference: ref} }
	base := ChildKeys(child("Amara Okonkwo-Smith", "2010-05-01", ""), "")
	if len(base) != 1 {
		t.Fatalf("keys of a named child with a date of birth: %v", base)
	}
	for _, same := range []string{"OKONKWO SMITH, Amara", "  amára   okonkwo smith ", "Smith Okonkwo Amara"} {
		if got := ChildKeys(child(same, "2010-05-01", ""), "E1"); !slices.Equal(got, base) {
			t.Errorf("%q does not match %q: %v, %v", same, "Amara Okonkwo-Smith", got, base)
		}
	}
	for name, c := range map[string]Child{
		"another date of birth": child("Amara Okonkwo-Smith", "2010-05-02", ""),
		"another name":          child("Amara Okonkwo", "2010-05-01", ""),
	} {
		if got := ChildKeys(c, ""); len(got) != 1 || got[0] == base[0] {
			t.Errorf("%s matches: %v", name, got)
		}
	}
	if got := ChildKeys(child("Amara", "", ""), "E1"); len(got) != 0 {
		t.Errorf("a name without a date of birth matches: %v", got)
	}
	ref := ChildKeys(child("Sam", "", "ab-123 4"), "E1")
	if len(ref) != 1 || !slices.Equal(ChildKeys(child("Samuel", "", "AB1234"), "e1"), ref) {
		t.Errorf("the same local authority reference does not match: %v", ref)
	}
	if slices.Equal(ChildKeys(child("Sam", "", "AB1234"), "E2"), ref) || len(ChildKeys(child("Sam", "", "AB1234"), "")) != 0 {
		t.Error("a reference matches without its local authority, or across local authorities")
	}
	for _, k := range append(base, ref...) {
		if strings.Contains(strings.ToLower(k), "amara") || strings.Contains(k, "2010") || strings.Contains(k, "1234") {
			t.Errorf("a match key shows the child's details: %s", k)
		}
	}
}

func TestAChildReferenceNeedsItsLocalAuthority(t *testing.T) {
	concern := crisisConcern(0)
	concern["child"] = body{"name": "Sam", "reference": "AB1234"}
	f := unopenedCase(t)
	if _, err := f.try(StepRaiseConcern, aCarer, concern); CodeOf(err) != EInvalid || err.(*Error).Fields["child.reference"] == "" {
		t.Fatalf("a reference without its local authority: %v", err)
	}
	concern["la"] = "E1"
	f.must(StepRaiseConcern, aCarer, concern)
	if len(f.c.MatchKeys()) != 1 {
		t.Errorf("match keys %v, want the reference's", f.c.MatchKeys())
	}
}

// TestMergedCasesCountTheChildsEpisodesAcrossBoth: three missing episodes split between two cases
// of one child reach the threshold once the cases are merged, and a later episode counts them.
func TestMergedCasesCountTheChildsEpisodesAcrossBoth(t *testing.T) {
	merged := newCase(t, "E1")
	for _, h := range []time.Duration{2, 4} {
		merged.must("missing-episode", aCarer, body{"went_missing_at": ts(h * time.Hour), "returned_at": ts((h + 1) * time.Hour)})
	}
	continuing := newCase(t, "E1")
	continuing.c.ID = "c2"
	continuing.must("missing-episode", aCarer, body{"went_missing_at": ts(6 * time.Hour), "returned_at": ts(7 * time.Hour)})
	if len(merged.open(policy.StrategyDiscussion))+len(continuing.open(policy.StrategyDiscussion)) != 0 {
		t.Fatal("a strategy discussion before the merge: each case has fewer than three episodes")
	}

	merged.must(StepMergeInto, aManager, body{"case_id": "c2", "reason": "The same child.", "resolutions": merged.resolveAll("Carried on the other case.")})
	mv, _ := merged.c.ViewFor(aManager, Access{}, merged.env.now)
	var starts []string
	for _, e := range mv.Missing {
		starts = append(starts, e.WentMissingAt.Format(time.RFC3339))
	}
	res := continuing.must(StepMergedFrom, Caseflow, body{"case_id": "c1", "reason": "The same child.", "concerns": mv.ChildCounts.Concerns, "missing_at": starts, "by": aManager})
	if len(res.Opened) != 1 || continuing.c.action(res.Opened[0]).Kind != policy.StrategyDiscussion {
		t.Fatalf("the merge opened %v; want the strategy discussion three episodes call for", res.Opened)
	}
	if n := continuing.c.Counts(); n.Concerns != 2 || n.MissingEpisodes != 3 {
		t.Errorf("the child's counts after the merge: %+v", n)
	}

	// A concern or a missing episode for the merged case is refused there, naming the case that
	// continues for caseflow's API alone, which takes it there.
	for _, step := range []string{"concern", "missing-episode"} {
		b := body{"went_missing_at": ts(8 * time.Hour)}
		if step == "concern" {
			b = body{"observed_at": ts(8 * time.Hour), "account": "Seen again."}
		}
		_, err := merged.try(step, aCarer, b)
		var e *Error
		if !asError(err, &e) || e.Code != EConflict || e.Fields[MergedIntoField] != "c2" || strings.Contains(e.Message, "c2") {
			t.Errorf("%s on a merged case: %v", step, err)
		}
	}
	merged.refuse("reopen", aLead, body{"reason": "New concern."}, EConflict)
}
