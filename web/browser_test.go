//go:build browser

// The browser tests drive the pages in headless Chromium (Debian package chromium) with
// chromedp. They need the browser installed, so they run with the "browser" build tag:
//
//	go test -tags browser ./web/
//
// .ci/run installs Chromium and runs them. Screenshots of the three main pages are written to
// $CASEFLOW_SCREENSHOTS (default: caseflow-screenshots in the temporary directory).
package web_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/caseflow/caseflow/internal/testenv"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

const redisDB = 5

func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("Chromium is needed for the browser tests (apt-get install chromium): %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first action starts the browser; it must run on a context without a deadline.
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(browserCtx, 60*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

// signIn uses the development sign-in form, as a person would.
func signIn(env *testenv.Env, role safeguarding.Role, user, team string) chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(env.URL + "/"),
		chromedp.WaitVisible(chromedp.CSS("#dev-signin")),
		chromedp.Navigate(env.URL + "/"), // a fresh page: sign-in clears nothing else
		chromedp.WaitVisible(chromedp.CSS("#dev-signin")),
		chromedp.SetValue(chromedp.CSS("#role"), string(role)),
		chromedp.SendKeys(chromedp.CSS("#user"), user),
	}
	if team != "" {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS("#team"), team))
	}
	return chromedp.Steps(append(steps, chromedp.Click(chromedp.CSS("#dev-signin button")))...)
}

// js runs a statement in the page, as a step.
func js(statement string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool]("("+statement+", true)")(ctx, t)
		return err
	})
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("CASEFLOW_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "caseflow-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

// TestCarerContributionReachesSocialWorker: a carer signs in, adds to the care plan of the child
// placed with them, and the child's social worker sees it on the case page.
func TestCarerContributionReachesSocialWorker(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB})
	carer := env.Token(safeguarding.RoleCarer, "carer-1", "")
	resp := env.Do(http.MethodPost, "/v1/cases", carer, testenv.Concern(time.Now(), "sw-1", "north", "carer-1"))
	if resp.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s", resp.Status, resp.Body)
	}
	ctx := browser(t)
	note := "He talks about a cousin in Leeds who sends him money."
	err := chromedp.Do(ctx,
		signIn(env, safeguarding.RoleCarer, "carer-1", ""),
		chromedp.WaitVisible(chromedp.CSS(`.child form.contribution textarea`)),
		chromedp.SendKeys(chromedp.CSS(`.child form.contribution textarea`), note),
		chromedp.Click(chromedp.CSS(`.child form.contribution button`)),
		chromedp.WaitVisible(chromedp.CSS(`#status:not(:empty)`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	status, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#status`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(status, "added") {
		t.Fatalf("carer saw %q after adding a contribution", status)
	}
	screenshot(t, ctx, "carer")

	err = chromedp.Do(ctx,
		signIn(env, safeguarding.RoleSocialWorker, "sw-1", "north"),
		chromedp.WaitVisible(chromedp.CSS(`#case-list tbody a`)),
		chromedp.Click(chromedp.CSS(`#case-list tbody a`)),
		chromedp.WaitVisible(chromedp.CSS(`#contributions li`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	contributions, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#contributions`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(contributions, note) || !strings.Contains(contributions, "carer-1") {
		t.Fatalf("the social worker sees contributions %q", contributions)
	}

	// The social worker records the police report with the page's form.
	err = chromedp.Do(ctx,
		chromedp.WaitReady(chromedp.CSS(`#step option[value="police-report"]`)),
		chromedp.SetValue(chromedp.CSS(`#step`), "police-report"),
		js(`document.querySelector("#step").dispatchEvent(new Event("change"))`),
		chromedp.WaitVisible(chromedp.CSS(`#f-reference`)),
		chromedp.SendKeys(chromedp.CSS(`#f-channel`), "101"),
		chromedp.SendKeys(chromedp.CSS(`#f-reference`), "CAD-7781"),
		js(`document.querySelector("#f-reported_at").value = new Date(Date.now() - 60000 - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16)`),
		chromedp.Click(chromedp.CSS(`#step-form button`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	recorded := `document.querySelector("#timeline").textContent.includes("CAD-7781")`
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](recorded, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		msg, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#status`)))
		t.Fatalf("the police report recorded through the form is not in the timeline (status %q): %v", msg, err)
	}
	screenshot(t, ctx, "social-worker-case")
}

// TestBoardShowsActionTurningOverdue: a manager watches the overdue board while a three-second
// police-report clock runs out; the action appears without reloading the page.
func TestBoardShowsActionTurningOverdue(t *testing.T) {
	pol, err := policy.LoadFile("../policy/testdata/short-clocks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 1, Policy: pol})
	ctx := browser(t)
	if err := chromedp.Do(ctx,
		signIn(env, safeguarding.RoleManager, "mgr-1", "north"),
		chromedp.WaitVisible(chromedp.CSS(`#overdue`)),
	); err != nil {
		t.Fatal(err)
	}
	carer := env.Token(safeguarding.RoleCarer, "carer-1", "")
	resp := env.Do(http.MethodPost, "/v1/cases", carer, testenv.Concern(time.Now(), "sw-1", "north", "carer-1"))
	if resp.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s", resp.Status, resp.Body)
	}
	shown := `[...document.querySelectorAll("#overdue tbody td")].some(td => td.textContent === "police-report")`
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](shown, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		t.Fatalf("the board never showed the overdue police report: %v", err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#overdue tbody`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rows, "north") {
		t.Fatalf("board rows %q", rows)
	}
	screenshot(t, ctx, "manager-board")
}
