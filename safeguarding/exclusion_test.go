package safeguarding

import (
	"cmp"
	"strings"
	"testing"
	"time"
)

// TestAssigningAnAccusedPersonNamesTheAllegationOnlyToThoseWhoSeeIt: work given to someone an
// allegation excluded is refused, as the child's social worker, the fostering social worker, a
// carer or the owner of an action agreed at a meeting. The refusal says why to managers, the
// Safeguarding Lead and social workers, who see allegations; to the fostering social worker it
// names no allegation.
func TestAssigningAnAccusedPersonNamesTheAllegationOnlyToThoseWhoSeeIt(t *testing.T) {
	f := newCase(t, "E1")
	f.must("allegation", aLead, map[string]any{"received_at": ts(time.Hour), "against_user": "sw-1", "against_role": "social_worker", "summary": "Involved."})
	f.must("allegation", aLead, map[string]any{"received_at": ts(time.Hour), "against_user": "carer-9", "against_role": "carer", "summary": "Involved."})
	meeting := func(owner string) map[string]any {
		return map[string]any{"held_at": ts(2 * time.Hour), "format": "meeting", "outcome": "Agreed a plan.",
			"actions": []map[string]any{{"title": "Visit", "owner_role": "social_worker", "owner_user": "sw-2", "due": ts(48 * time.Hour)},
				{"title": "Call", "owner_role": "carer", "owner_user": owner, "due": ts(48 * time.Hour)}}}
	}
	cases := []struct {
		name, step string
		by         Actor
		body       map[string]any
		field      string
		toldWhy    bool
		// refused is how: a conflict, unless the person may not assign anyone at all.
		refused ErrorCode
	}{
		{"the fostering social worker names the accused social worker", "case-details", aFSW,
			map[string]any{"social_worker": "sw-1", "reason": "Typo."}, "social_worker", false, EForbidden},
		{"a manager names the accused social worker", "team", aManager,
			map[string]any{"social_worker": "sw-1", "reason": "Back."}, "social_worker", true, ""},
		{"a manager places the child with the accused carer", "team", aManager,
			map[string]any{"add_carers": []string{"carer-9"}, "reason": "Back."}, "add_carers", true, ""},
		{"the fostering social worker gives a meeting's action to the accused carer", "strategy-meeting-held", aFSW,
			meeting("carer-9"), "actions[1].owner_user", false, ""},
		{"the Safeguarding Lead gives a meeting's action to the accused carer", "strategy-meeting-held", aLead,
			meeting("carer-9"), "actions[1].owner_user", true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.try(c.step, c.by, c.body)
			var e *Error
			want := cmp.Or(c.refused, EConflict)
			if !asError(err, &e) || e.Code != want {
				t.Fatalf("%v, want %s", err, want)
			}
			if _, ok := e.Fields[c.field]; !ok {
				t.Errorf("fields %v, want %s named", e.Fields, c.field)
			}
			if named := strings.Contains(strings.ToLower(e.Error()), "allegation"); named != c.toldWhy {
				t.Errorf("%q names the allegation: %v, want %v", e.Error(), named, c.toldWhy)
			}
		})
	}
	f.must("strategy-meeting-held", aFSW, meeting("carer-1"))
}

// TestStepsAboutAnAllegationAreSeenOnlyByThoseWhoSeeAllegations: the steps about an allegation
// are exactly those whose records the access log hides from anyone who may not see allegations.
func TestStepsAboutAnAllegationAreSeenOnlyByThoseWhoSeeAllegations(t *testing.T) {
	want := []string{"allegation", "lado-informed", "allegation-police-report", "dbs-referral"}
	var got []string
	for _, s := range Steps() {
		if s.Restricted() {
			got = append(got, s.Name)
		}
	}
	for _, name := range want {
		if !strings.Contains(" "+strings.Join(got, " ")+" ", " "+name+" ") {
			t.Errorf("step %s is not restricted (restricted: %v)", name, got)
		}
	}
	allegation, _ := StepNamed("allegation")
	police, _ := StepNamed("police-report")
	for _, r := range Relations {
		s := Sight{Relation: r}
		if s.SeesStep(allegation) != s.SeesRestricted() {
			t.Errorf("%s sees the allegation step: %v", r, s.SeesStep(allegation))
		}
		if s.SeesStep(police) != s.Sees() {
			t.Errorf("%s sees the police report step: %v", r, s.SeesStep(police))
		}
	}
}
