package safeguarding

import (
	"slices"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Clocks per the statute, reaching a person.

func furtherConcern(at time.Duration, types ...string) body {
	if len(types) == 0 {
		types = []string{"criminal-exploitation"}
	}
	return body{"observed_at": ts(at), "exploitation_types": types, "indicators": []body{{"code": "multiple-phones"}}, "account": "Seen at the station again."}
}

func TestAFurtherConcernIsReferredUnlessAnOpenReferralCoversIt(t *testing.T) {
	f := newCase(t, "E1")
	// The first concern's referral clock still runs: it covers the second concern.
	f.must("concern", aCarer, furtherConcern(time.Hour))
	if got := f.open(policy.CSCReferral); len(got) != 1 {
		t.Fatalf("referral clocks %d; want the first concern's alone", len(got))
	}
	// The referral awaits the local authority's decision: it covers the next concern too.
	f.must("csc-referral", aSW, body{"referred_at": ts(2 * time.Hour)})
	f.must("concern", aCarer, furtherConcern(3*time.Hour))
	if got := f.open(policy.CSCReferral); len(got) != 0 {
		t.Fatalf("a referral awaiting its decision did not cover a further concern: %+v", got)
	}
	// Decided: a further concern is new information, and is referred.
	f.decided(DecisionChildInNeed)
	res := f.must("concern", aCarer, furtherConcern(5*time.Hour))
	got := f.open(policy.CSCReferral)
	if len(got) != 1 || !slices.Contains(res.Opened, got[0].ID) || !got[0].StartedAt.Equal(t0.Add(5*time.Hour)) || got[0].Owner != (Owner{Role: RoleSocialWorker, UserID: "sw-1"}) {
		t.Fatalf("after the decision, a further concern's referral clock: %+v (opened %v)", got, res.Opened)
	}
	// A reopened case: its new concern is referred as well.
	f.must("csc-referral", aSW, body{"referred_at": ts(6 * time.Hour)})
	f.must("csc-decision", aSW, body{"decided_at": ts(7 * time.Hour), "decision": DecisionNoFurtherAction})
	f.closeCase()
	f.env.now = t0.Add(72 * time.Hour)
	f.must("concern", aCarer, furtherConcern(70*time.Hour))
	if got := f.open(policy.CSCReferral); len(got) != 1 || !got[0].StartedAt.Equal(t0.Add(70*time.Hour)) {
		t.Fatalf("the reopened case's new concern: %+v", got)
	}
}

func TestAFurtherConcernOfAnAdultIsNotReferredToChildrensSocialCare(t *testing.T) {
	f := newCase(t, "E1")
	f.referred()
	f.decided(DecisionChildInNeed)
	f.env.now = time.Date(2027, 3, 2, 12, 0, 0, 0, time.UTC)
	f.must("adulthood", aLead, body{"decided_at": "2027-03-02T11:00:00Z", "reason": "Passport."})
	f.must("concern", aCarer, body{"observed_at": "2027-03-02T11:30:00Z", "exploitation_types": []string{"criminal-exploitation"}, "account": "Seen with the same men."})
	if got := f.open(policy.CSCReferral); len(got) != 0 {
		t.Fatalf("a confirmed adult's concern opened a referral to Children's Social Care: %+v", got)
	}
}

// A further concern on a case opened under the fail-safe rules opened no referral clock; the
// case replays that until upgraded.
func TestAFurtherConcernOnAFailSafeCaseReplaysWithoutAReferral(t *testing.T) {
	f := newCaseOn(t, "E1", RulesFailSafe)
	f.referred()
	f.decided(DecisionChildInNeed)
	f.must("concern", aCarer, furtherConcern(5*time.Hour))
	if got := f.open(policy.CSCReferral); len(got) != 0 {
		t.Fatalf("a fail-safe case opened %+v", got)
	}
}

func TestASexualHarassmentConcernAsksTheLeadWhetherToRefer(t *testing.T) {
	harassment := func(f *fixture) {
		concern := firstConcern("E1")
		concern["exploitation_types"] = []string{"sexual-harassment"}
		delete(concern, "trafficking_purposes")
		f.must(StepRaiseConcern, aCarer, concern)
		f.env.now = t0.Add(24 * time.Hour)
	}
	f := unopenedCase(t)
	harassment(f)
	decide := f.open(policy.NRMLeadDecision)
	if len(f.open(policy.NRMRequest)) != 0 || len(decide) != 1 || decide[0].Owner != (Owner{Role: RoleSafeguardingLead}) {
		t.Fatalf("sexual harassment: NRM request %v, the Lead's decision %+v", f.open(policy.NRMRequest), decide)
	}
	for _, kind := range []policy.RuleID{policy.PoliceReport, policy.CarePlan, policy.CSCReferral} {
		if len(f.open(kind)) != 1 {
			t.Errorf("sexual harassment did not open %s", kind)
		}
	}
	// The Lead decides to refer: the request is chased until the reference is recorded.
	res := f.must("nrm-request", aLead, body{"requested_at": ts(2 * time.Hour), "requested_of": "local-authority"})
	if len(f.open(policy.NRMLeadDecision)) != 0 || len(f.open(policy.NRMRequest)) != 1 || len(res.Opened) != 1 {
		t.Fatalf("after the Lead asked for a referral: decision %v, request %v", f.open(policy.NRMLeadDecision), f.open(policy.NRMRequest))
	}

	// Or decides not to: only the Lead or a manager may, with why.
	g := unopenedCase(t)
	harassment(g)
	g.refuse("nrm-not-referred", aSW, body{"decided_at": ts(2 * time.Hour), "reason": "x", "decided_by": "me"}, EForbidden)
	g.must("nrm-not-referred", aLead, body{"decided_at": ts(2 * time.Hour), "reason": "Comments by a classmate; no sign of exploitation.", "decided_by": "Safeguarding Lead"})
	if a := g.actionOf(policy.NRMLeadDecision); a.Status != ActionResolved || a.ClosedBy == nil || *a.ClosedBy != aLead {
		t.Fatalf("the decision not to refer: %+v", a)
	}
	// A later concern of trafficking is referred whatever was decided about the harassment.
	g.must("concern", aCarer, furtherConcern(3*time.Hour, "trafficking"))
	if len(g.open(policy.NRMRequest)) != 1 {
		t.Fatal("a concern of trafficking did not open the NRM request")
	}

	// Harassment with another kind of exploitation is referred as that kind is.
	h := unopenedCase(t)
	concern := firstConcern("E1")
	concern["exploitation_types"] = []string{"sexual-harassment", "trafficking"}
	h.must(StepRaiseConcern, aCarer, concern)
	if len(h.open(policy.NRMRequest)) != 1 || len(h.open(policy.NRMLeadDecision)) != 0 {
		t.Fatal("harassment with trafficking was not referred")
	}
}

// TestEveryConcernTypeOfThePolicyIsAKindOfExploitation: a kind the policy gives clocks of its own
// must be one a concern can name, or its setting would never apply.
func TestEveryConcernTypeOfThePolicyIsAKindOfExploitation(t *testing.T) {
	for _, kind := range policy.Default().ConcernTypes() {
		if !knownCode(ExploitationTypes, kind) {
			t.Errorf("the policy's concern_types names %q, which is not a kind of exploitation", kind)
		}
	}
}

func TestThePilotKeepsTheNationalLimitForAChildNearEighteen(t *testing.T) {
	const hull = "E06000010" // a devolved child decision pilot area in the default policy
	for _, tt := range []struct {
		name, dob, limit string
	}{
		{"18 in 119 days", "2009-03-01", "45CD"},
		{"18 in 74 days", "2009-01-15", "5WD"},
		{"no date of birth", "", "45CD"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := unopenedCase(t)
			concern := firstConcern(hull)
			concern["child"].(map[string]any)["date_of_birth"] = tt.dob
			f.must(StepRaiseConcern, aCarer, concern)
			f.env.now = t0.Add(24 * time.Hour)
			f.nrmReferred()
			rg := f.open(policy.NRMRGDecision)
			want := MustDuration(tt.limit).AddTo(t0.Add(2*time.Hour), policy.Default().Calendar(hull))
			if len(rg) != 1 || !rg[0].Due.Equal(want) {
				t.Fatalf("Reasonable Grounds clock %+v; want due %v (%s)", rg, want, tt.limit)
			}
		})
	}
}

// MustDuration reads a policy duration in a test.
func MustDuration(s string) policy.Duration { return policy.MustParseDuration(s) }

// TestAChaseForACaseWithoutATeamReachesTheSafeguardingLead: while a case has no team, its team
// manager is nobody; every chase to "the managers" (the vacant social worker's actions, an
// escalation) goes to the agency's duty manager and to the Safeguarding Lead.
func TestAChaseForACaseWithoutATeamReachesTheSafeguardingLead(t *testing.T) {
	f := &fixture{t: t, c: NewCase("c1", "CF-CRISIS", RulesCurrent), env: &testEnv{now: t0.Add(time.Minute)}}
	danger := crisisConcern(0)
	danger["immediate_danger"] = true
	f.must(StepRaiseConcern, aCarer, danger)
	chases := f.c.TakeDueChases(t0.Add(7 * 24 * time.Hour))
	lead := Recipient{Role: RoleSafeguardingLead}
	dutyManager := Recipient{Role: RoleManager}
	var vacant, escalated int
	for _, ch := range chases {
		a := f.c.action(ch.ActionID)
		toManager := slices.Contains(ch.To, dutyManager)
		if toManager && !slices.Contains(ch.To, lead) {
			t.Errorf("%s chased at %s to %+v: the managers of no team, without the Safeguarding Lead", ch.Kind, ch.Level, ch.To)
		}
		if a.Owner == vacantPost {
			vacant++
		}
		if ch.Kind == policy.ImmediateDanger && ch.Level >= LevelManager && toManager {
			escalated++
		}
	}
	if vacant == 0 || escalated == 0 {
		t.Fatalf("chases of the vacant post %d, escalations of the 999 call %d: the test saw none", vacant, escalated)
	}
	// Once the case has a team, its managers are told, as before.
	g := newCase(t, "E1")
	for _, ch := range g.c.TakeDueChases(t0.Add(7 * 24 * time.Hour)) {
		if ch.Level < LevelLead && slices.Contains(ch.To, lead) && g.c.action(ch.ActionID).Owner.Role != RoleSafeguardingLead {
			t.Errorf("%s at %s went to the Lead though the case has a team: %+v", ch.Kind, ch.Level, ch.To)
		}
	}
}
