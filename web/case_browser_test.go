//go:build browser

package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/caseflow/caseflow/test/testenv"
)

// record takes a step on a case through the API, as the test's people, and returns the id of the
// record it made.
func record(t *testing.T, env *testenv.Env, token, caseID, step string, body map[string]any) string {
	t.Helper()
	resp := env.Do(http.MethodPost, "/v1/cases/"+caseID+"/"+step, token, body)
	if resp.Status != http.StatusOK {
		t.Fatalf("record %s: %d %s", step, resp.Status, resp.Body)
	}
	var res struct {
		Ref string `json:"ref"`
	}
	resp.JSON(t, &res)
	return res.Ref
}

func ago(d time.Duration) string { return time.Now().Add(-d).UTC().Format(time.RFC3339) }

// plantRecords gives the case a record on every track: the child's language and interpreter, the
// Safeguarding Lead told, a referral to Children's Social Care with its decision and review, a
// strategy meeting with an agreed action, the NRM referral and its Reasonable Grounds decision,
// the ICTG referral, the care plan's contribution, views and agreement, a missing episode and the
// child's return, and an allegation.
func plantRecords(t *testing.T, s stack, caseID string) (episode, allegation string) {
	t.Helper()
	sw, manager, carer := s.idp.Token("sw.one"), s.idp.Token("manager.one"), s.idp.Token("carer.one")
	env := s.env
	record(t, env, sw, caseID, "case-details", map[string]any{
		"child":  map[string]any{"first_language": "Tigrinya", "dialect": "Asmara", "interpreter_needed": true, "age_disputed": true, "assessed_age": 15},
		"reason": "Confirmed with the young person and an interpreter.",
	})
	record(t, env, sw, caseID, "safeguarding-lead-informed", map[string]any{"informed_at": ago(100 * time.Minute), "method": "phone"})
	record(t, env, sw, caseID, "csc-referral", map[string]any{"referred_at": ago(95 * time.Minute), "significant_harm": true})
	record(t, env, sw, caseID, "csc-decision", map[string]any{"decided_at": ago(90 * time.Minute), "decision": "no-further-action", "note": "Family support offered."})
	record(t, env, manager, caseID, "nfa-review", map[string]any{"reviewed_at": ago(85 * time.Minute), "outcome": "challenged", "note": "Raised with the LA team manager by phone."})
	meeting := record(t, env, sw, caseID, "strategy-meeting-scheduled", map[string]any{
		"scheduled_for": ago(80 * time.Minute), "format": "meeting", "attendees": []map[string]any{{"role": "police"}},
		"interpreter": map[string]any{"language": "Tigrinya", "dialect": "Asmara", "dbs_checked": true, "not_from_same_area": true},
	})
	record(t, env, sw, caseID, "strategy-meeting-held", map[string]any{
		"meeting_id": meeting, "held_at": ago(75 * time.Minute), "format": "meeting", "outcome": "Safety plan for weekends agreed.",
		"actions": []map[string]any{{"title": "Speak to the school about who collects him", "owner_role": "social_worker", "owner_user": "sw-1", "due": ago(-48 * time.Hour)}},
	})
	record(t, env, sw, caseID, "nrm-request", map[string]any{"requested_at": ago(70 * time.Minute), "requested_of": "local-authority"})
	record(t, env, sw, caseID, "nrm-referral", map[string]any{"submitted_at": ago(65 * time.Minute), "reference": "NRM-4411", "first_responder": "local-authority"})
	record(t, env, sw, caseID, "nrm-rg-decision", map[string]any{"decided_at": ago(60 * time.Minute), "outcome": "positive"})
	record(t, env, sw, caseID, "ictg-referral", map[string]any{"referred_at": ago(55 * time.Minute)})
	record(t, env, carer, caseID, "care-plan-contribution", map[string]any{"topic": "routine", "text": "He sleeps better since football started."})
	record(t, env, sw, caseID, "young-person-views", map[string]any{"recorded_at": ago(50 * time.Minute), "views": "I want to stay at my school.", "how": "With a Tigrinya interpreter."})
	record(t, env, sw, caseID, "care-plan-agreed", map[string]any{"agreed_at": ago(45 * time.Minute), "summary": "Placement continues with a weekend safety plan.",
		"no_contribution_reason": "The fostering social worker is on leave until Monday."})
	episode = record(t, env, carer, caseID, "missing-episode", map[string]any{"went_missing_at": ago(40 * time.Minute), "reported_to_police": true, "police_reference": "MISPER-3301"})
	record(t, env, carer, caseID, "missing-return", map[string]any{"episode_id": episode, "returned_at": ago(30 * time.Minute)})
	allegation = record(t, env, manager, caseID, "allegation", map[string]any{
		"received_at": ago(20 * time.Minute), "against_user": "staff-9", "against_role": "fostering_social_worker",
		"summary": "The young person says a worker shared his messages.", "urgent": true,
	})
	return episode, allegation
}

// TestSocialWorkerSeesTheWholeCase: with records planted on every track, the social worker's case
// page shows every panel in the policy's and the child's words, both times of every timeline
// entry, and an open action's button opens the step that closes it, pre-filled: the LADO
// referral names the allegation, the return home interview the episode (and asks for the
// interpreter the child needs). Recording them closes their actions. A contribution worded in a
// way the agency policy asks staff to avoid is refused beside its field, kept as typed, and
// kept as a quotation on request.
func TestSocialWorkerSeesTheWholeCase(t *testing.T) {
	s := startOIDC(t, redisDB+3, nil)
	caseID := openCase(t, s.env, s.idp.Token("sw.one"))
	episode, allegation := plantRecords(t, s, caseID)
	// More entries than one page of the timeline holds, so the page offers the earlier ones.
	for week := range 30 {
		record(t, s.env, s.idp.Token("carer.one"), caseID, "care-plan-contribution", map[string]any{"text": fmt.Sprintf("Week %d: settled, at school every day.", week+1)})
	}
	var all struct {
		Entries []json.RawMessage `json:"entries"`
	}
	s.env.Do(http.MethodGet, "/v1/cases/"+caseID+"/timeline?limit=500", s.idp.Token("sw.one"), nil).JSON(t, &all)
	if len(all.Entries) <= 50 {
		t.Fatalf("the case has %d timeline entries, want more than a page of 50", len(all.Entries))
	}
	b := startBrowser(t)
	b.signIn(t, s, "sw.one")
	b.do(t, "open the case", chromedp.Navigate(s.env.URL+"/cases/"+caseID), chromedp.WaitVisible(chromedp.CSS("#allegations-panel")))
	b.until(t, "the timeline", `document.querySelectorAll("#timeline li").length > 10`)

	// The test child was born on 1 May 2010 (testenv.Concern).
	age := ukAge(time.Date(2010, 5, 1, 0, 0, 0, 0, time.UTC))
	for sel, wants := range map[string][]string{
		"#child-panel":       {"About the survivor", testenv.ChildName, fmt.Sprintf("%d (born 1 May 2010)", age), "Age disputed Disputed", "Assessed age 15", "Tigrinya, dialect: Asmara", "The survivor needs an interpreter", "Nobody in the UK"},
		"#concerns-panel":    {"Came home late with a second phone", "County lines", "Child trafficking", "Criminal activity: moving drugs", "Owns more than one mobile phone: two phones, one hidden", "Child looked after"},
		"#reporting-panel":   {"CAD-1001", "The Safeguarding Lead: told", "by phone", "reasonable cause to suspect significant harm", "No further action", "challenged: Raised with the LA team manager"},
		"#nrm-panel":         {"asked the local authority", "Reference NRM-4411", "the local authority", "Reasonable Grounds Positive", "Recovery period Until", "Conclusive Grounds Not yet decided"},
		"#ictg-panel":        {"Made", "Not yet assigned"},
		"#meetings-panel":    {"A meeting", "held", "Tigrinya (Asmara), DBS-checked", "Safety plan for weekends agreed.", "Speak to the school about who collects him: You, due"},
		"#care-plan":         {"Placement continues with a weekend safety plan.", "The fostering social worker is on leave until Monday.", "He sleeps better since football started.", "The survivor's views and wishes", "I want to stay at my school."},
		"#missing-panel":     {"Episode " + episode, "Reported, reference MISPER-3301", "Not yet held", "Clocks running", "return home interview"},
		"#allegations-panel": {"Allegation " + allegation, "staff-9 (fostering social worker)", "The LADO: not yet told", "Yes: the LADO within the hour"},
		"#duties-panel":      {"The survivor told of each outcome", "Reasonable Grounds decision: positive", "not yet told"},
	} {
		got := strings.Join(strings.Fields(b.text(t, sel)), " ")
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("%s does not show %q: %q", sel, want, got)
			}
		}
	}
	bothTimes, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("#timeline li")].every(li => li.querySelectorAll("time[datetime]").length === 2)`))
	if err != nil || !bothTimes {
		t.Fatalf("every timeline entry must show when it happened and when it was recorded (%v)", err)
	}
	b.checkPage(t, "social-worker-case-panels")
	b.do(t, "show the earlier timeline entries", chromedp.Click(chromedp.CSS("#timeline-more")))
	b.until(t, "every entry of the timeline, once", fmt.Sprintf(`document.querySelectorAll("#timeline li").length === %d && document.querySelector("#timeline-more").hidden`, len(all.Entries)))
	ordered, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("#timeline li")].every((li, i, all) => i === 0 || +all[i-1].dataset.seq > +li.dataset.seq)`))
	if err != nil || !ordered {
		t.Fatalf("the timeline is not latest first after paging (%v)", err)
	}

	// The LADO referral, from the allegation's action: the allegation is filled in, not asked.
	lado := `form[data-step="lado-informed"]`
	b.do(t, "open the LADO action from its button",
		chromedp.Click(chromedp.CSS(`#actions button[data-kind="lado-urgent"]`)),
		chromedp.WaitVisible(chromedp.CSS(lado+` input[name="reference"]`)),
	)
	filled, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.querySelector('`+lado+` input[name="allegation_id"]').type + " " + document.querySelector('`+lado+` input[name="allegation_id"]').value`))
	if err != nil || filled != "hidden "+allegation {
		t.Fatalf("the LADO form is not pre-filled with allegation %s: %q %v", allegation, filled, err)
	}
	requiredMarked, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector('`+lado+` [data-field="reference"] label').textContent.includes("(required)")`))
	if err != nil || !requiredMarked {
		t.Fatalf("the required reference is not marked required (%v)", err)
	}
	if got := b.text(t, lado+` [data-field="reference"]`); !strings.Contains(got, "LADO reference") || !strings.Contains(got, "The reference the LADO gave.") {
		t.Fatalf("the LADO reference is not labelled from the OpenAPI document: %q", got)
	}
	b.do(t, "record the LADO referral",
		chromedp.SendKeys(chromedp.CSS(lado+` input[name="reference"]`), "LADO-2026-58"),
		chromedp.Click(chromedp.CSS(lado+` fieldset[data-field="informed_at"] button`)),
	)
	b.checkPage(t, "social-worker-record-lado")
	b.do(t, "send it", chromedp.Click(chromedp.CSS(lado+` button[type=submit]`)))
	b.until(t, "the LADO action to close", `!document.querySelector('#actions button[data-kind="lado-urgent"]') && document.querySelector("#allegations-panel").textContent.includes("LADO-2026-58")`)

	// The return home interview, from the episode's action: the child needs an interpreter.
	rhi := `form[data-step="return-interview"]`
	b.do(t, "open the return home interview from its button",
		chromedp.Click(chromedp.CSS(`#actions button[data-kind="return-interview"]`)),
		chromedp.WaitVisible(chromedp.CSS(rhi+` input[name="interpreter.language"]`)),
	)
	if v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(rhi+` input[name="episode_id"]`))); err != nil || v != episode {
		t.Fatalf("the return home interview is not pre-filled with episode %s: %q %v", episode, v, err)
	}
	b.do(t, "record the interview without the interpreter",
		chromedp.Click(chromedp.CSS(rhi+` fieldset[data-field="held_at"] button`)),
		chromedp.Click(chromedp.CSS(rhi+` button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(rhi+` .error-summary`)),
	)
	if got := b.text(t, rhi+` [data-field="interpreter"]`); !strings.Contains(got, "the child needs an interpreter") {
		t.Fatalf("the interpreter refusal is not beside the interpreter's fields: %q", got)
	}
	b.checkPage(t, "social-worker-interpreter-needed")
	b.do(t, "book the interpreter and record it",
		chromedp.SendKeys(chromedp.CSS(rhi+` input[name="interpreter.language"]`), "Tigrinya"),
		chromedp.Click(chromedp.CSS(rhi+` input[name="interpreter.dbs_checked"]`)),
		chromedp.Click(chromedp.CSS(rhi+` input[name="interpreter.not_from_same_area"]`)),
		chromedp.Click(chromedp.CSS(rhi+` button[type=submit]`)),
	)
	b.until(t, "the interview to be recorded", `!document.querySelector('#actions button[data-kind="return-interview"]') && document.querySelector("#missing-panel").textContent.includes("Held")`)

	// Wording the agency policy asks staff to avoid: refused beside the field, kept, then kept
	// as a quotation.
	words := "He told me: it was my lifestyle choice."
	contribution := `form[data-step="care-plan-contribution"]`
	b.do(t, "write a contribution quoting the child",
		chromedp.SetValue(chromedp.CSS("#step"), "care-plan-contribution"),
		js(`document.querySelector("#step").dispatchEvent(new Event("change"))`),
		chromedp.WaitVisible(chromedp.CSS(contribution+` textarea[name="text"]`)),
		chromedp.SendKeys(chromedp.CSS(contribution+` textarea[name="text"]`), words),
		chromedp.Click(chromedp.CSS(contribution+` button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(contribution+` button[data-keep-wording]`)),
	)
	beside := b.text(t, contribution+` [data-field="text"] .field-error`)
	if !strings.Contains(beside, `"lifestyle choice": say`) {
		t.Fatalf("the wording refusal is not beside the field: %q", beside)
	}
	if kept, _ := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(contribution+` textarea[name="text"]`))); kept != words {
		t.Fatalf("the refused text was not kept: %q", kept)
	}
	b.checkPage(t, "social-worker-wording-refused")
	b.do(t, "keep the words as a quotation", chromedp.Click(chromedp.CSS(contribution+` button[data-keep-wording]`)))
	b.until(t, "the quotation to be kept", `document.querySelector("#contributions").textContent.includes("it was my lifestyle choice")`)
}

// ukAge is the age today, in the UK, of someone born on dob.
func ukAge(dob time.Time) int {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	now := time.Now().In(london)
	age := now.Year() - dob.Year()
	if now.Month() < dob.Month() || (now.Month() == dob.Month() && now.Day() < dob.Day()) {
		age--
	}
	return age
}

// TestManagerClosesTheCase: the managers' board says when cases cannot be shown on it; a manager
// approves a requested closure through the form that lists every open action with a box for
// the reason it ends. Sent with none given, the refusal is shown beside each action; given, the
// case closes with every obligation resolved for its reason.
func TestManagerClosesTheCase(t *testing.T) {
	s := startOIDC(t, redisDB+4, nil)
	caseID := openCase(t, s.env, s.idp.Token("sw.one"))
	record(t, s.env, s.idp.Token("sw.one"), caseID, "closure-request", map[string]any{"reason": "moved-to-another-agency", "note": "The young person moved to Leeds; handover done."})
	if err := s.env.App.Store.RecordProjectionFailure(context.Background(), "case-unprojectable", time.Now()); err != nil {
		t.Fatal(err)
	}
	b := startBrowser(t)
	b.signIn(t, s, "manager.one")
	b.until(t, "the board to say a case is missing from it", `!document.querySelector("#missing-cases").hidden`)
	if got := b.text(t, "#missing-cases"); got != "1 case cannot be shown on this board: tell your administrator." {
		t.Fatalf("the board says %q", got)
	}
	b.checkPage(t, "manager-board-missing-cases")

	b.do(t, "open the case",
		chromedp.Navigate(s.env.URL+"/cases/"+caseID),
		chromedp.WaitVisible(chromedp.CSS(`#closure-request-panel button[data-closure="closure-approval"]`)),
	)
	if got := b.text(t, "#closure-request-panel"); !strings.Contains(got, "the child moved to another agency") || !strings.Contains(got, "handover done") {
		t.Fatalf("the closure request reads %q", got)
	}
	form := `form[data-step="closure-approval"]`
	b.do(t, "approve closure without resolving the actions",
		chromedp.Click(chromedp.CSS(`#closure-request-panel button[data-closure="closure-approval"]`)),
		chromedp.WaitVisible(chromedp.CSS(form+` textarea[data-resolution]`)),
		chromedp.Click(chromedp.CSS(form+` button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(form+` .error-summary`)),
	)
	open, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#actions tbody tr[id]").length`))
	if err != nil {
		t.Fatal(err)
	}
	marked, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('`+form+` [data-field^="resolutions["]')].filter(box => box.querySelector(".field-error") && box.querySelector("textarea")).length`))
	if err != nil || open == 0 || marked != open {
		t.Fatalf("%d open actions, %d shown refused beside their reason box (%v)", open, marked, err)
	}
	b.checkPage(t, "manager-closure-refused")
	b.do(t, "give each action its reason", js(`document.querySelectorAll('`+form+` textarea[data-resolution]').forEach(t => t.value = "Handed over to Leeds on 3 January.")`))
	b.do(t, "approve closure", chromedp.Click(chromedp.CSS(form+` button[type=submit]`)))
	b.until(t, "the case to close", `document.querySelector("#case-facts").textContent.startsWith("Closed") && !document.querySelector("#actions button[data-action]")`)
	// A timeline shorter than a page has no earlier entries to offer.
	onePage, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`document.querySelector("#timeline-more").hidden && document.querySelectorAll("#timeline li").length > 3`))
	if err != nil || !onePage {
		t.Fatalf("a one-page timeline offers earlier entries, or shows none (%v)", err)
	}
	b.checkPage(t, "manager-case-closed")

	var v struct {
		Stage   string `json:"stage"`
		Actions []struct {
			Status string `json:"status"`
			Note   string `json:"note"`
		} `json:"actions"`
	}
	s.env.Do(http.MethodGet, "/v1/cases/"+caseID, s.idp.Token("manager.one"), nil).JSON(t, &v)
	if v.Stage != "closed" {
		t.Fatalf("the case is %s after closure was approved", v.Stage)
	}
	resolved := 0
	for _, a := range v.Actions {
		if a.Status == "open" {
			t.Fatalf("an action is still open after closure: %+v", a)
		}
		if a.Status == "resolved" && a.Note == "Handed over to Leeds on 3 January." {
			resolved++
		}
	}
	if resolved != open {
		t.Fatalf("%d actions resolved with the manager's reason, want %d", resolved, open)
	}
}
