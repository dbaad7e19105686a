// Package determinism finds workflow code that reads the wall clock, a random source or the
// environment, following calls through interfaces and func values.
//
// Temporal's workflowcheck (make lint) already checks workflow code, but it follows static calls
// only: its search ends at a call through an interface or a func value. That is how the audit
// workflow came to call Callers.Verify, an interface method whose implementation,
// identity.Verifier.Verify, reads the verifier's clock: replayed minutes later, every batch it
// had taken was judged stale. This package closes that gap, and runs as an ordinary test, so that
// go test ./... fails on such a read.
//
// It loads caseflow's packages (not their tests, nor files behind build tags), builds their SSA
// form and the call graph of their code: a call through an interface may reach every caseflow
// type that implements it, and every type caseflow converts to an interface (class hierarchy
// analysis); a call of a func value, the functions that flow into it (variable type analysis).
// From each function registered as a workflow (RegisterWorkflow, RegisterWorkflowWithOptions) it
// walks caseflow's own code, never the SDK's or the standard library's, and reports each call
// from that code to a forbidden function (see forbidden.go) with the chain of calls that reaches
// it.
//
// The SDK runs some of the functions it is handed as workflow code and some not. A function
// handed to code outside caseflow (workflow.Go, a selector's callbacks, workflow.Await, an update
// handler, sort.Slice) is walked as if called there, except where Temporal allows
// non-determinism or runs no workflow code (see sdk.go): functions passed to SideEffect and
// MutableSideEffect, query handlers, update validators, and activities, which ExecuteActivity and
// ExecuteLocalActivity name rather than call.
//
// What it cannot see, it does not guess: a func value that goes through the SDK or the standard
// library and comes back is not followed, and a helper called with func values both from
// workflow code and from a SideEffect function is walked with all of them.
package determinism
