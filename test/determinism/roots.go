package determinism

import (
	"fmt"
	"go/token"

	"golang.org/x/tools/go/ssa"
)

// root is a function registered as a workflow, and where.
type root struct {
	fn *ssa.Function
	at token.Pos
}

// registeredWorkflows finds every function caseflow's code registers as a workflow, each once,
// in a fixed order.
func (a *analysis) registeredWorkflows() ([]root, error) {
	var roots []root
	seen := map[*ssa.Function]bool{}
	for _, fn := range a.funcs {
		for _, b := range fn.Blocks {
			for _, instr := range b.Instrs {
				call, ok := instr.(ssa.CallInstruction)
				if !ok {
					continue
				}
				v, ok := registersWorkflow(call.Common())
				if !ok {
					continue
				}
				wf, err := registeredFunc(v)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", a.position(call.Pos()), err)
				}
				if !seen[wf] {
					seen[wf] = true
					roots = append(roots, root{fn: wf, at: call.Pos()})
				}
			}
		}
	}
	return roots, nil
}
