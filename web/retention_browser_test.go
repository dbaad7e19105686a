//go:build browser

package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

// shortRetention is the default policy with the record of a child who was not looked after kept
// two seconds after its case closes.
func shortRetention(t *testing.T) *policy.Policy {
	t.Helper()
	p, err := policy.Load("short-retention.yaml", []byte(strings.Replace(string(policy.DefaultFile()),
		"    until_birthday: 25\n    after_closure: 6y\n", "    after_closure: 2s\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestTheLeadDecidesOnARecordAtItsRetentionDate: a closed case's retention date passes. The
// Safeguarding Lead's case page shows how long the record was kept and why; the review's button
// opens the approval of its destruction, whose reason is required; once approved the page keeps
// nothing of the case and leads to the destruction register, which lists it. Every page passes
// axe at desktop width and at 320 px; the register is the Lead's alone.
func TestTheLeadDecidesOnARecordAtItsRetentionDate(t *testing.T) {
	s := startOIDC(t, redisDB+5, shortRetention(t))
	ctx := context.Background()
	caseID := workflows.CaseIDFor("carer-1", "retained")
	if _, err := s.env.App.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.WorkflowID(caseID), TaskQueue: workflows.TaskQueue},
		workflows.WorkflowName, workflows.Input{CaseID: caseID, Reference: workflows.ReferenceFor(caseID), SweepAfter: time.Second}); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(testenv.Concern(time.Now().Add(-2*time.Hour), "sw-1", "north", "carer-1"))
	if _, err := caseclient.New(s.env.App.Temporal, caseclient.Options{Signer: s.env.App.Signer(), DataConverter: s.env.App.Converters().Data}).
		Raise(ctx, safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}, "retained", body); err != nil {
		t.Fatal(err)
	}
	sw, manager, lead := s.idp.Token("sw.one"), s.idp.Token("manager.one"), s.idp.Token("lead.one")
	record(t, s.env, sw, caseID, "closure-request", map[string]any{"reason": "risk-resolved", "note": "Settled at home."})
	record(t, s.env, manager, caseID, "closure-decline", map[string]any{"note": "Keep it open until the review conference."})
	record(t, s.env, sw, caseID, "closure-request", map[string]any{"reason": "risk-resolved", "note": "Settled at home; plan complete."})
	var v safeguarding.View
	s.env.Do(http.MethodGet, "/v1/cases/"+caseID, manager, nil).JSON(t, &v)
	var resolutions []map[string]string
	for _, a := range v.OpenActions {
		resolutions = append(resolutions, map[string]string{"action_id": a.ID, "reason": "Done."})
	}
	record(t, s.env, manager, caseID, "closure-approval", map[string]any{"resolutions": resolutions})
	testenv.Eventually(t, 30*time.Second, "the review of the record open", func() bool {
		s.env.Do(http.MethodGet, "/v1/cases/"+caseID, lead, nil).JSON(t, &v)
		return len(v.OpenActions) == 1 && v.OpenActions[0].Kind == policy.RetentionReview
	})

	b := startBrowser(t)
	b.signIn(t, s, "lead.one")
	review := `#actions button[data-kind="retention-review"]`
	b.do(t, "open the closed case", chromedp.Navigate(s.env.URL+"/cases/"+caseID), chromedp.WaitVisible(chromedp.CSS(review)))
	if got := b.text(t, "#retention-panel"); !strings.Contains(got, "Kept until") || !strings.Contains(got, "Case record of a child who was not looked after") {
		t.Fatalf("the retention panel reads %q", got)
	}
	// A closed case says so, when and by whom, and keeps the requests and decisions that led
	// there, the decline's reason with them.
	if got := b.text(t, "#closed-banner"); !strings.Contains(got, "This case is closed") || !strings.Contains(got, "by mgr-1 (manager)") {
		t.Errorf("the closed case's banner reads %q", got)
	}
	if got := b.text(t, "#closure-history"); !strings.Contains(got, "declined closure: “Keep it open until the review conference.”") || !strings.Contains(got, "approved closure") {
		t.Errorf("the closure history reads %q", got)
	}
	b.checkPage(t, "lead-record-review")

	// Who accessed the case: the Lead's own reads are on it, the latest first.
	b.do(t, "open who accessed the case", chromedp.Click(chromedp.CSS(`#case-contents a[href="/cases/`+caseID+`/access"]`)),
		chromedp.WaitVisible(chromedp.CSS("#access tbody tr td time")))
	if got := b.text(t, "#access"); !strings.Contains(got, "Read the case") || !strings.Contains(got, "You") {
		t.Fatalf("the access log reads %q", got)
	}
	b.checkPage(t, "lead-access-log")

	// The Lead decodes the case's records in Temporal's tools; the data protection officer finds
	// it on the record of decryptions, the only page of theirs, which the Lead cannot open.
	if got := s.env.Do(http.MethodPost, "/codec/workflows/"+workflows.WorkflowID(caseID)+"/decode", lead, map[string]any{"payloads": []any{}}); got.Status != http.StatusOK {
		t.Fatalf("the Lead decoding: %d %s", got.Status, got.Body)
	}
	dpo := startBrowser(t)
	dpo.signIn(t, s, "dpo.one")
	dpo.until(t, "the record of decryptions, the officer's home", `location.pathname === "/decryptions" && !!document.querySelector("#decryptions tbody tr td time")`)
	if got := dpo.text(t, "#decryptions"); !strings.Contains(got, "Decoded its records in Temporal") || !strings.Contains(got, "lead-1 (Safeguarding Lead)") ||
		!strings.Contains(got, "workflow "+workflows.WorkflowID(caseID)) {
		t.Fatalf("the record of decryptions reads %q", got)
	}
	dpo.checkPage(t, "dpo-decryptions")
	dpo.do(t, "ask for the case as the officer", chromedp.Navigate(s.env.URL+"/cases/"+caseID), chromedp.WaitVisible(chromedp.CSS("#decryptions")))
	b.do(t, "ask for the record of decryptions as the Lead", chromedp.Navigate(s.env.URL+"/decryptions"), chromedp.WaitVisible(chromedp.CSS("#total")))
	b.do(t, "back to the case", chromedp.Navigate(s.env.URL+"/cases/"+caseID), chromedp.WaitVisible(chromedp.CSS(review)))

	form := `form[data-step="destruction-approval"]`
	b.do(t, "approve without a reason",
		chromedp.Click(chromedp.CSS(review)),
		chromedp.WaitVisible(chromedp.CSS(form+` textarea[name="reason"]`)),
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(form+` .error-summary`)),
	)
	b.checkPage(t, "lead-destruction-reason-required")
	b.do(t, "give the reason and approve",
		chromedp.SendKeys(chromedp.CSS(form+` textarea[name="reason"]`), "Retention period ended; no claim, inquiry or access request outstanding."),
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`main a[href="/register"]`)),
	)
	if got := b.text(t, "#status"); got != "Destruction approved." {
		t.Errorf("the page confirms %q", got)
	}
	b.checkPage(t, "lead-destruction-approved")

	// The destruction takes seconds, and a new register entry a second more to be listed.
	testenv.Eventually(t, 60*time.Second, "the destruction in the register", func() bool {
		return strings.Contains(string(s.env.Do(http.MethodGet, "/v1/destruction-register", lead, nil).Body), workflows.ReferenceFor(caseID))
	})
	b.do(t, "open the register", chromedp.Click(chromedp.CSS(`main a[href="/register"]`)), chromedp.WaitVisible(chromedp.CSS("#register > li h3")))
	if got := b.text(t, "#register"); !strings.Contains(got, "no claim, inquiry or access request outstanding") || !strings.Contains(got, "the case's timeline chunks") {
		t.Fatalf("the register reads %q", got)
	}
	b.checkPage(t, "lead-destruction-register")

	b.do(t, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#oidc-signin")))
	b.signIn(t, s, "manager.one")
	b.do(t, "ask for the register as a manager", chromedp.Navigate(s.env.URL+"/register"), chromedp.WaitVisible(chromedp.CSS("#total")))
}
