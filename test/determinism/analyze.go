package determinism

import (
	"cmp"
	"fmt"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/callgraph/vta"
	"golang.org/x/tools/go/ssa"
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
	// taken are the functions whose value the loaded code takes, its own or not: time.Now
	// stored in a field is one.
	taken []*ssa.Function
	// byFlow are the functions each call in funcs may reach, by the flow of values (VTA); a
	// call through an interface is resolved by the class hierarchy instead (see implementations).
	byFlow map[ssa.CallInstruction][]*ssa.Function
	*hierarchy
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
	a := &analysis{program: p, reached: map[*ssa.Function]*link{}, reported: map[string]bool{}}
	a.funcs = a.ownFuncs()
	a.taken = a.addressTaken()
	a.byFlow = a.flowCallees()
	a.hierarchy = a.newHierarchy()
	a.names = a.shortNames()
	return a
}

// ownFuncs finds the functions of the loaded packages that have code: their functions and the
// methods of their types, and the closures, wrappers and generic instances these make or call.
// Only these are walked, and the call graph is built of them alone: the SDK's thousands of
// methods would slow the test and add nothing to the walk.
func (a *analysis) ownFuncs() []*ssa.Function {
	seen := map[*ssa.Function]bool{}
	var funcs []*ssa.Function
	var add func(fn *ssa.Function)
	add = func(fn *ssa.Function) {
		if fn == nil || seen[fn] || !a.walkable(fn) {
			return
		}
		seen[fn] = true
		funcs = append(funcs, fn)
		for _, anon := range fn.AnonFuncs {
			add(anon)
		}
		var ops []*ssa.Value
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				for _, op := range instr.Operands(ops[:0]) {
					if g, ok := (*op).(*ssa.Function); ok {
						add(g)
					}
				}
			}
		}
	}
	for pkg := range a.own {
		for _, mem := range a.ssa.Package(pkg).Members {
			switch mem := mem.(type) {
			case *ssa.Function:
				add(mem)
			case *ssa.Type:
				for _, m := range a.methodsOf(mem.Type()) {
					add(m)
				}
			}
		}
	}
	slices.SortFunc(funcs, func(f, g *ssa.Function) int {
		return cmp.Or(cmp.Compare(f.Pos(), g.Pos()), cmp.Compare(f.String(), g.String()))
	})
	return funcs
}

// methodsOf are the methods of a named type T and of *T; none for an interface or a generic type.
func (a *analysis) methodsOf(t types.Type) []*ssa.Function {
	named, ok := t.(*types.Named)
	if !ok || types.IsInterface(named) || named.TypeParams().Len() > 0 {
		return nil
	}
	var methods []*ssa.Function
	for _, t := range []types.Type{named, types.NewPointer(named)} {
		for sel := range a.ssa.MethodSets.MethodSet(t).Methods() {
			if m := a.ssa.MethodValue(sel); m != nil {
				methods = append(methods, m)
			}
		}
	}
	return methods
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

// flowCallees records, for each call in the loaded code, the functions that flow into its callee
// (VTA): a func value reaches the closures and functions stored, passed or returned into it, not
// every function of its signature, which would make every validator and SideEffect function of
// the same shape, func() above all, workflow code. The functions taken but not walked are
// included, so that a call of time.Now held in a variable is seen.
func (a *analysis) flowCallees() map[ssa.CallInstruction][]*ssa.Function {
	funcs := make(map[*ssa.Function]bool, len(a.funcs)+len(a.taken))
	for _, fn := range slices.Concat(a.funcs, a.taken) {
		funcs[fn] = true
	}
	graph := vta.CallGraph(funcs, nil)
	callees := map[ssa.CallInstruction][]*ssa.Function{}
	for _, fn := range a.funcs {
		node := graph.Nodes[fn]
		if node == nil {
			continue
		}
		for _, e := range node.Out {
			callees[e.Site] = append(callees[e.Site], e.Callee.Func)
		}
	}
	for _, fns := range callees {
		slices.SortFunc(fns, func(f, g *ssa.Function) int { return cmp.Compare(f.String(), g.String()) })
	}
	return callees
}
