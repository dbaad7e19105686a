package safeguarding

import (
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Compact bounds what a continued case carries. These tests hold it to its bounds, and show that
// a compacted case goes on exactly as the whole one would: the same chases, the same limits for
// the next review, the same obligations re-armed, the same entries hidden.

func TestCompactLeavesACaseWithinItsBoundsAsItIs(t *testing.T) {
	f := newCase(t, "E1")
	f.missing(true)
	f.lookedAfter()
	if chases := f.c.TakeDueChases(f.open(policy.PoliceReport)[0].RemindAt); len(chases) != 1 {
		t.Fatalf("%d chases; the test wants one chase of one action", len(chases))
	}
	before := mustJSON(t, f.c)
	if archived := f.c.Compact(); archived != nil {
		t.Errorf("archived %d entries of a short case", len(archived))
	}
	if after := mustJSON(t, f.c); after != before {
		t.Errorf("compacting a case within its bounds changed it:\nbefore %s\nafter  %s", before, after)
	}
}

func TestCompactKeepsTheLatestTimelineAndArchivesTheRest(t *testing.T) {
	f := newCase(t, "E1")
	for i := 0; len(f.c.Timeline) < keptEntries+25; i++ {
		f.must("care-plan-contribution", aCarer, body{"text": "Note " + strconv.Itoa(i)})
	}
	whole := slices.Clone(f.c.Timeline)
	dropped := len(whole) - keptEntries

	archived := f.c.Compact()
	if mustJSON(t, archived) != mustJSON(t, whole[:dropped]) {
		t.Fatalf("archived %d entries %v; want the %d oldest, oldest first", len(archived), seqs(archived), dropped)
	}
	if mustJSON(t, f.c.Timeline) != mustJSON(t, whole[dropped:]) {
		t.Fatalf("kept entries %v; want the last %d", seqs(f.c.Timeline), keptEntries)
	}
	if f.c.ArchivedThrough != whole[dropped-1].Seq {
		t.Fatalf("archived through %d, want %d", f.c.ArchivedThrough, whole[dropped-1].Seq)
	}
	// Numbering goes on from the last entry, and the next compaction archives only what overflows.
	f.must("care-plan-contribution", aCarer, body{"text": "One more."})
	if last := f.c.Timeline[len(f.c.Timeline)-1]; last.Seq != whole[len(whole)-1].Seq+1 {
		t.Fatalf("the next entry is numbered %d after %d", last.Seq, whole[len(whole)-1].Seq)
	}
	again := f.c.Compact()
	if len(again) != 1 || again[0].Seq != whole[dropped].Seq || f.c.ArchivedThrough != whole[dropped].Seq || len(f.c.Timeline) != keptEntries {
		t.Fatalf("second compaction archived %v through %d, keeping %d", seqs(again), f.c.ArchivedThrough, len(f.c.Timeline))
	}
}

// TestCompactKeepsEveryActionALaterStepMayUndo: open actions and those ended by closure or the
// 18th birthday (which reopening or a corrected date of birth re-arms) always stay; of the others,
// the most recently ended.
func TestCompactKeepsEveryActionALaterStepMayUndo(t *testing.T) {
	f := newCase(t, "E1")
	ended := func(id string, status ActionStatus, endedBy, note string) Action {
		return Action{ID: id, Kind: MeetingAction, Status: status, EndedBy: endedBy, Note: note, ClosedAt: t0}
	}
	f.c.Actions = []Action{
		ended("by-closure", ActionResolved, endedByClosure, "Handed over."),
		ended("by-birthday", ActionResolved, endedByAdulthood, "Turned 18."),
		ended("cancelled-by-closure", ActionCancelled, "", cancelledByClosure),
		ended("cancelled-otherwise", ActionCancelled, "", "Withdrawn."),
		ended("resolved", ActionResolved, "", "Referred by the police."),
		{ID: "open-early", Kind: MeetingAction, Status: ActionOpen},
	}
	want := []string{"by-closure", "by-birthday", "cancelled-by-closure", "open-early"}
	for i := range keptEndedActions + 3 {
		id := "done-" + strconv.Itoa(i)
		f.c.Actions = append(f.c.Actions, ended(id, ActionDone, "", ""))
		if i >= 3 {
			want = append(want, id)
		}
	}
	f.c.Actions = append(f.c.Actions, Action{ID: "open-late", Kind: MeetingAction, Status: ActionOpen})
	want = append(want, "open-late")

	f.c.Compact()
	var got []string
	for _, a := range f.c.Actions {
		got = append(got, a.ID)
	}
	if !slices.Equal(got, want) {
		t.Errorf("kept %v\nwant %v", got, want)
	}
}

// TestACompactedCaseReArmsWhatClosureOrTheBirthdayEnded: after compaction, reopening a closed case
// and correcting a date of birth still bring back every obligation they brought back before.
func TestACompactedCaseReArmsWhatClosureOrTheBirthdayEnded(t *testing.T) {
	t.Run("reopening", func(t *testing.T) {
		f := newCase(t, "E1")
		f.doneMeetingActions(keptEndedActions + 5)
		f.closeCase()
		byClosure := endedBy(f.c, endedByClosure)
		f.c.Compact()
		if len(f.c.Actions) != len(byClosure)+keptEndedActions {
			t.Fatalf("kept %d actions; want the %d closure ended and the %d latest others", len(f.c.Actions), len(byClosure), keptEndedActions)
		}
		res := f.must("reopen", aLead, body{"reason": "Seen with the same adults."})
		if !sameSet(res.Opened, byClosure) {
			t.Errorf("reopening re-armed %v; closure had ended %v", res.Opened, byClosure)
		}
	})
	t.Run("a corrected date of birth", func(t *testing.T) {
		f := newCase(t, "E1") // born 1 March 2009
		f.lookedAfter()
		f.doneMeetingActions(keptEndedActions + 5)
		birthday, _ := f.c.Child.DateOfBirth.Birthday(18)
		f.env.now = birthday
		f.c.ActOnAdulthood(f.env)
		f.must("adulthood", aLead, body{"decided_at": birthday.Format(time.RFC3339), "reason": "Passport seen."})
		byBirthday := endedBy(f.c, endedByAdulthood)
		if len(byBirthday) < 3 {
			t.Fatalf("the birthday ended only %v", byBirthday)
		}
		f.c.Compact()
		f.env.now = birthday.Add(time.Hour)
		res := f.must("case-details", aSW, body{"child": body{"date_of_birth": "2010-09-01"}, "reason": "Age assessment."})
		if !sameSet(res.Opened, byBirthday) {
			t.Errorf("the correction re-armed %v; the birthday had ended %v", res.Opened, byBirthday)
		}
	})
}

func TestCompactKeepsTheLastChaseAndChasesOnAsBefore(t *testing.T) {
	f := newCase(t, "E1")
	for day := 1; day <= 30; day++ {
		f.c.TakeDueChases(t0.AddDate(0, 0, day))
	}
	if n := len(f.actionOf(policy.PoliceReport).Chases); n < 3 {
		t.Fatalf("the police report was chased %d times; the test needs several", n)
	}
	whole := cloneCase(t, f.c)

	f.c.Compact()
	for i, a := range f.c.Actions {
		was := whole.Actions[i].Chases
		if len(was) == 0 {
			continue
		}
		if len(a.Chases) != 1 || mustJSON(t, a.Chases[0]) != mustJSON(t, was[len(was)-1]) {
			t.Errorf("action %s keeps chases %+v; want only its last of %d", a.ID, a.Chases, len(was))
		}
	}
	if !f.c.NextChaseAt().Equal(whole.NextChaseAt()) {
		t.Fatalf("next chase at %v, the whole case's at %v", f.c.NextChaseAt(), whole.NextChaseAt())
	}
	for day := 31; day <= 90; day++ {
		at := t0.AddDate(0, 0, day)
		if got, want := mustJSON(t, f.c.TakeDueChases(at)), mustJSON(t, whole.TakeDueChases(at)); got != want {
			t.Fatalf("day %d: the compacted case chases %s; the whole case %s", day, got, want)
		}
	}
}

// TestCompactKeepsTheLimitOfTheNextReviewAndVisit: looked-after reviews and visits and care-plan
// reviews are kept to their last entries, and the next of each gets the limit it would have got.
func TestCompactKeepsTheLimitOfTheNextReviewAndVisit(t *testing.T) {
	f := newCase(t, "E1")
	f.lookedAfter()
	f.agreed()
	at := t0.Add(24 * time.Hour)
	for range keptDatedRecords + 4 {
		at = at.AddDate(0, 0, 30)
		f.env.now = at.Add(time.Hour)
		f.recordReviewsAndVisit(at)
	}
	whole := &fixture{t: t, c: cloneCase(t, f.c), env: &testEnv{now: f.env.now}, n: f.n}

	f.c.Compact()
	l, wl := f.c.LookedAfter, whole.c.LookedAfter
	for name, kept := range map[string][2]any{
		"looked-after reviews": {l.Reviews, wl.Reviews[len(wl.Reviews)-keptDatedRecords:]},
		"visits":               {l.Visits, wl.Visits[len(wl.Visits)-keptDatedRecords:]},
		"care-plan reviews":    {f.c.CarePlan.Reviews, whole.c.CarePlan.Reviews[len(whole.c.CarePlan.Reviews)-keptDatedRecords:]},
	} {
		if mustJSON(t, kept[0]) != mustJSON(t, kept[1]) {
			t.Errorf("%s kept %s; want the last %d", name, mustJSON(t, kept[0]), keptDatedRecords)
		}
	}
	next := at.AddDate(0, 0, 30)
	f.env.now, whole.env.now = next.Add(time.Hour), next.Add(time.Hour)
	got, want := f.recordReviewsAndVisit(next), whole.recordReviewsAndVisit(next)
	for i := range got {
		g, w := f.c.action(got[i]), whole.c.action(want[i])
		if g.Kind != w.Kind || !g.Due.Equal(w.Due) || !g.RemindAt.Equal(w.RemindAt) || !g.EscalateAgainAt.Equal(w.EscalateAgainAt) || g.RechaseEvery != w.RechaseEvery {
			t.Errorf("after compaction the next %s is due %v, chased from %v; the whole case's %v, from %v", g.Kind, g.Due, g.RemindAt, w.Due, w.RemindAt)
		}
	}
	if lac := f.c.action(got[0]); !lac.Due.Equal(f.env.Deadline(policy.LACReview, next, "E1", 2).Due) {
		t.Errorf("the next looked-after review is due %v; want the six-monthly limit", lac.Due)
	}
}

// recordReviewsAndVisit records a looked-after review, a visit and a care-plan review at at, and
// returns the ids of the actions each opened for the next one.
func (f *fixture) recordReviewsAndVisit(at time.Time) []string {
	f.t.Helper()
	return []string{
		f.must("lac-review", aSW, body{"held_at": at}).Opened[0],
		f.must("sw-visit", aSW, body{"visited_at": at}).Opened[0],
		f.must("care-plan-review", aSW, body{"held_at": at, "outcome": "On track."}).Opened[0],
	}
}

// TestCompactDropsOnlyFinishedMissingEpisodesBeyondItsBound: an episode whose child is not back,
// or whose return interview is not recorded, is kept however old.
func TestCompactDropsOnlyFinishedMissingEpisodesBeyondItsBound(t *testing.T) {
	f := newCase(t, "E1")
	went := t0.AddDate(-1, 0, 0)
	episode := func(id string, returned, interviewed bool) Episode {
		went = went.Add(48 * time.Hour)
		e := Episode{ID: id, WentMissingAt: went}
		if returned {
			e.ReturnedAt = went.Add(time.Hour)
		}
		if interviewed {
			e.InterviewAt, e.Interview = went.Add(2*time.Hour), InterviewHeld
		}
		return e
	}
	f.c.Missing = []Episode{episode("E-missing", false, false), episode("E-awaiting-interview", true, false)}
	f.c.Actions = append(f.c.Actions, Action{ID: "A-interview", Kind: policy.ReturnInterview, Ref: "E-awaiting-interview", Status: ActionOpen, Owner: Owner{Role: RoleSocialWorker, UserID: "sw-1"}})
	want := []string{"E-missing", "E-awaiting-interview"}
	for i := range keptEpisodes + 5 {
		id := "E-done-" + strconv.Itoa(i)
		f.c.Missing = append(f.c.Missing, episode(id, true, true))
		if i >= 5 {
			want = append(want, id)
		}
	}

	f.c.Compact()
	var got []string
	for _, e := range f.c.Missing {
		got = append(got, e.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("kept episodes %v\nwant %v", got, want)
	}
	// The episodes still running go on: the child comes back, the interview is held.
	f.must("missing-return", aCarer, body{"episode_id": "E-missing", "returned_at": ts(2 * time.Hour)})
	f.must("return-interview", aSW, body{"episode_id": "E-awaiting-interview", "held_at": ts(3 * time.Hour)})
}

// TestCompactMarksRestrictedEntriesBeforeTheirActionsGo: an entry about a restricted action that
// was written unmarked (as earlier releases wrote them) stays hidden once the action is no longer
// carried, in the kept timeline and in the archive.
func TestCompactMarksRestrictedEntriesBeforeTheirActionsGo(t *testing.T) {
	f := newCase(t, "E1")
	f.allegedOffence()
	lado := f.open(policy.LADO)[0].ID
	f.must("lado-informed", aManager, body{"allegation_id": f.c.Allegations[0].ID, "informed_at": ts(3 * time.Hour), "reference": "LADO-1"})
	f.c.note(t0.Add(3*time.Hour), aLead, "due-changed", "Designated Officer: due date moved", lado).Restricted = false
	f.doneMeetingActions(keptEndedActions + 5) // later ended actions push the LADO action out
	for i := 0; len(f.c.Timeline) < keptEntries+10; i++ {
		f.must("care-plan-contribution", aCarer, body{"text": "Note " + strconv.Itoa(i)})
	}
	f.c.note(f.env.now, aLead, "due-changed", "Designated Officer: due date moved again", lado).Restricted = false
	if fsw := f.c.SightOf(aFSW, Access{}); f.c.seesEntry(fsw, f.c.Timeline[len(f.c.Timeline)-1]) {
		t.Fatal("the unmarked entry about the LADO action is shown while the action is carried")
	}

	archived := f.c.Compact()
	if f.c.action(lado) != nil {
		t.Fatal("the LADO action is still carried; the test needs it dropped")
	}
	fsw := f.c.SightOf(aFSW, Access{})
	var about []Entry
	for _, e := range append(archived, f.c.Timeline...) {
		if e.Ref == lado {
			about = append(about, e)
		}
	}
	if len(about) != 2 {
		t.Fatalf("%d entries about the LADO action, want one archived and one kept", len(about))
	}
	for _, e := range about {
		if !e.Restricted || fsw.SeesEntry(e) {
			t.Errorf("entry %d (%q) restricted %v, seen by the fostering social worker %v", e.Seq, e.Summary, e.Restricted, fsw.SeesEntry(e))
		}
	}
	timeline, _ := f.c.TimelineFor(aFSW, Access{})
	for _, e := range timeline {
		if e.Ref == lado {
			t.Errorf("the fostering social worker's timeline shows %q", e.Summary)
		}
	}
}

// doneMeetingActions holds a meeting agreeing n actions for the carer, who then does each.
func (f *fixture) doneMeetingActions(n int) {
	f.t.Helper()
	var agreed []body
	for i := range n {
		agreed = append(agreed, body{"title": "Task " + strconv.Itoa(i), "owner_role": "carer", "owner_user": "carer-1", "due": ts(7 * 24 * time.Hour)})
	}
	res := f.must("strategy-meeting-held", aSW, body{"held_at": ts(4 * time.Hour), "format": FormatMeeting, "outcome": "Tasks.", "actions": agreed})
	for _, id := range res.Opened {
		if f.c.action(id).Kind != MeetingAction {
			continue // telling the young person of the meeting's outcome
		}
		f.must("action-done", aCarer, body{"action_id": id, "completed_at": ts(5 * time.Hour)})
	}
}

func endedBy(c *Case, why string) []string {
	var ids []string
	for _, a := range c.Actions {
		if a.EndedBy == why {
			ids = append(ids, a.ID)
		}
	}
	return ids
}

// cloneCase copies a case as continue-as-new carries it.
func cloneCase(t *testing.T, c *Case) *Case {
	t.Helper()
	var out Case
	if err := json.Unmarshal([]byte(mustJSON(t, c)), &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func seqs(entries []Entry) []int {
	var out []int
	for _, e := range entries {
		out = append(out, e.Seq)
	}
	return out
}

// An episode whose return-interview clock a manager resolved (the child moved away, say) has
// finished; Compact keeps it as if it were running, so such episodes are never bounded.
func TestCompactBoundsEpisodesWhoseInterviewWasResolved(t *testing.T) {
	f := newCase(t, "E1")
	for i := range keptEpisodes + 5 {
		at := t0.Add(time.Duration(i) * time.Minute)
		res := f.must("missing-episode", aCarer, body{"went_missing_at": at, "returned_at": at.Add(30 * time.Second), "reported_to_police": true, "police_reference": "M"})
		for _, id := range res.Opened {
			if a := f.c.action(id); a.Open() {
				f.must("action-resolve", aLead, body{"action_id": id, "reason": "Moved out of area."})
			}
		}
	}
	f.c.Compact()
	if len(f.c.Missing) > keptEpisodes {
		t.Errorf("%d finished episodes carried, bound %d", len(f.c.Missing), keptEpisodes)
	}
}
