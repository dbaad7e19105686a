package workflows

import (
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
)

// CallerVerifier checks that the API vouched for a call (identity.Verifier in the worker).
type CallerVerifier interface {
	Verify(identity.Call, identity.Proof) error
}

// notVouchedFor is what a caller without a valid proof hears: the same for every reason, so a
// forger learns nothing about what is checked.
func notVouchedFor() error {
	return safeguarding.Errorf(safeguarding.EForbidden, "This request did not come through caseflow and was refused.")
}

// verifyStep checks the proof of an update before its validator looks at the case. Validators
// never run on replay, so histories recorded before proofs existed replay as they were.
func (r *run) verifyStep(step safeguarding.Step, req safeguarding.Request, proof identity.Proof) error {
	return r.verify(identity.Call{Operation: step.Name, Subject: r.in.CaseID, Actor: req.Actor, StepID: req.RequestID, Body: req.Body, Flags: RequestFlags(req)}, proof)
}

// RequestFlags are the options of a step request that its proof covers beside its body.
func RequestFlags(req safeguarding.Request) []string {
	if req.KeepWording {
		return []string{"keep-wording"}
	}
	return nil
}

// verifyQuery checks the proof of a query that shows the case to an actor.
func (r *run) verifyQuery(name string, actor safeguarding.Actor, proof identity.Proof) error {
	return r.verify(identity.Call{Operation: name, Subject: r.in.CaseID, Actor: actor}, proof)
}

func (r *run) verify(call identity.Call, proof identity.Proof) error {
	if r.cw.Callers == nil {
		return notVouchedFor()
	}
	if err := r.cw.Callers.Verify(call, proof); err != nil {
		r.logger.Warn("call refused: not vouched for by the API", "case", call.Subject, "operation", call.Operation, "reason", err.Error())
		return notVouchedFor()
	}
	return nil
}
