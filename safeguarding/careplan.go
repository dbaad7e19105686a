package safeguarding

import (
	"slices"
	"strings"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// CarePlan is the plan the team around the child agrees, led by the child's social worker, with
// the carers and the fostering social worker as key contributors. Contributions are kept as
// written: never edited, never overwritten.
type CarePlan struct {
	Contributions []Contribution `json:"contributions,omitempty"`
	// Views are the young person's own views and wishes, as they gave them.
	Views   []Views    `json:"views,omitempty"`
	Agreed  *Agreement `json:"agreed,omitempty"`
	Reviews []Review   `json:"reviews,omitempty"`
}

// Views records the young person's views and wishes about their care, in their own words, and
// how they were given (to whom, with an interpreter or an advocate). They are never reworded.
type Views struct {
	ID         string    `json:"id"`
	RecordedAt time.Time `json:"recorded_at"`
	Views      string    `json:"views"`
	How        string    `json:"how,omitempty"`
	By         Actor     `json:"by"`
}

// Contribution is one person's input to the care plan.
type Contribution struct {
	ID    string    `json:"id"`
	By    Actor     `json:"by"`
	At    time.Time `json:"at"`
	Topic string    `json:"topic,omitempty"`
	Text  string    `json:"text"`
}

// Agreement is the plan as agreed.
type Agreement struct {
	AgreedAt time.Time `json:"agreed_at"`
	Summary  string    `json:"summary"`
	By       Actor     `json:"by"`
	// NoContributionReason says why the plan was agreed without a contribution from the carer
	// or the fostering social worker.
	NoContributionReason string `json:"no_contribution_reason,omitempty"`
}

// Review is one review of the plan.
type Review struct {
	HeldAt       time.Time `json:"held_at"`
	Outcome      string    `json:"outcome"`
	NextReviewBy time.Time `json:"next_review_by,omitzero"`
	By           Actor     `json:"by"`
}

// AddContribution adds a carer's or worker's contribution to the care plan.
type AddContribution struct {
	Topic string `json:"topic,omitempty"`
	Text  string `json:"text"`
}

func (r *AddContribution) Validate(time.Time) error {
	f := fieldErrors{}
	f.text("topic", r.Topic, maxShortText)
	f.required("text", r.Text)
	f.text("text", r.Text, maxLongText)
	return f.err()
}

func (r *AddContribution) check(*Case, Sight) error { return nil }

func (r *AddContribution) apply(c *Case, by Actor, env Env) Result {
	k := Contribution{ID: c.newRef("K"), By: by, At: env.Now(), Topic: r.Topic, Text: r.Text}
	c.CarePlan.Contributions = append(c.CarePlan.Contributions, k)
	c.note(k.At, by, "care-plan-contribution", "Care plan contribution added", k.ID)
	return Result{Ref: k.ID}
}

// AgreeCarePlan records that the team around the child agreed the plan.
type AgreeCarePlan struct {
	AgreedAt time.Time `json:"agreed_at"`
	Summary  string    `json:"summary"`
	// NoContributionReason is required when the carer or the fostering social worker has not
	// contributed: they are key contributors to the plan.
	NoContributionReason string `json:"no_contribution_reason,omitempty"`
	// NextReviewBy brings the first review forward; it cannot be later than the policy allows.
	NextReviewBy time.Time `json:"next_review_by,omitzero"`
	Answers
}

func (r *AgreeCarePlan) answering() answering {
	return answering{kinds: []policy.RuleID{policy.CarePlan}, at: r.AgreedAt, field: "agreed_at", what: "This care plan"}
}

func (r *AgreeCarePlan) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("agreed_at", r.AgreedAt, now)
	f.required("summary", r.Summary)
	f.text("summary", r.Summary, maxLongText)
	if !r.NextReviewBy.IsZero() && !r.NextReviewBy.After(r.AgreedAt) {
		f.add("next_review_by", "must be after the plan was agreed")
	}
	f.text("no_contribution_reason", r.NoContributionReason, maxLongText)
	r.Answers.validate(f)
	return f.err()
}

func (r *AgreeCarePlan) check(c *Case, s Sight) error {
	if c.CarePlan.Agreed != nil {
		return Errorf(EConflict, "The care plan is already agreed; record a review to change it.")
	}
	if missing := c.missingContributors(); c.failSafe() && len(missing) > 0 && strings.TrimSpace(r.NoContributionReason) == "" {
		verb := " has"
		if len(missing) > 1 {
			verb = " have"
		}
		return invalid("no_contribution_reason", "The "+strings.Join(missing, " and the ")+verb+" not contributed to the care plan: "+
			"add their contributions first, or record why the plan is agreed without them.", "is required without a contribution from the "+strings.Join(missing, " and the "))
	}
	if c.answersChecked() {
		_, err := c.answered(r.ActionIDs, r.answering(), s)
		return err
	}
	return nil
}

// missingContributors names the key contributors to the plan who have not contributed: the
// carers (any of them) and the fostering social worker, when the case has them.
func (c *Case) missingContributors() []string {
	contributed := func(role Role) bool {
		return slices.ContainsFunc(c.CarePlan.Contributions, func(k Contribution) bool { return k.By.Role == role })
	}
	var missing []string
	if len(c.Carers) > 0 && !contributed(RoleCarer) {
		missing = append(missing, "carer")
	}
	if c.FosteringSocialWorker != "" && !contributed(RoleFosteringSocialWorker) {
		missing = append(missing, "fostering social worker")
	}
	return missing
}

func (r *AgreeCarePlan) apply(c *Case, by Actor, env Env) Result {
	c.CarePlan.Agreed = &Agreement{AgreedAt: r.AgreedAt, Summary: r.Summary, By: by, NoContributionReason: r.NoContributionReason}

	if c.answersChecked() {
		c.closeAnswered(r.ActionIDs, r.answering(), by, "")
	} else {
		c.closeActions(policy.CarePlan, "", ActionDone, r.AgreedAt, by, "")
	}
	a := c.openAction(env, policy.CarePlanReview, c.socialWorker(), r.AgreedAt, 0, "")
	bringForward(a, r.NextReviewBy)
	c.note(r.AgreedAt, by, "care-plan-agreed", "Care plan agreed", "")
	return Result{Opened: []string{a.ID}}
}

// bringForward moves a review earlier when people agreed an earlier date; never later than the
// policy's cadence.
func bringForward(a *Action, date time.Time) {
	if !date.IsZero() && date.Before(a.Due) {
		a.moveDue(date)
	}
}

// RecordReview records a review of the care plan and starts the clock for the next one.
type RecordReview struct {
	HeldAt       time.Time `json:"held_at"`
	Outcome      string    `json:"outcome"`
	NextReviewBy time.Time `json:"next_review_by,omitzero"`
	Answers
}

func (r *RecordReview) answering() answering {
	return answering{kinds: []policy.RuleID{policy.CarePlanReview}, at: r.HeldAt, field: "held_at", what: "This review"}
}

func (r *RecordReview) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("held_at", r.HeldAt, now)
	f.required("outcome", r.Outcome)
	f.text("outcome", r.Outcome, maxLongText)
	if !r.NextReviewBy.IsZero() && !r.NextReviewBy.After(r.HeldAt) {
		f.add("next_review_by", "must be after the review")
	}
	r.Answers.validate(f)
	return f.err()
}

func (r *RecordReview) check(c *Case, s Sight) error {
	if c.CarePlan.Agreed == nil {
		return Errorf(EConflict, "A review needs an agreed care plan, which is not recorded yet.")
	}
	if c.answersChecked() {
		_, err := c.answered(r.ActionIDs, r.answering(), s)
		return err
	}
	return nil
}

func (r *RecordReview) apply(c *Case, by Actor, env Env) Result {
	c.CarePlan.Reviews = append(c.CarePlan.Reviews, Review{HeldAt: r.HeldAt, Outcome: r.Outcome, NextReviewBy: r.NextReviewBy, By: by})
	if c.answersChecked() {
		c.closeAnswered(r.ActionIDs, r.answering(), by, "")
	} else {
		c.closeActions(policy.CarePlanReview, "", ActionDone, r.HeldAt, by, "")
	}
	a := c.openAction(env, policy.CarePlanReview, c.socialWorker(), r.HeldAt, len(c.CarePlan.Reviews), "")
	bringForward(a, r.NextReviewBy)
	c.note(r.HeldAt, by, "care-plan-review", "Care plan reviewed: "+r.Outcome, "")
	return Result{Opened: []string{a.ID}}
}

// RecordViews records the young person's views and wishes for their care plan, as they gave
// them. Their words are kept as said: the wording check does not apply to them.
type RecordViews struct {
	RecordedAt time.Time `json:"recorded_at"`
	Views      string    `json:"views"`
	// How says how the views were given: to whom, in which language, with an advocate.
	How string `json:"how,omitempty"`
}

func (r *RecordViews) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("recorded_at", r.RecordedAt, now)
	f.required("views", r.Views)
	f.text("views", r.Views, maxLongText)
	f.text("how", r.How, maxShortText)
	return f.err()
}

func (r *RecordViews) check(*Case, Sight) error { return nil }

func (r *RecordViews) apply(c *Case, by Actor, env Env) Result {
	v := Views{ID: c.newRef("V"), RecordedAt: r.RecordedAt, Views: r.Views, How: r.How, By: by}
	c.CarePlan.Views = append(c.CarePlan.Views, v)
	c.note(r.RecordedAt, by, "young-person-views", "The young person's views and wishes recorded", v.ID)
	return Result{Ref: v.ID}
}
