package safeguarding

import "time"

// Closure: the social worker asks, with a reason; a manager decides. A withdrawn disclosure is
// never a reason on its own: the child is still supported.
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

func (r *RequestClosure) check(c *Case, _ Actor) error {
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

// DecideClosure approves or declines a pending closure request.
type DecideClosure struct {
	Note    string `json:"note,omitempty"`
	approve bool
}

func (r *DecideClosure) Validate(time.Time) error {
	f := fieldErrors{}
	f.text("note", r.Note, maxLongText)
	if !r.approve {
		f.required("note", r.Note)
	}
	return f.err()
}

func (r *DecideClosure) check(c *Case, _ Actor) error {
	if !c.Closure.Pending() {
		return Errorf(EConflict, "No closure has been requested for this case.")
	}
	return nil
}

func (r *DecideClosure) apply(c *Case, by Actor, env Env) Result {
	now := env.Now()
	decision := "declined"
	if r.approve {
		decision = "approved"
		c.Closure.ClosedAt = now
		for i := range c.Actions {
			if a := &c.Actions[i]; a.Open() {
				who := by
				a.Status, a.ClosedAt, a.ClosedBy, a.Note = ActionCancelled, now, &who, "case closed"
			}
		}
	}
	c.Closure.Request = nil
	c.Closure.Decisions = append(c.Closure.Decisions, ClosureDecision{At: now, By: by, Decision: decision, Note: r.Note})
	c.note(now, by, "closure-"+decision, "Closure "+decision, "")
	return Result{}
}

// ReopenCase reopens a closed case, for instance when a new concern arises.
type ReopenCase struct {
	Reason string `json:"reason"`
}

func (r *ReopenCase) Validate(time.Time) error {
	f := fieldErrors{}
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *ReopenCase) check(c *Case, _ Actor) error {
	if !c.Closed() {
		return Errorf(EConflict, "This case is open.")
	}
	return nil
}

func (r *ReopenCase) apply(c *Case, by Actor, env Env) Result {
	c.Closure.ClosedAt = time.Time{}
	c.Closure.Decisions = append(c.Closure.Decisions, ClosureDecision{At: env.Now(), By: by, Decision: "reopened", Note: r.Reason})
	c.note(env.Now(), by, "reopened", "Case reopened", "")
	return Result{}
}
