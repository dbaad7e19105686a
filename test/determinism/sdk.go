package determinism

import (
	"go/types"
	"strings"

	"golang.org/x/tools/go/ssa"
)

// sdkPath is the module of Temporal's Go SDK.
const sdkPath = "go.temporal.io/sdk"

// notWorkflowCode lists the SDK functions that run the functions handed to them outside workflow
// code, or not at all: SideEffect and MutableSideEffect record what their function returns and
// never run it on replay; query handlers change nothing; activities are named, not called.
var notWorkflowCode = map[string]bool{
	"go.temporal.io/sdk/workflow.SideEffect":                 true,
	"go.temporal.io/sdk/workflow.MutableSideEffect":          true,
	"go.temporal.io/sdk/workflow.SetQueryHandler":            true,
	"go.temporal.io/sdk/workflow.SetQueryHandlerWithOptions": true,
	"go.temporal.io/sdk/workflow.ExecuteActivity":            true,
	"go.temporal.io/sdk/workflow.ExecuteLocalActivity":       true,
}

// notWorkflowFields lists the fields of SDK types whose functions run outside workflow code:
// an update's validator runs before the update reaches history, and never on replay. The types
// are named where the SDK declares them: workflow.UpdateHandlerOptions is an alias.
var notWorkflowFields = map[string]bool{
	"go.temporal.io/sdk/internal.UpdateHandlerOptions.Validator": true,
}

// registersWorkflow reports whether call registers a workflow with a worker, a replayer or any
// other registry of the SDK, and returns the registered function's argument.
func registersWorkflow(call *ssa.CallCommon) (ssa.Value, bool) {
	name, args := "", call.Args
	switch {
	case call.IsInvoke():
		name = call.Method.FullName()
	case call.StaticCallee() != nil && call.Signature().Recv() != nil:
		method, ok := call.StaticCallee().Object().(*types.Func)
		if !ok {
			return nil, false
		}
		name, args = method.FullName(), args[1:]
	default:
		return nil, false
	}
	if !strings.HasPrefix(name, "("+sdkPath+"/") || len(args) == 0 {
		return nil, false
	}
	if strings.HasSuffix(name, ".RegisterWorkflow") || strings.HasSuffix(name, ".RegisterWorkflowWithOptions") {
		return args[0], true
	}
	return nil, false
}
