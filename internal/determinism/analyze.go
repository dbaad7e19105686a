package determinism

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/tools/go/callgraph"
	"golang.org/x/tools/go/callgraph/cha"
	"golang.org/x/tools/go/callgraph/vta"
	"golang.org/x/tools/go/ssa"
	"golang.org/x/tools/go/ssa/ssautil"
)

// Analyze loads the packages that patterns name, resolved in dir, and returns each call their
// workflow code makes to a function it may not call, in the order of the calls' positions.
func Analyze(dir string, patterns ...string) ([]Finding, error) {
	p, err := load(dir, patterns...)
	if err != nil {
		return nil, err
	}
	a := newAnalysis(p)
	roots, err := a.registeredWorkflows()
	if err != nil {
		return nil, err
	}
	if len(roots) == 0 {
		// Patterns that name no worker would otherwise pass, having checked nothing.
		return nil, fmt.Errorf("%v: no workflow is registered", patterns)
	}
	return a.walk(roots), nil
}

// analysis is the call graph of the loaded packages, and what the walk has found in it so far.
type analysis struct {
	*program
	// funcs are the loaded packages' functions that have code, in a fixed order.
	funcs []*ssa.Function
	// callees are the functions each call in funcs may reach (see indexCallees).
	callees map[ssa.CallInstruction][]*ssa.Function
	// taken are the functions whose value the loaded code takes: what a func value handed to
	// the SDK may hold where the code does not show which.
	taken []*ssa.Function
	names *strings.Replacer

	reached  map[*ssa.Function]*link
	queue    []*ssa.Function
	findings []Finding
	reported map[string]bool
}

// link is how the walk first reached a function: from which function (nil for a registered
// workflow), and by what step.
type link struct {
	from *ssa.Function
	step Step
}

func newAnalysis(p *program) *analysis {
	a := &analysis{program: p, callees: map[ssa.CallInstruction][]*ssa.Function{},
		reached: map[*ssa.Function]*link{}, reported: map[string]bool{}}
	for fn := range ssautil.AllFunctions(p.ssa) {
		if a.walkable(fn) {
			a.funcs = append(a.funcs, fn)
		}
	}
	slices.SortFunc(a.funcs, func(f, g *ssa.Function) int {
		return cmp.Or(cmp.Compare(f.Pos(), g.Pos()), cmp.Compare(f.String(), g.String()))
	})
	a.indexCallees()
	a.taken = a.addressTaken()
	a.names = a.shortNames()
	return a
}

// indexCallees records, for each call in the loaded code, the functions it may reach. A call
// through an interface may reach every loaded type that implements it (CHA): which one a worker
// holds is decided where it starts, and a walk that trusted the flow of values would miss an
// implementation set where it cannot see. A call of a func value may reach the functions that
// flow into it (VTA): by signature alone, every validator and SideEffect function of the same
// shape, func() above all, would count as workflow code.
func (a *analysis) indexCallees() {
	byClass := cha.CallGraph(a.ssa)
	funcs := make(map[*ssa.Function]bool, len(a.funcs))
	for _, fn := range a.funcs {
		funcs[fn] = true
	}
	byFlow := vta.CallGraph(funcs, byClass)
	for _, fn := range a.funcs {
		a.indexCalleesOf(fn, byClass.Nodes[fn], byFlow.Nodes[fn])
	}
}

// indexCalleesOf records the callees of fn's calls, by class for interface calls and by flow
// for the others, each site's in a fixed order.
func (a *analysis) indexCalleesOf(fn *ssa.Function, byClass, byFlow *callgraph.Node) {
	for _, node := range []*callgraph.Node{byClass, byFlow} {
		if node == nil {
			continue
		}
		for _, e := range node.Out {
			if e.Site.Common().IsInvoke() == (node == byClass) {
				a.callees[e.Site] = append(a.callees[e.Site], e.Callee.Func)
			}
		}
	}
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if site, ok := instr.(ssa.CallInstruction); ok {
				slices.SortFunc(a.callees[site], func(f, g *ssa.Function) int { return cmp.Compare(f.String(), g.String()) })
			}
		}
	}
}

// addressTaken finds the functions whose value the loaded code takes: a closure it makes, a
// method value, a function it passes, stores or converts; anything but the callee of a call.
func (a *analysis) addressTaken() []*ssa.Function {
	seen := map[*ssa.Function]bool{}
	var taken []*ssa.Function
	var ops []*ssa.Value
	for _, fn := range a.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				ops = instr.Operands(ops[:0])
				if call, ok := instr.(ssa.CallInstruction); ok && len(ops) > 0 && *ops[0] == call.Common().Value {
					ops = ops[1:]
				}
				for _, op := range ops {
					if f, ok := (*op).(*ssa.Function); ok && !seen[f] {
						seen[f] = true
						taken = append(taken, f)
					}
				}
			}
		}
	}
	return taken
}
