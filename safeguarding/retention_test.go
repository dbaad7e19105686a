package safeguarding

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// TestAClosedRecordIsReviewedAtItsRetentionDate: closing the case sets its retention date (the
// child is not looked after, born 1 March 2009: kept until their 25th birthday); the workflow
// wakes then, and not before, to open a review owned by the Safeguarding Lead and chased in
// office hours.
func TestAClosedRecordIsReviewedAtItsRetentionDate(t *testing.T) {
	f := newCase(t, "E1")
	if !f.c.retentionReviewAt().IsZero() || f.c.Retention != nil {
		t.Fatal("an open case has a retention date")
	}
	f.closeCase()
	until := time.Date(2034, 3, 1, 0, 0, 0, 0, london)
	r := f.c.Retention
	if r == nil || !r.Until.Equal(until) || r.Rule != policy.RecordOther || len(r.Estimated) != 0 || !r.From.Equal(f.c.Closure.ClosedAt) {
		t.Fatalf("retention %+v; want until %s under the rule for other records", r, until)
	}
	if e := f.c.Timeline[len(f.c.Timeline)-1]; e.Kind != "retention-date" || !strings.Contains(e.Summary, "1 March 2034") || e.Restricted {
		t.Errorf("timeline entry %+v: want the date said, to everyone who sees the closure", e)
	}
	if next := f.c.NextEventAt(); !next.Equal(until) {
		t.Errorf("the closed case next wakes at %s; want its retention date %s", next, until)
	}
	if f.c.RetentionReviewDue(until.Add(-time.Second)) || !f.c.RetentionReviewDue(until) {
		t.Error("the review is due before the date, or not at it")
	}
	f.env.now = until.Add(3 * time.Hour) // the worker was down when the date passed
	res := f.c.OpenRetentionReview(f.env)
	a := f.c.action(res.Opened[0])
	if a.Kind != policy.RetentionReview || a.Owner != (Owner{Role: RoleSafeguardingLead}) || !a.StartedAt.Equal(f.env.now) || !a.Quiet.Keeps() || a.RechaseEvery.IsZero() {
		t.Fatalf("review %+v: want the Safeguarding Lead's, from now, chased in office hours until done", a)
	}
	if f.c.RetentionReviewDue(f.env.now.AddDate(1, 0, 0)) || f.c.NextEventAt().Equal(until) {
		t.Error("a second review would open while the first is open")
	}
	if !f.hasEntry("retention-review", a.ID, "retention period ended on 1 March 2034") {
		t.Errorf("timeline %+v", f.c.Timeline[len(f.c.Timeline)-1])
	}
}

// TestAnAllegationKeepsTheRecordLongerAndRestricted: with an allegation whose accused's pension
// age is not recorded, the record is kept 50 years after it, and what the timeline says of the
// date is restricted like the allegation.
func TestAnAllegationKeepsTheRecordLongerAndRestricted(t *testing.T) {
	f := newCase(t, "E1")
	f.allegedOffence()
	f.closeCase()
	want := t0.Add(2*time.Hour).In(london).AddDate(50, 0, 0)
	if r := f.c.Retention; r.Rule != policy.RecordAllegation || !r.Until.Equal(want) || len(r.Estimated) != 1 {
		t.Fatalf("retention %+v; want 50 years after the allegation, the pension age assumed", r)
	}
	for _, e := range f.c.Timeline {
		if e.Kind == "retention-date" && !e.Restricted {
			t.Error("the retention date an allegation set is not restricted")
		}
	}
	fsw, err := f.c.TimelineFor(aFSW, Access{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range fsw {
		if e.Kind == "retention-date" {
			t.Error("the fostering social worker sees the retention date an allegation set")
		}
	}
}

// TestReopeningSetsTheRetentionDateAside: a reopened case's record is needed again; its review
// ends for that reason, and the date is computed again at the next closure.
func TestReopeningSetsTheRetentionDateAside(t *testing.T) {
	f := newCase(t, "E1")
	f.retentionReviewDue()
	review := f.open(policy.RetentionReview)[0]
	f.must("reopen", aLead, body{"reason": "A new disclosure."})
	if f.c.Retention != nil || !f.c.retentionReviewAt().IsZero() {
		t.Fatalf("retention %+v after reopening", f.c.Retention)
	}
	if a := f.c.action(review.ID); a.Open() || !strings.Contains(a.Note, "reopened") {
		t.Errorf("the review after reopening: %+v", a)
	}
	f.env.now = f.env.now.Add(24 * time.Hour)
	f.closeCase()
	if f.c.Retention == nil || !f.c.Retention.From.Equal(f.env.now) {
		t.Errorf("retention %+v: want it counted from the new closure", f.c.Retention)
	}
}

// TestNothingIsTakenOnceDestructionIsApproved: every step is refused while the record is being
// destroyed, a new concern included, saying why.
func TestNothingIsTakenOnceDestructionIsApproved(t *testing.T) {
	f := newCase(t, "E1")
	f.retentionReviewDue()
	f.must(StepApproveDestruction, aManager, body{"reason": "Retention period ended."})
	for step, b := range map[string]body{
		"concern":         {"observed_at": ts(time.Hour), "account": "Seen again."},
		"missing-episode": {"went_missing_at": ts(time.Hour)},
		"reopen":          {"reason": "New information."},
		"legal-hold":      {"reason": "Inquiry."},
	} {
		f.refuse(step, aLead, b, EConflict)
	}
	_, err := f.try("concern", aCarer, body{"observed_at": ts(time.Hour), "account": "Seen again."})
	if err == nil || !strings.Contains(err.Error(), "being destroyed") || !strings.Contains(err.Error(), "new concern") {
		t.Errorf("a carer's concern on a record being destroyed: %v", err)
	}
	if !f.c.NextEventAt().IsZero() {
		t.Error("the case still waits for a clock while it is destroyed")
	}
}

// TestCasesClosedBeforeRetentionAreGivenADate: a case closed under the rules before retention
// keeps no date and wakes for none, until the upgrade gives it one counted from its closure.
func TestCasesClosedBeforeRetentionAreGivenADate(t *testing.T) {
	f := &fixture{t: t, c: NewCase("c1", "CF-OLD", RulesFailSafe), env: &testEnv{now: t0.Add(time.Minute)}}
	f.must(StepRaiseConcern, aCarer, firstConcern("E1"))
	f.env.now = t0.Add(24 * time.Hour)
	f.closeCase()
	closedAt := f.c.Closure.ClosedAt
	if f.c.Retention != nil || !f.c.NextEventAt().IsZero() {
		t.Fatalf("a case on the fail-safe rules has retention %+v", f.c.Retention)
	}
	f.env.now = f.env.now.AddDate(1, 0, 0)
	if err := f.c.CheckUpgrade(); err != nil {
		t.Fatal(err)
	}
	f.c.UpgradeRules(f.env)
	if f.c.Rules != RulesCurrent || f.c.Retention == nil || !f.c.Retention.From.Equal(closedAt) || !f.c.NextEventAt().Equal(f.c.Retention.Until) {
		t.Fatalf("after the upgrade: rules %d, retention %+v", f.c.Rules, f.c.Retention)
	}
}

// TestOnlyOverseersSeeTheRetention: the date, its basis and the holds are for those who decide.
func TestOnlyOverseersSeeTheRetention(t *testing.T) {
	f := newCase(t, "E1")
	f.closeCase()
	for _, who := range []Actor{aLead, aManager, aSW, aFSW} {
		v, err := f.c.ViewFor(who, Access{}, f.env.now)
		if err != nil {
			t.Fatal(err)
		}
		if shown := v.Retention != nil; shown != who.Role.Oversees() {
			t.Errorf("%s sees the retention: %v", who.Role, shown)
		}
	}
}

// TestApprovalUnderALegalHoldSaysWhy: the approval is refused under a hold, and the refusal
// names the hold, which is what the approver must lift first.
func TestApprovalUnderALegalHoldSaysWhy(t *testing.T) {
	f := newCase(t, "E1")
	f.retentionReviewDue()
	f.must("legal-hold", aManager, body{"reason": "Civil claim notified."})
	_, err := f.try(StepApproveDestruction, aLead, body{"reason": "Ended."})
	if CodeOf(err) != EConflict || !strings.Contains(err.Error(), "legal hold") {
		t.Errorf("approval under a legal hold: %v", err)
	}
}

// TestTheReviewKeepsNoReasonForThoseWhoMayNotSeeIt: the review of a record is seen by the
// whole team, but the reason for approving its destruction or placing a legal hold is
// restricted like an allegation: the review's note names the decision, never its reason, so a
// fostering social worker reads neither reason anywhere in the case (found by the property
// test).
func TestTheReviewKeepsNoReasonForThoseWhoMayNotSeeIt(t *testing.T) {
	for step, reason := range map[string]string{
		StepApproveDestruction: "Retention period ended; the carer's claim was settled.",
		"legal-hold":           "Civil claim notified by the carer's solicitor.",
	} {
		f := newCase(t, "E1")
		f.retentionReviewDue()
		f.must(step, aManager, body{"reason": reason})
		v, err := f.c.ViewFor(aFSW, Access{}, f.env.now)
		if err != nil {
			t.Fatal(err)
		}
		if raw, _ := json.Marshal(v); strings.Contains(string(raw), reason) {
			t.Errorf("%s: the fostering social worker reads its reason: %s", step, raw)
		}
		lead, _ := f.c.ViewFor(aLead, Access{}, f.env.now)
		if raw, _ := json.Marshal(lead.Timeline); !strings.Contains(string(raw), reason) {
			t.Errorf("%s: the timeline does not keep its reason for the Safeguarding Lead", step)
		}
	}
}
