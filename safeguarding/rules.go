package safeguarding

import "github.com/caseflow/caseflow/policy"

// RulesVersion is the version of the safeguarding rules a case follows. A case workflow replays
// every step it ever took through today's code, so a step must do on replay exactly what it did
// when it was taken. Where a release changes what a step opens or closes, the old behaviour
// stays, chosen by the case's version, and the case moves to the new rules by an explicit,
// recorded upgrade (UpgradeRules), never silently in the middle of its history.
type RulesVersion int

const (
	// RulesFirst is the first release's rules.
	RulesFirst RulesVersion = 0
	// RulesFailSafe: no obligation ends without a person's decision. Closing needs every open
	// obligation resolved with a reason and reopening re-arms them; records close only the
	// actions of the concern or episode they answer; a missing child, an immediate danger and an
	// allegation start their own clocks; every ladder repeats until done.
	RulesFailSafe RulesVersion = 1
	// RulesAllegationReferrals: every allegation against a carer or member of staff opens the
	// police and DBS referrals beside the LADO's, unless a manager records why not; before, only
	// an allegation of a possible offence did.
	RulesAllegationReferrals RulesVersion = 2
	// RulesAgeDecision: age is a decision, not an edit. Child clocks end at 18 only when the
	// Safeguarding Lead or a manager confirms the move to adulthood (the adulthood step); the
	// 18th birthday, a corrected date of birth or an age assessment only proposes it, and an
	// age-disputed young person is a child until an age assessment is recorded. A further
	// concern starts the referral to Children's Social Care unless an open referral covers it;
	// a concern of a kind the policy leaves out of the NRM request asks the Safeguarding Lead to
	// decide; a child referred within the pilot's margin of 18 keeps the national Reasonable
	// Grounds limit; a chase to the managers of a case without a team also reaches the
	// Safeguarding Lead.
	RulesAgeDecision RulesVersion = 3
	// RulesDuties: the agency policy's seed duties are clocks. An outcome opens an action to tell
	// the young person; a negative NRM decision the decision whether to challenge it; a concern
	// about an adult in contact with the child the decision on a Child Sex Offender Disclosure
	// Scheme check; an accompanying adult the conversation with the child without them; a chase
	// that reaches the Safeguarding Lead about a named person's action the Lead's decision
	// whether it is a conduct matter (see duties.go).
	RulesDuties RulesVersion = 4
	// RulesOneCase: one case per child, and every record checked against what it answers. A
	// carer's concern about a child not yet on a case of theirs opens the case with its clocks
	// running, the carer's placement awaiting staff's confirmation; a meeting, conference,
	// assessment, interview, referral, decision, review or visit closes only the actions it
	// names, or those that began at or before it, and is refused when it predates them.
	RulesOneCase RulesVersion = 5
	// RulesRetention: a closed case's record is kept until a retention date computed when it
	// closes, then reviewed; a person approves its destruction or places a legal hold.
	RulesRetention RulesVersion = 6
	// RulesMergedKept: a case merged into the child's other case is closed like any other, so
	// its record gets a retention date then; under RulesRetention it had none, and was never
	// reviewed.
	RulesMergedKept RulesVersion = 7
	// RulesCurrent is what new cases follow and upgrades move to.
	RulesCurrent = RulesMergedKept
)

// failSafe reports whether the case follows the fail-safe rules.
func (c *Case) failSafe() bool { return c.Rules >= RulesFailSafe }

// ageDecided reports whether the case's child clocks end at 18 only by a person's decision.
func (c *Case) ageDecided() bool { return c.Rules >= RulesAgeDecision }

// keepsDuties reports whether the case opens the seed duties' clocks.
func (c *Case) keepsDuties() bool { return c.Rules >= RulesDuties }

// UpgradeRulesStep is the name of the update that moved a case to RulesCurrent before cases
// moved themselves. It was never a person's step and has no API route; runs begun before keep
// its handler so that their histories replay, and refuse a new one.
const UpgradeRulesStep = "upgrade-rules"

// CheckUpgrade refuses an upgrade the case does not need; the refusal leaves no trace in history.
func (c *Case) CheckUpgrade() error {
	switch {
	case !c.Opened():
		return NotFound()
	case c.Rules >= RulesCurrent:
		return Errorf(EConflict, "This case already follows the current rules.")
	}
	return nil
}

// UpgradeRules moves the case to the current rules (see UpgradeRulesTo).
func (c *Case) UpgradeRules(env Env) Result { return c.UpgradeRulesTo(env, RulesCurrent) }

// UpgradeRulesTo moves the case to the given rules, ending nothing: the workflow names the
// version its history recorded, so an upgrade made under earlier rules replays as it ran. Open
// actions whose ladder ended in silence under the old rules are given their rule's re-chase
// interval, so they are chased until done. Moving to RulesAgeDecision or later, child clocks an
// 18th birthday ended by itself run again, and the Safeguarding Lead or a manager is asked to
// confirm the move to adulthood. Moving to RulesRetention or later, a case closed without a
// retention date (under earlier rules, or merged under RulesRetention) is given one, counted
// from its closure.
func (c *Case) UpgradeRulesTo(env Env, to RulesVersion) Result {
	now := env.Now()
	wereOpen := c.openActionIDs()
	for i := range c.Actions {
		a := &c.Actions[i]
		if !a.Open() || !a.RechaseEvery.IsZero() {
			continue
		}
		a.RechaseEvery = c.rechaseFor(env, a)
	}
	var opened []string
	if c.Rules < RulesAgeDecision && to >= RulesAgeDecision {
		opened = c.undoSilentAdulthood(env)
	}
	retainFrom := to >= RulesRetention && c.Closed() && c.Retention == nil
	c.Rules = max(c.Rules, to)
	if retainFrom {
		c.keepUntilRetention(env, c.Closure.ClosedAt)
	}
	c.note(now, systemActor, "rules-upgraded", "The case now follows the current safeguarding rules", "")
	if c.ageDecided() && c.Opened() && !c.Closed() {
		opened = append(opened, c.reviewAge(env, systemActor, "the recorded date of birth")...)
	}
	c.Revision++
	c.UpdatedAt = now
	return Result{CaseID: c.ID, Revision: c.Revision, Opened: opened, Closed: c.endedSince(wereOpen)}
}

// rechaseFor is the re-chase interval of an action's rule, or of the default ladder for an action
// people agreed.
func (c *Case) rechaseFor(env Env, a *Action) policy.Duration {
	if a.Kind == MeetingAction {
		return env.Ladder(a.Due, c.LA).RechaseEvery
	}
	return env.Deadline(a.Kind, a.StartedAt, c.LA, a.Occurrence).RechaseEvery
}

// systemActor is caseflow itself: chases, upgrades, and reopening on a new concern.
var systemActor = Actor{Role: RoleSystem}
