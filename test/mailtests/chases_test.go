package mailtests

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/notify/directory"
	"github.com/caseflow/caseflow/notify/mail"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/smtptest"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/digest"
)

// Each test's own Redis databases on a real Redis (REDIS_URL), apart from other packages'.
const redisDB = 25

// people is the directory of these tests: the example's, without out-of-hours cover, so which
// emails a chase makes does not depend on the hour the test runs at (the cover is tested in
// package notify).
const people = `people:
  - {id: sw-1, name: Sam Social-Worker, email: sw-1@agency.example, role: social_worker, team: north}
  - {id: carer-1, name: Chris Carer, email: carer-1@agency.example, role: carer}
  - {id: mgr-1, name: Morgan Manager, email: mgr-1@agency.example, role: manager, team: north}
  - {id: lead-1, name: Lee Lead, email: lead-1@agency.example, role: safeguarding_lead}
  - {id: lead-2, name: Lou Deputy-Lead, email: lead-2@agency.example, role: safeguarding_lead}
teams:
  north: {managers: [mgr-1]}
safeguarding_leads: [lead-1]
deputies: [lead-2]
`

// names are every name the tests must never find in an email: the child's and the carer's in the
// concern, and the staff's in the directory.
var names = []string{testenv.ChildName, testenv.CarerName, "Okonkwo", "Testcarer", "Sam Social-Worker", "Chris Carer", "Morgan Manager", "Lee Lead", "Lou Deputy-Lead", "second phone"}

// wantChases are the emails of a police-report clock raised by carer-1: overdue to its owner,
// escalated to the team's manager with the owner, then to the Safeguarding Lead and deputy with
// both. One each.
var wantChases = []string{
	"carer-1@agency.example overdue",
	"carer-1@agency.example escalated to manager",
	"mgr-1@agency.example escalated to manager",
	"carer-1@agency.example escalated to Safeguarding Lead",
	"mgr-1@agency.example escalated to Safeguarding Lead",
	"lead-1@agency.example escalated to Safeguarding Lead",
	"lead-2@agency.example escalated to Safeguarding Lead",
}

// shortClocks is the policy with a three-second police-report clock.
func shortClocks() *policy.Policy {
	pol, err := policy.LoadFile("../../policy/testdata/short-clocks.yaml")
	if err != nil {
		panic(err) // the policy package's tests check this file
	}
	return pol
}

// mailConfig emails through the test server at addr, trusting its certificate. A claim on a
// message lapses after three seconds, so a delivery a killed worker left is taken over quickly.
func mailConfig(addr string, trust *tls.Config) config.Mail {
	d, err := directory.Load("people.yaml", []byte(people))
	if err != nil {
		panic(err) // TestTheDirectoryOfTheseTests says why
	}
	return config.Mail{
		Directory: d, BaseURL: "https://caseflow.agency.example",
		SMTP: mail.SMTPConfig{Addr: addr, TLS: mail.StartTLS, Username: "caseflow", Password: "s3cret",
			From: "caseflow@agency.example", TLSConfig: trust, Timeout: 5 * time.Second},
		SendLease: 3 * time.Second,
	}
}

func TestTheDirectoryOfTheseTests(t *testing.T) {
	if _, err := directory.Load("people.yaml", []byte(people)); err != nil {
		t.Fatal(err)
	}
}

func startSMTP(t testing.TB) *smtptest.Server {
	return smtptest.Start(t, smtptest.Options{TLS: smtptest.StartTLS, Username: "caseflow", Password: "s3cret"})
}

var chaseLevel = regexp.MustCompile(`(?m)^Chase:\s+(.+)$`)

// chases lists the chase emails the server accepted, as "recipient level", sorted.
func chases(srv *smtptest.Server) []string {
	var out []string
	for _, m := range srv.Messages() {
		level := chaseLevel.FindStringSubmatch(m.Body)
		if level == nil || strings.HasPrefix(m.Subject, "Not emailed") {
			continue
		}
		for _, to := range m.To {
			out = append(out, to+" "+strings.TrimSpace(level[1]))
		}
	}
	sort.Strings(out)
	return out
}

// raise opens a case as carer-1, its police-report clock three seconds long, and returns its id.
func raise(t *testing.T, env *testenv.Env) string {
	t.Helper()
	resp := env.Do(http.MethodPost, "/v1/cases", env.Token(safeguarding.RoleCarer, "carer-1", ""), testenv.Concern(time.Now(), "sw-1", "north", "carer-1"))
	if resp.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s", resp.Status, resp.Body)
	}
	var created api.StepResponse
	resp.JSON(t, &created)
	return created.CaseID
}

// settled waits until the case has no activity pending (every email delivered or given up), then
// checks the emails are exactly the wanted ones, none naming anyone.
func settled(t *testing.T, env *testenv.Env, srv *smtptest.Server, caseID string) {
	t.Helper()
	testenv.Eventually(t, 90*time.Second, "every chase emailed and no delivery pending", func() bool {
		if len(chases(srv)) < len(wantChases) {
			return false
		}
		d, err := env.App.Temporal.DescribeWorkflowExecution(context.Background(), workflows.WorkflowID(caseID), "")
		return err == nil && len(d.GetPendingActivities()) == 0
	})
	if got := chases(srv); strings.Join(got, "\n") != strings.Join(sorted(wantChases), "\n") {
		t.Errorf("chase emails:\n%s\nwant one each of:\n%s", strings.Join(got, "\n"), strings.Join(sorted(wantChases), "\n"))
	}
	for _, m := range srv.Messages() {
		if !m.Secured || !m.Authed {
			t.Errorf("a message went without TLS or authentication: %s", m.Subject)
		}
		for _, name := range names {
			if strings.Contains(m.Raw+m.Subject+m.Body, name) {
				t.Errorf("an email holds %q:\n%s", name, m.Raw)
			}
		}
		if !strings.Contains(m.Body, "https://caseflow.agency.example/cases/"+caseID) {
			t.Errorf("an email lacks the link to its case:\n%s", m.Body)
		}
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

// TestPoliceReportClockEmailsEachLevelOnce: a three-second police-report clock runs its ladder
// (overdue, then the manager, then the Safeguarding Lead, two seconds apart) and each level
// reaches the right people by email once, over STARTTLS with authentication, with no names; the
// in-app notices are still there.
func TestPoliceReportClockEmailsEachLevelOnce(t *testing.T) {
	srv := startSMTP(t)
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB, Policy: shortClocks(), Mail: mailConfig(srv.Addr(), srv.ClientTLS)})
	caseID := raise(t, env)
	settled(t, env, srv, caseID)

	for _, m := range srv.Messages() {
		subject := m.Subject
		if !strings.HasPrefix(subject, "Overdue: Report to the police") && !strings.HasPrefix(subject, "Escalated: Report to the police") {
			t.Errorf("subject %q does not say overdue or escalated", subject)
		}
	}
	resp := env.Do(http.MethodGet, "/v1/me/notifications", env.Token(safeguarding.RoleCarer, "carer-1", ""), nil)
	var inbox api.NotificationsResponse
	resp.JSON(t, &inbox)
	if len(inbox.Notifications) < 3 {
		t.Errorf("carer-1 has %d notices in caseflow, want the 3 chases", len(inbox.Notifications))
	}
	if resp := env.Do(http.MethodGet, "/dev/mail", "", nil); resp.Status != http.StatusNotFound {
		t.Errorf("/dev/mail answers %d with a mail server configured, want 404", resp.Status)
	}
	if got := env.App.MailOutcomes().Get("chase", mail.Sent); got != len(wantChases) {
		t.Errorf("counted %d chase emails sent, want %d", got, len(wantChases))
	}
}

// TestMain lets the test binary run as a worker process of its own, which the kill test kills
// with SIGKILL mid-delivery (testenv.WorkerMain).
func TestMain(m *testing.M) {
	testenv.WorkerMain(m, func(spec string) (*config.Config, error) {
		var temporal, redisURL, smtpAddr, caFile string
		if _, err := fmt.Sscan(spec, &temporal, &redisURL, &smtpAddr, &caFile); err != nil {
			return nil, fmt.Errorf("spec: %w", err)
		}
		trust, err := smtptest.TrustFile(caFile)
		if err != nil {
			return nil, err
		}
		return &config.Config{TemporalAddress: temporal, TemporalNamespace: "default", RedisURL: redisURL, ReadModelCheck: time.Hour,
			Policy: shortClocks(), Mail: mailConfig(smtpAddr, trust)}, nil
	})
}

// startWorker starts a worker process of its own, emailing through srv, to be killed by the test.
func startWorker(t *testing.T, env *testenv.Env, redisURL string, srv *smtptest.Server, caFile string) *exec.Cmd {
	return testenv.StartWorker(t, env, strings.Join([]string{env.App.TemporalAddress(), redisURL, srv.Addr(), caFile}, " "))
}

// TestWorkerKilledDuringDeliveryDoesNotDuplicate runs the worker as a process of its own (which
// creates the digest's schedule, as a production worker that emails does) and kills it with
// SIGKILL while it is in the middle of emailing the escalation to the manager: the owner's copy
// is sent, the manager's is held at RCPT by the server. A new worker takes the delivery over: the owner gets
// no second copy, the manager gets theirs once, and the rest of the ladder follows, each once.
func TestWorkerKilledDuringDeliveryDoesNotDuplicate(t *testing.T) {
	srv := startSMTP(t)
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, srv.CertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	mr := miniredis.RunT(t)
	redisURL := "redis://" + mr.Addr()
	if os.Getenv("REDIS_URL") != "" {
		redisURL = testenv.RedisURL(t, redisDB+1)
	}
	env := testenv.Start(t, testenv.Options{RedisURL: redisURL, Policy: shortClocks(), Parts: app.Parts{Embedded: true, API: true}})
	worker := startWorker(t, env, redisURL, srv, caFile)
	env.WaitReady()
	// The embedded servers here run no worker; the worker process, which emails, creates the
	// morning digest's schedule, as a production worker does.
	testenv.Eventually(t, 30*time.Second, "the worker to create the digest's schedule", func() bool {
		_, err := env.App.Temporal.ScheduleClient().GetHandle(context.Background(), digest.ScheduleID).Describe(context.Background())
		return err == nil
	})
	release := srv.Hold("mgr-1@agency.example")
	defer release()
	caseID := raise(t, env)

	select {
	case <-srv.Held():
	case <-time.After(60 * time.Second):
		t.Fatal("the escalation to the manager never reached the mail server")
	}
	if got := chases(srv); len(got) != 2 {
		t.Fatalf("before the kill: %v, want the owner's overdue and escalation", got)
	}
	if err := worker.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = worker.Process.Wait()
	release() // the transaction's client is gone: the server gets no message from it
	// The killed worker's claim on the manager's message lapses after its lease. miniredis keeps
	// no wall clock of its own: move it past the lease (a real Redis just lets it pass).
	mr.FastForward(5 * time.Second)
	startWorker(t, env, redisURL, srv, caFile)
	settled(t, env, srv, caseID)
}
