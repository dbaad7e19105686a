package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/activities"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/workflows/audit"
)

// Destroying a record. Once a manager or the Safeguarding Lead approves it (the
// destruction-approval step), the case workflow starts DestroyRecord as its child, abandoned, under
// a fixed id, and waits, refusing every step. DestroyRecord deletes every run of the case's
// workflow (which ends the case), its record chunks, every run of its access audit and the
// audit's chunks, and its entries in the read model, each by an activity that is idempotent and
// resumes where a crash left it; then, a few minutes later, it sweeps once more for anything an
// access in flight brought back. Last, it writes the destruction into the agency's register: a
// workflow of its own per destroyed record (RegisterEntry), started as DestroyRecord's child so
// that only a destruction writes one, holding no personal data, and never ending, so that no
// retention ever deletes it.

// Names of the destruction and the register.
const (
	DestroyWorkflowName       = "DestroyRecord"
	RegisterEntryWorkflowName = "DestructionRegisterEntry"
	// QueryRegisterEntry returns a register entry to the Safeguarding Lead (RegisterAnswer).
	QueryRegisterEntry = "entry"
	// RegisterSubject is what the API's proof of a register read names as its subject.
	RegisterSubject = "destruction-register"
)

// DestroyID is the workflow id of the destruction of a case's record.
func DestroyID(caseID string) string { return "destroy-" + WorkflowID(caseID) }

// RegisterEntryID is the workflow id of the register entry of a destroyed case.
func RegisterEntryID(caseID string) string { return "destruction-register-" + caseID }

// DestroyInput is what the destruction of a case's record needs.
type DestroyInput struct {
	CaseID    string                   `json:"case_id"`
	Reference string                   `json:"reference"`
	Approval  safeguarding.Destruction `json:"approval"`
	RuleTitle string                   `json:"rule_title"`
	// SweepAfter replaces sweepAfter when set (see Input.SweepAfter).
	SweepAfter time.Duration `json:"sweep_after,omitempty"`
	// Approved is the approval step as the API sent it, with the API's proof of it: nothing is
	// erased unless the proof is the API's (see DestroyRecord).
	Approved vouchedRequest `json:"approved"`
}

// vouchedRequest is a step's request and the API's proof of it.
type vouchedRequest struct {
	Request safeguarding.Request `json:"request"`
	Proof   identity.Proof       `json:"proof"`
}

// RegisterEntry is the destruction register's record of one destroyed case: what was destroyed,
// when, who approved it, under which rule and why. It holds no personal data of the child: the
// case's pseudonymous reference, and not the retention date, from which a date of birth could be
// read back.
type RegisterEntry struct {
	CaseID      string             `json:"case_id"`
	Reference   string             `json:"reference"`
	DestroyedAt time.Time          `json:"destroyed_at"`
	ApprovedAt  time.Time          `json:"approved_at"`
	ApprovedBy  safeguarding.Actor `json:"approved_by"`
	Rule        policy.RecordType  `json:"rule"`
	RuleTitle   string             `json:"rule_title"`
	Reason      string             `json:"reason"`
	// AssumptionsConfirmed counts the assumed dates the approver confirmed.
	AssumptionsConfirmed int `json:"assumptions_confirmed,omitempty"`
	// Destroyed says what was destroyed, in words.
	Destroyed []string `json:"destroyed"`
}

// RegisterAnswer is the answer of a register entry's query.
type RegisterAnswer struct {
	Entry   *RegisterEntry      `json:"entry,omitempty"`
	Refused *safeguarding.Error `json:"refused,omitempty"`
}

// eraseOptions: a destruction must finish. Each erasing activity is retried without limit
// (Temporal down, a worker killed) and heartbeats, so a worker that dies mid-way is replaced
// within a minute, and the retry carries on from what is left.
func eraseOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    time.Minute,
		RetryPolicy:         retryForever,
	})
}

// sweepAfter is how long the destruction waits before looking once more for what an access in
// flight when the record was erased may have brought back (an access record retried by an API
// replica starts a new audit run).
const sweepAfter = 2 * time.Minute

// DestroyRecord destroys a case's record and writes the destruction into the register. Only the
// case's workflow starts it, as its child under the destruction's id.
func (cw *CaseWorkflow) DestroyRecord(ctx workflow.Context, in DestroyInput) error {
	if !identity.StartedAsChildOf(workflow.GetInfo(ctx), WorkflowID(in.CaseID), DestroyID(in.CaseID)) {
		return temporal.NewNonRetryableApplicationError("a record is destroyed only by its case, once its destruction is approved", "NotApprovedByCase", nil)
	}
	logger := workflow.GetLogger(ctx)
	if !cw.approvalVouched(ctx, in) {
		logger.Error("destruction refused: its approval did not come through caseflow's API", "case", in.CaseID)
		return temporal.NewNonRetryableApplicationError("the approval of this destruction did not come through caseflow's API", "NotApprovedByAPI", nil)
	}
	erased, err := eraseRecord(ctx, in.CaseID)
	if err != nil {
		return err
	}
	wait := in.SweepAfter
	if wait <= 0 {
		wait = sweepAfter
	}
	if err := workflow.Sleep(ctx, wait); err != nil {
		return err
	}
	again, err := eraseRecord(ctx, in.CaseID)
	if err != nil {
		return err
	}
	entry := RegisterEntry{
		CaseID: in.CaseID, Reference: in.Reference, DestroyedAt: workflow.Now(ctx),
		ApprovedAt: in.Approval.ApprovedAt, ApprovedBy: in.Approval.ApprovedBy, Rule: in.Approval.Rule, RuleTitle: in.RuleTitle,
		Reason: in.Approval.Reason, AssumptionsConfirmed: len(in.Approval.Confirmed), Destroyed: erased.add(again).words(),
	}
	if err := startAbandoned(ctx, RegisterEntryID(in.CaseID), RegisterEntryWorkflowName, entry); err != nil {
		return fmt.Errorf("write the destruction of %s into the register: %w", in.Reference, err)
	}
	logger.Info("case record destroyed", "case", in.CaseID, "reference", in.Reference, "rule", string(in.Approval.Rule))
	return nil
}

// approvalVouched says whether the API signed the approval the destruction carries: whoever can
// start workflows on the cluster (a case workflow with a made-up state, say) still cannot
// destroy a record, or write the register, without it. The signature is checked once, whenever
// the proof was made, and the verdict recorded, so a replay decides the same.
func (cw *CaseWorkflow) approvalVouched(ctx workflow.Context, in DestroyInput) bool {
	var vouched bool
	err := workflow.SideEffect(ctx, func(workflow.Context) any {
		a, ok := cw.Callers.(interface {
			Authentic(identity.Call, identity.Proof) error
		})
		req := in.Approved.Request
		call := identity.Call{Operation: safeguarding.StepApproveDestruction, Subject: in.CaseID, Actor: req.Actor, StepID: req.RequestID, Body: req.Body, Flags: RequestFlags(req)}
		return ok && req.Step == safeguarding.StepApproveDestruction && req.Actor == in.Approval.ApprovedBy && a.Authentic(call, in.Approved.Proof) == nil
	}).Get(&vouched)
	return err == nil && vouched
}

// erasedCount is what one pass of the destruction erased.
type erasedCount struct {
	caseRuns, chunks, auditRuns, auditChunks int
}

func (e erasedCount) add(o erasedCount) erasedCount {
	return erasedCount{e.caseRuns + o.caseRuns, e.chunks + o.chunks, e.auditRuns + o.auditRuns, e.auditChunks + o.auditChunks}
}

func (e erasedCount) words() []string {
	return []string{
		fmt.Sprintf("the case's workflow: %s, with every step, chase and record in their histories", count(e.caseRuns, "run")),
		fmt.Sprintf("the case's timeline chunks: %d", e.chunks),
		fmt.Sprintf("the case's access log: %s and %s", count(e.auditRuns, "run"), count(e.auditChunks, "chunk")),
		"the case's summary, actions and notifications in the read model",
	}
}

// count says how many of a thing, in words: "1 run", "3 runs".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// eraseRecord erases, in order, the case's workflow (which ends it, so it seals no more chunks
// and projects nothing more), its record chunks, its access audit's head (so the audit seals no
// more chunks) and that audit's chunks, and its read model entries.
func eraseRecord(ctx workflow.Context, caseID string) (erasedCount, error) {
	var out erasedCount
	steps := []struct {
		activity string
		arg      any
		into     *int
	}{
		{activities.EraseWorkflowName, activities.EraseWorkflow{WorkflowID: WorkflowID(caseID)}, &out.caseRuns},
		{activities.EraseSeriesName, activities.EraseSeries{Prefix: RecordChunkSeries(caseID)}, &out.chunks},
		{activities.EraseWorkflowName, activities.EraseWorkflow{WorkflowID: audit.AuditWorkflowID(audit.CaseStream(caseID))}, &out.auditRuns},
		{activities.EraseSeriesName, activities.EraseSeries{Prefix: audit.AuditChunkSeries(audit.CaseStream(caseID))}, &out.auditChunks},
	}
	for _, s := range steps {
		var erased activities.Erased
		if err := workflow.ExecuteActivity(eraseOptions(ctx), s.activity, s.arg).Get(ctx, &erased); err != nil {
			return out, fmt.Errorf("destroy the record of case %s: %w", caseID, err)
		}
		*s.into += erased.Workflows
	}
	if err := workflow.ExecuteActivity(eraseOptions(ctx), activities.EraseCaseReadModelName, caseID).Get(ctx, nil); err != nil {
		return out, fmt.Errorf("destroy the read model of case %s: %w", caseID, err)
	}
	return out, nil
}

// RegisterEntry holds one destruction of the register and answers the Safeguarding Lead's reads
// of it. It never ends. Only the destruction of the same case starts it.
func (cw *CaseWorkflow) RegisterEntry(ctx workflow.Context, entry RegisterEntry) error {
	if !identity.StartedAsChildOf(workflow.GetInfo(ctx), DestroyID(entry.CaseID), RegisterEntryID(entry.CaseID)) {
		return temporal.NewNonRetryableApplicationError("a register entry is written only by the destruction it records", "NotWrittenByDestruction", nil)
	}
	err := workflow.SetQueryHandler(ctx, QueryRegisterEntry, func(actor safeguarding.Actor, proof identity.Proof) (RegisterAnswer, error) {
		if err := cw.verifyRegisterRead(actor, proof); err != nil {
			return RegisterAnswer{Refused: domainError(err)}, nil
		}
		return RegisterAnswer{Entry: &entry}, nil
	})
	if err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return false })
}

// verifyRegisterRead checks that the API vouched for a reader of the register, and that the
// reader is the Safeguarding Lead, whose register it is.
func (cw *CaseWorkflow) verifyRegisterRead(actor safeguarding.Actor, proof identity.Proof) error {
	if cw.Callers == nil || cw.Callers.Verify(identity.Call{Operation: QueryRegisterEntry, Subject: RegisterSubject, Actor: actor}, proof) != nil {
		return notVouchedFor()
	}
	if actor.Role != safeguarding.RoleSafeguardingLead {
		return safeguarding.Errorf(safeguarding.EForbidden, "Only the Safeguarding Lead reads the destruction register.")
	}
	return nil
}

// retentionChange versions what the case workflow does when a closed record's retention date
// passes and when its destruction is approved: the review it opens (a recorded policy deadline)
// and the destruction it starts (a child workflow). It is asked the first time a run needs
// either, so histories recorded before replay without.
const (
	retentionChange         = "records-retention"
	retentionReviews        = 1
	retentionUnknown        = workflow.Version(-2)
	retentionCurrentVersion = retentionReviews
)

// retentionVersion is the run's version of retention, asked once.
func (r *run) retentionVersion(ctx workflow.Context) workflow.Version {
	if r.retention == retentionUnknown {
		r.retention = workflow.GetVersion(ctx, retentionChange, workflow.DefaultVersion, retentionCurrentVersion)
	}
	return r.retention
}

// destroy hands the case's record to its destruction once every handler and side effect has
// finished, and waits, answering queries and refusing steps, for the destruction to end it.
func (r *run) destroy(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && r.inflight == 0 }); err != nil {
		return err
	}
	if r.approval == nil {
		// The approval was applied in an earlier run, which cannot be: the run that applies it
		// hands the record over before it could continue as new.
		r.logger.Error("the approved destruction has no approval to show", "case", r.in.CaseID)
		return workflow.Await(ctx, func() bool { return false })
	}
	in := DestroyInput{CaseID: r.in.CaseID, Reference: r.state.Reference, Approval: *r.state.Destruction, SweepAfter: r.in.SweepAfter, Approved: *r.approval}
	if rt := r.state.Retention; rt != nil {
		in.RuleTitle = rt.Title
	}
	if err := startAbandoned(ctx, DestroyID(r.in.CaseID), DestroyWorkflowName, in); err != nil {
		r.logger.Error("the approved destruction did not start", "case", r.in.CaseID, "error", err)
	} else {
		r.logger.Info("destroying the case's record", "case", r.in.CaseID)
	}
	return workflow.Await(ctx, func() bool { return false })
}
