// Package replaytest replays the workflow histories recorded in a package's testdata with
// today's code, as every worker does with a case it has not cached: after a restart, a
// deployment, or a year later. A change of command order that is not guarded by
// workflow.GetVersion fails here before it breaks a running case.
package replaytest
