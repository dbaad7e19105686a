package safeguarding

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// At 18 a young person's child clocks stop (children's social care, child protection,
// looked-after reviews and visits, the ICTG, the care plan's reviews) and a transition action
// opens: adult services, leaving care, and consent to stay in the NRM. The clocks that protect
// anyone (the police report, a missing person, the NRM, allegations) keep running.
//
// Age is a decision, not an edit (RulesAgeDecision). The record proposes the move to adulthood
// when it shows the young person is 18: their 18th birthday by the recorded date of birth (the
// workflow wakes for it), a corrected date of birth, an age assessment. The child clocks end only
// when the Safeguarding Lead or a manager confirms it (the adulthood step), for a reason the
// timeline keeps; until then they all run, and a chased action asks for the decision. A young
// person whose age is disputed is a child until an age assessment is recorded (Modern Slavery
// Act 2015, s51), and nothing proposes their adulthood before it. A record that makes them a child
// again runs their child clocks again. Cases on the fail-safe rules replay the first way: the
// 18th birthday ended the child clocks by itself (TurnAdult).

// childOnly lists the clocks that stop at 18.
var childOnly = []policy.RuleID{
	policy.CSCReferral, policy.CSCDecision, policy.NFAReview, policy.Assessment, policy.StrategyDiscussion,
	policy.StrategyMeeting, policy.ICPC, policy.RCPCFirst, policy.RCPCNext, policy.ICTGReferral,
	policy.ICTGAssignment, policy.CarePlan, policy.CarePlanReview, policy.LACReview, policy.SWVisit,
	policy.ReturnInterview,
}

// Age is how the young person's age was established, and what was decided on it.
type Age struct {
	// Assessments are the age assessments recorded, in the order they were recorded.
	Assessments []AgeAssessment `json:"assessments,omitempty"`
	// Proposal is the latest proposal that the young person has moved to adulthood.
	Proposal *AdulthoodProposal `json:"proposal,omitempty"`
	// Confirmations are the decisions that confirmed the move to adulthood.
	Confirmations []AdulthoodDecision `json:"confirmations,omitempty"`
}

// AgeAssessment is an assessment of the young person's age: who carried it out, when, and the
// date of birth it gave.
type AgeAssessment struct {
	ID          string    `json:"id"`
	AssessedAt  time.Time `json:"assessed_at"`
	AssessedBy  string    `json:"assessed_by"`
	DateOfBirth Date      `json:"date_of_birth"`
	// Outcome is what the assessment found the young person to be on its date: "child" or
	// "adult".
	Outcome    string `json:"outcome"`
	Age        int    `json:"age"`
	Note       string `json:"note,omitempty"`
	RecordedBy Actor  `json:"recorded_by"`
}

// Outcomes of an age assessment.
const (
	AssessedChild = "child"
	AssessedAdult = "adult"
)

// AdulthoodProposal is the record's proposal that the young person has moved to adulthood,
// awaiting the Safeguarding Lead's or a manager's decision (ActionID).
type AdulthoodProposal struct {
	At time.Time `json:"at"`
	By Actor     `json:"by"`
	// Reason says what on the record proposed it: the 18th birthday, a corrected date of birth,
	// an age assessment.
	Reason     string    `json:"reason"`
	AdultSince time.Time `json:"adult_since"`
	ActionID   string    `json:"action_id"`
}

// AdulthoodDecision is the Safeguarding Lead's or a manager's confirmation of the move to
// adulthood, with the child clocks it ended.
type AdulthoodDecision struct {
	At         time.Time `json:"at"`
	By         Actor     `json:"by"`
	Reason     string    `json:"reason"`
	AdultSince time.Time `json:"adult_since"`
	Ended      []string  `json:"ended,omitempty"`
}

// adultSince is when the record makes the young person an adult: their 18th birthday by the
// recorded date of birth, which an age assessment sets. It is zero while their age is disputed
// (they are a child until assessed) and when no date of birth is recorded.
func (c *Case) adultSince() time.Time {
	if c.Child.AgeDisputed {
		return time.Time{}
	}
	return c.adultAt()
}

// proposalPending reports whether a proposal of adulthood awaits its decision.
func (c *Case) proposalPending() bool {
	p := c.Age.Proposal
	return p != nil && c.action(p.ActionID) != nil && c.action(p.ActionID).Open()
}

// toPropose is when the case must next propose the move to adulthood, zero when nothing waits:
// the record's adulthood date, unless it was already proposed (and is awaiting its decision, or
// was decided) or confirmed.
func (c *Case) toPropose() time.Time {
	if !c.Opened() || c.Closed() || !c.TurnedAdult.IsZero() {
		return time.Time{}
	}
	since := c.adultSince()
	if since.IsZero() || (c.Age.Proposal != nil && c.Age.Proposal.AdultSince.Equal(since)) {
		return time.Time{}
	}
	return since
}

// AdulthoodDue reports whether the case must act on the young person's 18th birthday now: under
// today's rules propose the move to adulthood, under the fail-safe rules end the child clocks.
// Cases on the first release's rules never do.
func (c *Case) AdulthoodDue(now time.Time) bool {
	if c.ageDecided() {
		at := c.toPropose()
		return !at.IsZero() && !now.Before(at)
	}
	at := c.adultAt()
	return c.failSafe() && c.Opened() && !c.Closed() && c.TurnedAdult.IsZero() && !at.IsZero() && !now.Before(at)
}

// NextEventAt is when the workflow must next wake without being asked: the next chase, the
// 18th birthday or a closed record's retention date, whichever comes first; zero when nothing is
// waiting.
func (c *Case) NextEventAt() time.Time {
	next := c.NextChaseAt()
	at := c.toPropose()
	if !c.ageDecided() {
		at = time.Time{}
		if c.failSafe() && c.Opened() && !c.Closed() && c.TurnedAdult.IsZero() {
			at = c.adultAt()
		}
	}
	if !at.IsZero() && (next.IsZero() || at.Before(next)) {
		next = at
	}
	if at := c.retentionReviewAt(); !at.IsZero() && (next.IsZero() || at.Before(next)) {
		next = at
	}
	return next
}

// ActOnAdulthood is what the workflow does when AdulthoodDue: under today's rules it asks the
// Safeguarding Lead or a manager to confirm the move to adulthood, and ends nothing; under the
// fail-safe rules it ends the child clocks (TurnAdult).
func (c *Case) ActOnAdulthood(env Env) Result {
	if !c.ageDecided() {
		return c.TurnAdult(env)
	}
	wereOpen := c.openActionIDs()
	res := Result{Opened: c.reviewAge(env, systemActor, "the 18th birthday by the recorded date of birth")}
	c.Revision++
	c.UpdatedAt = env.Now()
	res.CaseID, res.Revision, res.Closed = c.ID, c.Revision, c.endedSince(wereOpen)
	return res
}

// TurnAdult ends the child clocks and opens the transition, recorded by caseflow itself: the
// fail-safe rules' 18th birthday, which cases on those rules replay.
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

// reviewAge follows the record's view of the young person's age, ending no obligation. When it
// makes them an adult, the move to adulthood is proposed (once for each adulthood date); when it
// makes them a child again, their child clocks the move to adulthood ended run again, and a
// proposal still waiting stays for the Safeguarding Lead or a manager to end. why says what on
// the record changed.
func (c *Case) reviewAge(env Env, by Actor, why string) []string {
	now := env.Now()
	since := c.adultSince()
	adult := !since.IsZero() && !now.Before(since)
	var opened []string
	switch {
	case !adult && !c.TurnedAdult.IsZero():
		c.TurnedAdult = time.Time{}
		for i := range c.Actions {
			if a := &c.Actions[i]; a.EndedBy == endedByAdulthood {
				a.rearm()
				opened = append(opened, a.ID)
				c.note(now, by, "action-rearmed", "Obligation open again: "+a.Title, a.ID)
			}
		}
		c.note(now, by, "age-corrected", "The record now makes the young person a child ("+why+"): their child clocks run again", "")
	case !adult && c.proposalPending():
		// The decision still waits: only the Safeguarding Lead or a manager ends it, and they may
		// not confirm adulthood while the record shows a child.
		c.note(now, by, "adulthood-in-question", "The record now makes the young person a child ("+why+
			"): the move to adulthood cannot be confirmed, and the Safeguarding Lead or a manager may end the decision for a reason", c.Age.Proposal.ActionID)
	case adult && c.TurnedAdult.IsZero() && c.proposalPending():
		c.Age.Proposal.AdultSince = since
	case adult && !c.toPropose().IsZero():
		opened = append(opened, c.proposeAdulthood(env, by, since, why))
	}
	return opened
}

// proposeAdulthood asks the Safeguarding Lead or a manager to confirm the move to adulthood,
// naming the child clocks confirming it would end. Nothing ends now.
func (c *Case) proposeAdulthood(env Env, by Actor, since time.Time, why string) string {
	now := env.Now()
	a := c.openAction(env, policy.ConfirmAdulthood, Owner{Role: RoleSafeguardingLead}, now, 0, "")
	c.Age.Proposal = &AdulthoodProposal{At: now, By: by, Reason: why, AdultSince: since, ActionID: a.ID}
	summary := "The record shows the young person is 18 (" + why + "): the Safeguarding Lead or a manager confirms the move to adulthood, and every child clock runs until then"
	if ends := c.titles(c.childClocks()); len(ends) > 0 {
		summary += ". Confirming it would end: " + strings.Join(ends, "; ")
	}
	c.note(now, by, "adulthood-proposed", summary, a.ID)
	return a.ID
}

// childClocks lists the open child clocks, which confirming the move to adulthood ends.
func (c *Case) childClocks() []string {
	var ids []string
	for _, a := range c.Actions {
		if a.Open() && slices.Contains(childOnly, a.Kind) {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// titles names actions for a timeline entry or a refusal: each title with its id.
func (c *Case) titles(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = c.action(id).Title + " (" + id + ")"
	}
	return out
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

// followBirthday moves the consent clock to a corrected date of birth, ending nothing: an earlier
// 18th birthday brings it forward; a later one, or a date of birth cleared, leaves it where it is
// (moving a deadline later is a manager's or the Safeguarding Lead's decision, by the due-date
// step); and an NRM case without the clock gets it.
func (c *Case) followBirthday(env Env, by Actor) []string {
	now := env.Now()
	at := c.adultAt()
	for i := range c.Actions {
		a := &c.Actions[i]
		if !a.Open() || a.Kind != policy.Age18Consent {
			continue
		}
		switch {
		case at.IsZero():
			c.note(now, by, "age-18-consent", "Date of birth cleared: the consent clock keeps its date, "+ukTime(a.Due), a.ID)
		case at.Before(a.Due):
			a.retime(env.Deadline(policy.Age18Consent, later(at, now), c.LA, a.Occurrence))
			c.note(now, by, "age-18-consent", "Date of birth corrected: the consent clock moves forward to "+ukTime(a.Due), a.ID)
		case at.After(a.Due):
			c.note(now, by, "age-18-consent", "Date of birth corrected: the consent clock keeps its date, "+ukTime(a.Due)+
				"; a manager or the Safeguarding Lead may move it to the new 18th birthday", a.ID)
		}
	}
	if a := c.openAdultConsent(env, at); a != nil {
		return []string{a.ID}
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// retime gives an action the deadline of a new start, keeping the first due time: the chase
// starts afresh.
func (a *Action) retime(d policy.Deadline) {
	if a.OriginalDue.IsZero() {
		a.OriginalDue = a.Due
	}
	a.StartedAt, a.Due, a.RemindAt, a.EscalateAt, a.EscalateAgainAt = d.Start, d.Due, d.RemindAt, d.EscalateAt, d.EscalateAgainAt
	a.Level, a.Chases = LevelNone, nil
}

// undoSilentAdulthood runs again the child clocks an 18th birthday ended by itself under the
// fail-safe rules: no person decided it. The move to adulthood is then proposed like any other.
func (c *Case) undoSilentAdulthood(env Env) []string {
	if c.TurnedAdult.IsZero() || c.Closed() {
		return nil
	}
	now := env.Now()
	c.TurnedAdult = time.Time{}
	var opened []string
	for i := range c.Actions {
		a := &c.Actions[i]
		if a.EndedBy != endedByAdulthood || a.ClosedBy == nil || a.ClosedBy.Role != systemActor.Role {
			continue
		}
		a.rearm()
		if a.RechaseEvery.IsZero() {
			a.RechaseEvery = c.rechaseFor(env, a)
		}
		opened = append(opened, a.ID)
		c.note(now, systemActor, "action-rearmed", "Obligation open again: "+a.Title, a.ID)
	}
	c.note(now, systemActor, "age-corrected", "The 18th birthday ended the child clocks without anyone deciding it: they run again until the Safeguarding Lead or a manager confirms the move to adulthood", "")
	return opened
}

// rearmForAge follows a corrected date of birth under the fail-safe rules, which cases on those
// rules replay: the consent clock moves to the new 18th birthday, and when the young person
// turns out to be a child still, the child clocks their first 18th birthday ended are re-armed
// and the transition is set aside.
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

// RecordAgeAssessment records an age assessment of a young person: who carried it out, when, and
// the date of birth it gave. It settles a dispute about their age; when it finds them an adult,
// the Safeguarding Lead or a manager is asked to confirm the move to adulthood, and their child
// clocks run until then.
type RecordAgeAssessment struct {
	AssessedAt  time.Time `json:"assessed_at"`
	AssessedBy  string    `json:"assessed_by"`
	DateOfBirth Date      `json:"date_of_birth"`
	Note        string    `json:"note,omitempty"`
}

func (r *RecordAgeAssessment) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("assessed_at", r.AssessedAt, now)
	f.required("assessed_by", r.AssessedBy)
	f.text("assessed_by", r.AssessedBy, maxShortText)
	f.text("note", r.Note, maxLongText)
	f.required("date_of_birth", string(r.DateOfBirth))
	if r.DateOfBirth != "" {
		(&Child{DateOfBirth: r.DateOfBirth}).validate(f, "", now)
		if dob, err := r.DateOfBirth.Time(); err == nil && !r.AssessedAt.IsZero() && dob.After(r.AssessedAt) {
			f.add("date_of_birth", "is after the assessment")
		}
	}
	return f.err()
}

func (r *RecordAgeAssessment) check(c *Case, _ Sight) error {
	if !c.ageDecided() {
		return rulesBeforeAgeDecision()
	}
	return nil
}

func (r *RecordAgeAssessment) apply(c *Case, by Actor, env Env) Result {
	dob, _ := r.DateOfBirth.Time()
	age := ageAt(dob, r.AssessedAt)
	outcome := AssessedChild
	if age >= adulthood {
		outcome = AssessedAdult
	}
	a := AgeAssessment{ID: c.newRef("G"), AssessedAt: r.AssessedAt, AssessedBy: r.AssessedBy, DateOfBirth: r.DateOfBirth,
		Outcome: outcome, Age: age, Note: r.Note, RecordedBy: by}
	c.Age.Assessments = append(c.Age.Assessments, a)
	was := c.Child.DateOfBirth
	c.Child.DateOfBirth, c.Child.AgeDisputed, c.Child.AssessedAge = r.DateOfBirth, false, age
	found := "a child of " + strconv.Itoa(age)
	if outcome == AssessedAdult {
		found = "an adult of " + strconv.Itoa(age)
	}
	c.note(r.AssessedAt, by, "age-assessment", "Age assessment by "+r.AssessedBy+": "+found+", born "+string(r.DateOfBirth), a.ID)
	res := Result{Ref: a.ID}
	if r.DateOfBirth != was {
		res.Opened = append(res.Opened, c.followBirthday(env, by)...)
	}
	res.Opened = append(res.Opened, c.reviewAge(env, by, "an age assessment by "+r.AssessedBy)...)
	return res
}

// ConfirmAdulthood is the Safeguarding Lead's or a manager's decision that the young person has
// moved to adulthood: it ends every open child clock, for the reason given, and opens the
// transition. The record must show them an adult, with their age not disputed.
type ConfirmAdulthood struct {
	DecidedAt time.Time `json:"decided_at"`
	Reason    string    `json:"reason"`
}

func (r *ConfirmAdulthood) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("decided_at", r.DecidedAt, now)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *ConfirmAdulthood) check(c *Case, _ Sight) error {
	since := c.adultSince()
	switch {
	case !c.ageDecided():
		return rulesBeforeAgeDecision()
	case !c.TurnedAdult.IsZero():
		return Errorf(EConflict, "The move to adulthood is already confirmed.")
	case c.Child.AgeDisputed:
		return Errorf(EConflict, "The young person's age is disputed: they are treated as a child, and keep every child clock, until an age assessment is recorded.")
	case since.IsZero():
		return Errorf(EConflict, "Nothing on the record says the young person is 18: record their date of birth, or an age assessment, first.")
	case r.DecidedAt.Before(since):
		dob, _ := c.Child.DateOfBirth.Time()
		return invalid("decided_at", "The recorded date of birth makes the young person "+strconv.Itoa(ageAt(dob, r.DecidedAt))+
			" then: they are a child, with every child clock, until their 18th birthday on "+since.In(london).Format("2 January 2006")+".",
			"is before the 18th birthday")
	}
	return nil
}

func (r *ConfirmAdulthood) apply(c *Case, by Actor, env Env) Result {
	since := c.adultSince()
	ended := c.childClocks()
	note := "Move to adulthood confirmed by the " + roleName(by.Role) + ": " + r.Reason
	for _, id := range ended {
		a := c.action(id)
		a.end(ActionResolved, r.DecidedAt, by, note)
		a.EndedBy = endedByAdulthood
	}
	c.closeActions(policy.ConfirmAdulthood, "", ActionDone, r.DecidedAt, by, "")
	c.TurnedAdult = since
	c.Age.Confirmations = append(c.Age.Confirmations, AdulthoodDecision{At: r.DecidedAt, By: by, Reason: r.Reason, AdultSince: since, Ended: ended})
	summary := "Move to adulthood confirmed: " + r.Reason
	if len(ended) > 0 {
		summary += ". Child clocks ended: " + strings.Join(c.titles(ended), "; ")
	}
	c.note(r.DecidedAt, by, "adulthood-confirmed", summary, "")
	res := Result{}
	if !c.hasOpen(policy.Transition, "") {
		res.Opened = append(res.Opened, c.openAction(env, policy.Transition, c.socialWorker(), r.DecidedAt, 0, "").ID)
	}
	if a := c.openAdultConsent(env, c.adultAt()); a != nil {
		res.Opened = append(res.Opened, a.ID)
	}
	return res
}

// rulesBeforeAgeDecision refuses an age step on a case still following the rules under which the
// 18th birthday ended child clocks by itself.
func rulesBeforeAgeDecision() error {
	return Errorf(EConflict, "This case still follows earlier rules, under which the 18th birthday ends the child clocks by itself; "+
		"it moves to the current rules when caseflow's worker next starts. Correct the date of birth instead (case-details).")
}
