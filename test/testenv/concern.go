package testenv

import "time"

// Concern returns a valid concern body: a carer's concern about a child placed with them. The
// names are test data: the privacy tests look for them where they must never appear.
func Concern(observed time.Time, socialWorker, team string, carers ...string) map[string]any {
	concern := map[string]any{
		"observed_at": observed.UTC().Format(time.RFC3339),
		"child": map[string]any{
			"name": ChildName, "date_of_birth": "2010-05-01", "preferred_term": "survivor",
			"parental_responsibility": "none-in-uk",
		},
		"la": "E08000025", "team": team, "social_worker": socialWorker, "fostering_social_worker": "fsw-1",
		"carers":               carers,
		"exploitation_types":   []string{"criminal-exploitation", "county-lines", "trafficking"},
		"trafficking_purposes": []string{"moving-drugs"},
		"indicators": []map[string]string{
			{"code": "multiple-phones", "note": "two phones, one hidden"},
			{"code": "missing-episodes"},
		},
		"vulnerability_factors": []string{"looked-after"},
		"immediate_danger":      false,
		"account":               "Came home late with a second phone and cash; said " + CarerName + " would not understand.",
	}
	if len(carers) == 0 {
		delete(concern, "carers")
	}
	return concern
}

// ConcernFor is Concern about another child, known as name and born on dob ("" when not known):
// a child has one case, so a concern about the child of Concern goes to the case they have.
func ConcernFor(name, dob string, observed time.Time, socialWorker, team string, carers ...string) map[string]any {
	concern := Concern(observed, socialWorker, team, carers...)
	child := concern["child"].(map[string]any)
	child["name"] = name
	if dob == "" {
		delete(child, "date_of_birth")
	} else {
		child["date_of_birth"] = dob
	}
	return concern
}

// Names used in test data, which must never reach Redis, logs or search attributes.
const (
	ChildName = "Amara Okonkwo-Testchild"
	CarerName = "Bernadette Testcarer"
)
