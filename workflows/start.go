package workflows

import (
	"strings"

	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/identity"
)

// startChange versions what a run takes from its start. It is asked first in every run, so its
// answer says which release began the run: DefaultVersion for a run begun before it (and every
// history recorded then), which replays as it ran. From version 1 (startTrusted) a run takes a
// state and an archive from its input only when it continues its own workflow
// (identity.ContinuedByItself), and its case id and reference from its workflow id (see
// trustedInput).
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
