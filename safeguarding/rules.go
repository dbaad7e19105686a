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
	// RulesRetention: a closed case's record is kept until a retention date computed when it
	// closes, then reviewed; a person approves its destruction or places a legal hold.
	RulesRetention RulesVersion = 2
	// RulesCurrent is what new cases follow and upgrades move to.
	RulesCurrent = RulesRetention
)

// failSafe reports whether the case follows the fail-safe rules.
func (c *Case) failSafe() bool { return c.Rules >= RulesFailSafe }

// UpgradeRulesStep is the name of the update that moves a case to RulesCurrent. It is not a
// person's step and has no API route: the worker sends it to every running case when it starts.
const UpgradeRulesStep = "upgrade-rules"

// CheckUpgrade refuses an upgrade the case does not need; the refusal leaves no trace in history.
func (c *Case) CheckUpgrade() error {
	switch {
	case !c.Opened():
		return notFound()
	case c.Rules >= RulesCurrent:
		return Errorf(EConflict, "This case already follows the current rules.")
	}
	return nil
}

// UpgradeRules moves the case to the current rules. Open actions whose ladder ended in silence
// under the old rules are given their rule's re-chase interval, so they are chased until done;
// a case closed under rules without retention is given its retention date, counted from its
// closure.
func (c *Case) UpgradeRules(env Env) Result {
	now := env.Now()
	if !c.retains() && c.Closed() && c.Retention == nil {
		c.Rules = RulesCurrent
		c.keepUntilRetention(env, c.Closure.ClosedAt)
	}
	for i := range c.Actions {
		a := &c.Actions[i]
		if !a.Open() || !a.RechaseEvery.IsZero() {
			continue
		}
		a.RechaseEvery = c.rechaseFor(env, a)
	}
	c.Rules = RulesCurrent
	c.Revision++
	c.UpdatedAt = now
	c.note(now, systemActor, "rules-upgraded", "The case now follows the current safeguarding rules", "")
	return Result{CaseID: c.ID, Revision: c.Revision}
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
var systemActor = Actor{Role: "system"}
