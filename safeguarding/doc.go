// Package safeguarding is caseflow's domain: the case of a child suspected of being a victim of
// modern slavery or exploitation, the steps people take on it, the actions those steps open and
// the chase ladder of each, and the one visibility policy that decides who may see what.
//
// It is pure Go: no Temporal, no I/O, no clock. A step is checked (Case.Check: content, role,
// sight, the case's state) before it is applied (Case.Apply), which takes the time and policy
// deadlines from an Env, so the workflow that runs a case can record both and replay them. What a
// person may see of a case is a Sight, worked out from the case's Parties; every consumer (the
// case view, the timeline, the read model's lists, live events, notifications and refusals)
// applies the same Sight.
//
// Cases follow a version of the rules (RulesVersion): a step must do on replay what it did when
// it was taken, so a release that changes what a step opens or closes keeps the old behaviour for
// cases on the old rules, and the worker moves running cases to the new rules by a recorded
// update.
package safeguarding
