// Package digest sends the morning digest: each working day at a set time (08:30 UK time by
// default), every team manager gets one email listing their teams' overdue and due-today actions,
// and the Safeguarding Leads and deputies the agency-wide one. Lines give a case's reference,
// the action's title (never an allegation's), how late it is and a link; no names, and never a
// case the reader was excluded from.
//
// A Temporal Schedule (EnsureSchedule) starts the digest workflow, so it survives restarts and a
// missed morning is caught up within a window. The workflow reads the day from the schedule's
// nominal time, skips weekends and bank holidays by the policy's calendar, and sends each
// person's digest once per day however often it runs (mail.Postman).
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
