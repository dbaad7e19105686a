package determinism

import (
	"fmt"
	"go/token"
	"strings"
)

// Finding is one call from workflow code to a function it may not call, and how workflow code
// reaches it.
type Finding struct {
	// Reads is what the call reads: "time.Now", "identity.Verifier.Now".
	Reads string
	// Chain starts at a registered workflow and ends with the forbidden call.
	Chain []Step
}

// Step is one link of a chain: how the function before it reaches Func.
type Step struct {
	// Verb says how: "registered as a workflow" for the chain's first step, then "calls", "may
	// call" (through an interface or a func value), "hands" (to code outside caseflow that
	// calls it) or "sets" (a field of an SDK type).
	Verb string
	Func string
	// Via says through what, or to whom: "through workflows.CallerVerifier", "to
	// go.temporal.io/sdk/workflow.Go".
	Via string
	// At is where, relative to the module's directory.
	At token.Position
}

// Path is the chain's functions, such as "audit.(*Workflows).Stream -> time.Now".
func (f Finding) Path() string {
	names := make([]string, len(f.Chain))
	for i, s := range f.Chain {
		names[i] = s.Func
	}
	return strings.Join(names, " -> ")
}

// String is the finding as the test reports it: where the read is, then one line per step.
func (f Finding) String() string {
	var b strings.Builder
	last := f.Chain[len(f.Chain)-1]
	fmt.Fprintf(&b, "%s: workflow code reads %s:", last.At, f.Reads)
	for _, s := range f.Chain {
		b.WriteString("\n\t" + s.String())
	}
	return b.String()
}

func (s Step) String() string {
	if s.Verb == verbRegistered {
		return fmt.Sprintf("%s, %s at %s", s.Func, s.Verb, s.At)
	}
	line := s.Verb + " " + s.Func
	if s.Via != "" {
		line += " " + s.Via
	}
	return line + " at " + s.At.String()
}

const verbRegistered = "registered as a workflow"
