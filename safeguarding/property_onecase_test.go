package safeguarding_test

import (
	"fmt"
	"slices"
	"time"

	"pgregory.net/rapid"

	sg "github.com/caseflow/caseflow/safeguarding"
)

// One case per child (docs/rules.md, "One case per child, enforced by the service"), as the
// property test tries it: staff confirm or decline the placement of a carer whose concern opened
// the case, a manager or the Safeguarding Lead merge the case into another case of the child, and
// caseflow records on the case another case of the child merged into it.

var oneCaseBodies = map[string]func(w *world, t *rapid.T) map[string]any{
	sg.StepConfirmPlacement: func(w *world, t *rapid.T) map[string]any {
		carers := []string{"carer-2"}
		for u := range w.unconfirmed {
			carers = append(carers, u, u, u)
		}
		slices.Sort(carers)
		return map[string]any{"carer": rapid.SampledFrom(carers).Draw(t, "carer"),
			"decision": rapid.SampledFrom([]string{sg.PlacementConfirmed, sg.PlacementConfirmed, sg.PlacementNotPlaced}).Draw(t, "placement"),
			"reason":   "Placed with them since March."}
	},
	// A merge resolves every open obligation, as closing does: the body names each, or leaves
	// one out, or names one the case does not hold.
	sg.StepMergeInto: func(w *world, t *rapid.T) map[string]any {
		var resolutions []map[string]string
		for _, a := range w.c.OpenActions() {
			resolutions = append(resolutions, map[string]string{"action_id": a.ID, "reason": "Continues on the child's other case."})
		}
		switch rapid.IntRange(0, 5).Draw(t, "merge resolutions") {
		case 0:
			resolutions = nil
		case 1:
			if len(resolutions) > 0 {
				resolutions = resolutions[1:]
			}
		case 2:
			resolutions = append(resolutions, map[string]string{"action_id": w.actionID(t, "another action"), "reason": "x"})
		}
		return map[string]any{"case_id": rapid.SampledFrom([]string{"c2", "c2", "c1"}).Draw(t, "merged into"),
			"reason": "The same child, raised twice.", "resolutions": resolutions}
	},
	// caseflow's record of another case of the child merged into this one, with its counts: its
	// missing episodes may reach, with this case's, the threshold of repeated episodes.
	sg.StepMergedFrom: func(w *world, t *rapid.T) map[string]any {
		var missing []time.Time
		for i := range rapid.IntRange(0, 3).Draw(t, "merged episodes") {
			missing = append(missing, w.env.now.Add(-time.Duration(i+1)*36*time.Hour))
		}
		return map[string]any{"case_id": rapid.SampledFrom([]string{"c2", "c3", "c1"}).Draw(t, "merged case"),
			"reference": "CF-MERGED", "reason": "The same child, raised twice.", "concerns": rapid.IntRange(0, 3).Draw(t, "merged concerns"),
			"missing_at": missing, "by": rapid.SampledFrom([]sg.Actor{manager, lead, theSW}).Draw(t, "merged by")}
	},
}

func init() {
	for name, f := range oneCaseBodies {
		bodies[name] = f
	}
}

// oneCaseFamily: the placement of a carer awaiting confirmation is what the case waits for.
var oneCaseFamily = family{steps: []string{sg.StepConfirmPlacement, sg.StepConfirmPlacement, sg.StepMergedFrom, sg.StepMergeInto},
	next: func(c *sg.Case) []string {
		if len(c.Unconfirmed) > 0 {
			return []string{sg.StepConfirmPlacement}
		}
		return nil
	}}

func init() { families["one case"] = oneCaseFamily }

// followOneCase keeps the oracle's account of whose placement awaits confirmation: "a carer's
// concern about a child with no case of theirs opens the case ... until staff confirm the child
// is placed with them, the carer's relation is unconfirmed-carer"; a decision either way ends
// the wait, and "not placed" the carer's place on the case, as staff removing them does.
func (w *world) followOneCase(step string, by sg.Actor, body map[string]any) {
	switch step {
	case sg.StepRaiseConcern:
		if by.Role == sg.RoleCarer {
			w.unconfirmed[by.UserID] = true
		}
	case sg.StepConfirmPlacement:
		delete(w.unconfirmed, fmt.Sprint(body["carer"]))
	case "team":
		// A carer staff remove leaves the case; added again, staff made them the child's carer.
		removed, _ := body["remove_carers"].([]any)
		for _, u := range removed {
			delete(w.unconfirmed, fmt.Sprint(u))
		}
	}
}

// checkUnconfirmedView: a carer whose placement awaits confirmation sees "the child's name and
// preferred term, the concerns, contributions, episodes and withdrawals they recorded, the
// actions they own and their own timeline entries ... nothing staff or other carers record".
func (w *world) checkUnconfirmedView(t *rapid.T, p sg.Actor, v sg.View) {
	mine := func(a sg.Actor) bool { return a.UserID == p.UserID && a.Role == sg.RoleCarer }
	switch {
	case v.Child != sg.Child{Name: w.c.Child.Name, PreferredTerm: w.c.Child.PreferredTerm}:
		t.Fatalf("%s, whose placement awaits confirmation, sees the child's record %+v", who(p), v.Child)
	case len(v.Contacts)+len(v.Meetings)+len(v.Conferences)+len(v.Links)+len(v.UnconfirmedCarers) > 0 || v.LookedAfter != nil:
		t.Fatalf("%s, whose placement awaits confirmation, sees what staff recorded", who(p))
	case slices.ContainsFunc(v.Carers, func(u string) bool { return u != p.UserID }):
		t.Fatalf("%s, whose placement awaits confirmation, sees the other carers %v", who(p), v.Carers)
	case slices.ContainsFunc(v.Concerns, func(k sg.Concern) bool { return !mine(k.RaisedBy) }):
		t.Fatalf("%s, whose placement awaits confirmation, sees a concern someone else raised", who(p))
	case slices.ContainsFunc(v.Missing, func(e sg.Episode) bool { return !mine(e.RecordedBy) }):
		t.Fatalf("%s, whose placement awaits confirmation, sees a missing episode someone else recorded", who(p))
	case slices.ContainsFunc(v.Withdrawals, func(x sg.Withdrawal) bool { return !mine(x.By) }):
		t.Fatalf("%s, whose placement awaits confirmation, sees a withdrawal someone else recorded", who(p))
	case slices.ContainsFunc(v.CarePlan.Contributions, func(x sg.Contribution) bool { return !mine(x.By) }):
		t.Fatalf("%s, whose placement awaits confirmation, sees a contribution someone else made", who(p))
	}
}

// checkMerge: "the merged case closes and points to the case that continues", with "each open
// obligation of the merged case done or resolved with a reason".
func (w *world) checkMerge(t *rapid.T, body map[string]any) {
	switch {
	case w.c.MergedInto == nil || w.c.MergedInto.CaseID != body["case_id"]:
		t.Fatalf("the merge does not point to the case that continues: %+v", w.c.MergedInto)
	case !w.c.Closed():
		t.Fatalf("the merged case is not closed")
	case len(w.c.OpenActions()) > 0:
		t.Fatalf("the case was merged with obligations open: %v", w.c.OpenActions())
	}
}
