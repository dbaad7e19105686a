//go:build browser

// The browser tests drive the pages in headless Chromium (Debian package chromium) with
// chromedp, as carers, social workers and managers use them. They need the browser installed,
// so they run with the "browser" build tag:
//
//	go test -tags browser ./web/
//
// .ci/run installs Chromium and runs them. People sign in through an OpenID provider started in
// the test (test/testidp), or with the development sign-in. Every page is checked with
// axe-core (web/testdata/axe-core, WCAG 2.2 A and AA) at desktop width and at 320 px, and a
// screenshot of each is written to $CASEFLOW_SCREENSHOTS (default: caseflow-screenshots in the
// temporary directory).
package web_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/test/testidp"
)

const redisDB = 20

//go:embed testdata/axe-core/axe.min.js
var axeSource string

const axeVersion = "4.14.1"

// The people of the tests, by the name they type at the identity provider.
var people = map[string]safeguarding.Actor{
	"carer.one":   {UserID: "carer-1", Role: safeguarding.RoleCarer},
	"sw.one":      {UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Team: "north"},
	"manager.one": {UserID: "mgr-1", Role: safeguarding.RoleManager, Team: "north"},
	"lead.one":    {UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead},
	"dpo.one":     {UserID: "dpo-1", Role: safeguarding.RoleDataProtectionOfficer},
}

// stack is caseflow with oidc auth against an identity provider of its own.
type stack struct {
	env *testenv.Env
	idp *testidp.Provider
}

func startOIDC(t *testing.T, db int, pol *policy.Policy) stack {
	t.Helper()
	idp := testidp.Start(t)
	for name, actor := range people {
		idp.AddUser(name, actor)
	}
	env := testenv.Start(t, testenv.Options{RedisDB: db, Policy: pol, OIDC: &testenv.OIDC{
		Issuer: idp.Issuer(), ClientID: testidp.ClientID, ClientSecret: idp.ClientSecret,
	}})
	idp.RegisterClient(env.URL)
	return stack{env: env, idp: idp}
}

// browser starts Chromium; every URL it requests is kept, to check that none carries
// personal data.
type browser struct {
	ctx  context.Context
	mu   sync.Mutex
	urls []string
}

func startBrowser(t *testing.T) *browser {
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
	b := &browser{}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browserCtx, cancel := chromedp.NewContext(alloc, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			b.mu.Lock()
			b.urls = append(b.urls, e.Request.URL)
			b.mu.Unlock()
		}
	}))
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first action starts the browser; it must run on a context without a deadline.
	if err := chromedp.Do(browserCtx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(browserCtx, 3*time.Minute)
	t.Cleanup(cancelTimeout)
	b.ctx = ctx
	return b
}

func (b *browser) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		status, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.querySelector("#status, .error-summary, .notice")||{}).textContent || ""`))
		t.Fatalf("%s: %v (page says %q)", what, err, strings.TrimSpace(status))
	}
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// until polls a JavaScript condition, as a page updates itself.
func (b *browser) until(t *testing.T, what, condition string) {
	t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](condition, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		status, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.querySelector("#status")||{}).textContent || ""`))
		t.Fatalf("%s: %v (status %q)", what, err, status)
	}
}

// endSessions ends every sign-in to the pages at once, as their time running out does.
func endSessions(t *testing.T, env *testenv.Env) {
	t.Helper()
	ctx := context.Background()
	keys, err := env.App.Redis.Keys(ctx, "cf:session:*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("the sessions to end: %v, %d found", err, len(keys))
	}
	if err := env.App.Redis.Del(ctx, keys...).Err(); err != nil {
		t.Fatal(err)
	}
}

// confirmed is the condition that a record was confirmed where the eye is: a success banner
// saying text has the focus, and is within the window (on a phone, where the form was).
func confirmed(text string) string {
	return fmt.Sprintf(`(() => { const b = document.activeElement;
		if (!b || !b.matches(".success-banner") || !b.textContent.includes(%q)) return false;
		const r = b.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`, text)
}

// urlsWith lists the requested URLs that contain any of the words.
func (b *browser) urlsWith(words ...string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var bad []string
	for _, u := range b.urls {
		for _, w := range words {
			if strings.Contains(strings.ToLower(u), strings.ToLower(w)) {
				bad = append(bad, u)
			}
		}
	}
	return bad
}

// signIn signs in through the identity provider's own page, as a person does.
func (b *browser) signIn(t *testing.T, s stack, name string) {
	t.Helper()
	b.do(t, "sign in as "+name,
		chromedp.Navigate(s.env.URL+"/"),
		chromedp.Click(chromedp.CSS("#oidc-signin")),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), name),
		chromedp.Click(chromedp.CSS("#idp-signin")),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)
	who := b.text(t, "#who")
	if !strings.Contains(who, people[name].UserID) {
		t.Fatalf("signed in as %s, the page shows %q", name, who)
	}
}

// checkPage runs axe-core on the page in its current state, at the window's width and at 320
// px, fails the test on any violation or on a page wider than a 320 px phone, and writes a
// screenshot at both widths.
func (b *browser) checkPage(t *testing.T, name string) {
	t.Helper()
	shown := b.text(t, "body")
	for _, junk := range []string{"undefined", "NaN", "[object", "Invalid Date"} {
		if strings.Contains(shown, junk) {
			t.Errorf("%s shows %q", name, junk)
		}
	}
	b.checkLinks(t, name)
	b.axe(t, name)
	screenshot(t, b.ctx, name)
	b.do(t, "narrow the window", chromedp.EmulateViewport(320, 720))
	b.until(t, "the page to lay out at 320 px", `window.innerWidth === 320`)
	width, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if width > 320 {
		wide, _ := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 321).slice(0, 5).map(e => e.tagName + "#" + e.id + "." + e.className)`))
		t.Errorf("%s is %d px wide at 320 px: it scrolls sideways on a phone (%v)", name, width, wide)
	}
	b.axe(t, name+" at 320 px")
	screenshot(t, b.ctx, name+"-320")
	b.do(t, "widen the window", chromedp.EmulateViewport(1280, 900))
}

// checkLinks follows, as the signed-in person, every link of the page that stays in caseflow: a
// link to a case must lead to a case the API answers for them, and any other to a page that
// exists. A link built from a field the answer does not carry (/cases/undefined) fails here.
func (b *browser) checkLinks(t *testing.T, name string) {
	t.Helper()
	broken, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`(async () => {
		const hrefs = [...new Set([...document.querySelectorAll("a[href]")]
			.map((a) => new URL(a.getAttribute("href"), location.href))
			.filter((u) => u.origin === location.origin && u.pathname !== location.pathname)
			.map((u) => u.pathname))];
		const broken = [];
		for (const path of hrefs) {
			if (/undefined|null|NaN|\[object/.test(path)) { broken.push(path); continue; }
			const m = path.match(/^\/cases\/([^/]+)$/);
			const res = m
				? await fetch("/v1/cases/" + m[1], { credentials: "same-origin", headers: { Accept: "application/json" } }).catch(() => null)
				: await fetch(path, { credentials: "same-origin", redirect: "manual" }).catch(() => null);
			// A redirect (signing in goes to the identity provider) is a page that exists.
			if (!res || !(res.ok || res.type === "opaqueredirect")) broken.push(path + " (" + (res ? res.status : "no answer") + ")");
		}
		return broken;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: read its links: %v", name, err)
	}
	for _, link := range broken {
		t.Errorf("%s links to %s, which leads nowhere", name, link)
	}
}

type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

func (b *browser) axe(t *testing.T, name string) {
	t.Helper()
	if !strings.Contains(axeSource[:100], "axe v"+axeVersion) {
		t.Fatalf("testdata/axe-core/axe.min.js is not axe-core %s", axeVersion)
	}
	// The DevTools protocol runs axe-core in the page whatever its Content-Security-Policy:
	// the pages themselves never load it.
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined" || (function(){`+axeSource+`; return true})()`)); err != nil {
		t.Fatalf("load axe-core: %v", err)
	}
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}})
		.then(r => JSON.stringify({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + ": " + n.failureSummary)}))}))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core on %s: %v", name, err)
	}
	var found struct {
		Passes     int         `json:"passes"`
		Violations []violation `json:"violations"`
	}
	if err := json.Unmarshal([]byte(raw), &found); err != nil {
		t.Fatal(err)
	}
	// A run that checked nothing would pass anything.
	if found.Passes < 10 {
		t.Fatalf("axe-core checked only %d rules on %s", found.Passes, name)
	}
	for _, v := range found.Violations {
		t.Errorf("axe-core on %s: %s (%s): %s\n  %s", name, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
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

// js runs a statement in the page, as a step.
func js(statement string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool]("("+statement+", true)")(ctx, t)
		return err
	})
}

// openCase opens a case for the child placed with carer-1, as their social worker: the
// earlier concern, already reported to the police.
func openCase(t *testing.T, env *testenv.Env, swToken string) string {
	t.Helper()
	resp := env.Do(http.MethodPost, "/v1/cases", swToken, testenv.Concern(time.Now().Add(-2*time.Hour), "sw-1", "north", "carer-1"))
	if resp.Status != http.StatusCreated {
		t.Fatalf("open the case: %d %s", resp.Status, resp.Body)
	}
	var created struct {
		CaseID string `json:"case_id"`
	}
	resp.JSON(t, &created)
	police := env.Do(http.MethodPost, "/v1/cases/"+created.CaseID+"/police-report", swToken, map[string]any{
		"reported_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "channel": "101", "reference": "CAD-1001",
	})
	if police.Status != http.StatusOK {
		t.Fatalf("record the first police report: %d %s", police.Status, police.Body)
	}
	return created.CaseID
}

// TestCarerAndSocialWorkerJourney: a carer signs in through the agency's identity provider,
// raises a concern about the child placed with them (in immediate danger: the page says to
// call 999 first), records that they told the social worker, and signs out of caseflow and the
// provider. The social worker signs in, sees the concern and the carer's record on the case,
// and records the 999 call's police report from the action's own button.
func TestCarerAndSocialWorkerJourney(t *testing.T) {
	s := startOIDC(t, redisDB, nil)
	caseID := openCase(t, s.env, s.idp.Token("sw.one"))
	b := startBrowser(t)

	b.signIn(t, s, "carer.one")
	b.until(t, "the carer's page to list the child", `document.querySelector("#children .child-title")?.textContent.includes("`+testenv.ChildName+`")`)
	b.checkPage(t, "carer-my-children")
	noToken, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`sessionStorage.length === 0 && localStorage.length === 0 && !document.cookie.includes("caseflow-session")`))
	if err != nil || !noToken {
		t.Fatalf("the page can read a credential: storage or a cookie visible to scripts (%v)", err)
	}
	b.do(t, "follow a mistyped address", chromedp.Navigate(s.env.URL+"/childen"), chromedp.WaitVisible(chromedp.CSS(`main a[href="/"]`)))
	if h1 := b.text(t, "h1"); h1 != "Page not found" {
		t.Errorf("a mistyped address shows %q, want a page that says it was not found", h1)
	}
	b.checkPage(t, "page-not-found")
	b.do(t, "go back to their children", chromedp.Navigate(s.env.URL+"/my"), chromedp.WaitVisible(chromedp.CSS("#children .child-title")))

	account := "He came home at 2am with a stranger's phone and said he owes someone money."
	b.do(t, "open the concern form",
		chromedp.Click(chromedp.CSS(`main a[href="/raise"]`)),
		chromedp.WaitVisible(chromedp.CSS("#danger-yes")),
		chromedp.WaitReady(chromedp.CSS("#case-"+caseID)),
	)
	b.checkPage(t, "carer-raise-concern")
	b.do(t, "answer that the child is in immediate danger",
		chromedp.Click(chromedp.CSS("#danger-yes")),
		chromedp.WaitVisible(chromedp.CSS("#call-999")),
	)
	if got := b.text(t, "#call-999 h2"); got != "Call 999 now" {
		t.Fatalf("after 'in immediate danger' the page says %q", got)
	}
	before, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!!(document.querySelector("#call-999").compareDocumentPosition(document.querySelector("#child-choices")) & Node.DOCUMENT_POSITION_FOLLOWING)`))
	if err != nil || !before {
		t.Fatalf("'Call 999 now' must come before the rest of the form (%v)", err)
	}
	b.checkPage(t, "carer-raise-concern-999")
	b.do(t, "describe the concern",
		chromedp.Click(chromedp.CSS("#case-"+caseID)),
		chromedp.SendKeys(chromedp.CSS("#account"), account),
		chromedp.Click(chromedp.CSS(`fieldset[data-field="observed_at"] button`)),
		chromedp.Click(chromedp.CSS("#indicators-unexplained-items")),
		chromedp.Click(chromedp.CSS("#exploitation_types-criminal-exploitation")),
		chromedp.Click(chromedp.CSS("#raise-submit")),
		chromedp.WaitVisible(chromedp.CSS("#raise-done")),
	)
	next := b.text(t, "#next-actions")
	// The child's preferred term ("survivor" in the test data) is how caseflow's texts name them.
	for _, want := range []string{"Call 999", "Tell the survivor's social worker", "Tell the agency Safeguarding Lead", "You"} {

		if !strings.Contains(next, want) {
			t.Errorf("'what happens next' does not mention %q: %q", want, next)
		}
	}
	b.checkPage(t, "carer-concern-recorded")

	b.do(t, "record telling the social worker",
		chromedp.Click(chromedp.CSS(`#done-links a[href="/my"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[aria-controls]`)),
	)
	tell := `[...document.querySelectorAll(".open-actions button")].find(b => b.textContent.includes("social worker was informed"))`
	b.do(t, "open the form of telling the social worker",
		js(tell+`.click()`),
		chromedp.WaitVisible(chromedp.CSS(`form[data-step="social-worker-informed"] input[name="method"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[data-step="social-worker-informed"] input[name="method"]`), "phone"),
		chromedp.Click(chromedp.CSS(`form[data-step="social-worker-informed"] fieldset button`)),
	)
	b.checkPage(t, "carer-record-told-social-worker")
	b.do(t, "send it", chromedp.Click(chromedp.CSS(`form[data-step="social-worker-informed"] button[type=submit]`)))
	b.until(t, "the record to be confirmed where the eye is", confirmed("Recorded"))
	b.until(t, "the action to leave the carer's list", `!document.querySelector('form[data-step="social-worker-informed"]')`)

	// The child goes missing and comes back: one episode, then its return.
	missing := `[...document.querySelectorAll(".missing button[aria-controls]")].find(b => b.textContent.includes("is missing"))`
	b.do(t, "record that the child is missing",
		js(missing+`.click()`),
		chromedp.WaitVisible(chromedp.CSS(`form[data-step="missing-episode"] fieldset[data-field="went_missing_at"] button`)),
		chromedp.Click(chromedp.CSS(`form[data-step="missing-episode"] fieldset[data-field="went_missing_at"] button`)),
		chromedp.Click(chromedp.CSS(`form[data-step="missing-episode"] button[type=submit]`)),
	)
	b.until(t, "the return to be offered", `!!document.querySelector('form[data-step="missing-return"]')`)
	b.do(t, "record the return",
		js(`[...document.querySelectorAll(".missing button[aria-controls]")].find(b => b.textContent.includes("return")).click()`),
		chromedp.WaitVisible(chromedp.CSS(`form[data-step="missing-return"] fieldset button`)),
		chromedp.Click(chromedp.CSS(`form[data-step="missing-return"] fieldset button`)),
	)
	b.checkPage(t, "carer-record-return")
	b.do(t, "send it", chromedp.Click(chromedp.CSS(`form[data-step="missing-return"] button[type=submit]`)))
	b.until(t, "the return to be recorded", `!document.querySelector('form[data-step="missing-return"]')`)
	b.until(t, "the return to be confirmed where the eye is", confirmed("return was recorded"))
	// The sign-in ends while the carer writes: what they typed waits for them on this device,
	// and signing in again brings them back to it.
	note := "He has started going to football on Saturdays."
	contribution := `form[data-step="care-plan-contribution"]`
	b.do(t, "write to the care plan", chromedp.SendKeys(chromedp.CSS(contribution+` textarea[name="text"]`), note))
	endSessions(t, s.env)
	b.do(t, "send it after the sign-in ended",
		chromedp.Click(chromedp.CSS(contribution+` button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#signin-ended")),
	)
	b.checkPage(t, "carer-signin-ended")
	b.do(t, "sign in again", chromedp.Click(chromedp.CSS("#oidc-signin")), chromedp.WaitVisible(chromedp.CSS(contribution+` textarea[name="text"]`)))
	b.until(t, "the draft back in the care plan form", `location.pathname === "/my" && document.querySelector('`+contribution+` textarea[name="text"]')?.value === `+strconv.Quote(note))
	b.do(t, "add to the care plan", chromedp.Click(chromedp.CSS(contribution+` button[type=submit]`)))
	b.until(t, "the contribution to be confirmed where the eye is", confirmed("added to the care plan"))
	b.checkPage(t, "carer-contribution-added")
	if kept, _ := chromedp.Run(b.ctx, chromedp.Evaluate[int](`Object.keys(sessionStorage).filter(k => k.startsWith("caseflow-draft:")).length`)); kept != 0 {
		t.Errorf("%d drafts kept after the contribution was recorded", kept)
	}

	b.do(t, "sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#oidc-signin")))
	if n := s.idp.EndedSessions(); n != 1 {
		t.Fatalf("signing out ended %d sessions at the identity provider, want 1", n)
	}
	b.do(t, "the carer's pages are closed after sign-out", chromedp.Navigate(s.env.URL+"/my"), chromedp.WaitVisible(chromedp.CSS("#oidc-signin")))
	b.checkPage(t, "sign-in")

	b.signIn(t, s, "sw.one") // the provider asks again: its session ended too
	if n := s.idp.SignIns(); n != 2 {
		t.Fatalf("%d sign-ins at the provider's form, want 2 (sign-out must end the provider's session)", n)
	}
	b.until(t, "the social worker's cases", `document.querySelector("#case-list tbody a") !== null`)
	b.checkPage(t, "social-worker-my-work")
	ref := b.text(t, "#case-list tbody a")
	b.do(t, "search by reference", chromedp.SendKeys(chromedp.CSS("#q"), strings.ToLower(ref[:5])))
	b.until(t, "the search to keep the case", `document.querySelectorAll("#case-list tbody tr").length === 1`)
	b.do(t, "search for another reference", chromedp.SendKeys(chromedp.CSS("#q"), "ZZZZ"))
	b.until(t, "the search to show no case", `document.querySelectorAll("#case-list tbody tr").length === 0`)

	b.do(t, "open the case",
		chromedp.Navigate(s.env.URL+"/cases/"+caseID),
		chromedp.WaitVisible(chromedp.CSS(`#actions button[data-kind="immediate-danger"]`)),
	)
	b.until(t, "the timeline", `document.querySelector("#timeline li") !== null`)
	timeline := b.text(t, "#timeline")
	for _, want := range []string{"Further concern", "Informed the survivor's social worker", "Missing episode", "Returned from a missing episode"} {
		if !strings.Contains(timeline, want) {
			t.Fatalf("the social worker's timeline lacks %q: %q", want, timeline)
		}
	}
	if strings.Count(timeline, "Missing episode") != 1 {
		t.Fatalf("the return made a second missing episode: %q", timeline)
	}
	if got := b.text(t, "#contributions"); !strings.Contains(got, note) {
		t.Fatalf("the carer's contribution is not on the case: %q", got)
	}
	noDefault, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector("#step").value === "" && !document.querySelector('#step option[value="action-done"]')`))
	if err != nil || !noDefault {
		t.Fatalf("the step form must start with no step chosen, and offer no meeting action when none is open (%v)", err)
	}
	b.checkPage(t, "social-worker-case")
	b.do(t, "open the police-report action from its button",
		chromedp.Click(chromedp.CSS(`#actions button[data-kind="immediate-danger"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[data-step="police-report"] input[name="reference"]`)),
	)
	channel, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('form[data-step="police-report"] input[name="channel"]:checked')?.value || ""`))
	if err != nil || channel != "999" {
		t.Fatalf("the police report of a 999 action is not pre-filled with 999: %q %v", channel, err)
	}
	b.do(t, "record the police report",
		chromedp.SendKeys(chromedp.CSS(`form[data-step="police-report"] input[name="reference"]`), "CAD-7781"),
		chromedp.Click(chromedp.CSS(`form[data-step="police-report"] fieldset button`)),
	)
	b.checkPage(t, "social-worker-record-police-report")
	b.do(t, "send it", chromedp.Click(chromedp.CSS(`form[data-step="police-report"] button[type=submit]`)))
	b.until(t, "the report in the timeline", `document.querySelector("#timeline").textContent.includes("CAD-7781")`)
	b.until(t, "the police-report action to close", `!document.querySelector('#actions button[data-kind="immediate-danger"]')`)

	// Staff raise a concern about a child new to caseflow, with the child's details. Sent
	// incomplete, every field the API's answer names is marked beside the field.
	b.do(t, "raise a concern about a new child, incomplete",
		chromedp.Navigate(s.env.URL+"/raise"),
		chromedp.WaitVisible(chromedp.CSS("#case-new")),
		chromedp.Click(chromedp.CSS("#danger-no")),
		chromedp.Click(chromedp.CSS("#case-new")),
		chromedp.WaitVisible(chromedp.CSS("#child-name")),
		chromedp.Click(chromedp.CSS("#raise-submit")),
		chromedp.WaitVisible(chromedp.CSS(".error-summary li")),
	)
	beside, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll(".error-summary li")].every(li => li.querySelector("a")) &&
		document.querySelectorAll(".field-error").length === document.querySelectorAll(".error-summary li").length`))
	if err != nil || !beside {
		t.Fatalf("some of the API's field errors are not shown beside their fields: %q (%v)", b.text(t, ".error-summary"), err)
	}
	b.checkPage(t, "social-worker-raise-errors")
	newChild := "Danyal Testchild-Second"
	b.do(t, "complete the concern",
		chromedp.SendKeys(chromedp.CSS("#child-name"), newChild),
		chromedp.SendKeys(chromedp.CSS("#child-dob"), "23/04/2011"),
		chromedp.Click(chromedp.CSS(`input[name="child.preferred_term"][value="survivor"]`)),
		chromedp.SendKeys(chromedp.CSS("#la"), "E08000025"),
		chromedp.SendKeys(chromedp.CSS("#team"), "north"),
		chromedp.SendKeys(chromedp.CSS("#social-worker"), "sw-1"),
		chromedp.SendKeys(chromedp.CSS("#carers"), "carer-1"),
		chromedp.SendKeys(chromedp.CSS("#account"), "Collected from school by an adult nobody knows."),
		chromedp.Click(chromedp.CSS(`fieldset[data-field="observed_at"] button`)),
		chromedp.Click(chromedp.CSS("#indicators-picked-up-by-strangers")),
		chromedp.Click(chromedp.CSS("#exploitation_types-sexual-exploitation")),
		chromedp.Click(chromedp.CSS("#raise-submit")),
		chromedp.WaitVisible(chromedp.CSS("#raise-done")),
	)
	if next := b.text(t, "#next-actions"); !strings.Contains(next, "Report to the police") {
		t.Fatalf("what happens next after a new child's concern: %q", next)
	}

	if bad := b.urlsWith(testenv.ChildName, "Okonkwo", newChild, "Danyal", "stranger", account[:20]); len(bad) > 0 {
		t.Fatalf("personal data in URLs: %v", bad)
	}
	checkNoStore(t, b, s.env, "/my", "/cases/"+caseID, "/v1/cases/"+caseID, "/v1/cases/"+caseID+"/timeline")
}

// checkNoStore fetches pages and their data with the browser's session and checks that no
// cache may keep them.
func checkNoStore(t *testing.T, b *browser, env *testenv.Env, paths ...string) {
	t.Helper()
	cookies, err := chromedp.Run(b.ctx, chromedp.Action[*network.GetCookiesResult](func(ctx context.Context, tg *chromedp.Target) (*network.GetCookiesResult, error) {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{env.URL}})
		return &res, err
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		req, _ := http.NewRequest(http.MethodGet, env.URL+path, nil)
		for _, c := range cookies.Cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		resp, err := env.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s with the session: %d, Cache-Control %q; want 200 and no-store", path, resp.StatusCode, resp.Header.Get("Cache-Control"))
		}
	}
}

// TestManagerSeesOverdueActionLive: a manager watches the overdue board while a three-second
// police-report clock runs out; the action appears without reloading the page, and the
// manager opens the case from it.
func TestManagerSeesOverdueActionLive(t *testing.T) {
	pol, err := policy.LoadFile("../policy/testdata/short-clocks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := startOIDC(t, redisDB+1, pol)
	b := startBrowser(t)
	b.signIn(t, s, "manager.one")
	b.until(t, "the board to load", `document.querySelector("#total").textContent !== "–"`)
	b.checkPage(t, "manager-board-empty")

	s.idp.AddUser("carer.two", safeguarding.Actor{UserID: "carer-2", Role: safeguarding.RoleCarer})
	resp := s.env.Do(http.MethodPost, "/v1/cases", s.idp.Token("carer.two"), testenv.Concern(time.Now(), "sw-1", "north", "carer-2"))
	if resp.Status != http.StatusCreated {
		t.Fatalf("raise: %d %s", resp.Status, resp.Body)
	}
	b.until(t, "the board to show the overdue police report", `!!document.querySelector('#overdue td[data-kind="police-report"]')`)
	rows := b.text(t, "#overdue tbody")
	if !strings.Contains(rows, "north") || !strings.Contains(rows, "Report to the police") {
		t.Fatalf("board rows %q", rows)
	}
	if regexp.MustCompile(`\bp-[a-z0-9]{16,}`).MatchString(rows) {
		t.Errorf("the board names an owner by a pseudonym: %q", rows)
	}
	b.checkPage(t, "manager-board")

	// The team filter offers the teams on the board, and the filters go into the address.
	b.until(t, "the teams offered as choices", `[...document.querySelectorAll("#f-team option")].some(o => o.value === "north")`)
	b.do(t, "filter by team",
		chromedp.SetValue(chromedp.CSS("#f-team"), "north"),
		chromedp.Click(chromedp.CSS(`#filters button[type=submit]`)),
	)
	b.until(t, "the filter in the address", `new URLSearchParams(location.search).get("team") === "north"`)
	b.do(t, "reload the filtered board", chromedp.Reload())
	b.until(t, "the filter kept on reload", `document.querySelector("#f-team").value === "north" && !!document.querySelector('#overdue td[data-kind="police-report"]')`)

	// A row leads to its action, whose step opens on the case.
	b.do(t, "open the action from the board",
		chromedp.Click(chromedp.CSS(`#overdue tbody td[data-kind="police-report"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`#actions tbody tr`)),
	)
	b.until(t, "the case page at the action, its step open", `location.hash.startsWith("#action-") && document.querySelector("#step").value === "police-report" && !!document.querySelector('form[data-step="police-report"]')`)
	b.until(t, "the case page to show the overdue action", `document.querySelector("#actions").textContent.includes("Overdue")`)
	b.checkPage(t, "manager-case")
}

// keys presses keys in whatever has the focus.
func keys(k string) chromedp.Action[chromedp.Void] { return chromedp.KeyEvent(k) }

// tabTo presses Tab until the element matching sel has the focus, as a keyboard user moves
// through a page; it fails when the element cannot be reached that way.
func (b *browser) tabTo(t *testing.T, sel string) {
	t.Helper()
	focused := fmt.Sprintf(`document.activeElement && document.activeElement.matches(%q)`, sel)
	for range 120 {
		ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](focused))
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		b.do(t, "press Tab", keys(kb.Tab))
	}
	t.Fatalf("%s cannot be reached with the Tab key", sel)
}

// TestKeyboardOnly: a carer signs in, raises a concern and records a step with the keyboard
// alone, using the development sign-in.
func TestKeyboardOnly(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 2})
	caseID := openCase(t, env, env.Token(safeguarding.RoleSocialWorker, "sw-1", "north"))
	b := startBrowser(t)
	b.do(t, "open caseflow", chromedp.Navigate(env.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#dev-signin")))
	b.checkPage(t, "dev-sign-in")

	b.tabTo(t, "#role") // carer is the first role
	b.tabTo(t, "#user")
	b.do(t, "type the user id and sign in", keys("carer-1"), keys(kb.Enter), chromedp.WaitVisible(chromedp.CSS("#children .child")))
	b.tabTo(t, `main a[href="/raise"]`)
	b.do(t, "follow the link", keys(kb.Enter), chromedp.WaitVisible(chromedp.CSS("#danger-no")), chromedp.WaitReady(chromedp.CSS("#case-"+caseID)))

	b.tabTo(t, `input[name="immediate_danger"]`)
	b.do(t, "answer no", keys(kb.ArrowDown))
	b.tabTo(t, "#case-"+caseID)
	b.do(t, "pick the child", keys(" "))
	b.tabTo(t, "#account")
	b.do(t, "say what was seen", keys("New trainers and cash he cannot explain."))
	b.tabTo(t, `fieldset[data-field="observed_at"] button`)
	b.do(t, "it was now", keys(kb.Enter))
	b.tabTo(t, "#indicators-unexplained-items")
	b.do(t, "tick the sign", keys(" "))
	b.tabTo(t, "#exploitation_types-criminal-exploitation")
	b.do(t, "tick the exploitation", keys(" "))
	b.tabTo(t, "#raise-submit")
	b.do(t, "send", keys(kb.Enter), chromedp.WaitVisible(chromedp.CSS("#raise-done")))
	if next := b.text(t, "#next-actions"); !strings.Contains(next, "Tell the agency Safeguarding Lead") {
		t.Fatalf("what happens next: %q", next)
	}

	b.tabTo(t, `#done-links a[href="/my"]`)
	b.do(t, "back to the children", keys(kb.Enter), chromedp.WaitVisible(chromedp.CSS(".open-actions button")))
	b.tabTo(t, `.open-actions button[aria-controls]`)
	for range 10 { // to the Safeguarding Lead's action
		label, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.activeElement.textContent`))
		if strings.Contains(label, "Safeguarding Lead was informed") {
			break
		}
		b.do(t, "next action", keys(kb.Tab))
	}
	b.do(t, "open its form", keys(kb.Enter))
	form := `form[data-step="safeguarding-lead-informed"]`
	b.tabTo(t, form+" fieldset button")
	b.do(t, "it was now", keys(kb.Enter))
	b.tabTo(t, form+` input[name="method"]`)
	b.do(t, "say how", keys("in person"))
	b.tabTo(t, form+" button[type=submit]")
	b.do(t, "record it", keys(kb.Enter))
	b.until(t, "the record to be confirmed where the eye is", confirmed("Recorded"))

	view := env.Do(http.MethodGet, "/v1/cases/"+caseID, env.Token(safeguarding.RoleSocialWorker, "sw-1", "north"), nil)
	var v struct {
		Concerns  []json.RawMessage `json:"concerns"`
		Reporting struct {
			LeadInformed *struct {
				Method string `json:"method"`
			} `json:"lead_informed"`
		} `json:"reporting"`
	}
	view.JSON(t, &v)
	if len(v.Concerns) != 2 || v.Reporting.LeadInformed == nil || v.Reporting.LeadInformed.Method != "in person" {
		t.Fatalf("after the keyboard journey the case holds %d concerns and lead informed %+v", len(v.Concerns), v.Reporting.LeadInformed)
	}
}
