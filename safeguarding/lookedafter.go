package safeguarding

import (
	"time"

	"github.com/caseflow/caseflow/policy"
)

// LookedAfter holds the clocks of a newly looked-after child: reviews and social worker visits.
type LookedAfter struct {
	Since          time.Time `json:"since"`
	PlacementStart time.Time `json:"placement_start"`
	// LongTerm: the placement is intended to last until the child is 18, so visits after its
	// first year are at most three-monthly rather than six-weekly (regulation 28(2)(c)).
	LongTerm bool        `json:"long_term_placement,omitempty"`
	Reviews  []time.Time `json:"reviews,omitempty"`
	Visits   []time.Time `json:"visits,omitempty"`
}

// LookedAfterStart says when the child became looked after and when the placement began.
type LookedAfterStart struct {
	Since          time.Time `json:"since"`
	PlacementStart time.Time `json:"placement_start"`
	LongTerm       bool      `json:"long_term_placement,omitempty"`
}

// validate names the fields under prefix: "looked_after." inside a concern, "" on their own step.
func (l *LookedAfterStart) validate(f fieldErrors, prefix string, now time.Time) {
	f.happened(prefix+"since", l.Since, now)
	f.happened(prefix+"placement_start", l.PlacementStart, now)
}

// visitsFirstYear: the placement's first year, after which a placement intended to last until
// the child is 18 is visited at most three-monthly.
const visitsFirstYear = 365 * 24 * time.Hour

// The stages of the sw-visit rule's limits (regulation 28(2)): the first visit, visits in the
// placement's first year, visits after it, and visits after it in a placement intended to last
// until the child is 18.
const (
	visitInFirstYear = 1
	visitAfterYear   = 2
	visitLongTerm    = 3
)

// visitStage is the sw-visit limit that applies to the visit after one made at t.
func (l *LookedAfter) visitStage(t time.Time) int {
	switch {
	case t.Sub(l.PlacementStart) < visitsFirstYear:
		return visitInFirstYear
	case l.LongTerm:
		return visitLongTerm
	}
	return visitAfterYear
}

func (c *Case) startLookedAfter(env Env, l LookedAfterStart) []string {
	c.LookedAfter = &LookedAfter{Since: l.Since, PlacementStart: l.PlacementStart, LongTerm: l.LongTerm}
	sw := c.socialWorker()
	return []string{
		c.openAction(env, policy.LACReview, sw, l.Since, 0, "").ID,
		c.openAction(env, policy.SWVisit, sw, l.PlacementStart, 0, "").ID,
	}
}

// RecordLookedAfter starts the looked-after clocks when they were not given with the concern.
type RecordLookedAfter struct {
	LookedAfterStart
}

func (r *RecordLookedAfter) Validate(now time.Time) error {
	f := fieldErrors{}
	r.LookedAfterStart.validate(f, "", now)
	return f.err()
}

func (r *RecordLookedAfter) check(c *Case, _ Sight) error {
	if c.LookedAfter != nil {
		return Errorf(EConflict, "The child's looked-after status is already recorded.")
	}
	return nil
}

func (r *RecordLookedAfter) apply(c *Case, by Actor, env Env) Result {
	opened := c.startLookedAfter(env, r.LookedAfterStart)
	c.note(r.Since, by, "looked-after", "Child looked after; review and visit clocks started", "")
	return Result{Opened: opened}
}

// RecordLACReview records a looked-after child review; the next one is due on the regulations'
// cadence.
type RecordLACReview struct {
	HeldAt time.Time `json:"held_at"`
}

func (r *RecordLACReview) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("held_at", r.HeldAt, now)
	return f.err()
}

func (r *RecordLACReview) check(c *Case, _ Sight) error {
	if c.LookedAfter == nil {
		return Errorf(EConflict, "Record that the child is looked after before a looked-after review.")
	}
	return nil
}

func (r *RecordLACReview) apply(c *Case, by Actor, env Env) Result {
	l := c.LookedAfter
	l.Reviews = append(l.Reviews, r.HeldAt)
	c.closeActions(policy.LACReview, "", ActionDone, r.HeldAt, by, "")
	a := c.openAction(env, policy.LACReview, c.socialWorker(), r.HeldAt, len(l.Reviews), "")
	c.note(r.HeldAt, by, "lac-review", "Looked-after review held", "")
	return Result{Opened: []string{a.ID}}
}

// RecordVisit records a social worker's visit to the child in placement.
type RecordVisit struct {
	VisitedAt time.Time `json:"visited_at"`
}

func (r *RecordVisit) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("visited_at", r.VisitedAt, now)
	return f.err()
}

func (r *RecordVisit) check(c *Case, _ Sight) error {
	if c.LookedAfter == nil {
		return Errorf(EConflict, "Record that the child is looked after before a placement visit.")
	}
	return nil
}

func (r *RecordVisit) apply(c *Case, by Actor, env Env) Result {
	l := c.LookedAfter
	l.Visits = append(l.Visits, r.VisitedAt)
	c.closeActions(policy.SWVisit, "", ActionDone, r.VisitedAt, by, "")
	res := Result{}
	switch {
	case !c.failSafe():
		// The first release's rules: visits were chased in the placement's first year only.
		if r.VisitedAt.Sub(l.PlacementStart) < visitsFirstYear {
			res.Opened = append(res.Opened, c.openAction(env, policy.SWVisit, c.socialWorker(), r.VisitedAt, len(l.Visits), "").ID)
		}
	default:
		res.Opened = append(res.Opened, c.openAction(env, policy.SWVisit, c.socialWorker(), r.VisitedAt, l.visitStage(r.VisitedAt), "").ID)
	}

	c.note(r.VisitedAt, by, "sw-visit", "Social worker visit", "")
	return res
}
