package determinism

import (
	"cmp"
	"go/token"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// walk follows workflow code breadth first from the registered workflows, so that each chain it
// reports is a shortest one, and returns the forbidden calls it meets.
func (a *analysis) walk(roots []root) []Finding {
	for _, r := range roots {
		a.reach(nil, r.fn, Step{Verb: verbRegistered, At: a.position(r.at)})
	}
	for len(a.queue) > 0 {
		fn := a.queue[0]
		a.queue = a.queue[1:]
		a.visit(fn)
	}
	slices.SortFunc(a.findings, func(f, g Finding) int {
		s, t := f.Chain[len(f.Chain)-1].At, g.Chain[len(g.Chain)-1].At
		return cmp.Or(cmp.Compare(s.Filename, t.Filename), cmp.Compare(s.Line, t.Line),
			cmp.Compare(s.Column, t.Column), cmp.Compare(f.Reads, g.Reads))
	})
	return a.findings
}

// reach records that from reaches fn by step: a forbidden fn is reported, caseflow's code is
// walked, anything else is left alone.
func (a *analysis) reach(from, fn *ssa.Function, step Step) {
	fn = unwrap(fn)
	step.Func = a.name(fn)
	switch {
	case forbidden(fn):
		a.report(from, step, step.Func)
	case a.walkable(fn) && a.reached[fn] == nil:
		a.reached[fn] = &link{from: from, step: step}
		a.queue = append(a.queue, fn)
	}
}

// visit looks at each call fn makes and each function it stores in a field of an SDK type.
func (a *analysis) visit(fn *ssa.Function) {
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			switch instr := instr.(type) {
			case ssa.CallInstruction:
				a.visitCall(fn, instr)
			case *ssa.Store:
				a.visitStore(fn, instr)
			}
		}
	}
}

// visitCall follows a call fn makes: to its callees, and to the functions it hands to code
// outside caseflow.
func (a *analysis) visitCall(fn *ssa.Function, site ssa.CallInstruction) {
	call, at := site.Common(), a.at(fn, site.Pos())
	if clock := clockField(call); clock != "" {
		a.report(fn, Step{Verb: "calls", Func: clock, At: at}, clock)
		return
	}
	if outside, ok := a.outside(call); ok {
		a.handOver(fn, call, outside, at)
	}
	step, callees := Step{Verb: "calls", At: at}, a.byFlow[site]
	switch {
	case call.IsInvoke():
		step.Verb, step.Via = "may call", "through "+a.typeName(call.Value.Type())
		callees = a.implementations(call)
	case call.StaticCallee() == nil:
		step.Verb, step.Via = "may call", "through a func value"
	}
	for _, g := range callees {
		a.reach(fn, g, step)
	}
}

// outside names the function a call leaves caseflow's code for, in the SDK or the standard
// library, whose code the walk does not follow.
func (a *analysis) outside(call *ssa.CallCommon) (string, bool) {
	if call.IsInvoke() {
		return call.Method.FullName(), !a.own[call.Method.Pkg()]
	}
	g := call.StaticCallee()
	if g == nil || a.walkable(unwrap(g)) || forbidden(g) {
		return "", false
	}
	if obj, ok := g.Object().(*types.Func); ok {
		return obj.FullName(), true
	}
	return a.name(g), true
}

// handOver walks each function a call hands to code outside caseflow as if called there, but
// where the SDK runs it outside workflow code.
func (a *analysis) handOver(fn *ssa.Function, call *ssa.CallCommon, outside string, at token.Position) {
	if notWorkflowCode[outside] {
		return
	}
	for _, arg := range call.Args {
		for _, g := range a.funcValues(arg) {
			a.reach(fn, g, Step{Verb: "hands", Via: "to " + a.names.Replace(outside), At: at})
		}
	}
}

// visitStore walks a function stored in a field of an SDK type, such as an option the SDK will
// call, but where the SDK runs it outside workflow code.
func (a *analysis) visitStore(fn *ssa.Function, store *ssa.Store) {
	addr, ok := store.Addr.(*ssa.FieldAddr)
	if !ok {
		return
	}
	named, ok := types.Unalias(deref(addr.X.Type())).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || a.own[named.Obj().Pkg()] {
		return
	}
	st, ok := named.Underlying().(*types.Struct)
	if !ok {
		return
	}
	field := named.Obj().Pkg().Path() + "." + named.Obj().Name() + "." + st.Field(addr.Field).Name()
	if notWorkflowFields[field] {
		return
	}
	for _, g := range a.funcValues(store.Val) {
		a.reach(fn, g, Step{Verb: "sets", Via: "as " + field, At: a.at(fn, store.Pos())})
	}
}

// report records a forbidden call made by from, once for each place it is made.
func (a *analysis) report(from *ssa.Function, last Step, reads string) {
	key := last.At.String() + " " + reads
	if a.reported[key] {
		return
	}
	a.reported[key] = true
	a.findings = append(a.findings, Finding{Reads: reads, Chain: append(a.chain(from), last)})
}

// chain is how the walk reached fn, from the registered workflow on.
func (a *analysis) chain(fn *ssa.Function) []Step {
	var steps []Step
	for fn != nil {
		l := a.reached[fn]
		steps = append(steps, l.step)
		fn = l.from
	}
	slices.Reverse(steps)
	return steps
}
