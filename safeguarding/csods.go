package safeguarding

import (
	"slices"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// The Child Sex Offender Disclosure Scheme. The agency policy: "The Child Sex Offender Disclosure
// Scheme lets those who care for young people find out if a person has a record for child sexual
// offences. [...] If there are concerns about the contact between a child and adult, the child's
// social worker can request a police check." A concern that names one of the signs of such
// contact (adultSigns) asks the child's social worker to decide whether to request a check (the
// csods-decision clock); a check requested chases the police's answer (csods-answer). Deciding
// not to request one is the social worker's to record, with the reason: the policy leaves the
// check to their judgement ("can request").

// adultSigns are the policy's signs of contact between the child and an adult that call for the
// decision on a check.
var adultSigns = []string{"unknown-adults", "older-boyfriend", "picked-up-by-strangers"}

// aboutAnAdult reports whether signs include one of contact with an adult.
func aboutAnAdult(signs []Indicator) bool {
	return slices.ContainsFunc(signs, func(in Indicator) bool { return slices.Contains(adultSigns, in.Code) })
}

// openDisclosureDecision asks the child's social worker to decide on a check after a concern
// about an adult, once per concern.
func (c *Case) openDisclosureDecision(env Env, concernID string, start time.Time) *Action {
	if c.hadAction(policy.CSODSDecision, concernID) {
		return nil
	}
	return c.openAction(env, policy.CSODSDecision, c.socialWorker(), start, 0, concernID)
}

// DisclosureCheck is a check the agency asked of the police under the scheme.
type DisclosureCheck struct {
	ID          string    `json:"id"`
	RequestedAt time.Time `json:"requested_at"`
	// Adult is who the check is about: their name, or how they are known.
	Adult string `json:"adult"`
	// ContactID names the adult among the child's recorded contacts, when they are one.
	ContactID string            `json:"contact_id,omitempty"`
	Reason    string            `json:"reason"`
	Reference string            `json:"reference,omitempty"`
	By        Actor             `json:"by"`
	Answer    *DisclosureAnswer `json:"answer,omitempty"`
}

// DisclosureAnswer is the police's answer to a check.
type DisclosureAnswer struct {
	AnsweredAt time.Time `json:"answered_at"`
	Outcome    string    `json:"outcome"`
	Note       string    `json:"note,omitempty"`
	By         Actor     `json:"by"`
}

// The police's answers to a check.
const (
	DisclosureMade     = "information-disclosed"
	DisclosureNone     = "nothing-to-disclose"
	DisclosureDeclined = "not-progressed"
)

// NotChecked is a decision not to request a check, with why.
type NotChecked struct {
	DecidedAt time.Time `json:"decided_at"`
	Reason    string    `json:"reason"`
	By        Actor     `json:"by"`
}

// RequestDisclosureCheck records a check requested of the police under the scheme.
type RequestDisclosureCheck struct {
	RequestedAt time.Time `json:"requested_at"`
	Adult       string    `json:"adult"`
	ContactID   string    `json:"contact_id,omitempty"`
	Reason      string    `json:"reason"`
	Reference   string    `json:"reference,omitempty"`
}

func (r *RequestDisclosureCheck) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("requested_at", r.RequestedAt, now)
	f.required("adult", r.Adult)
	f.text("adult", r.Adult, maxShortText)
	f.id("contact_id", r.ContactID)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	f.text("reference", r.Reference, maxShortText)
	return f.err()
}

func (r *RequestDisclosureCheck) check(c *Case, _ Sight) error {
	if r.ContactID != "" && c.contact(r.ContactID) == nil {
		return invalid("contact_id", "There is no contact with this id on the case.", "unknown contact")
	}
	return nil
}

func (r *RequestDisclosureCheck) apply(c *Case, by Actor, env Env) Result {
	q := DisclosureCheck{ID: c.newRef("Q"), RequestedAt: r.RequestedAt, Adult: r.Adult, ContactID: r.ContactID,
		Reason: r.Reason, Reference: r.Reference, By: by}
	c.Duties.Checks = append(c.Duties.Checks, q)
	c.closeStartedBy(policy.CSODSDecision, "", r.RequestedAt, by, "Check requested")
	a := c.openAction(env, policy.CSODSAnswer, c.socialWorker(), r.RequestedAt, 0, q.ID)
	c.note(r.RequestedAt, by, "csods-request", "Police check requested under the Child Sex Offender Disclosure Scheme", q.ID)
	return Result{Ref: q.ID, Opened: []string{a.ID}}
}

func (c *Case) disclosureCheck(id string) *DisclosureCheck {
	for i := range c.Duties.Checks {
		if c.Duties.Checks[i].ID == id {
			return &c.Duties.Checks[i]
		}
	}
	return nil
}

// DecideNoDisclosureCheck records a decision not to request a check, with why.
type DecideNoDisclosureCheck struct {
	DecidedAt time.Time `json:"decided_at"`
	Reason    string    `json:"reason"`
}

func (r *DecideNoDisclosureCheck) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("decided_at", r.DecidedAt, now)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *DecideNoDisclosureCheck) check(c *Case, _ Sight) error {
	waiting, before := false, false
	for _, a := range c.Actions {
		if a.Open() && a.Kind == policy.CSODSDecision {
			waiting = true
			before = before || !a.StartedAt.After(r.DecidedAt)
		}
	}
	switch {
	case !waiting:
		return Errorf(EConflict, "No decision on a police check under the Child Sex Offender Disclosure Scheme is waiting.")
	case !before:
		return invalid("decided_at", "The decision cannot come before the concern that called for it.", "is before the concern")
	}
	return nil
}

func (r *DecideNoDisclosureCheck) apply(c *Case, by Actor, env Env) Result {
	c.Duties.NotChecked = append(c.Duties.NotChecked, NotChecked{DecidedAt: r.DecidedAt, Reason: r.Reason, By: by})
	c.closeStartedBy(policy.CSODSDecision, "", r.DecidedAt, by, "No check requested: "+r.Reason)
	c.note(r.DecidedAt, by, "csods-not-requested", "Decided not to request a police check under the Child Sex Offender Disclosure Scheme: "+r.Reason, "")
	return Result{}
}

// RecordDisclosureAnswer records the police's answer to a check.
type RecordDisclosureAnswer struct {
	RequestID  string    `json:"request_id"`
	AnsweredAt time.Time `json:"answered_at"`
	Outcome    string    `json:"outcome"`
	Note       string    `json:"note,omitempty"`
}

func (r *RecordDisclosureAnswer) Validate(now time.Time) error {
	f := fieldErrors{}
	f.requiredID("request_id", r.RequestID)
	f.happened("answered_at", r.AnsweredAt, now)
	f.oneOf("outcome", r.Outcome, DisclosureMade, DisclosureNone, DisclosureDeclined)
	f.text("note", r.Note, maxLongText)
	return f.err()
}

func (r *RecordDisclosureAnswer) check(c *Case, _ Sight) error {
	q := c.disclosureCheck(r.RequestID)
	switch {
	case q == nil:
		return invalid("request_id", "There is no police check with this id on the case.", "unknown check")
	case q.Answer != nil:
		return Errorf(EConflict, "The police's answer to this check is already recorded.")
	case r.AnsweredAt.Before(q.RequestedAt):
		return invalid("answered_at", "The police cannot have answered before the check was requested ("+ukTime(q.RequestedAt)+").",
			"is before the request")
	}
	return nil
}

func (r *RecordDisclosureAnswer) apply(c *Case, by Actor, env Env) Result {
	q := c.disclosureCheck(r.RequestID)
	q.Answer = &DisclosureAnswer{AnsweredAt: r.AnsweredAt, Outcome: r.Outcome, Note: r.Note, By: by}
	c.closeActions(policy.CSODSAnswer, q.ID, ActionDone, r.AnsweredAt, by, r.Outcome)
	c.note(r.AnsweredAt, by, "csods-answer", "The police answered the Child Sex Offender Disclosure Scheme check: "+r.Outcome, q.ID)
	return Result{Ref: q.ID}
}
