package workflows

import (
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
)

// registerHandlers registers the step Update and the catch-up Update (and, in a run begun
// before this release, the refused rules upgrade), each with a validator, and the queries. Validators run before anything reaches history: a refused step leaves no trace.
// Updates and the queries that show the case carry the API's proof of who is calling, checked
// before anything else (see callers.go). A run begun before the step Update (steps at
// DefaultVersion, see stepUpdateChange) also takes each step as an Update of the step's name.
//
// A cached run holds its handlers for as long as it is cached, so the step Update's handler and
// validator are the run's methods: nothing is allocated per step.
func (r *run) registerHandlers(ctx workflow.Context, steps workflow.Version) error {
	if steps == workflow.DefaultVersion {
		if err := r.registerUpdatePerStep(ctx); err != nil {
			return err
		}
	}
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateStep, r.applyStep,
		workflow.UpdateHandlerOptions{Validator: r.validateStep})
	if err != nil {
		return err
	}
	if r.start == workflow.DefaultVersion {
		// Histories of runs begun before this release may hold upgrades taken then: the handler
		// replays them, to the rules each recorded (upgradeTarget). A new one is refused (see
		// startChange).
		err = workflow.SetUpdateHandlerWithOptions(ctx, safeguarding.UpgradeRulesStep,
			func(ctx workflow.Context) (safeguarding.Result, error) {
				res := r.state.UpgradeRulesTo(&workflowEnv{ctx: ctx, cw: r.cw}, upgradeTarget(ctx))
				r.wake.signal()
				return res, nil
			},
			workflow.UpdateHandlerOptions{Validator: refuseRulesUpgrade})
		if err != nil {
			return err
		}
	}
	err = workflow.SetUpdateHandlerWithOptions(ctx, UpdateCatchUp, r.catchUp, workflow.UpdateHandlerOptions{Validator: r.validateCatchUp})
	if err != nil {
		return err
	}
	// A slice, not a map: handlers are registered in the same order on every replay.
	queries := []struct {
		name    string
		handler any
	}{
		{QueryCase, func(actor safeguarding.Actor, proof identity.Proof) (CaseAnswer, error) {
			if err := r.verifyQuery(QueryCase, actor, proof); err != nil {
				return CaseAnswer{Refused: domainError(err)}, nil
			}
			v, err := r.state.ViewFor(actor, r.cw.Access, workflow.Now(ctx))
			if err != nil {
				return CaseAnswer{Refused: domainError(err)}, nil
			}
			return CaseAnswer{View: &v}, nil
		}},
		{QueryTimeline, func(actor safeguarding.Actor, proof identity.Proof) (TimelineAnswer, error) {
			if err := r.verifyQuery(QueryTimeline, actor, proof); err != nil {
				return TimelineAnswer{Refused: domainError(err)}, nil
			}
			t, err := r.state.TimelineFor(actor, r.cw.Access)
			if err != nil {
				return TimelineAnswer{Refused: domainError(err)}, nil
			}
			sight := r.state.SightOf(actor, r.cw.Access)
			return TimelineAnswer{Entries: t, Sight: &sight, ArchivedThrough: r.state.ArchivedThrough, ChunkStarts: r.in.ChunkStarts, SealedThrough: r.in.SealedThrough}, nil
		}},
		{QuerySight, func(actor safeguarding.Actor, proof identity.Proof) (SightAnswer, error) {
			if err := r.verifyQuery(QuerySight, actor, proof); err != nil {
				return SightAnswer{Refused: domainError(err)}, nil
			}
			sight := r.state.SightOf(actor, r.cw.Access)
			if !sight.Sees() {
				return SightAnswer{Refused: domainError(safeguarding.NotFound())}, nil
			}
			return SightAnswer{Sight: &sight}, nil
		}},
		{QueryExclusions, func(actor safeguarding.Actor, proof identity.Proof) (ExclusionsAnswer, error) {
			if err := r.verifyQuery(QueryExclusions, actor, proof); err != nil {
				return ExclusionsAnswer{Refused: domainError(err)}, nil
			}
			if !r.state.Opened() {
				return ExclusionsAnswer{Refused: domainError(safeguarding.NotFound())}, nil
			}
			ex := r.state.ExclusionsToSpread()
			return ExclusionsAnswer{Exclusions: &ex}, nil
		}},
		{QuerySummary, func() (Summary, error) {
			if !r.state.Opened() {
				return Summary{}, toApplicationError(safeguarding.NotFound())
			}
			return projection.Of(r.state), nil
		}},
	}
	for _, q := range queries {
		if err := workflow.SetQueryHandler(ctx, q.name, q.handler); err != nil {
			return err
		}
	}
	return nil
}

// registerUpdatePerStep registers an Update named after each step, as the first release did,
// for the runs begun then.
func (r *run) registerUpdatePerStep(ctx workflow.Context) error {
	for _, step := range safeguarding.Steps() {
		err := workflow.SetUpdateHandlerWithOptions(ctx, step.Name,
			func(ctx workflow.Context, req safeguarding.Request, proof identity.Proof) (safeguarding.Result, error) {
				return r.apply(ctx, step, req, proof)
			},
			workflow.UpdateHandlerOptions{
				Validator: func(ctx workflow.Context, req safeguarding.Request, proof identity.Proof) error {
					return r.validate(ctx, step, req, proof)
				},
			})
		if err != nil {
			return err
		}
	}
	return nil
}

// validateStep is the validator of the step Update: the step the request names, then the
// step's own validation.
func (r *run) validateStep(ctx workflow.Context, req safeguarding.Request, proof identity.Proof) error {
	step, err := requestedStep(req)
	if err != nil {
		return toApplicationError(err)
	}
	return r.validate(ctx, step, req, proof)
}

// applyStep runs an accepted step Update.
func (r *run) applyStep(ctx workflow.Context, req safeguarding.Request, proof identity.Proof) (safeguarding.Result, error) {
	step, err := requestedStep(req)
	if err != nil {
		return safeguarding.Result{}, toApplicationError(err)
	}
	return r.apply(ctx, step, req, proof)
}

// requestedStep is the step a request names.
func requestedStep(req safeguarding.Request) (safeguarding.Step, error) {
	if step, ok := safeguarding.StepNamed(req.Step); ok {
		return step, nil
	}
	reason := "missing"
	if req.Step != "" {
		reason = fmt.Sprintf("%q is not a step", req.Step)
	}
	return safeguarding.Step{}, &safeguarding.Error{Code: safeguarding.EInvalid,
		Message: "The request does not name a step caseflow knows.", Fields: map[string]string{"step": reason}}
}

// validate checks a step before it is accepted: the API's proof of who calls, then whether the
// case allows the step now.
func (r *run) validate(ctx workflow.Context, step safeguarding.Step, req safeguarding.Request, proof identity.Proof) error {
	if err := r.verifyStep(step, req, proof); err != nil {
		return toApplicationError(err)
	}
	return toApplicationError(r.state.Check(step, req, workflow.Now(ctx), r.cw.access()))
}

// apply runs an accepted update. Policy lookups go through SideEffect, so the deadlines this
// update sets are recorded in history and replay identically whatever the policy file says later.
// The approval of a record's destruction is kept with the API's proof of it, which the
// destruction checks before it erases anything (see destroy.go).
func (r *run) apply(ctx workflow.Context, step safeguarding.Step, req safeguarding.Request, proof identity.Proof) (safeguarding.Result, error) {
	env := &workflowEnv{ctx: ctx, cw: r.cw}
	if !r.state.Opened() && step.Name == safeguarding.StepRaiseConcern {
		r.state.Reference = r.in.Reference
	}
	res, err := r.state.Apply(step, req, env)
	if err != nil {
		return res, toApplicationError(err)
	}
	if step.Name == safeguarding.StepApproveDestruction && !res.Replayed {
		approved := req
		approved.Step = step.Name // a run begun before the step Update took it by its own name
		r.approval = &vouchedRequest{Request: approved, Proof: proof}
	}
	r.wake.signal()
	return res, nil
}

// CaseAnswer is the answer of the case query: the view, or why the caller may not have it.
// Queries carry refusals in their answer, because a failed query reaches the client only as a
// message, and the API must tell "not found" from a broken worker.
type CaseAnswer struct {
	View    *safeguarding.View  `json:"view,omitempty"`
	Refused *safeguarding.Error `json:"refused,omitempty"`
}

// TimelineAnswer is the answer of the timeline query: the entries the case carries that the
// caller may see, and, when earlier entries were archived, the caller's sight of the case, which
// filters those entries when they are read back from the case's record chunks (starting at the
// entries numbered ChunkStarts, holding those up to SealedThrough) or from earlier runs (those
// after SealedThrough).
type TimelineAnswer struct {
	Entries         []safeguarding.Entry `json:"entries,omitempty"`
	Refused         *safeguarding.Error  `json:"refused,omitempty"`
	Sight           *safeguarding.Sight  `json:"sight,omitempty"`
	ArchivedThrough int                  `json:"archived_through,omitempty"`
	ChunkStarts     []int                `json:"chunk_starts,omitempty"`
	SealedThrough   int                  `json:"sealed_through,omitempty"`
}

// ExclusionsAnswer is the answer of the exclusions query: who the case excludes and which cases
// it is linked to, for the API to exclude the same people from every case of the child.
type ExclusionsAnswer struct {
	Exclusions *safeguarding.CaseExclusions `json:"exclusions,omitempty"`
	Refused    *safeguarding.Error          `json:"refused,omitempty"`
}

// upgradeChange records the rules an upgrade moved a case to: an upgrade recorded before it
// moved the case to the fail-safe rules, and replays so whatever the current rules are.
const upgradeChange = "rules-upgrade-target"

// upgradeTarget is the rules an upgrade moves the case to.
func upgradeTarget(ctx workflow.Context) safeguarding.RulesVersion {
	v := workflow.GetVersion(ctx, upgradeChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent))
	if v == workflow.DefaultVersion {
		return safeguarding.RulesFailSafe
	}
	return safeguarding.RulesVersion(v)
}

// SightAnswer is the answer of the sight query: how the caller stands to the case, or why they
// may not know it exists.
type SightAnswer struct {
	Sight   *safeguarding.Sight `json:"sight,omitempty"`
	Refused *safeguarding.Error `json:"refused,omitempty"`
}

func domainError(err error) *safeguarding.Error {
	var d *safeguarding.Error
	if errors.As(err, &d) {
		return d
	}
	return &safeguarding.Error{Code: safeguarding.EInvalid, Message: err.Error()}
}

// toApplicationError carries a domain error across Temporal: its code becomes the application
// error type, its message and fields travel as the message and details, and the API turns them
// back into the same domain error.
func toApplicationError(err error) error {
	var domain *safeguarding.Error
	if err == nil || !errors.As(err, &domain) {
		return err
	}
	return temporal.NewApplicationErrorWithOptions(domain.Message, string(domain.Code), temporal.ApplicationErrorOptions{
		NonRetryable: true,
		Details:      []any{domain.Fields},
	})
}

// FromApplicationError turns an error returned by an update or query back into the domain error
// it carried, or returns err unchanged.
func FromApplicationError(err error) error {
	var app *temporal.ApplicationError
	if !errors.As(err, &app) {
		return err
	}
	code := safeguarding.ErrorCode(app.Type())
	switch code {
	case safeguarding.EInvalid, safeguarding.EConflict, safeguarding.EForbidden, safeguarding.ENotFound:
	default:
		return err
	}
	domain := &safeguarding.Error{Code: code, Message: app.Message()}
	if app.HasDetails() {
		var fields map[string]string
		if app.Details(&fields) == nil {
			domain.Fields = fields
		}
	}
	return domain
}
