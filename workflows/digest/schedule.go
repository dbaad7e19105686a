package digest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// ScheduleID names the Temporal Schedule of the morning digest.
const ScheduleID = "caseflow-morning-digest"

// The schedule's policies.
const (
	// CatchupWindow: after an outage, a digest missed this morning is still sent if the cluster is
	// back within this window of its time; later, it would be no morning digest.
	CatchupWindow = 4 * time.Hour
	// Overlap: a run still going at the next one's time (a mail server down all day) is not
	// joined by another; the next day's run starts afresh.
	Overlap = enumspb.SCHEDULE_OVERLAP_POLICY_SKIP
)

// DefaultAt is when the digest goes, UK time.
const DefaultAt = "08:30"

// ParseAt reads a UK clock time written 08:30.
func ParseAt(s string) (hour, minute int, err error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, 0, fmt.Errorf("%q is not a time of day written like 08:30", s)
	}
	return t.Hour(), t.Minute(), nil
}

// Spec is the digest's calendar: Monday to Friday at hour:minute, UK time. Bank holidays are
// left to the workflow, which knows them from the policy's calendar.
func Spec(hour, minute int) client.ScheduleSpec {
	return client.ScheduleSpec{
		Calendars: []client.ScheduleCalendarSpec{{
			Hour:      []client.ScheduleRange{{Start: hour}},
			Minute:    []client.ScheduleRange{{Start: minute}},
			DayOfWeek: []client.ScheduleRange{{Start: 1, End: 5}},
			Comment:   "caseflow morning digest, working days (bank holidays are skipped by the workflow)",
		}},
		TimeZoneName: "Europe/London",
	}
}

// EnsureSchedule creates the digest's schedule, or brings an existing one to the time at (such
// as "08:30"; empty is DefaultAt) and the policies above, and says which it did. It is idempotent: `caseflow dev`
// calls it at every start, and a deployment's setup before every release.
func EnsureSchedule(ctx context.Context, c client.Client, taskQueue, at string) (string, error) {
	if at == "" {
		at = DefaultAt
	}
	hour, minute, err := ParseAt(at)
	if err != nil {
		return "", err
	}
	spec := Spec(hour, minute)
	opts := client.ScheduleOptions{
		ID:   ScheduleID,
		Spec: spec,
		Action: &client.ScheduleWorkflowAction{
			ID: "morning-digest", Workflow: WorkflowName, TaskQueue: taskQueue,
			WorkflowExecutionTimeout: 12 * time.Hour,
		},
		Overlap:       Overlap,
		CatchupWindow: CatchupWindow,
		Note:          "created by caseflow",
	}
	_, err = c.ScheduleClient().Create(ctx, opts)
	if err == nil {
		return fmt.Sprintf("created: working days at %02d:%02d UK time", hour, minute), nil
	}
	if !errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return "", fmt.Errorf("create the morning digest schedule: %w", err)
	}
	h := c.ScheduleClient().GetHandle(ctx, ScheduleID)
	desc, err := h.Describe(ctx)
	if err != nil {
		return "", fmt.Errorf("describe the morning digest schedule: %w", err)
	}
	if matches(desc.Schedule, spec, taskQueue) {
		return "unchanged", nil
	}
	err = h.Update(ctx, client.ScheduleUpdateOptions{DoUpdate: func(in client.ScheduleUpdateInput) (*client.ScheduleUpdate, error) {
		s := in.Description.Schedule
		s.Spec, s.Action = &spec, opts.Action
		s.Policy = &client.SchedulePolicies{Overlap: Overlap, CatchupWindow: CatchupWindow}
		return &client.ScheduleUpdate{Schedule: &s}, nil
	}})
	if err != nil {
		return "", fmt.Errorf("update the morning digest schedule: %w", err)
	}
	return fmt.Sprintf("updated: working days at %02d:%02d UK time", hour, minute), nil
}

// matches reports whether an existing schedule already does what EnsureSchedule would set.
func matches(s client.Schedule, spec client.ScheduleSpec, taskQueue string) bool {
	if s.Spec == nil || s.Policy == nil || len(s.Spec.Calendars) != 1 || s.Spec.TimeZoneName != spec.TimeZoneName {
		return false
	}
	got, want := s.Spec.Calendars[0], spec.Calendars[0]
	action, ok := s.Action.(*client.ScheduleWorkflowAction)
	return ok && action.TaskQueue == taskQueue && sameRanges(got.Hour, want.Hour) && sameRanges(got.Minute, want.Minute) &&
		sameRanges(got.DayOfWeek, want.DayOfWeek) && s.Policy.Overlap == Overlap && s.Policy.CatchupWindow == CatchupWindow
}

// sameRanges compares ranges as the server keeps them: an end of 0 is the start, a step of 0 is 1.
func sameRanges(a, b []client.ScheduleRange) bool {
	norm := func(rs []client.ScheduleRange) []client.ScheduleRange {
		out := make([]client.ScheduleRange, len(rs))
		for i, r := range rs {
			out[i] = client.ScheduleRange{Start: r.Start, End: max(r.End, r.Start), Step: max(r.Step, 1)}
		}
		return out
	}
	return slices.Equal(norm(a), norm(b))
}
