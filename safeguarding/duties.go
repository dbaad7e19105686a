package safeguarding

import (
	"slices"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// The agency policy's seed duties: what the policy asks of the team that no track of the case
// made a step or a clock of. Each is now evidenced by a record, and chased where it is an
// obligation (rules version RulesDuties and later):
//
//   - "Keep the young person updated on any outcomes": every outcome caseflow records (a
//     decision of the local authority, the NRM or a conference, a strategy discussion's outcome,
//     an assessment, a guardian assigned, the care plan agreed or reviewed) opens an action to
//     tell the young person, closed by a record of who told them, when and how (this file).
//   - "If there are concerns about the contact between a child and adult, the child's social
//     worker can request a police check": a concern that names such a sign opens the decision
//     on a Child Sex Offender Disclosure Scheme check (csods.go).
//   - "Speak with the child directly, without the accompanying adult present": an adult recorded
//     as accompanying the child opens that conversation, closed by a record that it happened or
//     ended by an overseer for a recorded reason why not (speakalone.go).
//   - A negative NRM decision opens the decision whether to ask for it to be reconsidered:
//     "challenge professional views which are oppressive, judgmental, or rejecting the need for a
//     child protection response" (nrmchallenge.go).
//   - Staff and carers who "fail to act appropriately when modern slavery is identified would be
//     subject to disciplinary procedures": a chase that reaches the Safeguarding Lead about an
//     action a named person owns asks the Lead whether that is a conduct matter (conduct.go).
//   - An allegation may be about someone who is not a caseflow user (a supplier, a teacher, a
//     driver), and a substantiated allegation against a carer, member of staff or supplier opens
//     the decision on ending the agency's relationship with them (external.go).
//   - The view of whoever holds parental responsibility on the NRM referral is recorded where
//     there is one; it never holds the referral up (nrmchallenge.go).

// Duties holds the records of the seed duties.
type Duties struct {
	// Outcomes are the outcomes the young person is to be told of, each with who told them.
	Outcomes []Outcome `json:"outcomes,omitempty"`
	// Checks are the Child Sex Offender Disclosure Scheme checks asked of the police, and
	// NotChecked the decisions not to ask for one.
	Checks     []DisclosureCheck `json:"disclosure_checks,omitempty"`
	NotChecked []NotChecked      `json:"not_checked,omitempty"`
	// SpokenAlone records each conversation with the child without the accompanying adult, or why
	// it did not happen.
	SpokenAlone []SpokenAlone `json:"spoken_alone,omitempty"`
	// Challenges are the decisions whether to challenge a negative NRM decision.
	Challenges []Challenge `json:"nrm_challenges,omitempty"`
	// ParentalViews are the views on the NRM referral of whoever holds parental responsibility.
	ParentalViews []ParentalView `json:"parental_views,omitempty"`
	// Conduct are the Safeguarding Lead's reviews of a failure to act (managers and the Lead only).
	Conduct []ConductReview `json:"conduct,omitempty"`
}

// seenBy is what the person may see of the duties' records. Carers see none of them: they are
// the professionals' records of decisions about the child (the NRM, the police). Whether a
// person's failure to act is a conduct matter is for managers and the Safeguarding Lead alone.
func (d Duties) seenBy(s Sight) Duties {
	if s.IsCarer() || !s.Sees() {
		return Duties{}
	}
	if s.Relation != RelationOverseer {
		d.Conduct = nil
	}
	return d
}

// followUp opens the clocks a step's records call for under the seed duties, for a case on
// rules that keep them: it reads what the step wrote to the timeline (from the entry numbered
// from), so every path to an outcome opens the same action. It returns the actions it opened.
func (c *Case) followUp(cmd Command, from int, by Actor, env Env) []string {
	if !c.keepsDuties() {
		return nil
	}
	var opened []string
	add := func(a *Action) {
		if a != nil {
			opened = append(opened, a.ID)
		}
	}
	for i, n := from, len(c.Timeline); i < n; i++ {
		e := c.Timeline[i]
		if label, ok := outcomeKinds[e.Kind]; ok && !e.Restricted {
			add(c.openTell(env, e, label))
		}
		switch e.Kind {
		case "nrm-rg-decision":
			add(c.openChallenge(env, decisionRG, c.NRM.RG))
		case "nrm-cg-decision":
			add(c.openChallenge(env, decisionCG, c.NRM.CG))
		case "nrm-reconsideration":
			if n := len(c.NRM.Reconsiderations); n > 0 {
				r := c.NRM.Reconsiderations[n-1]
				c.closeActions(policy.NRMChallenge, r.Decision, ActionDone, r.RequestedAt, by, "Reconsideration requested: "+r.Reason)
			}
		case "concern-raised":
			if k := c.concern(e.Ref); k != nil && aboutAnAdult(k.Indicators) {
				add(c.openDisclosureDecision(env, k.ID, k.ObservedAt))
			}
		case "contact":
			if k := c.contact(e.Ref); k != nil && k.Accompanying {
				add(c.openAction(env, policy.SpeakAlone, c.socialWorker(), e.At, 0, k.ID))
			}
		}
	}
	if d, ok := cmd.(*CaseDetails); ok && d.ConcernID != "" && aboutAnAdult(d.AddIndicators) {
		add(c.openDisclosureDecision(env, d.ConcernID, env.Now()))
	}
	return opened
}

// openOwnAction opens an action its owner holds in their own right: one owned by the managers is
// their decision, not the social worker's held while the post is vacant, so assigning a social
// worker leaves it with them.
func (c *Case) openOwnAction(env Env, rule policy.RuleID, owner Owner, start time.Time, ref string) *Action {
	a := c.openAction(env, rule, owner, start, 0, ref)
	a.HandedFrom = nil
	return a
}

// hadAction reports whether an action of kind about ref was ever opened, open or ended.
func (c *Case) hadAction(kind policy.RuleID, ref string) bool {
	return slices.ContainsFunc(c.Actions, func(a Action) bool { return a.Kind == kind && a.Ref == ref })
}

// closeStartedBy completes the open actions of kind (about ref, when given) that began at or
// before at: a record closes only what it can answer.
func (c *Case) closeStartedBy(kind policy.RuleID, ref string, at time.Time, by Actor, note string) {
	for i := range c.Actions {
		a := &c.Actions[i]
		if a.Open() && a.Kind == kind && (ref == "" || a.Ref == ref) && !a.StartedAt.After(at) {
			a.end(ActionDone, at, by, note)
		}
	}
}

// Telling the young person of each outcome.

// outcomeKinds are the timeline entries of the outcomes the young person is told of, with how
// the action to tell them names each. A disclosure under the Child Sex Offender Disclosure
// Scheme is not among them (it is made to the person best placed to protect the child, in
// confidence), nor the outcome of an allegation (the LADO's process decides who is told what).
var outcomeKinds = map[string]string{
	"csc-decision":     "the local authority's decision on the referral",
	"meeting-held":     "the outcome of the strategy discussion",
	"conference":       "the outcome of the child protection conference",
	"assessment":       "the assessment",
	"nrm-rg-decision":  "the Reasonable Grounds decision",
	"nrm-cg-decision":  "the Conclusive Grounds decision",
	"nrm-not-referred": "the decision not to refer to the NRM",
	"ictg-assignment":  "the Independent Child Trafficking Guardian assigned",
	"care-plan-agreed": "the care plan agreed",
	"care-plan-review": "the care plan review",
}

// Outcome is an outcome the young person is to be told of, and who told them.
type Outcome struct {
	ID string `json:"id"`
	// Kind is the kind of the outcome's timeline entry, Entry its number and Summary its words.
	Kind    string    `json:"kind"`
	Entry   int       `json:"entry"`
	Summary string    `json:"summary"`
	At      time.Time `json:"at"`
	Told    *Told     `json:"told,omitempty"`
}

// Told records who told the young person of an outcome, when and how.
type Told struct {
	At time.Time `json:"told_at"`
	// ToldBy is who told them (their role, and their name where the agency records it).
	ToldBy string `json:"told_by"`
	// How: in person, by phone, with an interpreter or an advocate.
	How string `json:"how"`
	// Response is what the young person said, in their own words.
	Response string `json:"response,omitempty"`
	By       Actor  `json:"by"`
}

// openTell records an outcome and opens the action to tell the young person of it, from when the
// outcome happened, owned by the child's social worker.
func (c *Case) openTell(env Env, e Entry, label string) *Action {
	o := Outcome{ID: c.newRef("Y"), Kind: e.Kind, Entry: e.Seq, Summary: e.Summary, At: e.At}
	c.Duties.Outcomes = append(c.Duties.Outcomes, o)
	a := c.openAction(env, policy.TellYoungPerson, c.socialWorker(), e.At, 0, o.ID)
	a.Title += " (" + label + ")"
	return a
}

// keptOutcomes keeps the outcomes the young person is still to be told of, and the most recent
// of those they were told of: a case reviewed every six weeks for years records one each time.
func keptOutcomes(list []Outcome) []Outcome {
	var out []Outcome
	told := 0
	for i := len(list) - 1; i >= 0; i-- {
		if list[i].Told != nil {
			if told == keptDatedRecords {
				continue
			}
			told++
		}
		out = append(out, list[i])
	}
	slices.Reverse(out)
	return out
}

func (c *Case) outcome(id string) *Outcome {
	for i := range c.Duties.Outcomes {
		if c.Duties.Outcomes[i].ID == id {
			return &c.Duties.Outcomes[i]
		}
	}
	return nil
}

// RecordTold records that the young person was told of an outcome: who told them, when and how.
type RecordTold struct {
	OutcomeID string    `json:"outcome_id"`
	ToldAt    time.Time `json:"told_at"`
	ToldBy    string    `json:"told_by"`
	How       string    `json:"how"`
	Response  string    `json:"response,omitempty"`
}

func (r *RecordTold) Validate(now time.Time) error {
	f := fieldErrors{}
	f.requiredID("outcome_id", r.OutcomeID)
	f.happened("told_at", r.ToldAt, now)
	f.required("told_by", r.ToldBy)
	f.text("told_by", r.ToldBy, maxShortText)
	f.required("how", r.How)
	f.text("how", r.How, maxShortText)
	f.text("response", r.Response, maxLongText)
	return f.err()
}

func (r *RecordTold) freeText() []written { return []written{{"response", r.Response}} }

func (r *RecordTold) check(c *Case, _ Sight) error {
	o := c.outcome(r.OutcomeID)
	switch {
	case o == nil:
		return invalid("outcome_id", "There is no outcome with this id on the case.", "unknown outcome")
	case o.Told != nil:
		return Errorf(EConflict, "The young person is already recorded as told of this outcome, on %s.", ukTime(o.Told.At))
	case r.ToldAt.Before(o.At):
		return invalid("told_at", "The young person cannot have been told of the outcome before it was decided ("+ukTime(o.At)+").",
			"is before the outcome")
	}
	return nil
}

func (r *RecordTold) apply(c *Case, by Actor, env Env) Result {
	o := c.outcome(r.OutcomeID)
	o.Told = &Told{At: r.ToldAt, ToldBy: r.ToldBy, How: r.How, Response: r.Response, By: by}
	c.closeActions(policy.TellYoungPerson, o.ID, ActionDone, r.ToldAt, by, "Told by "+r.ToldBy+" ("+r.How+")")
	c.note(r.ToldAt, by, "young-person-told", "The child was told of the outcome ("+o.Summary+"): "+r.How, o.ID)
	return Result{Ref: o.ID}
}

// A failure to act: the Safeguarding Lead's conduct decision.

// AfterChases opens what the chases just taken call for (see TakeDueChases), on a case that keeps
// the seed duties: when a chase first reaches the Safeguarding Lead about an action a named
// person owns, the Lead is asked whether their failure to act is a conduct matter. The workflow
// calls it with the chases of each wake-up; it returns the actions it opened.
func (c *Case) AfterChases(env Env, chases []DueChase) []string {
	if !c.keepsDuties() {
		return nil
	}
	var opened []string
	for _, ch := range chases {
		if ch.Level != LevelLead || ch.Repeat != 0 {
			continue
		}
		late := c.action(ch.ActionID)
		if late == nil || late.Owner.UserID == "" || late.Kind == policy.ConductReview || c.hasOpen(policy.ConductReview, late.ID) {
			continue
		}
		opened = append(opened, c.openConductReview(env, late, ch.At).ID)
	}
	if len(opened) > 0 {
		c.Revision++
		c.UpdatedAt = env.Now()
	}
	return opened
}

// contact finds a contact of the child by id.
func (c *Case) contact(id string) *Contact {
	for i := range c.Contacts {
		if c.Contacts[i].ID == id {
			return &c.Contacts[i]
		}
	}
	return nil
}
