package safeguarding

import "slices"

// A case can run for years. Continue-as-new carries its state into each new run, so the state must
// not grow with time: Compact keeps what the rules need and a window of recent history, and hands
// back the timeline entries it drops, which the next run's input keeps once as a page of the
// case's archive (read back through the history of earlier runs). What people record (concerns,
// contributions, meetings) is the case itself and stays; what clocks add by themselves (chases,
// ended actions, visits and reviews, timeline entries) is bounded.

// What a continued case carries of its history.
const (
	keptEntries       = 100
	keptEndedActions  = 20
	keptDatedRecords  = 10
	keptEpisodes      = 50
	keptChasesPerItem = 1
)

// Compact trims the state to its bounds and returns the timeline entries it dropped, oldest
// first.
func (c *Case) Compact() []Entry {
	// Entries name actions by id; mark the restricted ones, and those about a conduct review,
	// before those actions may go.
	for i := range c.Timeline {
		e := &c.Timeline[i]
		if !e.Restricted && c.restrictedRef(e.Ref) {
			e.Restricted = true
		}
		if !e.Conduct && c.conductRef(e.Ref) {
			e.Conduct = true
		}
	}
	var archived []Entry

	if n := len(c.Timeline); n > keptEntries {
		archived = slices.Clone(c.Timeline[:n-keptEntries])
		c.Timeline = slices.Clone(c.Timeline[n-keptEntries:])
		c.ArchivedThrough = archived[len(archived)-1].Seq
	}
	c.Actions = keptActions(c.Actions)
	for i := range c.Actions {
		if chases := c.Actions[i].Chases; len(chases) > keptChasesPerItem {
			c.Actions[i].Chases = slices.Clone(chases[len(chases)-keptChasesPerItem:])
		}
	}
	if l := c.LookedAfter; l != nil {
		// Only the count of reviews beyond the second matters to the next review's limit.
		l.Reviews, l.Visits = lastN(l.Reviews, keptDatedRecords), lastN(l.Visits, keptDatedRecords)
	}
	c.CarePlan.Reviews = lastN(c.CarePlan.Reviews, keptDatedRecords)
	c.Missing = c.keptEpisodes()
	c.Duties.Outcomes = keptOutcomes(c.Duties.Outcomes)
	return archived
}

// keptActions keeps every open action, every action whose ending a later step may undo (closure
// or the 18th birthday), and the most recently ended others.
func keptActions(actions []Action) []Action {
	var out []Action
	ended := 0
	for i := len(actions) - 1; i >= 0; i-- {
		a := actions[i]
		switch {
		case a.Open(), a.EndedBy != "", a.Status == ActionCancelled && a.Note == cancelledByClosure:
		case ended < keptEndedActions:
			ended++
		default:
			continue
		}
		out = append(out, a)
	}
	slices.Reverse(out)
	return out
}

// keptEpisodes keeps the episodes still running (the child not back, or something still owed
// for them) and the most recent others, which repeat-missing counting looks back over.
func (c *Case) keptEpisodes() []Episode {
	var out []Episode
	done := 0
	for i := len(c.Missing) - 1; i >= 0; i-- {
		e := c.Missing[i]
		if c.episodeFinished(e) {
			if done == keptEpisodes {
				continue
			}
			done++
		}
		out = append(out, e)
	}
	slices.Reverse(out)
	return out
}

// episodeFinished reports whether nothing more is owed for the episode: the child is back and
// no action for it is open, whether its interview was held or a manager resolved that clock.
func (c *Case) episodeFinished(e Episode) bool {
	if e.ReturnedAt.IsZero() {
		return false
	}
	for _, a := range c.Actions {
		if a.Open() && a.Ref == e.ID {
			return false
		}
	}
	return true
}

func lastN[T any](list []T, n int) []T {
	if len(list) <= n {
		return list
	}
	return slices.Clone(list[len(list)-n:])
}
