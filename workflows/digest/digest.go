package digest

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// Names registered on the worker.
const (
	WorkflowName = "MorningDigest"
	SendName     = "SendDigests"
)

// Result is what one morning's run did.
type Result struct {
	// Day is the UK date of the digest, such as 2026-12-01.
	Day string `json:"day"`
	// Skipped says why nothing was sent (a weekend, a bank holiday); empty when sent.
	Skipped string `json:"skipped,omitempty"`
	// Sent counts digests sent by this run; AlreadySent those an earlier run of the day had sent.
	Sent        int `json:"sent"`
	AlreadySent int `json:"already_sent"`
	// Unaddressed lists, by user id, the managers and Leads the directory holds no address for.
	Unaddressed []string `json:"unaddressed,omitempty"`
}

// scheduledStart is the search attribute a Schedule sets on the workflows it starts: the time
// the run was scheduled for, also when it runs late (caught up after an outage, or backfilled).
var scheduledStart = temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime")

// Workflow sends the digest of the day it was scheduled for. Started by hand (no schedule), it
// sends today's.
func Workflow(ctx workflow.Context) (Result, error) {
	day := workflow.Now(ctx)
	if nominal, ok := workflow.GetTypedSearchAttributes(ctx).GetTime(scheduledStart); ok && !nominal.IsZero() {
		day = nominal
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    30 * time.Second,
		// A digest that has not gone by the afternoon is no morning digest.
		ScheduleToCloseTimeout: 6 * time.Hour,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute},
	})
	var res Result
	err := workflow.ExecuteActivity(ctx, SendName, day).Get(ctx, &res)
	return res, err
}
