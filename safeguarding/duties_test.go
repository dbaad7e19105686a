package safeguarding

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// TestEveryOutcomeAsksForTheYoungPersonToBeTold: each outcome caseflow records opens one action
// to tell the young person, owned by the child's social worker, from when the outcome happened
// and naming it; a record of who told them, when and how closes it, and only it.
func TestEveryOutcomeAsksForTheYoungPersonToBeTold(t *testing.T) {
	for _, tc := range []struct {
		kind  string
		setup func(f *fixture)
		step  string
		body  body
		by    Actor
	}{
		{"csc-decision", func(f *fixture) { f.referred() }, "csc-decision", body{"decided_at": ts(3 * time.Hour), "decision": DecisionAssessment}, aManager},
		{"meeting-held", nil, "strategy-meeting-held", body{"held_at": ts(3 * time.Hour), "format": FormatMeeting, "outcome": "Safety plan."}, aManager},
		{"conference", func(f *fixture) { f.referred(); f.decided(DecisionS47) }, "conference", body{"kind": "initial", "held_at": ts(3 * time.Hour)}, aManager},
		{"assessment", func(f *fixture) { f.referred() }, "assessment", body{"completed_at": ts(3 * time.Hour)}, aManager},
		{"nrm-rg-decision", func(f *fixture) { f.nrmReferred() }, "nrm-rg-decision", body{"decided_at": ts(3 * time.Hour), "outcome": "positive"}, aManager},
		{"nrm-cg-decision", func(f *fixture) { f.nrmReferred(); f.rg("positive") }, "nrm-cg-decision", body{"decided_at": ts(3 * time.Hour), "outcome": "positive"}, aManager},
		{"nrm-not-referred", nil, "nrm-not-referred", body{"decided_at": ts(3 * time.Hour), "reason": "Referred in Scotland.", "decided_by": "LA"}, aManager},
		{"ictg-assignment", func(f *fixture) { f.ictgReferred() }, "ictg-assignment", body{"assigned_at": ts(3 * time.Hour), "guardian_type": GuardianCoordinator}, aManager},
		{"care-plan-agreed", func(f *fixture) { f.contributed() }, "care-plan-agreed", body{"agreed_at": ts(3 * time.Hour), "summary": "Plan."}, aSW},
		{"care-plan-review", func(f *fixture) { f.contributed(); f.agreed() }, "care-plan-review", body{"held_at": ts(4 * time.Hour), "outcome": "Plan continues."}, aSW},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			f := newCase(t, "E1")
			if tc.setup != nil {
				tc.setup(f)
			}
			before := len(f.open(policy.TellYoungPerson))
			res := f.must(tc.step, tc.by, tc.body)
			tell := f.open(policy.TellYoungPerson)
			if len(tell) != before+1 {
				t.Fatalf("%d actions to tell the young person after the outcome, want %d", len(tell), before+1)
			}
			a := f.c.action(res.Opened[len(res.Opened)-1])
			o := f.c.outcome(a.Ref)
			switch {
			case a.Kind != policy.TellYoungPerson || o == nil || o.Kind != tc.kind:
				t.Fatalf("the step's last action %+v, outcome %+v", a, o)
			case a.Owner != (Owner{Role: RoleSocialWorker, UserID: "sw-1"}) || !a.StartedAt.Equal(o.At) || !strings.Contains(a.Title, outcomeKinds[tc.kind]):
				t.Errorf("action %+v: want the social worker's, from the outcome (%s), naming it", a, o.At)
			}
			f.must("young-person-told", aFSW, body{"outcome_id": o.ID, "told_at": ts(5 * time.Hour), "told_by": "Fostering social worker", "how": "In person"})
			if len(f.open(policy.TellYoungPerson)) != before {
				t.Error("telling the young person did not close the action")
			}
		})
	}
}

// TestOnlyOutcomesAskForTheYoungPersonToBeTold: a step that decides nothing (a concern, a police
// report, a meeting booked) opens no action to tell the young person, and an allegation's outcome
// (the LADO's process decides who is told) does not either.
func TestOnlyOutcomesAskForTheYoungPersonToBeTold(t *testing.T) {
	f := newCase(t, "E1")
	f.must("police-report", aCarer, body{"reported_at": ts(time.Hour), "channel": "101", "reference": "P1"})
	f.scheduled()
	f.must("concern", aSW, body{"observed_at": ts(2 * time.Hour), "account": "More phones."})
	f.allegedOffence()
	f.substantiated()
	if tell := f.open(policy.TellYoungPerson); len(tell) != 0 || len(f.c.Duties.Outcomes) != 0 {
		t.Errorf("actions %+v, outcomes %+v", tell, f.c.Duties.Outcomes)
	}
}

// TestANegativeNRMDecisionAsksWhetherToChallengeIt: a negative decision opens the decision
// whether to ask for a reconsideration; asking for one by the reconsideration step closes it,
// and a reconsidered decision that is negative again asks again.
func TestANegativeNRMDecisionAsksWhetherToChallengeIt(t *testing.T) {
	f := newCase(t, "E1")
	f.nrmReferred()
	f.rg("negative")
	challenge := f.open(policy.NRMChallenge)
	if len(challenge) != 1 || challenge[0].Ref != decisionRG || challenge[0].Owner.UserID != "sw-1" || !challenge[0].StartedAt.Equal(t0.Add(3*time.Hour)) {
		t.Fatalf("challenge actions %+v", challenge)
	}
	res := f.must("nrm-reconsideration", aSW, body{"decision": decisionRG, "requested_at": ts(4 * time.Hour), "reason": "New evidence."})
	if a := f.c.action(challenge[0].ID); a.Status != ActionDone || !slices.Contains(res.Closed, a.ID) {
		t.Fatalf("the reconsideration left the challenge %+v", a)
	}
	f.must("nrm-rg-decision", aSW, body{"decided_at": ts(6 * time.Hour), "outcome": "negative"})
	if again := f.open(policy.NRMChallenge); len(again) != 1 || again[0].ID == challenge[0].ID {
		t.Errorf("after a negative reconsidered decision: %+v", again)
	}
	f.must("nrm-challenge", aLead, body{"decision": decisionRG, "decided_at": ts(7 * time.Hour), "outcome": AcceptDecision, "reason": "Nothing new to add."})
	if len(f.open(policy.NRMChallenge)) != 0 {
		t.Error("the Lead's decision to accept did not close the challenge")
	}
}

// TestAPositiveDecisionIsNotChallenged: a positive decision opens no challenge.
func TestAPositiveDecisionIsNotChallenged(t *testing.T) {
	f := newCase(t, "E1")
	f.nrmReferred()
	f.rg("positive")
	f.must("nrm-cg-decision", aSW, body{"decided_at": ts(4 * time.Hour), "outcome": "positive"})
	if c := f.open(policy.NRMChallenge); len(c) != 0 {
		t.Errorf("challenges of positive decisions: %+v", c)
	}
}

// TestAConcernAboutAnAdultAsksForTheDisclosureSchemeDecision: a concern naming contact with an
// adult (an older 'boyfriend', adults unknown to the social worker, strangers picking the child
// up), raised first, later or added to a concern by staff, asks the child's social worker to
// decide on a police check, once per concern; other signs do not.
func TestAConcernAboutAnAdultAsksForTheDisclosureSchemeDecision(t *testing.T) {
	t.Run("raised with the first concern", func(t *testing.T) {
		f := unopenedCase(t)
		first := firstConcern("E1")
		first["indicators"] = []body{{"code": "picked-up-by-strangers"}}
		f.must(StepRaiseConcern, aCarer, first)
		d := f.open(policy.CSODSDecision)
		if len(d) != 1 || d[0].Ref != f.c.Concerns[0].ID || d[0].Owner.UserID != "sw-1" || !d[0].StartedAt.Equal(t0) {
			t.Fatalf("decisions %+v", d)
		}
	})
	t.Run("a further concern, and the signs staff add", func(t *testing.T) {
		f := newCase(t, "E1")
		if len(f.open(policy.CSODSDecision)) != 0 {
			t.Fatal("a concern without such a sign asked for a check")
		}
		f.adultConcern()
		f.must("case-details", aSW, body{"concern_id": f.c.Concerns[1].ID, "add_indicators": []body{{"code": "unknown-adults"}}, "reason": "Two more men."})
		if d := f.open(policy.CSODSDecision); len(d) != 1 {
			t.Fatalf("decisions %+v: want one for the concern, however many signs", d)
		}
		f.must("case-details", aSW, body{"concern_id": f.c.Concerns[0].ID, "add_indicators": []body{{"code": "unknown-adults"}}, "reason": "Seen too."})
		d := f.open(policy.CSODSDecision)
		if len(d) != 2 || d[1].Ref != f.c.Concerns[0].ID || !d[1].StartedAt.Equal(f.env.now) {
			t.Fatalf("decisions %+v: want the first concern's from when the sign was added", d)
		}
		f.must("csods-not-requested", aSW, body{"decided_at": ts(23 * time.Hour), "reason": "Known to the police; a check adds nothing."})
		if d := f.open(policy.CSODSDecision); len(d) != 1 || d[0].Ref != f.c.Concerns[0].ID {
			t.Errorf("after a decision made before the first concern's sign was added: waiting %+v, want that one", d)
		}
		f.must("csods-not-requested", aSW, body{"decided_at": ts(24 * time.Hour), "reason": "Known to the police; a check adds nothing."})
		if len(f.open(policy.CSODSDecision)) != 0 {
			t.Error("the decision not to request a check left a decision waiting")
		}
	})
}

// TestAnAccompanyingAdultIsNeverToldAndTheChildIsSpokenWithAlone: an adult recorded as
// accompanying the child is a restricted contact and starts the conversation with the child
// without them; any other contact does not.
func TestAnAccompanyingAdultIsNeverToldAndTheChildIsSpokenWithAlone(t *testing.T) {
	f := newCase(t, "E1")
	f.must("contact", aSW, body{"name": "Aunt", "relationship": "Aunt in Leeds"})
	if len(f.open(policy.SpeakAlone)) != 0 {
		t.Fatal("a contact who does not accompany the child started the clock")
	}
	f.accompanied()
	k := f.c.Contacts[1]
	if !k.Restricted || !k.Accompanying {
		t.Errorf("the accompanying adult %+v: want restricted", k)
	}
	a := f.open(policy.SpeakAlone)
	if len(a) != 1 || a[0].Ref != k.ID || a[0].Owner.UserID != "sw-1" {
		t.Fatalf("speak-alone actions %+v", a)
	}
	f.must("spoke-alone", aFSW, body{"contact_id": k.ID, "at": ts(5 * time.Hour), "outcome": SpokenAloneHeld})
	if len(f.open(policy.SpeakAlone)) != 0 {
		t.Error("speaking with the child alone did not close the clock")
	}
}

// TestAChaseThatReachesTheLeadAsksWhetherAFailureToActIsAConductMatter: the first chase that
// reaches the Safeguarding Lead about an action a named person owns opens the Lead's decision on
// conduct (a manager's, for the Lead's own action), once while it is open; an action owned by a
// role alone, a repeated chase and a chase below the Lead open none.
func TestAChaseThatReachesTheLeadAsksWhetherAFailureToActIsAConductMatter(t *testing.T) {
	f := newCase(t, "E1")
	f.must("strategy-meeting-held", aSW, body{"held_at": ts(time.Hour), "format": FormatMeeting, "outcome": "Plan.",
		"actions": []body{{"title": "Call the school", "owner_role": "safeguarding_lead", "owner_user": "lead-1", "due": ts(2 * time.Hour)}}})
	// An urgent allegation's LADO clock is the Safeguarding Lead's role's, not a named person's.
	f.must("allegation", aLead, body{"received_at": ts(time.Hour), "against_user": "staff-9", "against_role": "manager", "summary": "x", "urgent": true})
	chases := f.c.TakeDueChases(t0.Add(24 * time.Hour))
	opened := f.c.AfterChases(f.env, chases)
	var subjects []string
	for _, id := range opened {
		a := f.c.action(id)
		r := f.c.conductReview(id)
		late := f.c.action(a.Ref)
		if a.Kind != policy.ConductReview || r == nil || r.Subject != late.Owner || a.Class() != ClassConduct || !f.hasEntry("conduct-review", id, "") {
			t.Fatalf("review %+v, record %+v of %+v", a, r, late)
		}
		if a.Owner != (Owner{Role: RoleSafeguardingLead}) {
			t.Errorf("the review of %s's action is owned by %+v", r.Subject.UserID, a.Owner)
		}
		subjects = append(subjects, string(late.Kind)+":"+r.Subject.UserID)
	}
	// By the next morning the carer's police report and notifications have reached the Lead;
	// the complete-record clock (the Lead's role's) and the Lead's own action (due in a working
	// day) have not.
	slices.Sort(subjects)
	if want := []string{"notify-safeguarding-lead:carer-1", "notify-social-worker:carer-1", "police-report:carer-1"}; !slices.Equal(subjects, want) {
		t.Errorf("reviews of %v, want %v", subjects, want)
	}
	if again := f.c.AfterChases(f.env, f.c.TakeDueChases(t0.Add(25*time.Hour))); len(again) != 0 {
		t.Errorf("repeated chases opened reviews %v", again)
	}
	// Decided, a review is not asked for again by the chases that repeat while the action stays
	// late: only a new escalation (after its due date moved) asks again.
	for _, id := range opened {
		f.must("conduct-decision", aLead, body{"action_id": id, "decided_at": ts(24 * time.Hour), "outcome": NotConductMatter, "reason": "Recorded late."})
	}
	if again := f.c.AfterChases(f.env, f.c.TakeDueChases(t0.Add(30*time.Hour))); len(again) != 0 {
		t.Errorf("repeated chases after the decisions opened reviews %v", again)
	}
	var own []Action
	for _, id := range f.c.AfterChases(f.env, f.c.TakeDueChases(t0.Add(72*time.Hour))) {
		if a := f.c.action(id); f.c.action(a.Ref).Kind == MeetingAction {
			own = append(own, *a)
		}
	}
	if len(own) != 1 || own[0].Owner != (Owner{Role: RoleManager}) {
		t.Fatalf("the Lead's own late action: reviews %+v, want one owned by the manager", own)
	}
}

// TestOnlyManagersAndTheLeadSeeAConductReview: the review of a person's failure to act, its
// action, its timeline entries and its decision are shown to managers and the Safeguarding Lead
// alone, not to the child's social worker, whose failure it may be.
func TestOnlyManagersAndTheLeadSeeAConductReview(t *testing.T) {
	f := newCase(t, "E1")
	f.escalatedToLead()
	review := f.open(policy.ConductReview)[0]
	f.must("conduct-decision", aManager, body{"action_id": review.ID, "decided_at": ts(23 * time.Hour), "outcome": ConductMatter,
		"reason": "PLANTED-CONDUCT-REASON"})
	for _, who := range []Actor{aCarer, aSW, aFSW, aLead, aManager} {
		v, err := f.c.ViewFor(who, Access{}, f.env.now)
		if err != nil {
			t.Fatal(err)
		}
		tl, _ := f.c.TimelineFor(who, Access{})
		overseer := who.Role.Oversees()
		view, timeline := mustJSON(t, v), mustJSON(t, tl)
		if strings.Contains(view, "PLANTED-CONDUCT-REASON") != overseer || strings.Contains(timeline, "conduct") != overseer ||
			containsAction(v.Actions, review.ID) != overseer {
			t.Errorf("%s sees the conduct review: view %v, timeline %v, action %v; want %v", who.Role,
				strings.Contains(view, "PLANTED-CONDUCT-REASON"), strings.Contains(timeline, "conduct"), containsAction(v.Actions, review.ID), overseer)
		}
	}
	// An archived entry, read back without the case, is filtered the same way.
	for _, e := range f.c.Timeline {
		if conductEntries[e.Kind] && (f.c.SightOf(aSW, Access{}).SeesEntry(e) || !f.c.SightOf(aLead, Access{}).SeesEntry(e)) {
			t.Errorf("archived entry %q: the social worker sees it, or the Lead does not", e.Summary)
		}
	}
}

// TestAssigningASocialWorkerLeavesTheManagersDecisionsWithThem: the decision on the agency's
// relationship and a conduct review about the Lead's own failure are the managers' own, not the
// social worker's actions the managers hold while the post is vacant; a new social worker is not
// given them.
func TestAssigningASocialWorkerLeavesTheManagersDecisionsWithThem(t *testing.T) {
	f := newCase(t, "E1")
	f.must("allegation", aLead, body{"received_at": ts(2 * time.Hour), "against_user": "carer-1", "against_role": "carer", "summary": "Seen with the exploiters."})
	f.substantiated()
	f.must("team", aManager, body{"social_worker": "sw-2", "reason": "Caseload moved."})
	if a := f.open(policy.EndRelationship)[0]; a.Owner != (Owner{Role: RoleManager}) {
		t.Errorf("the decision on the carer's approval went to %+v when a social worker was assigned, want the managers", a.Owner)
	}
}

// TestWhatIsWrittenAboutAConductReviewIsSeenByManagersAndTheLeadOnly: the chase of a conduct
// review left late, and an overseer's resolution of it, name the review; like the review
// itself they are for managers and the Safeguarding Lead alone, on the case and read back from
// the archive after compaction.
func TestWhatIsWrittenAboutAConductReviewIsSeenByManagersAndTheLeadOnly(t *testing.T) {
	f := newCase(t, "E1")
	f.escalatedToLead()
	review := f.open(policy.ConductReview)[0]
	f.env.now = review.EscalateAt.Add(time.Minute)
	f.c.TakeDueChases(f.env.now)
	f.must("action-resolve", aLead, body{"action_id": review.ID, "reason": "PLANTED-RESOLUTION"})
	var about []Entry
	for _, e := range f.c.Timeline {
		if e.Ref == review.ID && !conductEntries[e.Kind] {
			about = append(about, e)
		}
	}
	if len(about) < 2 {
		t.Fatalf("want the review's chase and resolution in the timeline, got %+v", about)
	}
	for _, who := range []Actor{aCarer, aSW, aFSW, aLead, aManager} {
		overseer := who.Role.Oversees()
		tl, _ := f.c.TimelineFor(who, Access{})
		if strings.Contains(mustJSON(t, tl), review.ID) != overseer {
			t.Errorf("%s sees entries about the conduct review %s: %v, want %v", who.Role, review.ID, !overseer, overseer)
		}
		// An archived entry is read back without the case, by what it says of itself.
		sight := f.c.SightOf(who, Access{})
		for _, e := range about {
			if sight.SeesEntry(e) != overseer {
				t.Errorf("%s sees entry %q read back from the archive: %v, want %v", who.Role, e.Summary, !overseer, overseer)
			}
		}
	}
}

// TestTheDutiesRecordsAreSeenByWhoMaySeeThem: carers see none of the duties' records; staff
// see the disclosure scheme check and the parental responsibility holder's view; an allegation
// against someone outside caseflow, its outcome and the relationship decision are seen only by
// those who see allegations.
func TestTheDutiesRecordsAreSeenByWhoMaySeeThem(t *testing.T) {
	f := newCase(t, "E1")
	f.adultConcern()
	f.must("csods-request", aSW, body{"requested_at": ts(5 * time.Hour), "adult": "PLANTED-ADULT", "reason": "Collects her."})
	f.must("nrm-parental-view", aSW, body{"recorded_at": ts(5 * time.Hour), "holder": "PLANTED-HOLDER", "view": ParentAgrees})
	f.must("allegation-external", aSW, body{"received_at": ts(6 * time.Hour), "name": "PLANTED-TEACHER", "organisation": "School",
		"role": "teacher", "summary": "Gifts.", "supplier": false})
	f.substantiated()
	for _, tc := range []struct {
		who               Actor
		casework, alleged bool
	}{
		{aCarer, false, false}, {aFSW, true, false}, {aSW, true, true}, {aLead, true, true}, {aManager, true, true},
	} {
		v, err := f.c.ViewFor(tc.who, Access{}, f.env.now)
		if err != nil {
			t.Fatal(err)
		}
		view := mustJSON(t, v)
		for word, want := range map[string]bool{"PLANTED-ADULT": tc.casework, "PLANTED-HOLDER": tc.casework, "PLANTED-TEACHER": tc.alleged, "substantiated": tc.alleged} {
			if strings.Contains(view, word) != want {
				t.Errorf("%s sees %s: %v, want %v", tc.who.Role, word, !want, want)
			}
		}
	}
}

// TestAParentsObjectionNeverHoldsUpTheNRMReferral: whoever holds parental responsibility may
// object, or not be asked; the NRM request is chased as before and the referral is recorded.
func TestAParentsObjectionNeverHoldsUpTheNRMReferral(t *testing.T) {
	f := newCase(t, "E1")
	request := f.open(policy.NRMRequest)[0]
	f.must("nrm-parental-view", aSW, body{"recorded_at": ts(2 * time.Hour), "holder": "Father", "view": ParentObjects})
	f.must("nrm-parental-view", aLead, body{"recorded_at": ts(3 * time.Hour), "holder": "Mother", "view": ParentNotAsked,
		"reason": "She may be involved: asking could put the child at risk."})
	if a := f.c.action(request.ID); !a.Open() || !a.Due.Equal(request.Due) {
		t.Fatalf("the NRM request after the views: %+v", a)
	}
	f.nrmReferred()
	if f.c.NRM.Referral == nil || len(f.c.Duties.ParentalViews) != 2 || !f.hasEntry("nrm-parental-view", "", "needs no consent") {
		t.Errorf("referral %+v, views %+v", f.c.NRM.Referral, f.c.Duties.ParentalViews)
	}
}

// TestACaseOnEarlierRulesOpensNoDutyClocks: a case that follows earlier rules (begun before the
// seed duties were clocks: the fail-safe rules, the allegation referrals' or the age decision's)
// replays as it ran: its outcomes, negative decisions, concerns about adults, accompanying adults
// and chases to the Lead open nothing new; moved to the current rules, they do.
func TestACaseOnEarlierRulesOpensNoDutyClocks(t *testing.T) {
	for _, rules := range []RulesVersion{RulesFailSafe, RulesAllegationReferrals, RulesAgeDecision} {
		t.Run(fmt.Sprintf("rules %d", rules), func(t *testing.T) {
			f := unopenedCase(t)
			f.c.Rules = rules
			first := firstConcern("E1")
			first["indicators"] = []body{{"code": "older-boyfriend"}}
			f.must(StepRaiseConcern, aCarer, first)
			f.env.now = t0.Add(24 * time.Hour)
			f.referred()
			f.decided(DecisionChildInNeed)
			f.nrmReferred()
			f.rg("negative")
			f.accompanied()
			opened := f.c.AfterChases(f.env, f.c.TakeDueChases(f.env.now))
			for _, kind := range []policy.RuleID{policy.TellYoungPerson, policy.NRMChallenge, policy.CSODSDecision, policy.SpeakAlone, policy.ConductReview} {
				if len(f.open(kind)) != 0 {
					t.Errorf("a case on rules %d opened %s", rules, kind)
				}
			}
			if len(opened) != 0 {
				t.Errorf("chases opened %v", opened)
			}

			f.c.UpgradeRulesTo(f.env, rules)
			if f.c.Rules != rules {
				t.Fatalf("an upgrade recorded under rules %d moved the case to %d", rules, f.c.Rules)
			}
			f.c.UpgradeRules(f.env)
			f.must("nrm-reconsideration", aSW, body{"decision": decisionRG, "requested_at": ts(4 * time.Hour), "reason": "New evidence."})
			f.must("nrm-rg-decision", aSW, body{"decided_at": ts(5 * time.Hour), "outcome": "negative"})
			if len(f.open(policy.NRMChallenge)) != 1 || len(f.open(policy.TellYoungPerson)) != 1 {
				t.Errorf("after moving to the current rules: challenges %v, tell %v", f.open(policy.NRMChallenge), f.open(policy.TellYoungPerson))
			}
		})
	}
}

// TestCompactKeepsEveryOutcomeStillToTell: a continued case carries every outcome the young
// person is still to be told of, however old, and only the latest of those they were told of.
func TestCompactKeepsEveryOutcomeStillToTell(t *testing.T) {
	f := newCase(t, "E1")
	f.contributed()
	f.agreed()
	untold := f.c.Duties.Outcomes[0].ID
	for i := range keptDatedRecords + 5 {
		f.must("care-plan-review", aSW, body{"held_at": ts(4*time.Hour + time.Duration(i)*time.Minute), "outcome": "Reviewed."})
		o := f.c.Duties.Outcomes[len(f.c.Duties.Outcomes)-1]
		f.must("young-person-told", aSW, body{"outcome_id": o.ID, "told_at": ts(5 * time.Hour), "told_by": "SW", "how": "In person"})
	}
	f.c.Compact()
	told := 0
	for _, o := range f.c.Duties.Outcomes {
		if o.Told != nil {
			told++
		}
	}
	if f.c.outcome(untold) == nil || told != keptDatedRecords || len(f.open(policy.TellYoungPerson)) != 1 {
		t.Errorf("kept %d outcomes, %d of them told, the untold one %v", len(f.c.Duties.Outcomes), told, f.c.outcome(untold) != nil)
	}
	f.must("young-person-told", aSW, body{"outcome_id": untold, "told_at": ts(6 * time.Hour), "told_by": "SW", "how": "In person"})
}
