package metrics

import (
	"context"
	"errors"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
)

// SideEffects returns a worker interceptor that counts every failed attempt of an activity,
// local or not, by activity type and whether it is permanent (a non-retryable error: retrying
// can never help, so someone has to look).
func (m *Metrics) SideEffects() interceptor.WorkerInterceptor {
	return &sideEffects{m: m}
}

type sideEffects struct {
	interceptor.WorkerInterceptorBase
	m *Metrics
}

func (s *sideEffects) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &countFailures{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}, m: s.m}
}

type countFailures struct {
	interceptor.ActivityInboundInterceptorBase
	m *Metrics
}

func (c *countFailures) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	out, err := c.Next.ExecuteActivity(ctx, in)
	if err != nil {
		c.m.SideEffectFailed(activity.GetInfo(ctx).ActivityType.Name, permanent(err))
	}
	return out, err
}

// permanent reports whether err is an application error marked non-retryable.
func permanent(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && app.NonRetryable()
}
