package determinism

import (
	"go/token"
	"go/types"

	"golang.org/x/tools/go/ssa"
)

// identityPath is the package of caseflow's proofs of who calls. Its Verifier and Signer read
// the wall clock through a func-typed field, Now.
const identityPath = "github.com/caseflow/caseflow/security/identity"

// Functions whose answer differs from one run of the same workflow to the next: a replay would
// take another path than the history it replays.
var (
	forbiddenTime = map[string]bool{
		"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true, "Tick": true,
		"NewTimer": true, "NewTicker": true, "AfterFunc": true,
	}
	// Every function of these packages, but the constructors of math/rand: a generator seeded
	// with a value the workflow recorded (SideEffect) draws the same numbers on every replay.
	forbiddenPackages = map[string]bool{"math/rand": true, "math/rand/v2": true, "crypto/rand": true}
	randConstructors  = map[string]bool{
		"New": true, "NewSource": true, "NewPCG": true, "NewChaCha8": true, "NewZipf": true,
	}
	forbiddenEnv = map[string]bool{"Getenv": true, "LookupEnv": true, "Environ": true}
	// The methods of identity that read the clock in their Now field. Verify is for validators
	// and query handlers; workflow code uses VerifyAt with workflow.Now, or Authentic.
	forbiddenIdentity = map[string]bool{"(*" + identityPath + ".Verifier).Verify": true, "(*" + identityPath + ".Signer).Sign": true}
)

// forbidden reports whether a call of fn reads what workflow code may not.
func forbidden(fn *ssa.Function) bool {
	if o := fn.Origin(); o != nil {
		fn = o
	}
	obj, ok := fn.Object().(*types.Func)
	if !ok || obj.Pkg() == nil {
		return false
	}
	if obj.Signature().Recv() != nil {
		return forbiddenIdentity[obj.FullName()]
	}
	switch path, name := obj.Pkg().Path(), obj.Name(); {
	case path == "time":
		return forbiddenTime[name]
	case path == "os":
		return forbiddenEnv[name]
	case forbiddenPackages[path]:
		return path == "crypto/rand" || !randConstructors[name]
	}
	return false
}

// clockField names the clock a call reads when it calls the func value held in the Now field of
// an identity.Verifier or identity.Signer, such as "identity.Verifier.Now"; "" for any other call.
func clockField(call *ssa.CallCommon) string {
	var (
		base  types.Type
		field int
	)
	switch v := call.Value.(type) {
	case *ssa.UnOp: // (*v).Now, read through a pointer
		addr, ok := v.X.(*ssa.FieldAddr)
		if !ok || v.Op != token.MUL {
			return ""
		}
		base, field = deref(addr.X.Type()), addr.Field
	case *ssa.Field: // v.Now, read from a value
		base, field = v.X.Type(), v.Field
	default:
		return ""
	}
	named, ok := types.Unalias(base).(*types.Named)
	if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != identityPath {
		return ""
	}
	if name := named.Obj().Name(); name == "Verifier" || name == "Signer" {
		if st, ok := named.Underlying().(*types.Struct); ok && st.Field(field).Name() == "Now" {
			return "identity." + name + ".Now"
		}
	}
	return ""
}

// deref is the type a pointer points to, or t itself.
func deref(t types.Type) types.Type {
	if p, ok := t.Underlying().(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}
