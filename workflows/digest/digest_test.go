package digest_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/notify/directory"
	"github.com/caseflow/caseflow/notify/mail"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/security/pseudonym"
	"github.com/caseflow/caseflow/workflows/digest"
)

// tuesday0830 is 08:30 UK time on Tuesday 22 December 2026 (GMT).
var tuesday0830 = time.Date(2026, 12, 22, 8, 30, 0, 0, time.UTC)

type fixture struct {
	acts    *digest.Activities
	capture *mail.Capture
	env     *testsuite.TestActivityEnvironment
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	capture := &mail.Capture{}
	keys, err := pseudonym.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	store := readmodel.New(rdb, keys)
	acts := &digest.Activities{
		Directory: directory.Example(), Store: store,
		Postman: &mail.Postman{Sender: capture, Redis: rdb, Keys: keys, Logger: logger},
		Links:   notify.Links{BaseURL: "https://caseflow.agency.example", Domain: "agency.example"},
		Policy:  policy.Default, Logger: logger,
	}
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(logger))
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	project(t, store)
	return &fixture{acts: acts, capture: capture, env: env}
}

// project puts four cases in the read model: two of team north (one an allegation excluded
// mgr-1 from, with a restricted action), one of team south, each with actions overdue, due
// later today and due tomorrow.
func project(t *testing.T, store *readmodel.Store) {
	t.Helper()
	action := func(id, kind, class string, due time.Duration, level int) projection.Action {
		return projection.Action{ID: id, Kind: kind, Class: class, OwnerRole: "social_worker", OwnerUser: "sw-1", Due: tuesday0830.Add(due), Escalation: level}
	}
	for _, s := range []projection.Summary{
		{CaseID: "c-north", Reference: "CF-NORTH1", Version: 1, Team: "north", SocialWorker: "sw-1", LA: "E08000025", Stage: "referral",
			Actions: []projection.Action{
				action("a1", "police-report", "casework", -51*time.Hour, 3),
				action("a2", "nrm-request", "casework", 3*time.Hour, 1),
				action("a3", "care-plan", "care", 30*time.Hour, 0),
			}},
		{CaseID: "c-hidden", Reference: "CF-HIDDEN", Version: 1, Team: "north", SocialWorker: "sw-1", LA: "E08000025", Stage: "referral",
			Excluded: []string{"mgr-1"},
			Actions: []projection.Action{
				action("a1", "restricted", "restricted", -2*time.Hour, 2),
			}},
		{CaseID: "c-south", Reference: "CF-SOUTH1", Version: 1, Team: "south", SocialWorker: "sw-2", LA: "E08000025", Stage: "referral",
			Actions: []projection.Action{
				action("a1", "csc-decision", "casework", -30*time.Minute, 2),
			}},
	} {
		if _, err := store.Project(context.Background(), s); err != nil {
			t.Fatal(err)
		}
	}
}

func (f *fixture) run(t *testing.T, day time.Time) digest.Result {
	t.Helper()
	v, err := f.env.ExecuteActivity(digest.SendName, day)
	if err != nil {
		t.Fatal(err)
	}
	var res digest.Result
	if err := v.Get(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

func (f *fixture) to(addr string) []mail.Captured {
	var out []mail.Captured
	for _, m := range f.capture.Messages() {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

func TestEachReaderGetsWhatTheyMaySee(t *testing.T) {
	f := newFixture(t)
	res := f.run(t, tuesday0830)
	if res.Sent != 4 || res.Skipped != "" || res.Day != "2026-12-22" {
		t.Fatalf("result %+v, want 4 digests sent (mgr-1, mgr-2, lead-1, lead-2)", res)
	}
	north := f.to("mgr-1@agency.example")
	if len(north) != 1 {
		t.Fatalf("mgr-1 got %d digests", len(north))
	}
	text := north[0].Subject + "\n" + north[0].Text
	for _, want := range []string{
		"Morning digest, Tuesday 22 December 2026: 1 overdue, 1 due today (team north)",
		"CF-NORTH1  Report to the police", "late by 2 days 3 hours", "escalated to manager",
		"https://caseflow.agency.example/cases/c-north", "due at 11:30", "reminded",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("mgr-1's digest lacks %q:\n%s", want, text)
		}
	}
	for _, never := range []string{"CF-HIDDEN", "CF-SOUTH1", "Agree the care plan"} {
		if strings.Contains(text, never) {
			t.Errorf("mgr-1's digest shows %q:\n%s", never, text)
		}
	}
	lead := f.to("lead-1@agency.example")
	if len(lead) != 1 {
		t.Fatalf("lead-1 got %d digests", len(lead))
	}
	text = lead[0].Text
	for _, want := range []string{"agency-wide", "CF-NORTH1", "CF-SOUTH1", "late by 30 minutes", "CF-HIDDEN  " + notify.RestrictedTitle} {
		if !strings.Contains(lead[0].Subject+text, want) {
			t.Errorf("the Lead's digest lacks %q:\n%s", want, text)
		}
	}
	if len(f.to("lead-2@agency.example")) != 1 || len(f.to("mgr-2@agency.example")) != 1 {
		t.Error("the deputy or mgr-2 got no digest")
	}
	if len(f.to("duty@agency.example")) != 0 || len(f.to("sw-1@agency.example")) != 0 {
		t.Error("someone who manages no team got a digest")
	}
}

func TestOncePerDay(t *testing.T) {
	f := newFixture(t)
	f.run(t, tuesday0830)
	again := f.run(t, tuesday0830.Add(3*time.Hour)) // a second run the same day (caught up, or by hand)
	if again.Sent != 0 || again.AlreadySent != 4 {
		t.Fatalf("second run of the day: %+v", again)
	}
	next := f.run(t, tuesday0830.Add(24*time.Hour))
	if next.Sent != 4 {
		t.Fatalf("next day: %+v", next)
	}
	if n := len(f.capture.Messages()); n != 8 {
		t.Errorf("%d digests in two days, want 8", n)
	}
}

func TestNoDigestOnABankHolidayOrAWeekend(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		day  time.Time
		want string
	}{
		{time.Date(2026, 12, 25, 8, 30, 0, 0, time.UTC), "bank holiday: Christmas Day"},
		{time.Date(2026, 12, 28, 8, 30, 0, 0, time.UTC), "bank holiday: Boxing Day"},
		{time.Date(2026, 12, 26, 8, 30, 0, 0, time.UTC), "weekend"},
	} {
		if res := f.run(t, tc.day); res.Skipped != tc.want || res.Sent != 0 {
			t.Errorf("%s: %+v, want skipped for %q", tc.day.Format(time.DateOnly), res, tc.want)
		}
	}
	if n := len(f.capture.Messages()); n != 0 {
		t.Errorf("%d digests sent on days off", n)
	}
}

// TestTheWorkflowSendsTheScheduledDay: a run the schedule started late (caught up after an
// outage) sends the digest of the day it was scheduled for.
func TestTheWorkflowSendsTheScheduledDay(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(tuesday0830.Add(26 * time.Hour)) // Wednesday 10:30
	if err := env.SetTypedSearchAttributesOnStart(temporal.NewSearchAttributes(
		temporal.NewSearchAttributeKeyTime("TemporalScheduledStartTime").ValueSet(tuesday0830))); err != nil {
		t.Fatal(err)
	}
	var asked time.Time
	env.RegisterWorkflowWithOptions(digest.Workflow, workflow.RegisterOptions{Name: digest.WorkflowName})
	env.RegisterActivityWithOptions(func(_ context.Context, day time.Time) (digest.Result, error) {
		asked = day
		return digest.Result{Day: day.Format(time.DateOnly)}, nil
	}, activity.RegisterOptions{Name: digest.SendName})
	env.ExecuteWorkflow(digest.WorkflowName)
	if err := env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}
	if !asked.Equal(tuesday0830) {
		t.Errorf("the workflow sent the digest of %s, want the scheduled %s", asked, tuesday0830)
	}
}
