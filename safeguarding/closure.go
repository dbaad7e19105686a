package safeguarding

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Closure is the closing of a case: the social worker asks, with a reason; a manager decides. A
// withdrawn disclosure is never a reason on its own: the child is still supported. Closing never
// ends an obligation silently: the manager resolves each open action with a reason the timeline
// keeps, and reopening the case (by a manager, or by a new concern or missing episode) re-arms
// them.
type Closure struct {
	// Request is the request awaiting a manager's decision, if any.
	Request   *ClosureRequest   `json:"request,omitempty"`
	Requests  []ClosureRequest  `json:"requests,omitempty"`
	Decisions []ClosureDecision `json:"decisions,omitempty"`
	ClosedAt  time.Time         `json:"closed_at,omitzero"`
}

// ClosureRequest is a social worker's request to close the case.
type ClosureRequest struct {
	At     time.Time `json:"at"`
	By     Actor     `json:"by"`
	Reason string    `json:"reason"`
	Note   string    `json:"note"`
}

// ClosureDecision is a manager's answer to a request, or a reopening.
type ClosureDecision struct {
	At       time.Time `json:"at"`
	By       Actor     `json:"by"`
	Decision string    `json:"decision"`
	Note     string    `json:"note,omitempty"`
}

// ClosureReasons are the reasons a case may close for.
var ClosureReasons = []string{"risk-resolved", "moved-to-another-agency", "adult-services", "other"}

// Pending reports whether a closure request awaits a manager's decision.
func (cl *Closure) Pending() bool { return cl.Request != nil }

// RequestClosure asks a manager to close the case.
type RequestClosure struct {
	Reason string `json:"reason"`
	Note   string `json:"note"`
}

func (r *RequestClosure) Validate(time.Time) error {
	f := fieldErrors{}
	f.oneOf("reason", r.Reason, ClosureReasons...)
	f.required("note", r.Note)
	f.text("note", r.Note, maxLongText)
	return f.err()
}

func (r *RequestClosure) check(c *Case, _ Sight) error {
	if c.Closure.Pending() {
		return Errorf(EConflict, "Closure is already requested and awaits a manager's decision.")
	}
	return nil
}

func (r *RequestClosure) apply(c *Case, by Actor, env Env) Result {
	req := ClosureRequest{At: env.Now(), By: by, Reason: r.Reason, Note: r.Note}
	c.Closure.Request = &req
	c.Closure.Requests = append(c.Closure.Requests, req)
	c.note(env.Now(), by, "closure-requested", "Closure requested: "+r.Reason, "")
	return Result{}
}

// Resolution ends one open obligation without its event, for a reason: "transferred to Leeds
// with a handover on 3 January", "referral made by the police, reference 123".
type Resolution struct {
	ActionID string `json:"action_id"`
	Reason   string `json:"reason"`
}

func validateResolutions(f fieldErrors, list []Resolution) {
	f.count("resolutions", len(list), maxResolutions)
	seen := map[string]bool{}
	for i, res := range list {
		field := "resolutions[" + strconv.Itoa(i) + "]"
		f.requiredID(field+".action_id", res.ActionID)
		if seen[res.ActionID] {
			f.add(field+".action_id", "names an action already resolved above")
		}
		seen[res.ActionID] = true
		f.required(field+".reason", res.Reason)
		f.text(field+".reason", res.Reason, maxLongText)
	}
}

// maxResolutions bounds one request; a case with more open actions closes in several steps.
const maxResolutions = 200

// checkResolutions refuses resolutions of actions the person cannot see or that are not open.
func (c *Case) checkResolutions(list []Resolution, s Sight) error {
	for i, res := range list {
		if _, err := c.openActionByID(res.ActionID, s); err != nil {
			if e, ok := err.(*Error); ok && e.Code == EInvalid {
				return invalid("resolutions["+strconv.Itoa(i)+"].action_id", "There is no open action with this id on the case.", "unknown action")
			}
			return err
		}
	}
	return nil
}

// What ended an action, besides a person's decision about it alone.
const (
	endedByClosure   = "closure"
	endedByAdulthood = "18th-birthday"
)

// resolve ends the named actions for their reasons; endedBy says what ended them, if anything
// but the decision itself.
func (c *Case) resolve(list []Resolution, at time.Time, by Actor, endedBy string) {
	for _, res := range list {
		a := c.action(res.ActionID)
		a.end(ActionResolved, at, by, res.Reason)
		a.EndedBy = endedBy
		c.note(at, by, "action-resolved", "Ended without its event: "+a.Title+" (reason: "+res.Reason+")", a.ID)
	}
}

// DecideClosure approves or declines a pending closure request. Approval needs every open
// obligation resolved, each with its reason.
type DecideClosure struct {
	Note string `json:"note,omitempty"`
	// Resolutions end each open action of the case; approval is refused while any is left open.
	Resolutions []Resolution `json:"resolutions,omitempty"`
	approve     bool
}

func (r *DecideClosure) Validate(time.Time) error {
	f := fieldErrors{}
	f.text("note", r.Note, maxLongText)
	if !r.approve {
		f.required("note", r.Note)
		if len(r.Resolutions) > 0 {
			f.add("resolutions", "are given only when approving closure")
		}
	}
	validateResolutions(f, r.Resolutions)
	return f.err()
}

func (r *DecideClosure) check(c *Case, s Sight) error {
	if !c.Closure.Pending() {
		return Errorf(EConflict, "No closure has been requested for this case.")
	}
	if !r.approve {
		return nil
	}
	if err := c.checkResolutions(r.Resolutions, s); err != nil {
		return err
	}
	return c.unresolved(r.Resolutions, "close")
}

// unresolved refuses closure (or a merge, which closes the case) while an open action has no
// resolution, naming each of them, so the manager can decide on every one.
func (c *Case) unresolved(list []Resolution, what string) error {
	return c.unresolvedBut(list, what)
}

// unresolvedBut is unresolved, leaving aside the open actions of the kinds kept.
func (c *Case) unresolvedBut(list []Resolution, what string, kept ...policy.RuleID) error {
	resolved := map[string]bool{}
	for _, res := range list {
		resolved[res.ActionID] = true
	}
	fields := map[string]string{}
	var titles []string
	for _, a := range c.OpenActions() {
		if !resolved[a.ID] && !slices.Contains(kept, a.Kind) {
			title := c.inTheirWords(a.Title)
			fields["resolutions["+a.ID+"]"] = title + ", due " + ukTime(a.Due) + ": still open"
			titles = append(titles, title+" ("+a.ID+")")

		}
	}
	if len(titles) == 0 {
		return nil
	}
	return &Error{
		Code: EConflict,
		Message: "The case cannot " + what + " while obligations are open: " + strings.Join(titles, "; ") +
			". Resolve each one with a reason, or record what was done first.",
		Fields: fields,
	}
}

func (r *DecideClosure) apply(c *Case, by Actor, env Env) Result {
	now := env.Now()
	res := Result{}
	decision := "declined"
	if r.approve {
		decision = "approved"
		c.resolve(r.Resolutions, now, by, endedByClosure)
		c.Closure.ClosedAt = now
		// Under the first release's rules an approval carried no resolutions and cancelled every
		// open action; cases on those rules replay it. Under today's rules nothing is left here.
		for i := range c.Actions {
			if a := &c.Actions[i]; a.Open() {
				a.end(ActionCancelled, now, by, cancelledByClosure)
			}
		}
	}
	c.Closure.Request = nil
	c.Closure.Decisions = append(c.Closure.Decisions, ClosureDecision{At: now, By: by, Decision: decision, Note: r.Note})
	c.note(now, by, "closure-"+decision, "Closure "+decision, "")
	if r.approve && c.retains() {
		c.keepUntilRetention(env, now)
	}
	return res
}

// cancelledByClosure is the note the first release left on actions it cancelled at closure.
const cancelledByClosure = "case closed"

// ReopenCase reopens a closed case, for instance when a new concern arises.
type ReopenCase struct {
	Reason string `json:"reason"`
}

func (r *ReopenCase) Validate(time.Time) error { return reasonGiven(r.Reason) }

func (r *ReopenCase) check(c *Case, _ Sight) error {
	switch {
	case c.MergedInto != nil:
		return Errorf(EConflict, "This case was merged into another case of the child, which continues: reopen that one.")
	case !c.Closed():
		return Errorf(EConflict, "This case is open.")
	}
	return nil
}

func (r *ReopenCase) apply(c *Case, by Actor, env Env) Result {
	return Result{Opened: c.reopen(env, by, r.Reason)}
}

// reopen opens a closed case again and re-arms every obligation its closure ended: the
// obligation stands until a person records it done or resolves it again. The first release
// re-armed nothing; cases on its rules replay that.
func (c *Case) reopen(env Env, by Actor, reason string) []string {
	now := env.Now()
	c.Closure.ClosedAt = time.Time{}
	c.Closure.Decisions = append(c.Closure.Decisions, ClosureDecision{At: now, By: by, Decision: "reopened", Note: reason})
	c.note(now, by, "reopened", "Case reopened: "+reason, "")
	c.setRetentionAside(now, by)
	if !c.failSafe() {
		return nil
	}
	var rearmed []string
	for i := range c.Actions {
		a := &c.Actions[i]
		if a.EndedBy == endedByClosure || (a.Status == ActionCancelled && a.Note == cancelledByClosure) {
			a.rearm()
			if a.RechaseEvery.IsZero() {
				a.RechaseEvery = c.rechaseFor(env, a) // closed under rules whose ladders ended
			}
			rearmed = append(rearmed, a.ID)
			c.note(now, by, "action-rearmed", "Obligation open again: "+a.Title, a.ID)
		}
	}
	if c.ageDecided() && len(c.Age.Confirmations) == 0 {
		// A case closed under the fail-safe rules after its 18th birthday ended the child clocks
		// by itself: nobody decided it, so they run again until someone does.
		rearmed = append(rearmed, c.undoSilentAdulthood(env)...)
	}
	return rearmed
}

// ResolveAction ends one open obligation without its event: a manager's or the Safeguarding
// Lead's decision, for a reason the action and the timeline keep. For instance, the NRM referral
// was made by another First Responder, or the child moved to another agency with a handover.
type ResolveAction struct {
	Resolution
}

func (r *ResolveAction) Validate(time.Time) error {
	f := fieldErrors{}
	f.requiredID("action_id", r.ActionID)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *ResolveAction) check(c *Case, s Sight) error {
	_, err := c.openActionByID(r.ActionID, s)
	return err
}

func (r *ResolveAction) apply(c *Case, by Actor, env Env) Result {
	c.resolve([]Resolution{r.Resolution}, env.Now(), by, "")
	return Result{Ref: r.ActionID}
}
