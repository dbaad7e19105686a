package safeguarding

import (
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Episode is one time the child went missing.
type Episode struct {
	ID               string    `json:"id"`
	WentMissingAt    time.Time `json:"went_missing_at"`
	ReturnedAt       time.Time `json:"returned_at,omitzero"`
	ReportedToPolice bool      `json:"reported_to_police"`
	PoliceReference  string    `json:"police_reference,omitempty"`
	InterviewAt      time.Time `json:"return_interview_at,omitzero"`
	RecordedBy       Actor     `json:"recorded_by"`
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

func (r *RecordMissing) check(*Case, Actor) error { return nil }

func (r *RecordMissing) apply(c *Case, by Actor, env Env) Result {
	e := Episode{ID: c.newRef("E"), WentMissingAt: r.WentMissingAt, ReportedToPolice: r.ReportedToPolice, PoliceReference: r.PoliceReference, RecordedBy: by}
	c.Missing = append(c.Missing, e)
	c.note(r.WentMissingAt, by, "missing", "Missing episode", e.ID)
	res := Result{Ref: e.ID}
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

// missingWithin counts the episodes that began in the window ending at t.
func (c *Case) missingWithin(t time.Time, window time.Duration) int {
	n := 0
	for _, e := range c.Missing {
		if !e.WentMissingAt.After(t) && t.Sub(e.WentMissingAt) <= window {
			n++
		}
	}
	return n
}

func (c *Case) recordReturn(env Env, e *Episode, at time.Time, by Actor) []string {
	e.ReturnedAt = at
	c.note(at, by, "returned", "Returned from a missing episode", e.ID)
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

// RecordReturn records the child's return from an episode recorded while missing.
type RecordReturn struct {
	EpisodeID  string    `json:"episode_id"`
	ReturnedAt time.Time `json:"returned_at"`
}

func (r *RecordReturn) Validate(now time.Time) error {
	f := fieldErrors{}
	f.required("episode_id", r.EpisodeID)
	f.happened("returned_at", r.ReturnedAt, now)
	return f.err()
}

func (r *RecordReturn) check(c *Case, _ Actor) error {
	e := c.episode(r.EpisodeID)
	switch {
	case e == nil:
		return invalid("episode_id", "There is no missing episode with this id.", "unknown episode")
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

// RecordReturnInterview records the independent return home interview.
type RecordReturnInterview struct {
	EpisodeID string    `json:"episode_id"`
	HeldAt    time.Time `json:"held_at"`
}

func (r *RecordReturnInterview) Validate(now time.Time) error {
	f := fieldErrors{}
	f.required("episode_id", r.EpisodeID)
	f.happened("held_at", r.HeldAt, now)
	return f.err()
}

func (r *RecordReturnInterview) check(c *Case, _ Actor) error {
	e := c.episode(r.EpisodeID)
	switch {
	case e == nil:
		return invalid("episode_id", "There is no missing episode with this id.", "unknown episode")
	case e.ReturnedAt.IsZero():
		return Errorf(EConflict, "Record the child's return before the return home interview.")
	case !e.InterviewAt.IsZero():
		return Errorf(EConflict, "The return home interview for this episode is already recorded.")
	}
	return nil
}

func (r *RecordReturnInterview) apply(c *Case, by Actor, env Env) Result {
	c.episode(r.EpisodeID).InterviewAt = r.HeldAt
	c.closeActions(policy.ReturnInterview, r.EpisodeID, ActionDone, r.HeldAt, by, "")
	c.note(r.HeldAt, by, "return-interview", "Return home interview held", r.EpisodeID)
	return Result{Ref: r.EpisodeID}
}
