package determinism

import (
	"cmp"
	"go/types"
	"slices"

	"golang.org/x/tools/go/ssa"
)

// hierarchy resolves calls through interfaces by class hierarchy (CHA): a call may reach the
// method of every type that implements the interface, among the loaded packages' types and the
// types their code converts to interfaces. Which implementation a worker holds is decided where
// it starts; a walk that trusted the flow of values would miss one set where it cannot see, as
// in a test's fake or a configuration read at run time.
type hierarchy struct {
	methods map[string][]*ssa.Function // by the method's id
	memo    map[ifaceMethod][]*ssa.Function
}

// ifaceMethod is a method of an interface type, as a call through it names it.
type ifaceMethod struct {
	iface *types.Interface
	id    string
}

func (a *analysis) newHierarchy() *hierarchy {
	h := &hierarchy{methods: map[string][]*ssa.Function{}, memo: map[ifaceMethod][]*ssa.Function{}}
	seen := map[*ssa.Function]bool{}
	add := func(m *ssa.Function) {
		if obj, ok := m.Object().(*types.Func); ok && m.Signature.Recv() != nil && !seen[m] {
			seen[m] = true
			h.methods[obj.Id()] = append(h.methods[obj.Id()], m)
		}
	}
	for _, fn := range a.funcs {
		add(fn)
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				if mi, ok := instr.(*ssa.MakeInterface); ok {
					for _, m := range a.methodsOf(deref(mi.X.Type())) {
						add(m)
					}
				}
			}
		}
	}
	return h
}

// implementations are the methods a call through an interface may reach, in a fixed order.
func (h *hierarchy) implementations(call *ssa.CallCommon) []*ssa.Function {
	iface := call.Value.Type().Underlying().(*types.Interface)
	key := ifaceMethod{iface, call.Method.Id()}
	if ms, ok := h.memo[key]; ok {
		return ms
	}
	var ms []*ssa.Function
	for _, m := range h.methods[key.id] {
		if types.Implements(m.Signature.Recv().Type(), iface) {
			ms = append(ms, m)
		}
	}
	slices.SortFunc(ms, func(f, g *ssa.Function) int { return cmp.Compare(f.String(), g.String()) })
	h.memo[key] = ms
	return ms
}
