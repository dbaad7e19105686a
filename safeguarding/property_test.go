package safeguarding_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/caseflow/caseflow/policy"
	sg "github.com/caseflow/caseflow/safeguarding"
)

// The invariants of a case, tried by a machine rather than by examples: every hole of the last
// reviews passed the tests because each test checked a path someone thought of. This test opens a
// case, then takes a random sequence of moves (steps by every role and relation to the case, at
// times inside and outside office hours; the clock running on, with its chases and 18th
// birthdays; continue-as-new; a retried request), and after every move checks the invariants of
// property_invariants_test.go against an oracle kept here, apart from the code under test.
//
// rapid (pgregory.net/rapid) generates the moves and, when an invariant fails, shrinks the
// sequence to a short one and saves it under testdata/rapid/<test name>/; every saved failure is
// replayed first on each run, so committed ones are regression cases. One that passes since its
// fix says it is "no longer valid": its case ran on past the moves it saved, every one of which
// it replayed and checked. A saved failure is read through the generators below, so a change to
// them voids it; each fixed bug also has a unit test of its own. go test tries casesPerRun new
// cases; to search longer, run for instance
//
//	go test ./safeguarding/ -run TestCaseInvariants -rapid.checks=5000
//
// and replay a failure with the -rapid.failfile (or -rapid.seed) it prints.

func TestCaseInvariantsHoldAfterEveryStep(t *testing.T) {
	boundChecks(t)
	rapid.Check(t, func(rt *rapid.T) {
		w := openCase(rt)
		rt.Repeat(w.moves())
	})
}

// casesPerRun is how many new cases go test tries (a fifth with -short), in a few seconds; under
// the race detector, which slows this single-threaded test tenfold and can find no race in it,
// raceCasesPerRun. Saved failures are replayed first either way.
const (
	casesPerRun     = 50
	raceCasesPerRun = 5
)

// boundChecks sets rapid's number of cases for this test, unless -rapid.checks or RAPID_CHECKS
// asks for another.
func boundChecks(t *testing.T) {
	asked := os.Getenv("RAPID_CHECKS") != ""
	flag.Visit(func(f *flag.Flag) { asked = asked || f.Name == "rapid.checks" })
	if asked {
		return
	}
	n := casesPerRun
	if raceDetector {
		n = raceCasesPerRun
	}
	was := flag.Lookup("rapid.checks").Value.String()
	if err := flag.Set("rapid.checks", strconv.Itoa(n)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flag.Set("rapid.checks", was) })
}

// moves are what may happen to a case, each a family of steps or a move of the workflow, drawn
// one at a time (rapid's Repeat: 30 on average, 15 with -short); the invariants are checked after
// each. Drawing a family first makes the families as likely as one another however many steps
// each has; within a family, the step the case waits for (the return of a missing child, the
// decision on a closure) comes more often than the others, so that cases go deep.
func (w *world) moves() map[string]func(*rapid.T) {
	m := map[string]func(*rapid.T){
		"":                w.checkState,
		"time passes":     w.timePasses,
		"continue-as-new": w.continueAsNew,
		"retry":           w.retry,
		"busy weeks":      w.busyWeeks,
		"years pass":      w.yearsPass,
	}
	for name, f := range families {
		m[name] = func(t *rapid.T) {
			steps := f.steps
			if f.next != nil {
				if next := f.next(w.c); len(next) > 0 && rapid.IntRange(0, 2).Draw(t, "awaited") > 0 {
					steps = next
				}
			}
			w.takeStep(t, rapid.SampledFrom(steps).Draw(t, "step"))
		}
	}
	return m
}

// family is a group of steps a move may take, and the steps the case waits for among them.
type family struct {
	steps []string
	next  func(c *sg.Case) []string
}

// families group the steps a move may take: every step but the intake, which opens a new case
// (TestThePropertyTestTakesEveryStep keeps the list whole).
var families = map[string]family{
	"report and inform": {steps: []string{"concern", "police-report", "social-worker-informed", "safeguarding-lead-informed"}},
	"social care": {steps: []string{"csc-referral", "csc-decision", "nfa-review", "assessment", "strategy-meeting-scheduled", "strategy-meeting-held", "conference"},
		next: func(c *sg.Case) []string {
			return awaited(c, map[policy.RuleID]string{policy.CSCReferral: "csc-referral", policy.CSCDecision: "csc-decision", policy.NFAReview: "nfa-review",
				policy.Assessment: "assessment", policy.StrategyDiscussion: "strategy-meeting-held", policy.StrategyMeeting: "strategy-meeting-held",
				policy.ICPC: "conference", policy.RCPCFirst: "conference", policy.RCPCNext: "conference"})
		}},
	"nrm and ictg": {steps: []string{"nrm-request", "nrm-referral", "nrm-not-referred", "nrm-rg-decision", "nrm-cg-decision", "nrm-reconsideration",
		"adult-consent", "ictg-referral", "ictg-assignment", "parental-responsibility", "nrm-challenge", "nrm-parental-view"},
		next: func(c *sg.Case) []string {
			next := awaited(c, map[policy.RuleID]string{policy.NRMRequest: "nrm-referral", policy.NRMRGDecision: "nrm-rg-decision",
				policy.NRMCGDecision: "nrm-cg-decision", policy.Age18Consent: "adult-consent", policy.ICTGReferral: "ictg-referral", policy.ICTGAssignment: "ictg-assignment",
				policy.NRMChallenge: "nrm-challenge"})
			if c.NRM.RG != nil && c.NRM.RG.Outcome == "negative" {
				next = append(next, "nrm-reconsideration")
			}
			return next
		}},
	"care": {steps: []string{"care-plan-contribution", "young-person-views", "care-plan-agreed", "care-plan-review", "looked-after", "lac-review",
		"sw-visit", "contact", "disclosure-withdrawn", "suspected-offence"},
		next: func(c *sg.Case) []string {
			next := awaited(c, map[policy.RuleID]string{policy.CarePlan: "care-plan-agreed", policy.CarePlanReview: "care-plan-review",
				policy.LACReview: "lac-review", policy.SWVisit: "sw-visit"})
			if c.CarePlan.Agreed == nil {
				next = append(next, "care-plan-contribution")
			}
			return next
		}},
	"missing": {steps: []string{"missing-episode", "missing-return", "return-interview"},
		next: func(c *sg.Case) []string {
			return awaited(c, map[policy.RuleID]string{policy.MissingChild: "missing-return", policy.ReturnInterview: "return-interview"})
		}},
	// Allegations against users and against people outside caseflow, what follows them, their
	// outcome and the decision on the agency's relationship a substantiated one calls for.
	"allegation": {steps: []string{"allegation", "allegation", "allegation-external", "lado-informed", "allegation-police-report", "dbs-referral",
		"allegation-not-referred", "allegation-outcome", "relationship-ended"},
		next: func(c *sg.Case) []string {
			next := awaited(c, map[policy.RuleID]string{policy.LADO: "lado-informed", policy.LADOUrgent: "lado-informed",
				policy.AllegationPolice: "allegation-police-report", policy.DBSReferral: "dbs-referral", policy.EndRelationship: "relationship-ended"})
			if slices.ContainsFunc(c.Allegations, func(a sg.Allegation) bool { return a.Outcome == nil }) {
				next = append(next, "allegation-outcome")
			}
			return next
		}},
	// The seed duties (docs/rules.md, "The seed duties"): telling the young person of each
	// outcome, the Child Sex Offender Disclosure Scheme, speaking with the child without the
	// accompanying adult, and the Lead's decision on a failure to act.
	"seed duties": {steps: []string{"young-person-told", "csods-request", "csods-not-requested", "csods-answer", "spoke-alone", "conduct-decision"},
		next: func(c *sg.Case) []string {
			next := awaited(c, map[policy.RuleID]string{policy.TellYoungPerson: "young-person-told", policy.CSODSDecision: "csods-request",
				policy.CSODSAnswer: "csods-answer", policy.SpeakAlone: "spoke-alone", policy.ConductReview: "conduct-decision"})
			if slices.Contains(next, "csods-request") {
				next = append(next, "csods-not-requested")
			}
			return next
		}},
	// Records retention (docs/records-retention.md): the decisions on a closed record whose
	// retention date passed, and the legal hold that keeps a record whatever its date.
	"retention": {steps: []string{sg.StepApproveDestruction, "legal-hold", "legal-hold-lift"},
		next: func(c *sg.Case) []string {
			next := awaited(c, map[policy.RuleID]string{policy.RetentionReview: sg.StepApproveDestruction})
			if c.OnHold() {
				next = append(next, "legal-hold-lift")
			}
			return next
		}},
	"exclusion": {steps: []string{sg.StepHouseholdExclusion, sg.StepLinkedExclusion, sg.StepLinkCase},
		next: func(c *sg.Case) []string {
			if len(c.Links) == 0 {
				return []string{sg.StepLinkCase}
			}
			return []string{sg.StepLinkedExclusion}
		}},
	// The young person's age: an assessment, and the decision on the move to adulthood that an
	// 18th birthday, a corrected date of birth or an assessment proposes.
	"age": {steps: []string{"age-assessment", "adulthood", "case-details"},
		next: func(c *sg.Case) []string {
			next := awaited(c, map[policy.RuleID]string{policy.ConfirmAdulthood: "adulthood"})
			if c.Child.AgeDisputed {
				next = append(next, "age-assessment")
			}
			return next
		}},
	"team and record": {steps: []string{"case-details", "case-details", "team"}},
	"obligations":     {steps: []string{"action-done", "due-date", "action-resolve"}},
	"closure": {steps: []string{"closure-request", "closure-approval", "closure-decline", "reopen"},
		next: func(c *sg.Case) []string {
			switch {
			case c.Closed():
				return []string{"reopen"}
			case c.Closure.Pending():
				return []string{"closure-approval", "closure-approval", "closure-decline"}
			}
			return []string{"closure-request"}
		}},
}

// awaited lists the steps whose events the case's open actions wait for, among those given.
func awaited(c *sg.Case, steps map[policy.RuleID]string) []string {
	var next []string
	for _, a := range c.OpenActions() {
		if s, ok := steps[a.Kind]; ok && !slices.Contains(next, s) {
			next = append(next, s)
		}
	}
	return next
}

// TestThePropertyTestTakesEveryStep: a step added to caseflow is tried by the property test, with
// a body drawn for it, or this fails.
func TestThePropertyTestTakesEveryStep(t *testing.T) {
	for _, s := range sg.Steps() {
		if s.Name == sg.StepRaiseConcern {
			continue
		}
		in := false
		for _, f := range families {
			in = in || slices.Contains(f.steps, s.Name)
		}
		if !in || bodies[s.Name] == nil {
			t.Errorf("step %s is not in a family of moves of the property test, or has no body generator", s.Name)
		}
	}
}

// The cast: someone in every role and every relation to the case. The intake may leave any of
// the connected ones out, so each may also be a stranger to the case.
var (
	carer         = sg.Actor{UserID: "carer-1", Role: sg.RoleCarer}
	strangerCarer = sg.Actor{UserID: "carer-2", Role: sg.RoleCarer}
	theSW         = sg.Actor{UserID: "sw-1", Role: sg.RoleSocialWorker, Team: "north"}
	teamSW        = sg.Actor{UserID: "sw-2", Role: sg.RoleSocialWorker, Team: "north"}
	strangerSW    = sg.Actor{UserID: "sw-3", Role: sg.RoleSocialWorker, Team: "south"}
	theFSW        = sg.Actor{UserID: "fsw-1", Role: sg.RoleFosteringSocialWorker}
	strangerFSW   = sg.Actor{UserID: "fsw-2", Role: sg.RoleFosteringSocialWorker}
	manager       = sg.Actor{UserID: "mgr-1", Role: sg.RoleManager, Team: "north"}
	otherManager  = sg.Actor{UserID: "mgr-2", Role: sg.RoleManager, Team: "south"}
	lead          = sg.Actor{UserID: "lead-1", Role: sg.RoleSafeguardingLead}
	otherLead     = sg.Actor{UserID: "lead-2", Role: sg.RoleSafeguardingLead}

	cast = []sg.Actor{carer, strangerCarer, theSW, teamSW, strangerSW, theFSW, strangerFSW, manager, otherManager, lead, otherLead}
)

// childName is the child's name in every case: it must never reach the read model.
const childName = "Ama Mensah-Okafor"

// world is one case as a workflow runs it, and what the oracle knows of it.
type world struct {
	c      *sg.Case
	env    *policyEnv
	access sg.Access
	// accused are the people an allegation excluded, as the oracle saw the steps: nothing of
	// the case may reach them again.
	accused map[string]bool
	// unconfirmed are the carers whose placement awaits staff's confirmation, as the oracle saw
	// the steps (see followOneCase).
	unconfirmed map[string]bool
	n           int
	// move counts the moves, for the log of a failing case.
	move int
	// raw is the case as JSON at a revision (see caseJSON).
	raw struct {
		c        *sg.Case
		revision int64
		entries  int
		json     []byte
	}
	// last is the last request applied, which a retry sends again.
	last *sg.Request
}

// policyEnv answers as the workflow's Env does, from the default policy, at the world's time.
type policyEnv struct{ now time.Time }

func (e *policyEnv) Now() time.Time { return e.now }
func (e *policyEnv) Deadline(rule policy.RuleID, start time.Time, la string, occurrence int) policy.Deadline {
	d, err := policy.Default().Deadline(rule, start, la, occurrence)
	if err != nil {
		d, _ = policy.Default().Deadline(rule, start, "", occurrence)
	}
	return d
}
func (e *policyEnv) ChildDeadline(rule policy.RuleID, start time.Time, la string, occurrence int, adultAt time.Time) policy.Deadline {
	d, err := policy.Default().ChildDeadline(rule, start, la, occurrence, adultAt)
	if err != nil {
		d, _ = policy.Default().ChildDeadline(rule, start, "", occurrence, adultAt)
	}
	return d
}
func (e *policyEnv) ClocksLeftOut(types []string) []policy.RuleID {
	return policy.Default().ClocksLeftOut(types)
}
func (e *policyEnv) Ladder(due time.Time, la string) policy.Deadline {
	return policy.Default().Ladder(due, la)
}
func (e *policyEnv) Facts(la string) sg.Facts {
	p := policy.Default()
	return sg.Facts{PolicyVersion: p.Version(), ICTGSite: p.IsICTGSite(la)}
}
func (e *policyEnv) RepeatMissing(la string) (int, time.Duration) {
	n, w := policy.Default().RepeatMissing(la)
	return n, w.Approx()
}
func (e *policyEnv) Retention(f policy.RetentionFacts) policy.RetentionDate {
	return policy.Default().Retention(f)
}

// openCase raises the first concern at a drawn instant, by anyone, with what a crisis intake
// knows. An intake the rules refuse is checked as a refusal, then a plain one opens the case.
func openCase(t *rapid.T) *world {
	w := &world{
		c:           sg.NewCase("c1", "CF-PROP", sg.RulesCurrent),
		env:         &policyEnv{now: rapid.SampledFrom(startInstants).Draw(t, "opened at")},
		access:      sg.Access{TeamAccess: rapid.Bool().Draw(t, "team access")},
		accused:     map[string]bool{},
		unconfirmed: map[string]bool{},
	}
	by := rapid.SampledFrom(cast).Draw(t, "raised by")
	raise, _ := sg.StepNamed(sg.StepRaiseConcern)
	req := w.request(raise, by, intake(w, t))
	t.Logf("opened at %s (team access %v): %s by %s: %s", w.env.now.Format(time.RFC3339), w.access.TeamAccess, raise.Name, who(by), req.Body)
	if err := w.c.Check(raise, req, w.env.now, w.access); err != nil {
		t.Logf("  refused: %v", err)
		if w.c.Opened() || sg.CodeOf(err) != sg.EInvalid {
			t.Fatalf("a refused intake opened the case, or was refused for another reason than its content: %v", err)
		}
		req = w.request(raise, carer, plainIntake(w))
		if err := w.c.Check(raise, req, w.env.now, w.access); err != nil {
			t.Fatalf("the plain intake is refused: %v", err)
		}
	}
	before := w.snapshot(req.Actor)
	res, err := w.c.Apply(raise, req, w.env)
	if err != nil {
		t.Fatalf("apply %s: %v", raise.Name, err)
	}
	w.applied(t, raise, req, res, before)
	return w
}

// takeStep takes one step, by someone who may or may not be allowed to, and checks either what
// it did or how it was refused.
func (w *world) takeStep(t *rapid.T, name string) {
	step, _ := sg.StepNamed(name)
	w.move++
	by := w.actorFor(t, step)
	w.env.now = w.env.now.Add(rapid.SampledFrom([]time.Duration{0, time.Minute, 17 * time.Minute, 3 * time.Hour}).Draw(t, "recorded later by"))
	w.try(t, step, by, bodies[step.Name](w, t))
}

// try checks a step and applies it if the check passes, as the workflow's Update does, and
// checks what it did or how it was refused.
func (w *world) try(t *rapid.T, step sg.Step, by sg.Actor, body map[string]any) (sg.Result, bool) {
	req := w.request(step, by, body)
	t.Logf("%d. %s: %s by %s: %s", w.move, w.env.now.Format(time.RFC3339), step.Name, who(by), req.Body)
	before := w.snapshot(by)
	if err := w.c.Check(step, req, w.env.now, w.access); err != nil {
		t.Logf("  refused: %v", err)
		w.checkRefusal(t, step, req, err, before)
		return sg.Result{}, false
	}
	if before.destroying {
		t.Fatalf("%s by %s was accepted after the record's destruction was approved: nothing is taken then", step.Name, who(by))
	}
	res, err := w.c.Apply(step, req, w.env)
	if err != nil {
		t.Fatalf("apply %s after its check passed: %v", step.Name, err)
	}
	t.Logf("  applied: opened %v, ended %v", res.Opened, res.Closed)
	w.applied(t, step, req, res, before)
	return res, true
}

// busyWeeks is a strategy meeting that agrees many actions, each then done: a case that runs for
// years reaches the bounds continue-as-new compacts it to (its timeline, its ended actions) in a
// few moves.
func (w *world) busyWeeks(t *rapid.T) {
	w.move++
	by, ok := w.unaccused(manager, otherManager, lead, otherLead)
	if !ok {
		return
	}
	n := rapid.IntRange(4, 12).Draw(t, "agreed actions")
	held := w.env.now
	var agreed []map[string]any
	for range n {
		agreed = append(agreed, map[string]any{"title": "Check in with the school", "owner_role": sg.RoleManager, "due": held.Add(7 * 24 * time.Hour)})
	}
	meeting, _ := sg.StepNamed("strategy-meeting-held")
	res, ok := w.try(t, meeting, by, map[string]any{"held_at": held, "format": "meeting", "outcome": "Weekly checks agreed.", "actions": agreed})
	if !ok {
		return
	}
	done, _ := sg.StepNamed("action-done")
	for _, id := range res.Opened {
		w.env.now = w.env.now.Add(time.Hour)
		w.try(t, done, by, map[string]any{"action_id": id, "completed_at": w.env.now})
	}
}

// unaccused is the first of people no allegation excluded.
func (w *world) unaccused(people ...sg.Actor) (sg.Actor, bool) {
	for _, p := range people {
		if !w.accused[p.UserID] {
			return p, true
		}
	}
	return sg.Actor{}, false
}

// actorFor draws who takes a step: mostly someone connected to the case whose role may take it,
// so that steps apply, and otherwise anyone, strangers and the accused included. caseflow alone
// takes its own steps.
func (w *world) actorFor(t *rapid.T, step sg.Step) sg.Actor {
	if step.BySystem() {
		return sg.Caseflow
	}
	allowed := slices.DeleteFunc(slices.Clone(cast), func(a sg.Actor) bool {
		return !step.Allows(a.Role) || w.expectRelation(a) == sg.RelationNone
	})
	if len(allowed) > 0 && rapid.IntRange(0, 4).Draw(t, "allowed") > 0 {
		return rapid.SampledFrom(allowed).Draw(t, "by")
	}
	return rapid.SampledFrom(cast).Draw(t, "by")
}

func (w *world) request(step sg.Step, by sg.Actor, body map[string]any) sg.Request {
	raw, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	w.n++
	return sg.Request{Step: step.Name, RequestID: fmt.Sprintf("r%d", w.n), Actor: by, Body: raw}
}

// applied follows an applied step: who it excluded, which actions it ended and by whose
// authority, then what the workflow does after every change.
func (w *world) applied(t *rapid.T, step sg.Step, req sg.Request, res sg.Result, before snapshot) {
	var body map[string]any
	_ = json.Unmarshal(req.Body, &body)
	switch step.Name {
	case "allegation", sg.StepLinkedExclusion, sg.StepHouseholdExclusion:
		w.accused[body["against_user"].(string)] = true
	}
	if res.Replayed {
		t.Fatalf("a new request %s was taken as a retry", req.RequestID)
	}
	w.followOneCase(step.Name, req.Actor, body)
	if step.Name == sg.StepMergeInto {
		w.checkMerge(t, body)
	}
	w.checkEndings(t, step.Name, req.Actor, body, before)
	w.checkAge(t, step.Name, body, res, before)
	w.checkRetention(t, step.Name, req.Actor, body, before)
	w.last = &req
	w.wake(t)
}

// wake does what the workflow does whenever it wakes: act on an 18th birthday that has come,
// then send the chases that fell due.
func (w *world) wake(t *rapid.T) {
	if w.c.AdulthoodDue(w.env.now) {
		before := w.snapshot(systemActor)
		res := w.c.ActOnAdulthood(w.env)
		t.Logf("  18th birthday: opened %v, ended %v", res.Opened, res.Closed)
		w.checkEndings(t, turnedAdult, systemActor, nil, before)
		w.checkAge(t, turnedAdult, nil, res, before)
	}
	if due, want := w.c.RetentionReviewDue(w.env.now), w.reviewDue(); due != want {
		t.Fatalf("at %s the record's review is due: %v; the rules say %v", w.env.now.Format(time.RFC3339), due, want)
	}
	if w.c.RetentionReviewDue(w.env.now) {
		before := w.snapshot(systemActor)
		res := w.c.OpenRetentionReview(w.env)
		t.Logf("  retention date passed: opened %v, ended %v", res.Opened, res.Closed)
		w.checkEndings(t, "(retention date)", systemActor, nil, before)
	}
	if w.c.DestructionApproved() {
		return // the workflow destroys the record: it wakes no more
	}
	chases := w.c.TakeDueChases(w.env.now)
	w.checkChases(t, chases)
	if opened := w.c.AfterChases(w.env, chases); len(opened) > 0 {
		t.Logf("  after the chases: opened %v", opened)
	}
}

// timePasses runs the clock on, across nights, weekends, bank holidays and birthdays.
func (w *world) timePasses(t *rapid.T) {
	w.move++
	d := rapid.SampledFrom([]time.Duration{
		time.Minute, 16 * time.Minute, time.Hour, 5 * time.Hour, 26 * time.Hour, 3 * 24 * time.Hour,
		8 * 24 * time.Hour, 32 * 24 * time.Hour, 100 * 24 * time.Hour, 366 * 24 * time.Hour,
	}).Draw(t, "time passes")
	w.env.now = w.env.now.Add(d)
	t.Logf("%d. time passes: %v, to %s", w.move, d, w.env.now.Format(time.RFC3339))
	w.wake(t)
}

// yearsPass runs the clock on to a closed record's retention date, or a little past it, as the
// workflow's timer does: years, in one move.
func (w *world) yearsPass(t *rapid.T) {
	w.move++
	r := w.c.Retention
	if r == nil || !r.Until.After(w.env.now) {
		return
	}
	after := rapid.SampledFrom([]time.Duration{0, time.Minute, 40 * 24 * time.Hour}).Draw(t, "past the retention date by")
	w.env.now = r.Until.Add(after)
	t.Logf("%d. years pass: to %s, %v past the retention date", w.move, w.env.now.Format(time.RFC3339), after)
	w.wake(t)
}

// retry sends the last applied request again, as a client whose answer was lost does: the case
// gives the first result back and changes nothing.
func (w *world) retry(t *rapid.T) {
	w.move++
	if w.last == nil {
		return
	}
	t.Logf("%d. retry of %s (%s)", w.move, w.last.RequestID, w.last.Step)
	step, _ := sg.StepNamed(w.last.Step)
	before := w.caseJSON()
	if err := w.c.Check(step, *w.last, w.env.now, w.access); err != nil {
		t.Fatalf("the retry of an applied request is refused: %v", err)
	}
	res, err := w.c.Apply(step, *w.last, w.env)
	if err != nil || !res.Replayed {
		t.Fatalf("the retry of an applied request was applied again: %+v, %v", res, err)
	}
	if !bytes.Equal(before, mustJSON(w.c)) {
		t.Fatalf("the retry of %s changed the case", w.last.RequestID)
	}
}

// continueAsNew carries the case into a new run as the workflow does: compacted, through JSON.
func (w *world) continueAsNew(t *rapid.T) {
	w.move++
	t.Logf("%d. continue-as-new", w.move)
	w.c = w.checkCompaction(t)
}

// snapshot is the case before a move, and the sight of who takes it.
type snapshot struct {
	raw      []byte
	open     map[string]sg.Action
	entries  int
	sight    sg.Sight
	archived int
	// expected is the oracle's relation of who takes the move.
	expected sg.Relation
	// child and turnedAdult are the child's record and the confirmed move to adulthood, if any.
	child       sg.Child
	turnedAdult time.Time
	// actions is how many actions the case held: a move appends those it opens anew.
	actions int
	// The record's retention before the move: closed, on a legal hold, its review open, its
	// destruction approved, and the dates its retention date assumed.
	closed, onHold, reviewOpen, destroying bool
	estimated                              []string
}

func (w *world) snapshot(by sg.Actor) snapshot {
	s := snapshot{raw: w.caseJSON(), open: map[string]sg.Action{}, entries: len(w.c.Timeline), archived: w.c.ArchivedThrough,
		child: w.c.Child, turnedAdult: w.c.TurnedAdult, actions: len(w.c.Actions),
		closed: w.c.Closed(), onHold: w.c.OnHold(), destroying: w.c.DestructionApproved()}
	for _, a := range w.c.Actions {
		if a.Open() {
			s.open[a.ID] = a
			s.reviewOpen = s.reviewOpen || a.Kind == policy.RetentionReview
		}
	}
	if w.c.Retention != nil {
		s.estimated = w.c.Retention.Estimated
	}
	s.sight, s.expected = w.c.SightOf(by, w.access), w.expectRelation(by)
	return s
}

// caseJSON is the case as JSON, kept until the case changes: the snapshots of a run of refused
// steps share one.
func (w *world) caseJSON() []byte {
	if w.raw.json == nil || w.raw.c != w.c || w.raw.revision != w.c.Revision || w.raw.entries != len(w.c.Timeline) {
		w.raw.c, w.raw.revision, w.raw.entries, w.raw.json = w.c, w.c.Revision, len(w.c.Timeline), mustJSON(w.c)
	}
	return w.raw.json
}

func mustJSON(v any) []byte {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return raw
}

// roundTrip copies a case as continue-as-new carries it: through JSON.
func roundTrip(c *sg.Case) *sg.Case {
	var out sg.Case
	if err := json.Unmarshal(mustJSON(c), &out); err != nil {
		panic(err)
	}
	return &out
}

func who(a sg.Actor) string { return a.UserID + " (" + string(a.Role) + ")" }

func (w *world) action(id string) *sg.Action {
	for i := range w.c.Actions {
		if w.c.Actions[i].ID == id {
			return &w.c.Actions[i]
		}
	}
	return nil
}

// systemActor is caseflow acting at its own time (chases, the 18th birthday), as the timeline
// records it.
var systemActor = sg.Actor{Role: sg.RoleSystem}

// turnedAdult names the workflow's own move at the 18th birthday where a step's name would be.
const turnedAdult = "(18th birthday)"
