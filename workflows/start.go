package workflows

import (
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
)

// startChange versions what a run takes from its start, and how a case reaches the current
// safeguarding rules. It is asked first in every run, so its answer says which release began
// the run: DefaultVersion for a run begun before it (and every history recorded then), which
// replays as it ran.
//
// From version 1 (startTrusted):
//   - a run takes a state and an archive from its input only when it continues its own
//     workflow (identity.ContinuedByItself), and its case id and reference from its workflow id
//     (see trustedInput);
//   - a continued case that follows older rules moves itself to the current ones as the run
//     starts (moveToCurrentRules), and no client can move it (the upgrade-rules Update is no
//     longer registered);
//   - a run begun by an earlier release takes the catch-up Update (UpdateCatchUp), which
//     carries nothing and only makes it continue as new: the case goes on in a run of this
//     release.
const (
	startChange         = "trusted-start"
	startTrusted        = 1
	startCurrentVersion = startTrusted
)

// trustedInput is what a run of this release takes from its input: only what a client cannot
// have written.
//
// The case is the one the workflow id names (WorkflowID), whatever the input says: the API
// addresses case-<id> and signs its calls for <id>, so a start naming another case under this
// id could otherwise take calls signed for that case, or write its summary to the read model.
// A workflow id that is not a case's (the SDK's replayer and test environment use their own)
// leaves the input's case id; the API never addresses such a workflow.
//
// A state and an archive are taken only from the run's own continue-as-new. Only the Temporal
// server links a run to the one it continues, and the API starts every case empty (the first
// concern arrives as a signed Update), so a fresh start that brings a state was written by a
// client: an old input copied from history, say, which would roll the case back to before an
// allegation. Such a start is ignored, not refused. The run begins as an empty case that waits
// for its first concern and ends quietly if none comes (unopenedLifetime), exactly as a start
// made by the API; nothing the forger wrote survives, and nothing depends on the forged input.
// Refusing (failing the run) would take nothing more from a forger, but would cost a real
// user: the API's Update-with-Start joins a run already started under the same id
// (USE_EXISTING), so a concern sent while a failed start held the id would be lost with it,
// where an empty run takes it.
func trustedInput(ctx workflow.Context, in Input) Input {
	info := workflow.GetInfo(ctx)
	logger := workflow.GetLogger(ctx)
	if id, ok := strings.CutPrefix(info.WorkflowExecution.ID, WorkflowID("")); ok {
		if in.CaseID != id {
			logger.Warn("case started naming another case: its workflow id decides", "case", id)
		}
		in.CaseID, in.Reference = id, ReferenceFor(id)
	}
	if !identity.ContinuedByItself(info) {
		if in.State != nil || len(in.Archive) > 0 {
			logger.Warn("case started with a state it did not carry itself: the state is ignored", "case", in.CaseID)
		}
		in.State, in.Archive = nil, nil
	}
	return in
}

// moveToCurrentRules moves a case that follows older rules to the current ones as a run of this
// release starts: nobody asks for it, and nothing a client sends can do it (see startChange). A
// new case already follows the current rules; a continued one carries the rules it followed.
// The rules it moves to are recorded (upgradeTarget): replayed when later rules are current, the
// run moves as far as it did, and a run recorded before the target was recorded moves no further
// than the fail-safe rules that were current then.
func (r *run) moveToCurrentRules(ctx workflow.Context) {
	if r.start < startTrusted || !r.state.Opened() || r.state.Rules >= safeguarding.RulesCurrent {
		return
	}
	to := upgradeTarget(ctx)
	if r.state.Rules >= to {
		return
	}
	from := r.state.Rules
	r.state.UpgradeRulesTo(&workflowEnv{ctx: ctx, cw: r.cw}, to)
	r.logger.Info("case moved to the current rules", "case", r.state.ID, "from", int(from), "to", int(r.state.Rules))
}

// validateCatchUp accepts the catch-up Update only from a run that holds a case and was begun by
// an earlier release, or follows rules older than the current ones (a release that raised them
// since): any other is refused, leaving no trace in history.
func (r *run) validateCatchUp(workflow.Context) error {
	switch {
	case !r.state.Opened():
		return toApplicationError(safeguarding.NotFound())
	case r.renew || r.start >= startCurrentVersion && r.state.Rules >= safeguarding.RulesCurrent:
		return toApplicationError(safeguarding.Errorf(safeguarding.EConflict, "This case already runs on the current release."))
	}
	return nil
}

// catchUp makes the run continue as new once its handlers and side effects are done. It changes
// nothing of the case: the next run carries the same state, and what it does then (move to the
// current rules) is this release's code, not the caller's.
func (r *run) catchUp(workflow.Context) (safeguarding.Result, error) {
	r.renew = true
	r.wake.signal()
	return safeguarding.Result{CaseID: r.state.ID, Revision: r.state.Revision}, nil
}

// refuseRulesUpgrade is the validator of the upgrade-rules Update of runs begun before this
// release, which keep its handler so that histories holding one replay: a case moves to the
// current rules only by itself.
func refuseRulesUpgrade(workflow.Context) error {
	return toApplicationError(safeguarding.Errorf(safeguarding.EForbidden,
		"A case moves to the current rules by itself when this release runs it; the upgrade is not taken from a client."))
}
