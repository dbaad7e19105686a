package safeguarding

import (
	"slices"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// A carer raises concerns about the children placed with them. A concern about a child with no
// case of theirs opens the child's case at once, its clocks running from the concern (a child at
// risk never waits for a check), with the carer's placement awaiting confirmation: until staff
// confirm it, the carer sees only what they recorded and the actions they own (see
// RelationUnconfirmed), and the Safeguarding Lead is chased to confirm it (complete-record).

// StepConfirmPlacement confirms, or declines, that the child is placed with the carer who
// raised the concern.
const StepConfirmPlacement = "carer-placement"

// Placement decisions.
const (
	PlacementConfirmed = "confirmed"
	PlacementNotPlaced = "not-placed"
)

// ConfirmPlacement records staff's check that the child is placed with a carer who raised a
// concern about them: confirmed, the carer sees the case as the child's carer; not placed, the
// carer loses access and the actions they owned pass to the child's social worker.
type ConfirmPlacement struct {
	Carer string `json:"carer"`
	// Decision is "confirmed" or "not-placed".
	Decision string `json:"decision"`
	Reason   string `json:"reason"`
}

func (r *ConfirmPlacement) Validate(time.Time) error {
	f := fieldErrors{}
	f.requiredID("carer", r.Carer)
	f.oneOf("decision", r.Decision, PlacementConfirmed, PlacementNotPlaced)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	return f.err()
}

func (r *ConfirmPlacement) check(c *Case, _ Sight) error {
	if !slices.Contains(c.Unconfirmed, r.Carer) {
		return invalid("carer", "This carer's placement is not awaiting confirmation on this case.", "is not awaiting confirmation")
	}
	return nil
}

func (r *ConfirmPlacement) apply(c *Case, by Actor, env Env) Result {
	now := env.Now()
	c.Unconfirmed = slices.DeleteFunc(slices.Clone(c.Unconfirmed), func(u string) bool { return u == r.Carer })
	summary := "Placement with the carer who raised the concern confirmed: " + r.Reason
	if r.Decision == PlacementNotPlaced {
		c.handRemovedCarersOn([]string{r.Carer})
		c.Carers = slices.DeleteFunc(slices.Clone(c.Carers), func(u string) bool { return u == r.Carer })
		c.Revoked = append(c.Revoked, Revocation{UserID: r.Carer, At: now, Reason: "The child is not placed with them: " + r.Reason})
		summary = "The child is not placed with the carer who raised the concern; their actions pass to the child's social worker: " + r.Reason
	}
	c.note(now, by, StepConfirmPlacement, summary, "")
	if len(c.missingDetails()) == 0 {
		c.closeActions(policy.CompleteRecord, "", ActionDone, now, by, "")
	}
	return Result{}
}
