package safeguarding

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// TestVisibilityTable is the visibility policy as one table: every kind of person, in every
// relation to a case, against every response about the case (its view, its timeline, the open
// actions, and the refusal of a step naming a hidden action). A new field or record that leaks
// shows here as a planted word in a response that must not carry it.
func TestVisibilityTable(t *testing.T) {
	f := visibilityCase(t)
	type sees struct {
		relation    Relation
		restricted  bool // allegations, LADO actions, their timeline entries
		casework    bool // NRM, meetings, others' concerns and actions
		staffNotes  bool // staff notes on a withdrawn disclosure
		careActions bool // the care plan and missing-episode actions
	}
	none := sees{relation: RelationNone}
	carer := sees{relation: RelationCarer, careActions: true}
	staff := sees{relation: RelationFostering, casework: true, staffNotes: true, careActions: true}
	lead := func(r Relation) sees {
		return sees{relation: r, restricted: true, casework: true, staffNotes: true, careActions: true}
	}
	rows := []struct {
		who    Actor
		access Access
		want   sees
	}{
		{aCarer, Access{}, carer},
		{otherCare, Access{}, none}, // the accused carer of the household
		{Actor{UserID: "carer-9", Role: RoleCarer}, Access{}, none},
		{aSW, Access{}, lead(RelationSocialWorker)},
		{otherSW, Access{}, none},
		{otherSW, Access{TeamAccess: true}, lead(RelationTeam)},
		{Actor{UserID: "sw-9", Role: RoleSocialWorker, Team: "south"}, Access{TeamAccess: true}, none},
		{aFSW, Access{}, staff},
		{Actor{UserID: "fsw-9", Role: RoleFosteringSocialWorker}, Access{}, none},
		{aLead, Access{}, lead(RelationOverseer)},
		{aManager, Access{}, lead(RelationOverseer)},
		{Actor{Role: RoleManager}, Access{}, none}, // no user id: no identity, no sight
	}
	lado := f.open(policy.LADO)[0]
	for _, row := range rows {
		t.Run(row.who.UserID+"/"+string(row.want.relation), func(t *testing.T) {
			if got := f.c.SightOf(row.who, row.access).Relation; got != row.want.relation {
				t.Fatalf("relation %s, want %s", got, row.want.relation)
			}
			v, err := f.c.ViewFor(row.who, row.access, f.env.now)
			tl, tlErr := f.c.TimelineFor(row.who, row.access)
			if row.want.relation == RelationNone {
				if CodeOf(err) != ENotFound || CodeOf(tlErr) != ENotFound {
					t.Fatalf("a stranger got the case: %v / %v", err, tlErr)
				}
				return
			}
			if err != nil || tlErr != nil {
				t.Fatal(err, tlErr)
			}
			view := mustJSON(t, v)
			timeline := mustJSON(t, tl)
			for word, shown := range map[string]bool{
				"PLANTED-ALLEGATION": row.want.restricted, "PLANTED-NRM-REF": row.want.casework,
				"PLANTED-SW-CONCERN": row.want.casework, "PLANTED-MEETING": row.want.casework,
				"PLANTED-STAFF-NOTE": row.want.staffNotes, "carer-2": row.want.restricted,
				"PLANTED-CARER-CONCERN": true, "PLANTED-CONTRIBUTION": true,
			} {
				if strings.Contains(view, word) != shown {
					t.Errorf("view shows %q: %v, want %v", word, !shown, shown)
				}
			}
			if strings.Contains(timeline, `"kind":"allegation"`) != row.want.restricted {
				t.Errorf("timeline shows the allegation: %v, want %v", !row.want.restricted, row.want.restricted)
			}
			if strings.Contains(timeline, "Designated Officer") != row.want.restricted {
				t.Errorf("timeline shows the chase of the LADO action: %v, want %v", !row.want.restricted, row.want.restricted)
			}
			for _, a := range f.c.OpenActions() {
				want := row.want.casework
				switch {
				case a.Class() == ClassRestricted:
					want = row.want.restricted
				case a.Class() == ClassCare:
					want = row.want.careActions
				case a.Owner.UserID == row.who.UserID:
					want = true
				}
				if got := containsAction(v.OpenActions, a.ID); got != want {
					t.Errorf("open action %s (%s, owned by %+v) shown: %v, want %v", a.ID, a.Kind, a.Owner, got, want)
				}
			}
			// A step naming a hidden action is refused as if the action did not exist.
			s, _ := StepNamed("action-done")
			err = f.c.Check(s, f.request(row.who, map[string]any{"action_id": lado.ID, "completed_at": ts(time.Hour)}), f.env.now, row.access)
			if msg := errorText(err); !row.want.restricted && (CodeOf(err) != EInvalid || strings.Contains(msg, "LADO")) {
				t.Errorf("a step naming the hidden LADO action: %v", err)
			}
		})
	}
}

// visibilityCase is a household of two carers, one of them accused in an allegation, with a
// record of every kind, each carrying a planted word to look for.
func visibilityCase(t *testing.T) *fixture {
	f := newCase(t, "E1")
	f.must("team", aManager, map[string]any{"add_carers": []string{"carer-2"}, "reason": "Placed with both carers."})
	f.must("concern", aCarer, map[string]any{"observed_at": ts(time.Hour), "exploitation_types": []string{"criminal-exploitation"},
		"indicators": []map[string]string{{"code": "multiple-phones"}}, "account": "PLANTED-CARER-CONCERN"})
	f.must("concern", aSW, map[string]any{"observed_at": ts(2 * time.Hour), "exploitation_types": []string{"criminal-exploitation"},
		"indicators": []map[string]string{{"code": "multiple-phones"}}, "account": "PLANTED-SW-CONCERN"})
	f.must("nrm-referral", aSW, map[string]any{"submitted_at": ts(3 * time.Hour), "reference": "PLANTED-NRM-REF", "first_responder": "police"})
	f.must("strategy-meeting-held", aSW, map[string]any{"held_at": ts(4 * time.Hour), "format": "meeting", "outcome": "PLANTED-MEETING"})
	f.must("disclosure-withdrawn", aSW, map[string]any{"withdrawn_at": ts(5 * time.Hour), "note": "PLANTED-STAFF-NOTE"})
	f.must("care-plan-contribution", aCarer, map[string]any{"text": "PLANTED-CONTRIBUTION"})
	f.must("missing-episode", aCarer, map[string]any{"went_missing_at": ts(6 * time.Hour)})
	f.must("allegation", aLead, map[string]any{"received_at": ts(7 * time.Hour), "against_user": "carer-2", "against_role": "carer",
		"summary": "PLANTED-ALLEGATION"})
	f.c.TakeDueChases(t0.AddDate(0, 0, 3)) // chases of every action, the LADO one among them
	return f
}

func containsAction(list []ActionView, id string) bool {
	for _, a := range list {
		if a.ID == id {
			return true
		}
	}
	return false
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
