package notify_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/notify/directory"
	"github.com/caseflow/caseflow/notify/mail"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/pseudonym"
)

// outbox is a mail.Sender that keeps messages and can fail for chosen addresses.
type outbox struct {
	mu     sync.Mutex
	sent   []mail.Message
	refuse map[string]bool
	down   bool
	tries  int
}

func (o *outbox) Send(_ context.Context, m mail.Message) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.tries++
	if o.down {
		return &mail.SendError{MessageID: m.ID, Step: "dial tcp: connection refused"}
	}
	if o.refuse[m.To] {
		return &mail.SendError{MessageID: m.ID, Code: 550, Step: "sending SMTP RCPT TO command", Refused: true}
	}
	o.sent = append(o.sent, m)
	return nil
}

func (o *outbox) to(addr string) []mail.Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []mail.Message
	for _, m := range o.sent {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

type fixture struct {
	emailer *notify.Emailer
	out     *outbox
	inbox   *notify.Inbox
	tally   *mail.Tally
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	out := &outbox{refuse: map[string]bool{}}
	tally := &mail.Tally{}
	keys, err := pseudonym.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	inbox := notify.NewInbox(rdb, keys, logger)
	return &fixture{out: out, inbox: inbox, tally: tally, emailer: &notify.Emailer{
		Directory: directory.Example(),
		Postman:   &mail.Postman{Sender: out, Redis: rdb, Keys: keys, Counter: tally, Logger: logger, Lease: time.Second},
		Inbox:     inbox,
		Links:     notify.Links{BaseURL: "https://caseflow.agency.example/", Domain: "agency.example"},
		Calendar:  policy.DefaultCalendar(),
		Counter:   tally,
		Logger:    logger,
	}}
}

// friday10 is a Friday in office hours; friday18 the same evening.
var (
	friday10 = time.Date(2026, 12, 18, 10, 0, 0, 0, time.UTC)
	friday18 = time.Date(2026, 12, 18, 18, 0, 0, 0, time.UTC)
)

func escalation(at time.Time, hourClock bool) notify.Notice {
	return notify.Notice{
		ID: "c1/a1/3/0/1766052000", CaseID: "c1", Reference: "CF-TEST01", ActionID: "a1", Kind: "police-report",
		Class: "casework", Owner: safeguarding.Owner{Role: safeguarding.RoleSocialWorker, UserID: "sw-1"},
		Title: "Report to the police", Level: int(safeguarding.LevelManager), LevelName: safeguarding.LevelManager.String(),
		Due: at.Add(-time.Hour), SentAt: at, HourClock: hourClock,
		To: []safeguarding.Recipient{
			{Role: safeguarding.RoleSocialWorker, UserID: "sw-1", Team: "north"},
			{Role: safeguarding.RoleManager, Team: "north"},
		},
	}
}

func noBeat() {}

func TestEmailsTheOwnerAndTheTeamsManagersOnce(t *testing.T) {
	f := newFixture(t)
	n := escalation(friday10, true)
	for range 3 { // retries of the activity send nothing more
		if err := f.emailer.Email(context.Background(), []notify.Notice{n}, 1, noBeat); err != nil {
			t.Fatal(err)
		}
	}
	for _, addr := range []string{"sw-1@agency.example", "mgr-1@agency.example"} {
		got := f.out.to(addr)
		if len(got) != 1 {
			t.Fatalf("%s got %d messages, want 1", addr, len(got))
		}
		m := got[0]
		for _, want := range []string{"Escalated: Report to the police (case CF-TEST01)", "Friday 18 December 2026 at 09:00 (UK time)",
			"https://caseflow.agency.example/cases/c1", "escalated to manager"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("message to %s lacks %q:\n%s", addr, want, m.Text)
			}
		}
		if !strings.HasPrefix(m.Subject, "Escalated:") || !strings.HasSuffix(m.ID, ".chase@agency.example") {
			t.Errorf("subject %q, id %q", m.Subject, m.ID)
		}
	}
	if len(f.out.sent) != 2 {
		t.Errorf("%d messages in office hours, want 2 (no cover)", len(f.out.sent))
	}
	if got := f.tally.Get("chase", mail.AlreadySent); got != 4 {
		t.Errorf("%d retries found the sent record, want 4", got)
	}
}

// TestACaseWithoutATeamEmailsTheDutyManager: the managers of a case with no team yet are the
// agency's duty manager, told why.
func TestACaseWithoutATeamEmailsTheDutyManager(t *testing.T) {
	f := newFixture(t)
	n := escalation(friday10, true)
	n.To = []safeguarding.Recipient{{Role: safeguarding.RoleManager}, {Role: safeguarding.RoleSafeguardingLead}}
	if err := f.emailer.Email(context.Background(), []notify.Notice{n}, 1, noBeat); err != nil {
		t.Fatal(err)
	}
	got := f.out.to("duty@agency.example")
	if len(got) != 1 || !strings.Contains(got[0].Text, "duty manager") {
		t.Fatalf("the duty manager got %d messages: %+v", len(got), got)
	}
	if len(f.out.to("mgr-1@agency.example")) != 0 || len(f.out.to("lead-1@agency.example")) != 1 {
		t.Error("a team's manager was told, or the Safeguarding Lead was not")
	}
}

func TestHourClockOutOfHoursAlsoGoesToTheCover(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := f.emailer.Email(ctx, []notify.Notice{escalation(friday18, true)}, 1, noBeat); err != nil {
		t.Fatal(err)
	}
	if got := f.out.to("duty@agency.example"); len(got) != 1 || !strings.Contains(got[0].Text, "you cover out of hours") {
		t.Fatalf("the cover got %+v", got)
	}
	inbox, err := f.inbox.Read(ctx, safeguarding.Actor{UserID: "duty-1", Role: safeguarding.RoleManager}, 10)
	if err != nil || len(inbox) != 1 || inbox[0].Note == "" {
		t.Fatalf("the cover's inbox: %+v %v", inbox, err)
	}
	// A working-day clock's chase out of hours (the policy holds those to office hours anyway)
	// is not the cover's business.
	f2 := newFixture(t)
	if err := f2.emailer.Email(ctx, []notify.Notice{escalation(friday18, false)}, 1, noBeat); err != nil {
		t.Fatal(err)
	}
	if got := f2.out.to("duty@agency.example"); len(got) != 0 {
		t.Errorf("the cover was told of a working-day clock: %+v", got)
	}
}

func TestNobodyExcludedIsEverEmailed(t *testing.T) {
	f := newFixture(t)
	n := escalation(friday18, true)
	n.Level, n.LevelName = int(safeguarding.LevelLead), safeguarding.LevelLead.String()
	n.To = append(n.To, safeguarding.Recipient{Role: safeguarding.RoleSafeguardingLead})
	n.Excluded = []string{"mgr-1", "lead-2", "duty-1"}
	if err := f.emailer.Email(context.Background(), []notify.Notice{n}, 1, noBeat); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"mgr-1@agency.example", "lead-2@agency.example", "duty@agency.example"} {
		if got := f.out.to(addr); len(got) != 0 {
			t.Errorf("%s, excluded from the case, was emailed: %s", addr, got[0].Subject)
		}
	}
	// The team's only manager is excluded: that is reported to the Lead, not dropped.
	reports := f.out.to("lead-1@agency.example")
	if !slices.ContainsFunc(reports, func(m mail.Message) bool {
		return strings.HasPrefix(m.Subject, "Not emailed:") && strings.Contains(m.Text, "the managers of team north")
	}) {
		t.Errorf("the Lead was not told the team's managers could not be emailed: %+v", reports)
	}
	// The inbox keeps no trace of who was excluded.
	inbox, _ := f.inbox.Read(context.Background(), safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}, 10)
	for _, got := range inbox {
		if len(got.Excluded) != 0 {
			t.Errorf("an inbox keeps the excluded: %+v", got)
		}
	}
}

func TestARecipientWithoutAnAddressIsReportedToTheLead(t *testing.T) {
	f := newFixture(t)
	n := escalation(friday10, false)
	n.To[0].UserID, n.Owner.UserID = "sw-9", "sw-9" // not in the directory
	for range 2 {
		if err := f.emailer.Email(context.Background(), []notify.Notice{n}, 1, noBeat); err != nil {
			t.Fatal(err)
		}
	}
	reports := f.out.to("lead-1@agency.example")
	if len(reports) != 1 || !strings.Contains(reports[0].Text, "the case's social worker (no email address in the directory)") {
		t.Fatalf("reports to the Lead: %+v", reports)
	}
	if len(f.out.to("lead-2@agency.example")) != 1 {
		t.Error("the deputy was not told")
	}
	inbox, err := f.inbox.Read(context.Background(), safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}, 10)
	// The note is kept in Redis, which holds no user id: it names the person by what they are to
	// the case.
	if err != nil || len(inbox) != 1 || !strings.Contains(inbox[0].Note, "the case's social worker") || strings.Contains(inbox[0].Note, "sw-9") {
		t.Fatalf("the Lead's inbox: %+v %v", inbox, err)
	}
	if got := f.tally.Get("chase", mail.Unaddressed); got != 2 {
		t.Errorf("counted %d unaddressed, want 2 (one per attempt)", got)
	}
}

func TestARefusedAddressIsReportedAndNotRetried(t *testing.T) {
	f := newFixture(t)
	f.out.refuse["mgr-1@agency.example"] = true
	if err := f.emailer.Email(context.Background(), []notify.Notice{escalation(friday10, false)}, 1, noBeat); err != nil {
		t.Fatalf("a refused address made the activity fail: %v", err)
	}
	reports := f.out.to("lead-1@agency.example")
	if len(reports) != 1 || !strings.Contains(reports[0].Text, "a manager of team north (the mail server refused their address") || strings.Contains(reports[0].Text, "mgr-1") {
		t.Fatalf("reports: %+v", reports)
	}
}

func TestAFailingMailServerIsRetriedThenReported(t *testing.T) {
	f := newFixture(t)
	f.out.down = true
	ctx := context.Background()
	n := escalation(friday10, false)
	for attempt := 1; attempt < notify.DefaultReportAfter; attempt++ {
		if err := f.emailer.Email(ctx, []notify.Notice{n}, attempt, noBeat); err == nil {
			t.Fatalf("attempt %d succeeded with the mail server down", attempt)
		}
		if inbox, _ := f.inbox.Read(ctx, safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}, 10); len(inbox) != 0 {
			t.Fatalf("the Lead was told after %d attempts", attempt)
		}
	}
	err := f.emailer.Email(ctx, []notify.Notice{n}, notify.DefaultReportAfter, noBeat)
	if err == nil || strings.Contains(err.Error(), "sw-1@") || strings.Contains(err.Error(), "mgr-1@") {
		t.Fatalf("attempt %d: %v (want a retryable error naming no address)", notify.DefaultReportAfter, err)
	}
	inbox, _ := f.inbox.Read(ctx, safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}, 10)
	if len(inbox) != 1 || !strings.Contains(inbox[0].Note, "failing") {
		t.Fatalf("the Lead's inbox after repeated failure: %+v", inbox)
	}
	f.out.down = false
	if err := f.emailer.Email(ctx, []notify.Notice{n}, notify.DefaultReportAfter+1, noBeat); err != nil {
		t.Fatal(err)
	}
	if len(f.out.to("sw-1@agency.example")) != 1 || len(f.out.to("mgr-1@agency.example")) != 1 {
		t.Error("the chase was not emailed once the server was back")
	}
	if got := f.tally.Get("chase", mail.Failed); got != 2*notify.DefaultReportAfter {
		t.Errorf("counted %d failures, want %d", got, 2*notify.DefaultReportAfter)
	}
}

func TestRestrictedActionsStayUnnamed(t *testing.T) {
	f := newFixture(t)
	n := escalation(friday10, false)
	n.Kind, n.Class, n.Title = "restricted", "restricted", "A restricted action: open the case to see it"
	if err := f.emailer.Email(context.Background(), []notify.Notice{n}, 1, noBeat); err != nil {
		t.Fatal(err)
	}
	for _, m := range f.out.sent {
		for _, word := range []string{"allegation", "LADO", "police"} {
			if strings.Contains(m.Subject+m.Text, word) {
				t.Errorf("a restricted chase says %q: %s\n%s", word, m.Subject, m.Text)
			}
		}
	}
}

// TestSubjectSaysHowFarTheChaseHasGone: the subject's first word is Reminder, Overdue or
// Escalated; each level and each repeat of a chase is a message of its own (its own Message-ID),
// sent once however often it is retried.
func TestSubjectSaysHowFarTheChaseHasGone(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		level  safeguarding.Level
		repeat int
		want   string
	}{
		{safeguarding.LevelReminded, 0, "Reminder: Report to the police (case CF-TEST01)"},
		{safeguarding.LevelOverdue, 0, "Overdue: Report to the police (case CF-TEST01)"},
		{safeguarding.LevelManager, 0, "Escalated: Report to the police (case CF-TEST01)"},
		{safeguarding.LevelLead, 0, "Escalated: Report to the police (case CF-TEST01)"},
		{safeguarding.LevelLead, 1, "Escalated, chased again: Report to the police (case CF-TEST01)"},
	} {
		n := escalation(friday10, false)
		n.Level, n.LevelName, n.Repeat = int(tc.level), tc.level.String(), tc.repeat
		n.ID = fmt.Sprintf("c1/a1/%d/%d/1766052000", tc.level, tc.repeat)
		n.To = []safeguarding.Recipient{n.To[0]}
		for range 2 {
			if err := f.emailer.Email(context.Background(), []notify.Notice{n}, 1, noBeat); err != nil {
				t.Fatal(err)
			}
		}
		got := f.out.to("sw-1@agency.example")
		if m := got[len(got)-1]; m.Subject != tc.want || !strings.Contains(m.Text, "Chase:   "+tc.level.String()) {
			t.Errorf("level %s, repeat %d: subject %q, want %q\n%s", tc.level, tc.repeat, m.Subject, tc.want, m.Text)
		}
	}
	ids := map[string]bool{}
	for _, m := range f.out.to("sw-1@agency.example") {
		ids[m.ID] = true
	}
	if len(f.out.sent) != 5 || len(ids) != 5 {
		t.Errorf("%d messages with %d Message-IDs, want 5 of each: one per level and repeat", len(f.out.sent), len(ids))
	}
}

// TestEmailAppliesTheVisibilityPolicyToEachPerson: with the case's people on the notice, each
// person is emailed only if the visibility policy, with their relation to the case, lets them
// see the action. A manager or Lead an allegation excluded is not emailed and not named, even
// when the notice's own list of the excluded leaves them out; a social worker no longer on the
// case is not emailed, and the Lead is told so.
func TestEmailAppliesTheVisibilityPolicyToEachPerson(t *testing.T) {
	ctx := context.Background()
	parties := safeguarding.Parties{Team: "north", SocialWorker: "sw-1", FosteringSocialWorker: "fsw-1", Carers: []string{"carer-1"}}

	f := newFixture(t)
	n := escalation(friday18, true)
	n.Level, n.LevelName = int(safeguarding.LevelLead), safeguarding.LevelLead.String()
	n.To = append(n.To, safeguarding.Recipient{Role: safeguarding.RoleSafeguardingLead})
	accused := parties
	accused.Excluded = []string{"mgr-1", "lead-2", "duty-1"}
	n.Parties = &accused
	if err := f.emailer.Email(ctx, []notify.Notice{n}, 1, noBeat); err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"mgr-1@agency.example", "lead-2@agency.example", "duty@agency.example"} {
		if got := f.out.to(addr); len(got) != 0 {
			t.Errorf("%s, excluded from the case, was emailed: %s", addr, got[0].Subject)
		}
	}
	if got := f.out.to("sw-1@agency.example"); len(got) != 1 {
		t.Errorf("the owner got %d messages, want 1", len(got))
	}
	for _, m := range f.out.to("lead-1@agency.example") {
		for _, id := range []string{"mgr-1", "lead-2", "duty-1"} {
			if strings.Contains(m.Text, id+" (") {
				t.Errorf("a report names %s, excluded from the case:\n%s", id, m.Text)
			}
		}
	}

	f = newFixture(t)
	n = escalation(friday10, false)
	moved := parties
	moved.SocialWorker = "sw-2" // the owner no longer works on the case
	n.Parties = &moved
	if err := f.emailer.Email(ctx, []notify.Notice{n}, 1, noBeat); err != nil {
		t.Fatal(err)
	}
	if got := f.out.to("sw-1@agency.example"); len(got) != 0 {
		t.Errorf("a social worker no longer on the case was emailed: %s", got[0].Subject)
	}
	if got := f.out.to("mgr-1@agency.example"); len(got) != 1 {
		t.Errorf("the team's manager got %d messages, want 1", len(got))
	}
	if reports := f.out.to("lead-1@agency.example"); len(reports) != 1 || !strings.Contains(reports[0].Text, "sw-1 (may not see this action of the case)") {
		t.Errorf("the Lead was not told who could not be emailed: %+v", reports)
	}
}
