package safeguarding

import (
	"slices"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// At 18 a young person's child clocks stop (children's social care, child protection,
// looked-after reviews and visits, the ICTG, the care plan's reviews) and a transition action
// opens: adult services, leaving care, and consent to stay in the NRM. The clocks that protect
// anyone (the police report, a missing person, the NRM, allegations) keep running. The workflow
// wakes at the 18th birthday to do this; a corrected date of birth moves it.

// childOnly lists the clocks that stop at 18.
var childOnly = []policy.RuleID{
	policy.CSCReferral, policy.CSCDecision, policy.NFAReview, policy.Assessment, policy.StrategyDiscussion,
	policy.StrategyMeeting, policy.ICPC, policy.RCPCFirst, policy.RCPCNext, policy.ICTGReferral,
	policy.ICTGAssignment, policy.CarePlan, policy.CarePlanReview, policy.LACReview, policy.SWVisit,
	policy.ReturnInterview,
}

// AdulthoodDue reports whether the young person has turned 18 and the case has not yet acted on
// it. Cases on the first release's rules never do.
func (c *Case) AdulthoodDue(now time.Time) bool {
	at := c.adultAt()
	return c.failSafe() && c.Opened() && !c.Closed() && c.TurnedAdult.IsZero() && !at.IsZero() && !now.Before(at)
}

// NextEventAt is when the workflow must next wake without being asked: the next chase, the
// 18th birthday or a closed record's retention date, whichever comes first; zero when nothing is
// waiting.
func (c *Case) NextEventAt() time.Time {
	next := c.NextChaseAt()
	if at := c.adultAt(); c.failSafe() && c.Opened() && !c.Closed() && c.TurnedAdult.IsZero() && !at.IsZero() {
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	if at := c.retentionReviewAt(); !at.IsZero() && (next.IsZero() || at.Before(next)) {
		next = at
	}
	return next
}

// TurnAdult ends the child clocks and opens the transition, recorded by caseflow itself.
func (c *Case) TurnAdult(env Env) Result {
	at := c.adultAt()
	c.TurnedAdult = at
	wereOpen, res := c.openActionIDs(), Result{}
	for i := range c.Actions {
		a := &c.Actions[i]
		if a.Open() && slices.Contains(childOnly, a.Kind) {
			a.end(ActionResolved, at, systemActor, "The young person turned 18 on "+at.In(london).Format("2 January 2006")+": this child clock ends")
			a.EndedBy = endedByAdulthood
		}
	}
	res.Opened = append(res.Opened, c.openAction(env, policy.Transition, c.socialWorker(), at, 0, "").ID)
	if a := c.openAdultConsent(env, at); a != nil {
		res.Opened = append(res.Opened, a.ID)
	}
	c.note(at, systemActor, "turned-18", "The young person turned 18: child clocks end, and the move to adulthood is planned", "")
	c.Revision++
	c.UpdatedAt = env.Now()
	res.CaseID, res.Revision, res.Closed = c.ID, c.Revision, c.endedSince(wereOpen)
	return res
}

// openAdultConsent starts the clock for the young person's consent to stay in the NRM, due at
// their 18th birthday (or at once, when that has passed), while an NRM case is open without it.
func (c *Case) openAdultConsent(env Env, birthday time.Time) *Action {
	if c.NRM.Referral == nil || c.NRM.AdultConsent != nil || c.hasOpen(policy.Age18Consent, "") || birthday.IsZero() {
		return nil
	}
	start := birthday
	if now := env.Now(); now.After(start) {
		start = now
	}
	return c.openAction(env, policy.Age18Consent, c.socialWorker(), start, 0, "")

}

// rearmForAge follows a corrected date of birth: the consent clock moves to the new 18th
// birthday, and when the young person turns out to be a child still, the child clocks their
// first 18th birthday ended are re-armed and the transition is set aside.
func (c *Case) rearmForAge(env Env, by Actor) []string {
	now := env.Now()
	var opened []string
	for i := range c.Actions {
		a := &c.Actions[i]
		if a.Open() && a.Kind == policy.Age18Consent {
			a.end(ActionResolved, now, by, "Date of birth corrected: the consent clock moves to the new 18th birthday")
		}
	}
	at := c.adultAt()
	if !c.TurnedAdult.IsZero() && (at.IsZero() || now.Before(at)) {
		c.TurnedAdult = time.Time{}
		for i := range c.Actions {
			a := &c.Actions[i]
			switch {
			case a.EndedBy == endedByAdulthood:
				a.rearm()
				opened = append(opened, a.ID)
			case a.Open() && a.Kind == policy.Transition:
				a.end(ActionResolved, now, by, "Date of birth corrected: the young person is under 18")
			}
		}
		c.note(now, by, "age-corrected", "Date of birth corrected: the young person is under 18, and their child clocks run again", "")
	}
	if a := c.openAdultConsent(env, at); a != nil {
		opened = append(opened, a.ID)
	}
	return opened
}
