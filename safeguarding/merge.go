package safeguarding

import (
	"slices"
	"strconv"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// A child has one case. When one child was raised twice before anyone saw it, a manager or the
// Safeguarding Lead merges one case into the other: the merged case closes, every obligation it
// had done or ended for a reason (as closing needs), and points to the case that continues;
// the case that continues keeps the merged case's counts, so the child's concerns and missing
// episodes are counted across both (three episodes split between two cases reach the threshold
// of repeated missing episodes). The API records the merge on both cases: the merged case first
// (StepMergeInto, the person's decision), then the case that continues (StepMergedFrom, a step
// caseflow takes itself, filled in from the merged case).

// The steps of a merge.
const (
	StepMergeInto  = "merge-into"
	StepMergedFrom = "merged-from"
)

// Merge records that this case was merged into another case of the same child, which continues.
type Merge struct {
	CaseID string    `json:"case_id"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
	By     Actor     `json:"by"`
}

// MergedCase records a case of the same child merged into this one, and what it adds to the
// child's counts.
type MergedCase struct {
	CaseID    string    `json:"case_id"`
	Reference string    `json:"reference,omitempty"`
	Reason    string    `json:"reason"`
	At        time.Time `json:"at"`
	By        Actor     `json:"by"`
	// Concerns is how many concerns the merged case held, its own merges' included.
	Concerns int `json:"concerns"`
	// MissingAt are when each of the merged case's missing episodes began, its own merges'
	// included.
	MissingAt []time.Time `json:"missing_at,omitempty"`
}

// ChildCounts are the child's counts across their case and the cases merged into it.
type ChildCounts struct {
	Concerns        int `json:"concerns"`
	MissingEpisodes int `json:"missing_episodes"`
}

// Counts are the child's counts across the case and every case merged into it.
func (c *Case) Counts() ChildCounts {
	n := ChildCounts{Concerns: len(c.Concerns), MissingEpisodes: len(c.Missing)}
	for _, m := range c.MergedFrom {
		n.Concerns += m.Concerns
		n.MissingEpisodes += len(m.MissingAt)
	}
	return n
}

// missingStarts are when each of the child's missing episodes began, on this case and the cases
// merged into it.
func (c *Case) missingStarts() []time.Time {
	var at []time.Time
	for _, e := range c.Missing {
		at = append(at, e.WentMissingAt)
	}
	for _, m := range c.MergedFrom {
		at = append(at, m.MissingAt...)
	}
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	return at
}

// mergedAway is the refusal of a record for a child whose case was merged into another: the
// API takes it to the case that continues, for people who may see it. The field names that case
// for the API alone, which never shows it (see api.mergedCase).
func (c *Case) mergedAway() *Error {
	return &Error{Code: EConflict,
		Message: "This case was merged into another case of the child, where everything about the child is now recorded. " +
			"A manager or the Safeguarding Lead can find it for you.",
		Fields: map[string]string{MergedIntoField: c.MergedInto.CaseID}}
}

// MergedIntoField names, in the refusal of a record on a merged case, the case that continues.
// It is for caseflow's API, which takes the record there or refuses it without naming the case.
const MergedIntoField = "merged_into"

// MergeInto merges this case into another case of the same child, which continues. It is a
// manager's or the Safeguarding Lead's decision: this case closes, and every obligation still
// open on it is ended with a reason, as closing a case needs.
type MergeInto struct {
	// CaseID is the case that continues.
	CaseID string `json:"case_id"`
	Reason string `json:"reason"`
	// Resolutions end each obligation still open on this case, with why it ends here.
	Resolutions []Resolution `json:"resolutions,omitempty"`
}

func (r *MergeInto) Validate(time.Time) error {
	f := fieldErrors{}
	f.requiredID("case_id", r.CaseID)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	validateResolutions(f, r.Resolutions)
	return f.err()
}

func (r *MergeInto) check(c *Case, s Sight) error {
	switch {
	case r.CaseID == c.ID:
		return invalid("case_id", "A case cannot be merged into itself.", "is this case")
	case c.MergedInto != nil:
		return Errorf(EConflict, "This case is already merged into another case of the child.")
	}
	if err := c.checkResolutions(r.Resolutions, s); err != nil {
		return err
	}
	for i, res := range r.Resolutions {
		if c.action(res.ActionID).Kind == policy.RetentionReview {
			return invalid("resolutions["+strconv.Itoa(i)+"].action_id", "The review of this record's retention is not ended by a merge: the record is still kept, reviewed and destroyed or held on its own date.", "the retention review")
		}
	}
	return c.unresolvedBut(r.Resolutions, "be merged", policy.RetentionReview)
}

func (r *MergeInto) apply(c *Case, by Actor, env Env) Result {
	now := env.Now()
	c.resolve(r.Resolutions, now, by, endedByMerge)
	c.MergedInto = &Merge{CaseID: r.CaseID, Reason: r.Reason, At: now, By: by}
	if !c.Closed() {
		c.Closure.ClosedAt = now
	}
	c.Closure.Request = nil
	c.Closure.Decisions = append(c.Closure.Decisions, ClosureDecision{At: now, By: by, Decision: ClosureMerged, Note: r.Reason})
	c.note(now, by, "merged-into", "Merged into the child's other case: "+r.Reason, "")
	if c.Rules >= RulesMergedKept && c.Retention == nil {
		c.keepUntilRetention(env, c.Closure.ClosedAt)
	}
	return Result{Ref: r.CaseID}
}

// ClosureMerged is the closure decision of a case merged into another.
const ClosureMerged = "merged"

// endedByMerge marks the obligations a merge ended; reopening never re-arms them, since a merged
// case is not reopened (its child's case continues).
const endedByMerge = "merge"

// MergedFrom records on the case that continues that another case of the same child was merged
// into it, with what that case adds to the child's counts. caseflow takes it itself (a step of
// the system, with no route), filling it in from the merged case once a manager or the
// Safeguarding Lead merged it (MergeInto); By is that person.
type MergedFrom struct {
	CaseID    string      `json:"case_id"`
	Reference string      `json:"reference,omitempty"`
	Reason    string      `json:"reason"`
	Concerns  int         `json:"concerns"`
	MissingAt []time.Time `json:"missing_at,omitempty"`
	By        Actor       `json:"by"`
}

func (r *MergedFrom) Validate(time.Time) error {
	f := fieldErrors{}
	f.requiredID("case_id", r.CaseID)
	f.id("reference", r.Reference)
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	if r.Concerns < 0 {
		f.add("concerns", "cannot be negative")
	}
	f.count("missing_at", len(r.MissingAt), maxMergedEpisodes)
	f.requiredID("by.user_id", r.By.UserID)
	if !r.By.Role.Oversees() {
		f.add("by.role", "must be a manager or the Safeguarding Lead, who merge cases")
	}
	return f.err()
}

// maxMergedEpisodes bounds what one merge carries.
const maxMergedEpisodes = 1000

func (r *MergedFrom) check(c *Case, _ Sight) error {
	switch {
	case r.CaseID == c.ID:
		return invalid("case_id", "A case cannot be merged into itself.", "is this case")
	case c.MergedInto != nil:
		return Errorf(EConflict, "This case is itself merged into another case of the child: merge into that one.")
	case slices.ContainsFunc(c.MergedFrom, func(m MergedCase) bool { return m.CaseID == r.CaseID }):
		return Errorf(EConflict, "That case is already merged into this one.")
	}
	return nil
}

// apply keeps the merged case's counts, and starts the strategy discussion that repeated missing
// episodes call for when the child's episodes across both cases reach the threshold.
func (r *MergedFrom) apply(c *Case, _ Actor, env Env) Result {
	now := env.Now()
	c.MergedFrom = append(c.MergedFrom, MergedCase{CaseID: r.CaseID, Reference: r.Reference, Reason: r.Reason, At: now, By: r.By,
		Concerns: r.Concerns, MissingAt: slices.Clone(r.MissingAt)})
	n := c.Counts()
	c.note(now, r.By, "merged-from", "The child's other case was merged into this one ("+strconv.Itoa(n.Concerns)+" concerns and "+
		strconv.Itoa(n.MissingEpisodes)+" missing episodes in all): "+r.Reason, "")
	res := Result{Ref: r.CaseID}
	if at, ok := c.repeatMissingSince(env); ok && !c.hasOpen(policy.StrategyDiscussion, "") {
		a := c.openAction(env, policy.StrategyDiscussion, c.socialWorker(), at, 0, "")
		a.Title += " (repeated missing episodes, counted with the merged case)"
		res.Opened = append(res.Opened, a.ID)
	}
	return res
}

// repeatMissingSince is the latest time at which the child's missing episodes, across the case
// and the cases merged into it, reached the policy's threshold, and whether they ever did.
func (c *Case) repeatMissingSince(env Env) (time.Time, bool) {
	count, window := env.RepeatMissing(c.LA)
	var at time.Time
	found := false
	for _, t := range c.missingStarts() {
		if c.missingWithin(t, window) >= count {
			at, found = t, true
		}
	}
	return at, found
}
