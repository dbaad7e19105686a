package safeguarding

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// Step is one kind of change a person can make to a case: recording a police report, agreeing
// the care plan, approving closure. Each step is an API endpoint, and reaches the case workflow
// as its step Update naming the step; the table below is the single place that says who may
// take it.
type Step struct {
	// Name names the step in its request and is the last segment of the step's URL. Cases opened
	// before the step Update also take each step as an Update of this name.
	Name string
	// Title says what the step records, for documentation and the timeline.
	Title string
	// Roles may take the step; every other role is refused outright.
	Roles []Role
	// OnClosed allows the step on a closed case (recording a late event, reopening).
	OnClosed   bool
	newCommand func() Command
}

// Command is the body of a step.
type Command interface {
	// Validate checks the content alone: required fields, codes, times not in the future.
	Validate(now time.Time) error
	// check decides whether the case is at a point where the step can happen, and whether the
	// person, as they see the case, may take it.
	check(c *Case, s Sight) error
	// apply changes the case. It runs only after Validate and check passed.
	apply(c *Case, by Actor, env Env) Result
}

// Request is what the API sends the workflow for every step.
type Request struct {
	// Step is the name of the step requested.
	Step string `json:"step,omitempty"`
	// RequestID makes a step idempotent: the same id gives the first result again, once applied.
	RequestID string          `json:"request_id"`
	Actor     Actor           `json:"actor"`
	Body      json.RawMessage `json:"body"`
	// KeepWording: the person confirmed that flagged wording stays as written (they are quoting
	// someone), so the language check does not refuse it.
	KeepWording bool `json:"keep_wording,omitempty"`
}

// Result tells the caller what a step created.
type Result struct {
	CaseID   string `json:"case_id"`
	Revision int64  `json:"revision"`
	// Ref is the id of the record the step created (a meeting, an episode), if any.
	Ref string `json:"ref,omitempty"`
	// Opened lists the actions the step started.
	Opened []string `json:"opened_actions,omitempty"`
	// Closed lists the actions the step completed or ended.
	Closed []string `json:"closed_actions,omitempty"`
	// Replayed is true when the request had already been applied and nothing changed now.
	Replayed bool `json:"replayed,omitempty"`
}

// Steps lists every step, in the order a case usually meets them.
func Steps() []Step { return slices.Clone(steps) }

// StepNamed finds a step by its name.
func StepNamed(name string) (Step, bool) {
	for _, s := range steps {
		if s.Name == name {
			return s, true
		}
	}
	return Step{}, false
}

// NewBody returns an empty body of the step's type, for decoders and schema generators.
func (s Step) NewBody() Command { return s.newCommand() }

// Restricted reports whether the step is about an allegation, and so restricted like it (see
// Sight.SeesStep): its command says so by implementing restrictedCommand.
func (s Step) Restricted() bool {
	_, ok := s.newCommand().(restrictedCommand)
	return ok
}

// restrictedCommand marks the commands of the steps about an allegation.
type restrictedCommand interface{ aboutAllegation() }

// BySystem reports whether caseflow takes the step itself, never a person: it has no API route,
// the system role alone may take it, and it needs no sight of the case (its command checks what
// links it to a case the person acted on).
func (s Step) BySystem() bool { return slices.Equal(s.Roles, []Role{RoleSystem}) }

// Allows reports whether role may ever take the step.
func (s Step) Allows(role Role) bool { return slices.Contains(s.Roles, role) }

// Decode parses a step body strictly: unknown fields, trailing data and wrong types are errors,
// so a typing mistake in a field name can never be silently ignored.
func (s Step) Decode(body []byte) (Command, error) {
	cmd := s.newCommand()
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(cmd); err != nil {
		return nil, &Error{Code: EInvalid, Message: "The request could not be read: " + describeJSONError(err)}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &Error{Code: EInvalid, Message: "The request has data after its end."}
	}
	return cmd, nil
}

func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		return fmt.Sprintf("field %q should be %s", typeErr.Field, typeErr.Type.String())
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("malformed JSON at byte %d", syntaxErr.Offset)
	default:
		return err.Error()
	}
}

// Opened reports whether a concern has opened the case.
func (c *Case) Opened() bool { return !c.OpenedAt.IsZero() }

// Check decides, without changing anything, whether the step may be applied: the validator of
// every Workflow Update. now is the workflow's time. A request already applied passes, so its
// retry can return the first result.
func (c *Case) Check(step Step, req Request, now time.Time, access Access) error {
	if c.applied(req.RequestID) != nil {
		return nil
	}
	cmd, err := step.Decode(req.Body)
	if err != nil {
		return err
	}
	if err := cmd.Validate(now); err != nil {
		return err
	}
	if !step.Allows(req.Actor.Role) {
		return Errorf(EForbidden, "Your role cannot %s.", lowerFirst(step.Title))
	}
	if err := checkActor(req.Actor); err != nil {
		return err
	}
	sight := c.SightOf(req.Actor, access)
	if step.Name != StepRaiseConcern {
		if !sight.Sees() && !step.BySystem() {
			return NotFound()
		}
		if c.DestructionApproved() {
			return Errorf(EConflict, "This case's record is being destroyed: its destruction was approved on %s. Record anything new about the child as a new concern.", ukDate(c.Destruction.ApprovedAt))
		}
		if c.Closed() && !step.OnClosed {
			return Errorf(EConflict, "This case is closed.")
		}
	}
	if err := c.checkPowers(step, cmd, sight); err != nil {
		return err
	}
	if err := checkLists(cmd, req, access); err != nil {
		return err
	}
	return cmd.check(c, sight)
}

// checkLists checks a step against the agency's lists: a local authority it names must be one
// the policy lists, and its free text must not use language the agency policy asks staff to
// avoid, unless the person says they are quoting someone.
func checkLists(cmd Command, req Request, access Access) error {
	if s, ok := cmd.(localAuthorityStep); ok && s.localAuthority() != "" && access.LAs != nil {
		if err := access.LAs.CheckLA(s.localAuthority()); err != nil {
			return invalid("la", "This local authority is not one the agency works with: check the code, or ask your administrator to add it.", err.Error())
		}
	}
	if t, ok := cmd.(freeText); ok && access.Wording != nil && !req.KeepWording {
		return checkWording(t, access.Wording)
	}
	return nil
}

// Apply applies a checked step and returns what it created. It must only be called after Check
// passed for the same request; it is deterministic given env.
func (c *Case) Apply(step Step, req Request, env Env) (Result, error) {
	if done := c.applied(req.RequestID); done != nil {
		r := done.Result
		r.Replayed = true
		return r, nil
	}
	cmd, err := step.Decode(req.Body)
	if err != nil {
		return Result{}, err
	}
	recorded, wereOpen := len(c.Timeline), c.openActionIDs()
	res := cmd.apply(c, req.Actor, env)
	res.Opened = append(res.Opened, c.followUp(cmd, recorded, req.Actor, env)...)
	res.Closed = c.endedSince(wereOpen)
	for i := recorded; i < len(c.Timeline); i++ {
		c.Timeline[i].RecordedAt = env.Now()
	}
	c.Revision++
	c.UpdatedAt = env.Now()
	res.CaseID, res.Revision = c.ID, c.Revision
	if req.RequestID != "" {
		c.Applied = append(c.Applied, AppliedStep{RequestID: req.RequestID, Result: res})
		if len(c.Applied) > maxApplied {
			c.Applied = slices.Delete(c.Applied, 0, len(c.Applied)-maxApplied)
		}
	}
	return res, nil
}

func (c *Case) applied(requestID string) *AppliedStep {
	if requestID == "" {
		return nil
	}
	for i := range c.Applied {
		if c.Applied[i].RequestID == requestID {
			return &c.Applied[i]
		}
	}
	return nil
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(bytes.ToLower([]byte(s[:1]))) + s[1:]
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return string(bytes.ToUpper([]byte(s[:1]))) + s[1:]
}
