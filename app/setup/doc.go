// Package setup prepares a Temporal cluster for caseflow: the namespace, with its retention
// period, the custom search attributes the case workflows write, and the morning digest's
// Temporal Schedule. Every task is idempotent
// and says what it did, so `caseflow setup` can run before every deployment, and `caseflow dev`
// runs the same tasks against its embedded server at every start.
//
// A new kind of preparation (a Temporal Schedule, say) is one more Task in Tasks.
package setup
