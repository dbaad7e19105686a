package safeguarding

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Age is a decision, not an edit: these tests follow a young person's age through the record.

// openKinds lists the kinds of the open actions, for comparing what a step left open.
func openKinds(c *Case) []policy.RuleID {
	var kinds []policy.RuleID
	for _, a := range c.OpenActions() {
		kinds = append(kinds, a.Kind)
	}
	slices.Sort(kinds)
	return kinds
}

// endedNothing fails unless every action open in before is still open.
func endedNothing(t *testing.T, f *fixture, before map[string]bool, what string) {
	t.Helper()
	for id := range before {
		if a := f.c.action(id); !a.Open() {
			t.Errorf("%s ended %s (%s): %s", what, id, a.Kind, a.Note)
		}
	}
}

func TestAnAgeDisputedYoungPersonKeepsEveryChildClockUntilAssessed(t *testing.T) {
	f := disputedCase(t) // recorded date of birth 1 May 2000: 26
	if f.c.AdulthoodDue(f.env.now) || !f.c.toPropose().IsZero() {
		t.Fatalf("the case acts on a disputed age: due %v, waits for %v", f.c.AdulthoodDue(f.env.now), f.c.toPropose())
	}
	f.c.ActOnAdulthood(f.env)
	for _, kind := range []policy.RuleID{policy.CarePlan, policy.CSCReferral, policy.ICTGReferral} {
		if len(f.open(kind)) != 1 {
			t.Errorf("%s is not open for an age-disputed young person", kind)
		}
	}
	if len(f.open(policy.ConfirmAdulthood)) != 0 || !f.c.TurnedAdult.IsZero() {
		t.Fatal("an age-disputed young person was proposed for adulthood")
	}
	decide := body{"decided_at": ts(23 * time.Hour), "reason": "Looks over 18."}
	_, err := f.try("adulthood", aLead, decide)
	if CodeOf(err) != EConflict || !strings.Contains(err.Error(), "disputed") {
		t.Fatalf("confirming adulthood while the age is disputed: %v", err)
	}
	// The assessment is recorded: an adult. The Lead is asked; nothing ends yet.
	before := openIDs(f.c)
	f.must("age-assessment", aSW, body{"assessed_at": ts(20 * time.Hour), "assessed_by": "Croydon Children's Services", "date_of_birth": "2006-01-01"})
	endedNothing(t, f, before, "the assessment")
	if len(f.open(policy.ConfirmAdulthood)) != 1 {
		t.Fatal("the assessment did not ask the Safeguarding Lead or a manager to confirm the move to adulthood")
	}
	for _, by := range []Actor{aSW, aFSW, aCarer} {
		f.refuse("adulthood", by, decide, EForbidden)
	}
	f.must("adulthood", aManager, decide)
	if len(f.open(policy.CarePlan)) != 0 || len(f.open(policy.ConfirmAdulthood)) != 0 || len(f.open(policy.Transition)) != 1 {
		t.Fatalf("after the manager's confirmation: %v", openKinds(f.c))
	}
}

func TestTheEighteenthBirthdayOnlyProposesTheMoveToAdulthood(t *testing.T) {
	f := newCase(t, "E1") // born 1 March 2009
	f.nrmReferred()
	f.lookedAfter()
	birthday := time.Date(2027, 3, 1, 0, 0, 0, 0, london)
	if f.c.AdulthoodDue(birthday.Add(-time.Second)) || !f.c.AdulthoodDue(birthday) || f.c.NextEventAt().After(birthday) {
		t.Fatalf("the birthday is not what the case waits for: next %v", f.c.NextEventAt())
	}
	f.env.now = birthday
	before := openIDs(f.c)
	res := f.c.ActOnAdulthood(f.env)
	endedNothing(t, f, before, "the 18th birthday")
	confirm := f.open(policy.ConfirmAdulthood)
	if len(confirm) != 1 || !slices.Equal(res.Opened, []string{confirm[0].ID}) || len(res.Closed) != 0 || !f.c.TurnedAdult.IsZero() {
		t.Fatalf("the birthday: opened %v, closed %v, confirm %+v", res.Opened, res.Closed, confirm)
	}
	if !f.hasEntry("adulthood-proposed", confirm[0].ID, "Looked-after child review") {
		t.Errorf("the proposal does not list what confirming would end: %+v", f.c.Timeline)
	}
	if f.c.AdulthoodDue(birthday.AddDate(0, 0, 1)) || f.c.NextEventAt().Equal(birthday) {
		t.Fatal("the birthday proposed twice")
	}
	// The Lead keeps the child clocks for now: nothing proposes the same birthday again.
	f.must("action-resolve", aLead, body{"action_id": confirm[0].ID, "reason": "Leaving-care planning first; decide at the review."})
	if f.c.AdulthoodDue(birthday.AddDate(0, 0, 2)) || len(f.open(policy.LACReview)) != 1 {
		t.Fatal("a decision to keep the child clocks did not hold")
	}
	// Later the Lead confirms: the child clocks end, the NRM clocks run on.
	f.env.now = birthday.AddDate(0, 1, 0)
	res = f.must("adulthood", aLead, body{"decided_at": birthday.AddDate(0, 1, 0).Format(time.RFC3339), "reason": "Settled with the leaving-care team."})
	for _, kind := range []policy.RuleID{policy.LACReview, policy.SWVisit, policy.CarePlan, policy.CSCReferral, policy.ICTGReferral} {
		if len(f.open(kind)) != 0 {
			t.Errorf("%s still open after the confirmation", kind)
		}
	}
	if len(f.open(policy.NRMRGDecision)) != 1 || len(f.open(policy.PoliceReport)) != 1 || len(f.open(policy.Transition)) != 1 || len(f.open(policy.Age18Consent)) != 1 {
		t.Errorf("after the confirmation: %v", openKinds(f.c))
	}
}

// A fostering social worker's "typo" fix of the date of birth makes the young person 18: the
// correction proposes the move to adulthood, and every clock runs on.
func TestADateOfBirthCorrectionProposesAndEndsNothing(t *testing.T) {
	f := newCase(t, "E1") // born 1 March 2009
	f.lookedAfter()
	f.referred()
	f.env.now = time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)
	before := openIDs(f.c)
	res := f.must("case-details", aFSW, body{"child": body{"date_of_birth": "2008-12-01"}, "reason": "Typo in the year."})
	endedNothing(t, f, before, "the correction")
	confirm := f.open(policy.ConfirmAdulthood)
	if len(confirm) != 1 || !slices.Contains(res.Opened, confirm[0].ID) || len(res.Closed) != 0 {
		t.Fatalf("the correction: opened %v, closed %v", res.Opened, res.Closed)
	}
	if p := f.c.Age.Proposal; p == nil || p.By != aFSW || !strings.Contains(p.Reason, "Typo in the year.") {
		t.Errorf("the proposal does not keep who proposed it and why: %+v", p)
	}
	for _, kind := range []policy.RuleID{policy.StrategyDiscussion, policy.Assessment, policy.LACReview, policy.SWVisit} {
		if len(f.open(kind)) != 1 {
			t.Errorf("%s is not open after the correction", kind)
		}
	}
	// Corrected back: nothing ends, the decision included, but adulthood cannot be confirmed
	// while the record shows a child; the Lead ends the decision for a reason.
	before = openIDs(f.c)
	f.must("case-details", aFSW, body{"child": body{"date_of_birth": "2009-03-01"}, "reason": "The first date was right."})
	endedNothing(t, f, before, "correcting it back")
	f.refuse("adulthood", aLead, body{"decided_at": "2027-01-10T11:00:00Z", "reason": "Typo."}, EInvalid)
	f.must("action-resolve", aLead, body{"action_id": confirm[0].ID, "reason": "The date of birth was corrected back: a child until 1 March 2027."})
	// The birthday by the date now recorded proposes the move again, once.
	birthday := time.Date(2027, 3, 1, 0, 0, 0, 0, london)
	if !f.c.AdulthoodDue(birthday) || f.c.AdulthoodDue(birthday.Add(-time.Second)) {
		t.Error("the 18th birthday of the date of birth now recorded will not be acted on")
	}
	f.env.now = birthday
	f.c.ActOnAdulthood(f.env)
	if len(f.open(policy.ConfirmAdulthood)) != 1 {
		t.Error("no proposal at the 18th birthday by the corrected date")
	}
}

// While a proposal waits, a correction that makes the young person 18 later keeps one decision,
// asked again at the new birthday, never two.
func TestAWaitingProposalFollowsTheRecordWithoutADuplicate(t *testing.T) {
	f := newCase(t, "E1")
	f.env.now = time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)
	f.must("case-details", aSW, body{"child": body{"date_of_birth": "2008-12-01"}, "reason": "Passport."})
	f.must("case-details", aSW, body{"child": body{"date_of_birth": "2009-02-01"}, "reason": "Birth certificate."})
	birthday := time.Date(2027, 2, 1, 0, 0, 0, 0, london)
	if !f.c.AdulthoodDue(birthday) {
		t.Fatal("the new birthday is not waited for")
	}
	f.env.now = birthday
	f.c.ActOnAdulthood(f.env)
	if got := f.open(policy.ConfirmAdulthood); len(got) != 1 || !f.c.Age.Proposal.AdultSince.Equal(birthday) || f.c.AdulthoodDue(birthday.Add(time.Hour)) {
		t.Fatalf("decisions %+v, proposal %+v", got, f.c.Age.Proposal)
	}
}

func TestClearingADateOfBirthEndsNothing(t *testing.T) {
	f := newCase(t, "E1") // born 1 March 2009
	f.nrmReferred()
	consent := f.open(policy.Age18Consent)
	if len(consent) != 1 {
		t.Fatal("no consent clock")
	}
	before, kinds := openIDs(f.c), openKinds(f.c)
	res := f.must("case-details", aFSW, body{"child": body{"date_of_birth": ""}, "reason": "Not confirmed."})
	endedNothing(t, f, before, "clearing the date of birth")
	if !slices.Equal(openKinds(f.c), kinds) || len(res.Closed) != 0 {
		t.Fatalf("clearing the date of birth: %v, closed %v; want %v", openKinds(f.c), res.Closed, kinds)
	}
	if now := f.open(policy.Age18Consent); !now[0].Due.Equal(consent[0].Due) {
		t.Errorf("the consent clock moved from %v to %v", consent[0].Due, now[0].Due)
	}
}

// The consent clock follows an earlier 18th birthday forward, and keeps its date when the
// correction would move it later (a manager's or the Lead's decision).
func TestACorrectedBirthdayMovesTheConsentClockOnlyForward(t *testing.T) {
	f := newCase(t, "E1") // born 1 March 2009: due 1 March 2027
	f.nrmReferred()
	first := f.open(policy.Age18Consent)[0]
	f.must("case-details", aSW, body{"child": body{"date_of_birth": "2009-09-01"}, "reason": "Birth certificate."})
	if got := f.open(policy.Age18Consent); len(got) != 1 || !got[0].Due.Equal(first.Due) || got[0].ID != first.ID {
		t.Fatalf("a later birthday moved the consent clock: %+v", got)
	}
	f.must("case-details", aSW, body{"child": body{"date_of_birth": "2008-12-20"}, "reason": "Passport."})
	got := f.open(policy.Age18Consent)
	if want := time.Date(2026, 12, 20, 0, 0, 0, 0, london); len(got) != 1 || got[0].ID != first.ID || !got[0].Due.Equal(want) || !got[0].OriginalDue.Equal(first.Due) {
		t.Fatalf("an earlier birthday: %+v; want the clock moved forward to %v", got, want)
	}
}

// After the move to adulthood is confirmed, a record that makes the young person a child again
// (their age disputed, or a corrected date of birth) runs their child clocks again; it ends
// nothing, the transition included.
func TestARecordThatMakesThemAChildAgainRunsTheChildClocksAgain(t *testing.T) {
	f := newCase(t, "E1")
	f.lookedAfter()
	f.env.now = time.Date(2027, 3, 2, 12, 0, 0, 0, time.UTC)
	f.must("adulthood", aLead, body{"decided_at": "2027-03-02T11:00:00Z", "reason": "Passport."})
	ended := f.c.Age.Confirmations[0].Ended
	before := openIDs(f.c)
	res := f.must("case-details", aSW, body{"child": body{"age_disputed": true}, "reason": "The passport was false; the young person says they are 16."})
	endedNothing(t, f, before, "disputing the age")
	if !sameSet(res.Opened, ended) || !f.c.TurnedAdult.IsZero() || len(f.open(policy.Transition)) != 1 {
		t.Fatalf("re-armed %v; confirmation had ended %v; transition %v", res.Opened, ended, f.open(policy.Transition))
	}
}

// A case on the fail-safe rules whose 18th birthday ended the child clocks by itself moves to
// today's rules with those clocks running again, and the Lead asked to decide; nothing ends.
func TestAnUpgradeRunsAgainWhatABirthdayEndedSilently(t *testing.T) {
	f := newCaseOn(t, "E1", RulesFailSafe)
	f.lookedAfter()
	birthday := time.Date(2027, 3, 1, 0, 0, 0, 0, london)
	f.env.now = birthday
	f.c.TurnAdult(f.env)
	silent := endedBy(f.c, endedByAdulthood)
	if len(silent) < 3 {
		t.Fatalf("the birthday ended only %v", silent)
	}
	f.env.now = birthday.AddDate(0, 0, 5)
	before := openIDs(f.c)
	res := f.c.UpgradeRules(f.env)
	endedNothing(t, f, before, "the upgrade")
	if f.c.Rules != RulesCurrent || !f.c.TurnedAdult.IsZero() || len(res.Closed) != 0 {
		t.Fatalf("after the upgrade: rules %d, turned adult %v, closed %v", f.c.Rules, f.c.TurnedAdult, res.Closed)
	}
	for _, id := range silent {
		if !f.c.action(id).Open() || !slices.Contains(res.Opened, id) {
			t.Errorf("%s (%s) ended by the birthday alone is not running again", id, f.c.action(id).Kind)
		}
	}
	if len(f.open(policy.ConfirmAdulthood)) != 1 || len(f.open(policy.Transition)) != 1 {
		t.Errorf("after the upgrade: %v", openKinds(f.c))
	}
	if f.c.CheckUpgrade() == nil {
		t.Error("a second upgrade is accepted")
	}
}

// A case opened under the fail-safe rules that has not turned 18 moves to today's rules and
// proposes, not ends, at the birthday.
func TestAnUpgradedCaseProposesAtTheBirthday(t *testing.T) {
	f := newCaseOn(t, "E1", RulesFailSafe)
	f.lookedAfter()
	res := f.c.UpgradeRules(f.env)
	if len(res.Opened) != 0 || len(res.Closed) != 0 {
		t.Fatalf("the upgrade of a child's case opened %v and closed %v", res.Opened, res.Closed)
	}
	f.env.now = time.Date(2027, 3, 1, 0, 0, 0, 0, london)
	before := openIDs(f.c)
	f.c.ActOnAdulthood(f.env)
	endedNothing(t, f, before, "the birthday after the upgrade")
	if len(f.open(policy.ConfirmAdulthood)) != 1 {
		t.Fatal("no proposal at the birthday")
	}
}

// TestTheViewListsWhatConfirmingWouldEnd: while the move to adulthood awaits its decision, staff
// see the child clocks confirming it would end; carers see nothing of the age decisions.
func TestTheViewListsWhatConfirmingWouldEnd(t *testing.T) {
	f := newCase(t, "E1")
	f.lookedAfter()
	f.env.now = time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	f.c.ActOnAdulthood(f.env)
	v, err := f.c.ViewFor(aManager, Access{}, f.env.now)
	if err != nil {
		t.Fatal(err)
	}
	if !sameSet(v.Age.ConfirmingEnds, f.c.childClocks()) || len(v.Age.ConfirmingEnds) < 4 || v.Age.Proposal == nil {
		t.Fatalf("the manager's view: %+v; want the open child clocks %v", v.Age, f.c.childClocks())
	}
	carer, err := f.c.ViewFor(aCarer, Access{}, f.env.now)
	if err != nil {
		t.Fatal(err)
	}
	if carer.Age.Proposal != nil || len(carer.Age.ConfirmingEnds) != 0 {
		t.Errorf("a carer sees the age decisions: %+v", carer.Age)
	}
	f.must("adulthood", aLead, body{"decided_at": "2027-03-01T08:30:00Z", "reason": "Passport."})
	if v, _ := f.c.ViewFor(aManager, Access{}, f.env.now); len(v.Age.ConfirmingEnds) != 0 || len(v.Age.Confirmations) != 1 {
		t.Errorf("after the confirmation: %+v", v.Age)
	}
}

// TestAnAssessedAdultsOtherDetailsCanStillBeCorrected: an age assessment that found the young
// person an adult when the concern was raised settles their age; correcting their language or
// name is not refused for it, and without an assessment a correction still may not make them an
// adult at the concern unless their age is disputed.
func TestAnAssessedAdultsOtherDetailsCanStillBeCorrected(t *testing.T) {
	f := disputedCase(t)
	f.refuse("case-details", aSW, body{"child": body{"age_disputed": false}, "reason": "Settled."}, EInvalid)
	f.must("age-assessment", aSW, body{"assessed_at": ts(2 * time.Hour), "assessed_by": "Croydon Children's Services", "date_of_birth": "2000-05-01"})
	f.must("case-details", aFSW, body{"child": body{"first_language": "Tigrinya", "preferred_term": "young person"}, "reason": "Told us."})
	if f.c.Child.FirstLanguage != "Tigrinya" {
		t.Error("the correction was not recorded")
	}
}

// TestReopeningACaseClosedAfterASilentBirthdayRunsItsChildClocksAgain: a fail-safe case whose
// 18th birthday ended the child clocks by itself, then closed, is upgraded as it is; reopened, its
// child clocks run again and the move to adulthood is put to the Safeguarding Lead.
func TestReopeningACaseClosedAfterASilentBirthdayRunsItsChildClocksAgain(t *testing.T) {
	f := newCaseOn(t, "E1", RulesFailSafe)
	f.lookedAfter()
	birthday := time.Date(2027, 3, 1, 0, 0, 0, 0, london)
	f.env.now = birthday
	f.c.TurnAdult(f.env)
	silent := endedBy(f.c, endedByAdulthood)
	f.env.now = birthday.AddDate(0, 0, 2)
	f.closeCase()
	if res := f.c.UpgradeRules(f.env); len(res.Opened) != 0 || len(res.Closed) != 0 {
		t.Fatalf("the upgrade of a closed case opened %v and closed %v", res.Opened, res.Closed)
	}
	res := f.must("reopen", aLead, body{"reason": "Seen with the same adults."})
	for _, id := range silent {
		if !f.c.action(id).Open() || !slices.Contains(res.Opened, id) {
			t.Errorf("%s (%s), ended by the birthday alone, did not run again on reopening", id, f.c.action(id).Kind)
		}
	}
	if !f.c.TurnedAdult.IsZero() || !f.c.AdulthoodDue(f.env.now) {
		t.Fatal("the reopened case does not ask for the decision")
	}
	f.c.ActOnAdulthood(f.env)
	if len(f.open(policy.ConfirmAdulthood)) != 1 {
		t.Error("no decision asked for")
	}
}
