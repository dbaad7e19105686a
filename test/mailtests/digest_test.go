package mailtests

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/test/smtptest"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/digest"
)

// TestDigestScheduleRunsOncePerWorkingDay checks the morning digest's real Temporal Schedule on
// the embedded server: dev created it at start (working days, 08:30 UK time, runs that would
// overlap skipped, a missed morning caught up for four hours); setting it up again changes
// nothing. A schedule cannot be time-skipped, so the test backfills it over the Christmas
// fortnight of 2025, as the server does after an outage: the schedule starts a run for every
// weekday, the workflows send each manager and Lead one digest for each working day, none on
// Christmas Day, Boxing Day or New Year's Day; backfilling the same fortnight again sends nothing
// more.
func TestDigestScheduleRunsOncePerWorkingDay(t *testing.T) {
	srv := startSMTP(t)
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 2, Mail: mailConfig(srv.Addr(), srv.ClientTLS)})
	ctx := context.Background()
	c := env.App.Temporal
	handle := c.ScheduleClient().GetHandle(ctx, digest.ScheduleID)
	desc, err := handle.Describe(ctx)
	if err != nil {
		t.Fatalf("dev did not create the digest's schedule: %v", err)
	}
	spec := desc.Schedule.Spec
	if cal := spec.Calendars; spec.TimeZoneName != "Europe/London" || len(cal) != 1 || cal[0].Hour[0].Start != 8 || cal[0].Minute[0].Start != 30 ||
		cal[0].DayOfWeek[0] != (client.ScheduleRange{Start: 1, End: 5, Step: 1}) {
		t.Errorf("schedule spec %+v, want Monday to Friday at 08:30 UK time", spec)
	}
	if p := desc.Schedule.Policy; p.Overlap != enumspb.SCHEDULE_OVERLAP_POLICY_SKIP || p.CatchupWindow != digest.CatchupWindow {
		t.Errorf("schedule policies %+v", p)
	}
	if outcome, err := digest.EnsureSchedule(ctx, c, workflows.TaskQueue, "08:30"); err != nil || outcome != "unchanged" {
		t.Errorf("setting the schedule up again: %q %v", outcome, err)
	}
	if outcome, err := digest.EnsureSchedule(ctx, c, workflows.TaskQueue, "09:15"); err != nil || !strings.HasPrefix(outcome, "updated") {
		t.Errorf("moving the digest to 09:15: %q %v", outcome, err)
	}
	if desc, err := handle.Describe(ctx); err != nil || desc.Schedule.Spec.Calendars[0].Hour[0].Start != 9 || desc.Schedule.Spec.Calendars[0].Minute[0].Start != 15 {
		t.Errorf("the schedule was not moved to 09:15: %v", err)
	}
	if _, err := digest.EnsureSchedule(ctx, c, workflows.TaskQueue, "08:30"); err != nil {
		t.Fatal(err)
	}

	from, to := time.Date(2025, 12, 22, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)
	const weekdays, workingDays, readers = 10, 7, 3 // readers: mgr-1, lead-1 and deputy lead-2
	backfill := func(runs int) {
		t.Helper()
		err := handle.Backfill(ctx, client.ScheduleBackfillOptions{Backfill: []client.ScheduleBackfill{
			{Start: from, End: to, Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL},
		}})
		if err != nil {
			t.Fatal(err)
		}
		testenv.Eventually(t, 2*time.Minute, fmt.Sprintf("%d digest runs completed", runs), func() bool {
			return completedDigests(t, c) >= runs
		})
	}
	backfill(weekdays)
	days := digestDays(srv, from, to)
	want := []string{"2025-12-22", "2025-12-23", "2025-12-24", "2025-12-29", "2025-12-30", "2025-12-31", "2026-01-02"}
	if got := sortedKeys(days); !slices.Equal(got, want) {
		t.Errorf("digests went on %v, want the working days %v", got, want)
	}
	for day, n := range days {
		if n != readers {
			t.Errorf("%s: %d digests, want one for each of the %d managers and Leads", day, n, readers)
		}
	}
	sent := len(srv.Messages())
	if sent != workingDays*readers {
		t.Errorf("%d messages, want %d", sent, workingDays*readers)
	}

	backfill(2 * weekdays)
	if again := len(srv.Messages()); again != sent {
		t.Errorf("backfilling the fortnight again sent %d more messages, want none", again-sent)
	}
	for _, m := range srv.Messages() {
		for _, name := range names {
			if strings.Contains(m.Raw+m.Subject+m.Body, name) {
				t.Errorf("a digest holds %q", name)
			}
		}
	}
}

// completedDigests counts the digest runs that have completed.
func completedDigests(t *testing.T, c client.Client) int {
	t.Helper()
	resp, err := c.CountWorkflow(context.Background(), &workflowservice.CountWorkflowExecutionsRequest{
		Query: fmt.Sprintf("WorkflowType = '%s' AND ExecutionStatus = 'Completed'", digest.WorkflowName),
	})
	if err != nil {
		t.Fatal(err)
	}
	return int(resp.GetCount())
}

// digestDays counts the digests of each day between from and to, by the date in their subject.
func digestDays(srv *smtptest.Server, from, to time.Time) map[string]int {
	days := map[string]int{}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		title := "Morning digest, " + d.Format("Monday 2 January 2006") + ":"
		for _, m := range srv.Messages() {
			if strings.HasPrefix(m.Subject, title) {
				days[d.Format(time.DateOnly)]++
			}
		}
	}
	return days
}

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
