package safeguarding

import (
	"testing"
	"time"
)

// TestAReArmedObligationNeverGoesBackToTheAccused: an obligation the case's closure, the 18th
// birthday (the fail-safe rules) or the confirmed move to adulthood ended, re-armed after an
// allegation removed its owner from the case (a reopening, a corrected date of birth), goes to the
// team's manager like the accused's open actions, never back to the accused, who would be chased
// about a case they may not know exists. Found by the property test.
func TestAReArmedObligationNeverGoesBackToTheAccused(t *testing.T) {
	rearmed := func(t *testing.T, f *fixture, ids []string) {
		t.Helper()
		if len(ids) == 0 {
			t.Fatal("nothing was re-armed; the test needs an obligation of the accused")
		}
		for _, id := range ids {
			a := f.c.action(id)
			if a.Owner.UserID == "sw-1" || a.Owner != (Owner{Role: RoleManager}) || a.HandedFrom == nil || a.HandedFrom.UserID != "sw-1" {
				t.Errorf("re-armed %s %s is owned by %+v, handed from %+v; want the manager, from the accused", a.ID, a.Kind, a.Owner, a.HandedFrom)
			}
		}
		for _, ch := range f.c.TakeDueChases(f.env.now.AddDate(1, 0, 0)) {
			for _, r := range ch.To {
				if r.UserID == "sw-1" {
					t.Errorf("the chase of %s goes to the accused", ch.ActionID)
				}
			}
		}
	}
	t.Run("reopening a closed case", func(t *testing.T) {
		f := newCase(t, "E1")
		f.must("closure-request", aSW, body{"reason": "risk-resolved", "note": "Done."})
		f.must("closure-approval", aManager, body{"resolutions": f.resolveAll("Risk resolved at review.")})
		f.must(StepHouseholdExclusion, aLead, body{"against_user": "sw-1", "against_role": "social_worker", "reason": "An allegation about her brother."})
		res := f.must("reopen", aLead, body{"reason": "Seen with the same adults again."})
		var own []string
		for _, id := range res.Opened {
			if f.c.action(id).HandedFrom != nil {
				own = append(own, id)
			}
		}
		rearmed(t, f, own)
	})
	t.Run("a corrected date of birth after the 18th birthday", func(t *testing.T) {
		f := newCase(t, "E1") // born 1 March 2009
		f.env.now = time.Date(2027, 3, 1, 0, 0, 0, 0, london)
		if !f.c.AdulthoodDue(f.env.now) {
			t.Fatal("the 18th birthday is not due")
		}
		f.c.TurnAdult(f.env)
		f.must("allegation", aLead, body{"received_at": f.env.now.Format(time.RFC3339), "against_user": "sw-1", "against_role": "social_worker", "summary": "Involved."})
		res := f.must("case-details", aManager, body{"child": body{"date_of_birth": "2011-03-01"}, "reason": "The passport was misread."})
		var own []string
		for _, id := range res.Opened {
			if a := f.c.action(id); a.HandedFrom != nil && a.HandedFrom.UserID == "sw-1" || a.Owner.UserID == "sw-1" {
				own = append(own, id)
			}
		}
		rearmed(t, f, own)
	})
	t.Run("a corrected date of birth after the confirmed move to adulthood", func(t *testing.T) {
		f := newCase(t, "E1") // born 1 March 2009
		f.env.now = time.Date(2027, 3, 2, 10, 0, 0, 0, london)
		f.must("adulthood", aLead, body{"decided_at": f.env.now.Format(time.RFC3339), "reason": "Settled with the leaving care team."})
		f.must("allegation", aLead, body{"received_at": f.env.now.Format(time.RFC3339), "against_user": "sw-1", "against_role": "social_worker", "summary": "Involved."})
		res := f.must("case-details", aManager, body{"child": body{"date_of_birth": "2011-03-01"}, "reason": "The passport was misread."})
		var own []string
		for _, id := range res.Opened {
			if a := f.c.action(id); a.HandedFrom != nil && a.HandedFrom.UserID == "sw-1" || a.Owner.UserID == "sw-1" {
				own = append(own, id)
			}
		}
		rearmed(t, f, own)
	})
}
