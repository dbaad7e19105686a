package determinism

import (
	"errors"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// walkable reports whether fn is code of the loaded packages, which the walk follows.
func (a *analysis) walkable(fn *ssa.Function) bool {
	return fn.Blocks != nil && a.own[home(fn)]
}

// home is the package whose code fn is: its own, its generic origin's, its enclosing
// function's, or that of the method it wraps.
func home(fn *ssa.Function) *types.Package {
	switch {
	case fn.Pkg != nil:
		return fn.Pkg.Pkg
	case fn.Origin() != nil:
		return home(fn.Origin())
	case fn.Parent() != nil:
		return home(fn.Parent())
	case fn.Object() != nil:
		return fn.Object().Pkg()
	}
	return nil
}

// unwrap is the function a synthetic wrapper calls (a bound method value, a method expression, a
// method promoted to a pointer), or fn itself: chains name the method, not its wrapper.
func unwrap(fn *ssa.Function) *ssa.Function {
	if fn.Synthetic == "" || fn.Pkg != nil || fn.Origin() != nil || fn.Parent() != nil {
		return fn
	}
	var callee *ssa.Function
	for _, b := range fn.Blocks {
		for _, instr := range b.Instrs {
			if call, ok := instr.(ssa.CallInstruction); ok {
				if callee != nil || call.Common().StaticCallee() == nil {
					return fn
				}
				callee = call.Common().StaticCallee()
			}
		}
	}
	if callee == nil {
		return fn
	}
	return callee
}

// funcValues are the functions v may hold: the one it names or closes over or, where the code
// does not show which, every function of its signature whose value the loaded code takes.
func (a *analysis) funcValues(v ssa.Value) []*ssa.Function {
	switch v := v.(type) {
	case *ssa.MakeInterface:
		return a.funcValues(v.X)
	case *ssa.ChangeType:
		return a.funcValues(v.X)
	case *ssa.Function:
		return []*ssa.Function{v}
	case *ssa.MakeClosure:
		return []*ssa.Function{v.Fn.(*ssa.Function)}
	case *ssa.Const:
		return nil
	}
	sig, ok := v.Type().Underlying().(*types.Signature)
	if !ok {
		return nil
	}
	var fns []*ssa.Function
	for _, f := range a.taken {
		if types.Identical(f.Signature, sig) {
			fns = append(fns, f)
		}
	}
	return fns
}

// registeredFunc is the function a registration names. It must be named there: a workflow
// registered through a variable would otherwise go unchecked without a word.
func registeredFunc(v ssa.Value) (*ssa.Function, error) {
	switch v := v.(type) {
	case *ssa.MakeInterface:
		return registeredFunc(v.X)
	case *ssa.Function:
		return unwrap(v), nil
	case *ssa.MakeClosure:
		return unwrap(v.Fn.(*ssa.Function)), nil
	}
	return nil, errors.New("the registered workflow is not a function or method named in the call: name it there, so that the determinism test can follow it")
}
