// Package unnamed registers a workflow without naming it in the call: the determinism analysis
// cannot tell which function that is, and must say so rather than check nothing.
package unnamed

import "go.temporal.io/sdk/worker"

// Register registers whatever pick returns.
func Register(w worker.Registry, pick func() any) {
	w.RegisterWorkflow(pick())
}
