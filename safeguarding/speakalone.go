package safeguarding

import (
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Speaking with the child without the accompanying adult. The agency policy: "When speaking with
// a child who has been trafficked, remember that accompanying adults may not be parents or have
// the authority to care for the child; speak with the child directly, without the accompanying
// adult present (this could put the child at further risk)", and "It's important that
// trafficking concerns aren't raised directly with any accompanying adults". A contact recorded
// as accompanying the child is restricted (caseflow never tells a contact anything) and starts
// the speak-alone clock, owned by the child's social worker. It closes when staff record speaking
// with the child without the adult. A record that it did not happen says why; it ends the
// obligation only when a manager or the Safeguarding Lead records it, for that reason, and
// otherwise the clock runs on.

// SpokenAlone records a conversation with the child without the accompanying adult, or why there
// was none.
type SpokenAlone struct {
	ContactID string    `json:"contact_id"`
	At        time.Time `json:"at"`
	// Outcome is "spoken-alone" or "not-spoken-alone".
	Outcome     string       `json:"outcome"`
	Reason      string       `json:"reason,omitempty"`
	Interpreter *Interpreter `json:"interpreter,omitempty"`
	Note        string       `json:"note,omitempty"`
	By          Actor        `json:"by"`
}

// The outcomes of speaking with the child without the accompanying adult.
const (
	SpokenAloneHeld = "spoken-alone"
	SpokenAloneNot  = "not-spoken-alone"
)

// RecordSpokenAlone records speaking with the child without the adult who accompanies them, or
// why it did not happen.
type RecordSpokenAlone struct {
	// ContactID names the accompanying adult.
	ContactID string    `json:"contact_id"`
	At        time.Time `json:"at"`
	Outcome   string    `json:"outcome"`
	// Reason says why the child was not spoken with alone; required then.
	Reason string `json:"reason,omitempty"`
	// Interpreter is required for a conversation with a child who needs one.
	Interpreter *Interpreter `json:"interpreter,omitempty"`
	Note        string       `json:"note,omitempty"`
}

func (r *RecordSpokenAlone) Validate(now time.Time) error {
	f := fieldErrors{}
	f.requiredID("contact_id", r.ContactID)
	f.happened("at", r.At, now)
	f.oneOf("outcome", r.Outcome, SpokenAloneHeld, SpokenAloneNot)
	if r.Outcome == SpokenAloneNot {
		f.required("reason", r.Reason)
	}
	f.text("reason", r.Reason, maxLongText)
	r.Interpreter.validate(f)
	f.text("note", r.Note, maxLongText)
	return f.err()
}

func (r *RecordSpokenAlone) freeText() []written {
	return []written{{"reason", r.Reason}, {"note", r.Note}}
}

func (r *RecordSpokenAlone) check(c *Case, _ Sight) error {
	k := c.contact(r.ContactID)
	switch {
	case k == nil:
		return invalid("contact_id", "There is no contact with this id on the case.", "unknown contact")
	case !k.Accompanying:
		return invalid("contact_id", "This contact is not recorded as an adult accompanying the child.", "is not an accompanying adult")
	case r.Outcome == SpokenAloneHeld:
		return c.checkInterpreter(r.Interpreter)
	}
	return nil
}

func (r *RecordSpokenAlone) apply(c *Case, by Actor, env Env) Result {
	c.Duties.SpokenAlone = append(c.Duties.SpokenAlone, SpokenAlone{
		ContactID: r.ContactID, At: r.At, Outcome: r.Outcome, Reason: r.Reason, Interpreter: r.Interpreter, Note: r.Note, By: by,
	})
	switch {
	case r.Outcome == SpokenAloneHeld:
		c.closeActions(policy.SpeakAlone, r.ContactID, ActionDone, r.At, by, "")
		c.note(r.At, by, "spoken-alone", "Spoke with the child without the accompanying adult", r.ContactID)
	case by.Role.Oversees():
		var ended []Resolution
		for _, a := range c.Actions {
			if a.Open() && a.Kind == policy.SpeakAlone && a.Ref == r.ContactID {
				ended = append(ended, Resolution{ActionID: a.ID, Reason: r.Reason})
			}
		}
		c.note(r.At, by, "not-spoken-alone", "The child was not spoken with without the accompanying adult: "+r.Reason, r.ContactID)
		c.resolve(ended, r.At, by, "")
	default:
		c.note(r.At, by, "not-spoken-alone", "The child was not spoken with without the accompanying adult, and must be: "+r.Reason, r.ContactID)
	}
	return Result{Ref: r.ContactID}
}
