package safeguarding

import (
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// The case as practitioners live it: intake with only what is known, the child's identity and
// age, children's social care, and the agency policy's remaining duties.

// crisisConcern is all a carer knows in a crisis: which child, what they saw, when, and whether
// the child is in immediate danger.
func crisisConcern(observed time.Duration) map[string]any {
	return map[string]any{"observed_at": ts(observed), "immediate_danger": false,
		"child": map[string]any{"name": "Sam"}, "account": "Came home with a stranger's phone and cash."}
}

func TestACrisisConcernNeedsOnlyWhatIsKnown(t *testing.T) {
	f := &fixture{t: t, c: NewCase("c1", "CF-CRISIS", RulesCurrent), env: &testEnv{now: t0.Add(time.Minute)}}
	res := f.must(StepRaiseConcern, aCarer, crisisConcern(0))
	complete := f.open(policy.CompleteRecord)
	if len(complete) != 1 || complete[0].Owner.Role != RoleSafeguardingLead || !strings.Contains(complete[0].Title, "local authority") ||
		!strings.Contains(complete[0].Title, "placed with the carer") {
		t.Fatalf("complete-record action %+v", complete)
	}
	f.must(StepConfirmPlacement, aLead, map[string]any{"carer": "carer-1", "decision": PlacementConfirmed, "reason": "The placing authority confirmed it."})
	for _, rule := range []policy.RuleID{policy.PoliceReport, policy.NotifySocialWorker, policy.NotifySafeguardingLead, policy.NRMRequest, policy.CSCReferral, policy.CarePlan} {
		if len(f.open(rule)) != 1 {
			t.Errorf("no %s clock for a concern taken with the minimum", rule)
		}
	}
	// Staff complete the record: the complete-record clock stops only when nothing is missing.
	f.must("case-details", aLead, map[string]any{"la": "E1", "team": "north", "social_worker": "sw-1", "reason": "Placing authority confirmed."})
	if len(f.open(policy.CompleteRecord)) != 1 {
		t.Fatal("the record is complete without the exploitation suspected and the signs seen")
	}
	f.must("case-details", aSW, map[string]any{"concern_id": res.Ref, "add_exploitation_types": []string{"criminal-exploitation"},
		"add_indicators": []map[string]string{{"code": "hiding-weapons-money-drugs"}}, "reason": "From the carer's account."})
	if len(f.open(policy.CompleteRecord)) != 0 || f.c.SocialWorker != "sw-1" || !f.hasEntry("case-details", "", "Placing authority confirmed") {
		t.Fatalf("after completion: complete-record %v, social worker %q", f.open(policy.CompleteRecord), f.c.SocialWorker)
	}
	if care := f.open(policy.CarePlan)[0]; care.Owner != (Owner{Role: RoleSocialWorker, UserID: "sw-1"}) {
		t.Errorf("the social worker assigned later did not get their actions: %+v", care.Owner)
	}
	// Who works with the child is a manager's or the Lead's decision, and once set it changes by
	// the team step.
	f.refuse("case-details", aSW, map[string]any{"team": "south", "reason": "x"}, EForbidden)
	f.refuse("case-details", aManager, map[string]any{"team": "south", "reason": "x"}, EInvalid)
}

func TestTheChildMustBeAChildUnlessTheirAgeIsDisputed(t *testing.T) {
	adult := crisisConcern(0)
	adult["child"] = map[string]any{"name": "Sam", "date_of_birth": "2000-05-01"}
	f := &fixture{t: t, c: NewCase("c1", "CF-AGE", RulesCurrent), env: &testEnv{now: t0.Add(time.Minute)}}
	_, err := f.try(StepRaiseConcern, aCarer, adult)
	if CodeOf(err) != EInvalid || !strings.Contains(err.(*Error).Fields["child.date_of_birth"], "26") {
		t.Fatalf("a 26-year-old as a child: %v", err)
	}
	adult["child"] = map[string]any{"name": "Sam", "date_of_birth": "2000-05-01", "age_disputed": true}
	f.must(StepRaiseConcern, aCarer, adult)
}

func TestAdultConsentOnlyAroundTheEighteenthBirthday(t *testing.T) {
	f := newCase(t, "E1") // born 1 March 2009: 18 on 1 March 2027
	f.must("nrm-referral", aSW, map[string]any{"submitted_at": ts(time.Hour), "reference": "N1", "first_responder": "police"})
	twelve := &fixture{t: t, c: NewCase("c2", "CF-12", RulesCurrent), env: &testEnv{now: t0.Add(time.Minute)}}
	young := crisisConcern(0)
	young["child"] = map[string]any{"name": "Kim", "date_of_birth": "2014-06-01"}
	twelve.must(StepRaiseConcern, aCarer, young)
	twelve.env.now = t0.Add(24 * time.Hour)

	twelve.must("nrm-referral", aLead, map[string]any{"submitted_at": ts(time.Hour), "reference": "N2", "first_responder": "police"})
	_, err := twelve.try("adult-consent", aLead, map[string]any{"recorded_at": ts(2 * time.Hour), "consent": "withdrawn"})
	if CodeOf(err) != EInvalid || !strings.Contains(err.Error(), "12") {
		t.Fatalf("consent withdrawn for a 12-year-old: %v", err)
	}
	f.refuse("adult-consent", aSW, map[string]any{"recorded_at": ts(2 * time.Hour), "consent": "given"}, EInvalid)
	f.env.now = time.Date(2027, 2, 10, 12, 0, 0, 0, time.UTC)
	f.must("adult-consent", aSW, map[string]any{"recorded_at": "2027-02-10T11:00:00Z", "consent": "given"})
}

// TestTurningEighteenEndsTheChildClocksAndOpensTheTransition: under the fail-safe rules, which
// the cases opened then replay until upgraded, the 18th birthday ended the child clocks by
// itself.
func TestTurningEighteenEndsTheChildClocksAndOpensTheTransition(t *testing.T) {
	f := newCaseOn(t, "E1", RulesFailSafe) // born 1 March 2009
	f.must("nrm-referral", aSW, map[string]any{"submitted_at": ts(time.Hour), "reference": "N1", "first_responder": "police"})
	f.must("looked-after", aSW, map[string]any{"since": ts(time.Hour), "placement_start": ts(time.Hour)})
	birthday, _ := f.c.Child.DateOfBirth.Birthday(18)
	if f.c.AdulthoodDue(birthday.Add(-time.Second)) || !f.c.AdulthoodDue(birthday) || f.c.NextEventAt().After(birthday) {
		t.Fatalf("the birthday is not what the case waits for: next %v, birthday %v", f.c.NextEventAt(), birthday)
	}
	f.env.now = birthday
	f.c.TurnAdult(f.env)
	for _, a := range f.c.Actions {
		child := a.Kind == policy.LACReview || a.Kind == policy.SWVisit || a.Kind == policy.CarePlan || a.Kind == policy.ICTGReferral
		if child && (a.Open() || a.EndedBy != endedByAdulthood) {
			t.Errorf("child clock %s still %s after the 18th birthday", a.Kind, a.Status)
		}
	}
	if len(f.open(policy.Transition)) != 1 || len(f.open(policy.NRMRGDecision)) != 1 || len(f.open(policy.PoliceReport)) != 1 {
		t.Fatalf("after 18: transition %d, NRM %d, police %d", len(f.open(policy.Transition)), len(f.open(policy.NRMRGDecision)), len(f.open(policy.PoliceReport)))
	}
	if f.c.AdulthoodDue(birthday.AddDate(0, 0, 1)) {
		t.Fatal("the birthday acted on twice")
	}
	// The date of birth was wrong: the young person is 16. Their child clocks run again.
	f.env.now = birthday.Add(time.Hour)
	res := f.must("case-details", aSW, map[string]any{"child": map[string]any{"date_of_birth": "2010-09-01"}, "reason": "Age assessment."})
	if len(f.open(policy.Transition)) != 0 || len(f.open(policy.LACReview)) != 1 || len(res.Opened) == 0 || !f.c.TurnedAdult.IsZero() {
		t.Fatalf("after the correction: transition %v, looked-after review %v, opened %v", f.open(policy.Transition), f.open(policy.LACReview), res.Opened)
	}
	if consent := f.open(policy.Age18Consent); len(consent) != 1 || !consent[0].Due.Equal(time.Date(2028, 8, 31, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("the consent clock did not move to the new birthday: %+v", consent)
	}
}

func TestEveryReferralStartsTheStrategyDiscussion(t *testing.T) {
	f := newCase(t, "E1")
	if len(f.open(policy.CSCReferral)) != 1 {
		t.Fatal("nothing chases making the referral")
	}
	first := f.must("csc-referral", aSW, map[string]any{"referred_at": ts(time.Hour), "significant_harm": false})
	if len(f.open(policy.StrategyDiscussion)) != 1 || len(f.open(policy.CSCReferral)) != 0 {
		t.Fatalf("a referral without significant harm ticked: strategy %d, referral clock %d", len(f.open(policy.StrategyDiscussion)), len(f.open(policy.CSCReferral)))
	}
	f.refuse("csc-referral", aSW, map[string]any{"referred_at": ts(2 * time.Hour)}, EConflict)
	// No further action: the assessment clock ends and the Safeguarding Lead reviews it.
	f.must("csc-decision", aSW, map[string]any{"decided_at": ts(2 * time.Hour), "decision": "no-further-action"})
	if len(f.open(policy.Assessment)) != 0 || len(f.open(policy.NFAReview)) != 1 || f.open(policy.NFAReview)[0].Owner.Role != RoleSafeguardingLead {
		t.Fatalf("after no further action: assessment %v, review %v", f.open(policy.Assessment), f.open(policy.NFAReview))
	}
	f.refuse("nfa-review", aSW, map[string]any{"reviewed_at": ts(3 * time.Hour), "outcome": "challenged", "note": "x"}, EForbidden)
	f.must("nfa-review", aLead, map[string]any{"reviewed_at": ts(3 * time.Hour), "outcome": "challenged", "note": "Raised with the LA's team manager: the risk is current."})
	if len(f.open(policy.NFAReview)) != 0 || f.c.referral(first.Ref).Review == nil {
		t.Fatal("the challenge was not recorded")
	}
	// A second referral, and a section 47 enquiry: the conference clock starts.
	f.must("csc-referral", aSW, map[string]any{"referred_at": ts(4 * time.Hour)})
	f.must("csc-decision", aSW, map[string]any{"decided_at": ts(5 * time.Hour), "decision": "s47-enquiry"})
	if len(f.c.Reporting.Referrals) != 2 || len(f.open(policy.ICPC)) != 1 {
		t.Fatalf("referrals %d, conference clock %v", len(f.c.Reporting.Referrals), f.open(policy.ICPC))
	}
}

// TestVisitsContinueAfterTheFirstYear: regulation 28(2)(c) of the Care Planning, Placement and
// Case Review (England) Regulations 2010: after the placement's first year, visits at intervals
// of not more than six weeks, or three months where the placement is intended to last until the
// child is 18.
func TestVisitsContinueAfterTheFirstYear(t *testing.T) {
	f := newCase(t, "E1")
	f.must("looked-after", aSW, map[string]any{"since": ts(time.Hour), "placement_start": ts(time.Hour)})
	after := t0.AddDate(1, 1, 0)
	f.env.now = after.Add(time.Hour)
	f.must("sw-visit", aSW, map[string]any{"visited_at": after.Format(time.RFC3339)})
	next := f.open(policy.SWVisit)
	if len(next) != 1 || !next[0].Due.Equal(after.In(policy.London).AddDate(0, 0, 42)) {
		t.Fatalf("the visit after the first year: %+v; want one due six weeks on", next)
	}
	f.must("case-details", aSW, map[string]any{"long_term_placement": true, "reason": "Placement intended to last until 18."})
	visited := after.AddDate(0, 0, 40)
	f.env.now = visited.Add(time.Hour)
	f.must("sw-visit", aSW, map[string]any{"visited_at": visited.Format(time.RFC3339)})
	if next := f.open(policy.SWVisit); len(next) != 1 || !next[0].Due.Equal(visited.In(policy.London).AddDate(0, 3, 0)) {
		t.Fatalf("the next visit in a placement intended to last until 18: %+v; want three months on", next)
	}
}

func TestTheNRMTrackRecordsWhoReferredAndDecisionsNotTo(t *testing.T) {
	f := newCase(t, "E1")
	f.refuse("nrm-not-referred", aSW, map[string]any{"decided_at": ts(time.Hour), "reason": "x", "decided_by": "y"}, EForbidden)
	f.must("nrm-not-referred", aManager, map[string]any{"decided_at": ts(time.Hour), "reason": "The police found no grounds after the strategy meeting.", "decided_by": "LA team manager"})
	if len(f.open(policy.NRMRequest)) != 0 || len(f.c.NRM.NotReferred) != 1 {
		t.Fatal("the decision not to refer did not end the referral clock with its record")
	}
	g := newCase(t, "E1")
	g.must("nrm-referral", aSW, map[string]any{"submitted_at": ts(time.Hour), "reference": "N1", "first_responder": "police", "referred_by": "DC Patel, exploitation team"})
	if g.c.NRM.Referral.ReferredBy != "DC Patel, exploitation team" {
		t.Fatal("who referred was lost")
	}
}

func TestTheCarePlanNeedsItsKeyContributors(t *testing.T) {
	f := newCase(t, "E1")
	body := map[string]any{"agreed_at": ts(time.Hour), "summary": "Plan."}
	_, err := f.try("care-plan-agreed", aSW, body)
	if CodeOf(err) != EInvalid || !strings.Contains(err.Error(), "carer and the fostering social worker") {
		t.Fatalf("agreeing without contributions: %v", err)
	}
	f.must("care-plan-contribution", aCarer, map[string]any{"text": "Likes football."})
	f.must("young-person-views", aCarer, map[string]any{"recorded_at": ts(time.Hour), "views": "I want to stay at my school.", "how": "Told his carer"})
	if _, err := f.try("care-plan-agreed", aSW, body); !strings.Contains(errorText(err), "fostering social worker") || strings.Contains(errorText(err), "carer and") {
		t.Fatalf("with the carer's contribution: %v", err)
	}
	body["no_contribution_reason"] = "The fostering social worker is on leave; they will review it on return."
	f.must("care-plan-agreed", aSW, body)
	if len(f.c.CarePlan.Views) != 1 || f.c.CarePlan.Agreed.NoContributionReason == "" {
		t.Fatal("the views or the reason were not kept")
	}
}

func TestMeetingsPromptForAnInterpreter(t *testing.T) {
	f := newCase(t, "E1")
	f.must("case-details", aSW, map[string]any{"child": map[string]any{"interpreter_needed": true, "first_language": "Tigrinya"}, "reason": "Needs an interpreter."})
	meeting := map[string]any{"scheduled_for": ts(72 * time.Hour), "format": "meeting"}
	_, err := f.try("strategy-meeting-scheduled", aSW, meeting)
	if CodeOf(err) != EInvalid || !strings.Contains(err.Error(), "Tigrinya") {
		t.Fatalf("booking without an interpreter: %v", err)
	}
	meeting["interpreter"] = map[string]any{"language": "Tigrinya", "dbs_checked": true, "not_from_same_area": false}
	f.refuse("strategy-meeting-scheduled", aSW, meeting, EInvalid)
	meeting["interpreter"] = map[string]any{"language": "Tigrinya", "dialect": "Asmara", "dbs_checked": true, "not_from_same_area": true}
	f.must("strategy-meeting-scheduled", aSW, meeting)
}

// wordingList flags like the policy's own list.
type wordingList struct{}

func (wordingList) Flag(text string) []Flag { return policy.Default().Flag(text) }

func TestWordingThatBlamesTheChildIsQueriedNotLost(t *testing.T) {
	f := newCase(t, "E1")
	s, _ := StepNamed("concern")
	body := map[string]any{"observed_at": ts(time.Hour), "account": "She is a child prostitute; it is her lifestyle choice."}
	access := Access{Wording: wordingList{}}
	err := f.c.Check(s, f.request(aCarer, body), f.env.now, access)
	var e *Error
	if !asError(err, &e) || !strings.Contains(e.Fields["account"], "child who has been sexually exploited") || !strings.Contains(e.Message, "lifestyle choice") {
		t.Fatalf("blaming language: %v", err)
	}
	quoted := f.request(aCarer, body)
	quoted.KeepWording = true
	if err := f.c.Check(s, quoted, f.env.now, access); err != nil {
		t.Fatalf("quoting someone: %v", err)
	}
	if err := f.c.Check(s, f.request(aCarer, map[string]any{"observed_at": ts(time.Hour), "account": "Picked up by an older man."}), f.env.now, access); err != nil {
		t.Fatalf("plain wording refused: %v", err)
	}
}

func TestTheViewUsesTheChildsOwnWords(t *testing.T) {
	f := newCase(t, "E1")
	f.must("case-details", aSW, map[string]any{"child": map[string]any{"preferred_term": "young person"}, "reason": "His words."})
	v, _ := f.c.ViewFor(aSW, Access{}, f.env.now)
	for _, a := range v.OpenActions {
		if strings.Contains(a.Title, "the child") {
			t.Errorf("title %q does not use the young person's words", a.Title)
		}
	}
	if !strings.Contains(actionTitle(v, policy.NotifySocialWorker), "the young person's social worker") {
		t.Errorf("notify title %q", actionTitle(v, policy.NotifySocialWorker))
	}
}

func actionTitle(v View, kind policy.RuleID) string {
	for _, a := range v.OpenActions {
		if a.Kind == kind {
			return a.Title
		}
	}
	return ""
}

func TestAnUnknownLocalAuthorityIsRefused(t *testing.T) {
	f := &fixture{t: t, c: NewCase("c1", "CF-LA", RulesCurrent), env: &testEnv{now: t0.Add(time.Minute)}}
	s, _ := StepNamed(StepRaiseConcern)
	body := crisisConcern(0)
	body["la"] = "E08000052"
	err := f.c.Check(s, f.request(aCarer, body), f.env.now, Access{LAs: policy.Default()})
	var e *Error
	if !asError(err, &e) || !strings.Contains(e.Fields["la"], "Birmingham (E08000025)") {
		t.Fatalf("an unknown LA: %v", err)
	}
}

// With two "no further action" decisions waiting, the Safeguarding Lead says which one a review
// is of, and only that one ends.
func TestAReviewOfNoFurtherActionNamesItsReferralWhenSeveralWait(t *testing.T) {
	f := newCase(t, "E1")
	first := f.must("csc-referral", aSW, body{"referred_at": ts(time.Hour)})
	f.must("csc-decision", aSW, body{"decided_at": ts(2 * time.Hour), "decision": "no-further-action"})
	second := f.must("csc-referral", aSW, body{"referred_at": ts(3 * time.Hour)})
	f.must("csc-decision", aSW, body{"decided_at": ts(4 * time.Hour), "decision": "no-further-action"})
	review := body{"reviewed_at": ts(5 * time.Hour), "outcome": "agreed", "note": "Agreed with the LA."}
	f.refuse("nfa-review", aLead, review, EInvalid)
	f.refuse("nfa-review", aLead, with(review, "referral_id", "R-none"), EInvalid)
	f.must("nfa-review", aLead, with(review, "referral_id", second.Ref))
	if waiting := f.open(policy.NFAReview); len(waiting) != 1 || waiting[0].Ref != first.Ref {
		t.Fatalf("after reviewing the second decision, waiting: %+v", waiting)
	}
	if f.c.referral(second.Ref).Review == nil || f.c.referral(first.Ref).Review != nil {
		t.Fatal("the review was recorded against the wrong referral")
	}
	f.must("nfa-review", aLead, review)
	if len(f.open(policy.NFAReview)) != 0 {
		t.Fatal("the last decision is still waiting")
	}
}

// A young person of 18 who goes missing and comes back is recorded; the return home interview
// is a child's clock and does not start.
func TestAnAdultsReturnStartsNoReturnInterview(t *testing.T) {
	f := newCase(t, "E1")
	birthday, _ := f.c.Child.DateOfBirth.Birthday(18)
	f.env.now = birthday.Add(time.Hour)
	f.must("adulthood", aLead, body{"decided_at": birthday.Add(time.Hour).Format(time.RFC3339), "reason": "Confirmed with the young person's passport."})
	at := birthday.Add(30 * time.Minute).Format(time.RFC3339)
	res := f.must("missing-episode", aCarer, body{"went_missing_at": at, "returned_at": at, "reported_to_police": true, "police_reference": "M1"})
	if got := f.open(policy.ReturnInterview); len(got) != 0 {
		t.Fatalf("a return interview opened for an adult: %+v (opened %v)", got, res.Opened)
	}
	if len(f.c.Missing) != 1 || f.c.Missing[0].ReturnedAt.IsZero() {
		t.Fatal("the return was not recorded")
	}
}
