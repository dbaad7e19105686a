package safeguarding

import (
	"time"

	"github.com/caseflow/caseflow/policy"
)

// A missing child is an emergency. Recording that the child is missing starts hour clocks: the
// police report (unless it was made, with its reference), telling the child's social worker and
// the Safeguarding Lead, and the missing episode itself, chased until the return is recorded.
// The return starts the 72-hour return home interview.
//
// Repeated episodes call for a strategy discussion. They are counted per child: a child has one
// case, which reopens when they go missing again after it closed, so the case's episodes are
// all of the child's.

// Episode is one time the child went missing.
type Episode struct {
	ID               string    `json:"id"`
	WentMissingAt    time.Time `json:"went_missing_at"`
	ReturnedAt       time.Time `json:"returned_at,omitzero"`
	ReportedToPolice bool      `json:"reported_to_police"`
	PoliceReference  string    `json:"police_reference,omitempty"`
	InterviewAt      time.Time `json:"return_interview_at,omitzero"`
	// Interview is "held", or "declined" when the child declined the interview offered.
	Interview        string `json:"return_interview,omitempty"`
	InterviewOffered string `json:"return_interview_offered_by,omitempty"`
	RecordedBy       Actor  `json:"recorded_by"`
}

// RecordMissing records a missing episode, with the return when the child is already back.
type RecordMissing struct {
	WentMissingAt    time.Time `json:"went_missing_at"`
	ReturnedAt       time.Time `json:"returned_at,omitzero"`
	ReportedToPolice bool      `json:"reported_to_police"`
	PoliceReference  string    `json:"police_reference,omitempty"`
}

func (r *RecordMissing) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("went_missing_at", r.WentMissingAt, now)
	if !r.ReturnedAt.IsZero() {
		f.happened("returned_at", r.ReturnedAt, now)
		if r.ReturnedAt.Before(r.WentMissingAt) {
			f.add("returned_at", "cannot be before the child went missing")
		}
	}
	f.text("police_reference", r.PoliceReference, maxShortText)
	return f.err()
}

func (r *RecordMissing) check(c *Case, _ Sight) error {
	if c.MergedInto != nil {
		return c.mergedAway()
	}
	if c.failSafe() && r.ReportedToPolice && r.PoliceReference == "" {
		return invalid("police_reference", "Give the police reference of the missing report, or say it was not reported yet: caseflow will then chase the report.", "is required when the child was reported missing to the police")
	}
	return nil
}

// apply records the episode. On a closed case it reopens the case first: a missing child is
// never refused.
func (r *RecordMissing) apply(c *Case, by Actor, env Env) Result {
	res := Result{}
	if c.Closed() {
		res.Opened = c.reopen(env, by, "The child went missing")
	}
	e := Episode{ID: c.newRef("E"), WentMissingAt: r.WentMissingAt, ReportedToPolice: r.ReportedToPolice, PoliceReference: r.PoliceReference, RecordedBy: by}
	c.Missing = append(c.Missing, e)
	c.note(r.WentMissingAt, by, "missing", "Missing episode", e.ID)
	res.Ref = e.ID
	if c.failSafe() {
		recorder := Owner{Role: by.Role, UserID: by.UserID}
		if r.ReturnedAt.IsZero() {
			res.Opened = append(res.Opened, c.openAction(env, policy.MissingChild, recorder, r.WentMissingAt, 0, e.ID).ID)
		}
		if !r.ReportedToPolice {
			res.Opened = append(res.Opened, c.openAction(env, policy.MissingPoliceReport, recorder, r.WentMissingAt, 0, e.ID).ID)
		}
		res.Opened = append(res.Opened, c.openNotifications(env, policy.MissingNotifySW, policy.MissingNotifyLead, recorder, by, r.WentMissingAt, e.ID)...)
	}
	if !r.ReturnedAt.IsZero() {
		res.Opened = append(res.Opened, c.recordReturn(env, &c.Missing[len(c.Missing)-1], r.ReturnedAt, by)...)
	}
	// Repeated episodes are an indicator in themselves: the partnership must meet about them.
	count, window := env.RepeatMissing(c.LA)
	if c.missingWithin(r.WentMissingAt, window) >= count && !c.hasOpen(policy.StrategyDiscussion, "") {
		a := c.openAction(env, policy.StrategyDiscussion, c.socialWorker(), r.WentMissingAt, 0, e.ID)
		a.Title += " (repeated missing episodes)"
		res.Opened = append(res.Opened, a.ID)
	}
	return res
}

// missingWithin counts the child's episodes that began in the window ending at t, those of the
// cases merged into this one included.
func (c *Case) missingWithin(t time.Time, window time.Duration) int {
	n := 0
	for _, at := range c.missingStarts() {
		if !at.After(t) && t.Sub(at) <= window {
			n++
		}
	}
	return n
}

func (c *Case) recordReturn(env Env, e *Episode, at time.Time, by Actor) []string {
	e.ReturnedAt = at
	c.closeActions(policy.MissingChild, e.ID, ActionDone, at, by, "")
	c.note(at, by, "returned", "Returned from a missing episode", e.ID)
	if !c.TurnedAdult.IsZero() {
		// Return home interviews are for children; a young person's return is recorded only.
		return nil
	}
	a := c.openAction(env, policy.ReturnInterview, c.socialWorker(), at, 0, e.ID)
	return []string{a.ID}
}

func (c *Case) episode(id string) *Episode {
	for i := range c.Missing {
		if c.Missing[i].ID == id {
			return &c.Missing[i]
		}
	}
	return nil
}

// unknownEpisode is the refusal of an episode id the case does not have.
func unknownEpisode() *Error {
	return invalid("episode_id", "There is no missing episode with this id.", "unknown episode")
}

// RecordReturn records the child's return from an episode recorded while missing.
type RecordReturn struct {
	EpisodeID  string    `json:"episode_id"`
	ReturnedAt time.Time `json:"returned_at"`
}

func (r *RecordReturn) Validate(now time.Time) error {
	f := fieldErrors{}
	f.requiredID("episode_id", r.EpisodeID)
	f.happened("returned_at", r.ReturnedAt, now)
	return f.err()
}

func (r *RecordReturn) check(c *Case, _ Sight) error {
	e := c.episode(r.EpisodeID)
	switch {
	case e == nil:
		return unknownEpisode()
	case !e.ReturnedAt.IsZero():
		return Errorf(EConflict, "The return from this episode is already recorded.")
	case r.ReturnedAt.Before(e.WentMissingAt):
		return invalid("returned_at", "The return cannot come before the child went missing.", "is before the episode began")
	}
	return nil
}

func (r *RecordReturn) apply(c *Case, by Actor, env Env) Result {
	return Result{Ref: r.EpisodeID, Opened: c.recordReturn(env, c.episode(r.EpisodeID), r.ReturnedAt, by)}
}

// Outcomes of a return home interview.
const (
	InterviewHeld     = "held"
	InterviewDeclined = "declined"
)

// RecordReturnInterview records the independent return home interview: held, or offered and
// declined by the child. Either ends the chase; a declined offer names who offered it.
type RecordReturnInterview struct {
	EpisodeID string `json:"episode_id"`
	// Outcome is "held" (the default) or "declined".
	Outcome string    `json:"outcome,omitempty"`
	HeldAt  time.Time `json:"held_at"`
	// OfferedBy says who offered the interview the child declined (a role and organisation).
	OfferedBy string `json:"offered_by,omitempty"`
	// Interpreter is required for an interview held with a child who needs one.
	Interpreter *Interpreter `json:"interpreter,omitempty"`
}

func (r *RecordReturnInterview) Validate(now time.Time) error {
	f := fieldErrors{}
	f.requiredID("episode_id", r.EpisodeID)
	f.happened("held_at", r.HeldAt, now)
	if r.Outcome != "" {
		f.oneOf("outcome", r.Outcome, InterviewHeld, InterviewDeclined)
	}
	if r.Outcome == InterviewDeclined {
		f.required("offered_by", r.OfferedBy)
	}
	f.text("offered_by", r.OfferedBy, maxShortText)
	r.Interpreter.validate(f)
	return f.err()
}

func (r *RecordReturnInterview) check(c *Case, _ Sight) error {
	e := c.episode(r.EpisodeID)
	switch {
	case e == nil:
		return unknownEpisode()
	case e.ReturnedAt.IsZero():
		return Errorf(EConflict, "Record the child's return before the return home interview.")
	case !e.InterviewAt.IsZero():
		return Errorf(EConflict, "The return home interview for this episode is already recorded.")
	case c.answersChecked() && r.HeldAt.Before(e.ReturnedAt):
		return predates("held_at", "This return home interview", r.HeldAt, "the child's return from episode "+e.ID+" on", e.ReturnedAt)
	case r.Outcome != InterviewDeclined:
		return c.checkInterpreter(r.Interpreter)
	}
	return nil
}

func (r *RecordReturnInterview) apply(c *Case, by Actor, env Env) Result {
	e := c.episode(r.EpisodeID)
	outcome := r.Outcome
	if outcome == "" {
		outcome = InterviewHeld
	}
	e.InterviewAt, e.Interview, e.InterviewOffered = r.HeldAt, outcome, r.OfferedBy
	c.closeActions(policy.ReturnInterview, r.EpisodeID, ActionDone, r.HeldAt, by, outcome)
	summary := "Return home interview held"
	if outcome == InterviewDeclined {
		summary = "Return home interview offered by " + r.OfferedBy + " and declined by the child"
	}
	c.note(r.HeldAt, by, "return-interview", summary, r.EpisodeID)
	return Result{Ref: r.EpisodeID}
}
