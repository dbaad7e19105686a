package workflows

import (
	"errors"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/activities"
	"github.com/caseflow/caseflow/safeguarding"
)

// registerHandlers registers one Workflow Update per step, each with a validator, and the
// queries. Validators run before anything reaches history: a refused step leaves no trace.
func (r *run) registerHandlers(ctx workflow.Context) error {
	for _, step := range safeguarding.Steps() {
		err := workflow.SetUpdateHandlerWithOptions(ctx, step.Name,
			func(ctx workflow.Context, req safeguarding.Request) (safeguarding.Result, error) {
				return r.apply(ctx, step, req)
			},
			workflow.UpdateHandlerOptions{
				Validator: func(ctx workflow.Context, req safeguarding.Request) error {
					return toApplicationError(r.state.Check(step, req, workflow.Now(ctx), r.cw.Access))
				},
			})
		if err != nil {
			return err
		}
	}
	queries := map[string]any{
		QueryCase: func(actor safeguarding.Actor) (safeguarding.View, error) {
			v, err := r.state.ViewFor(actor, r.cw.Access, workflow.Now(ctx))
			return v, toApplicationError(err)
		},
		QueryTimeline: func(actor safeguarding.Actor) ([]safeguarding.Entry, error) {
			t, err := r.state.TimelineFor(actor, r.cw.Access)
			return t, toApplicationError(err)
		},
		QuerySummary: func() (Summary, error) {
			if !r.state.Opened() {
				return Summary{}, toApplicationError(safeguarding.Errorf(safeguarding.ENotFound, "case not opened"))
			}
			return activities.SummaryOf(r.state), nil
		},
	}
	for name, handler := range queries {
		if err := workflow.SetQueryHandler(ctx, name, handler); err != nil {
			return err
		}
	}
	return nil
}

// apply runs an accepted update. Policy lookups go through SideEffect, so the deadlines this
// update sets are recorded in history and replay identically whatever the policy file says later.
func (r *run) apply(ctx workflow.Context, step safeguarding.Step, req safeguarding.Request) (safeguarding.Result, error) {
	env := &workflowEnv{ctx: ctx, cw: r.cw}
	if !r.state.Opened() && step.Name == safeguarding.StepRaiseConcern {
		r.state.Reference = r.in.Reference
	}
	res, err := r.state.Apply(step, req, env)
	if err != nil {
		return res, toApplicationError(err)
	}
	r.wake.signal()
	return res, nil
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
