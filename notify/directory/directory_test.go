package directory

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

func TestExampleLoads(t *testing.T) {
	d := Example()
	if d.Size() != 9 {
		t.Errorf("example has %d people, want 9", d.Size())
	}
	if got := ids(d.Managers("north")); !slices.Equal(got, []string{"mgr-1"}) {
		t.Errorf("north's managers = %v", got)
	}
	if got := ids(d.Leads()); !slices.Equal(got, []string{"lead-1", "lead-2"}) {
		t.Errorf("leads and deputies = %v", got)
	}
	if got := d.TeamsManagedBy("mgr-2"); !slices.Equal(got, []string{"south"}) {
		t.Errorf("mgr-2 manages %v", got)
	}
}

// TestBadFileNamesEveryLine: every mistake is reported at once, each with its line and field.
func TestBadFileNamesEveryLine(t *testing.T) {
	file := `people:
  - id: sw-1
    name: Sam
    email: not-an-address
    role: social_worker
    team: west
  - id: sw-1
    name: Sam again
    role: social_worker
  - id: mgr-1
    name: Morgan
    role: boss
    colour: blue
  - id: lead-1
    name: [Lee]
    role: safeguarding_lead
teams:
  north:
    managers: [sw-1, nobody]
safeguarding_leads: []
out_of_hours:
  cover: [lead-1]
  office_hours: {start: "17:00", end: "9am"}
`
	_, err := Load("bad.yaml", []byte(file))
	if err == nil {
		t.Fatal("a bad directory loaded")
	}
	want := []string{
		`bad.yaml, line 4: people[0].email: "not-an-address" is not an email address`,
		`bad.yaml, line 6: people[0].team: team "west" is not listed under teams`,
		`bad.yaml, line 7: people[1].id: "sw-1" is listed twice (first at line 2)`,
		`bad.yaml, line 12: people[2].role: "boss" is not a role`,
		`bad.yaml, line 13: people[2].colour: unknown field "colour"; the fields here are: id, name, email, role, team`,
		`bad.yaml, line 15: people[3].name: expected a single value, found a list`,
		`bad.yaml, line 19: teams.north.managers[0]: "sw-1" is a social_worker; this needs a manager`,
		`bad.yaml, line 19: teams.north.managers[1]: "nobody" is not one of the people listed`,
		`bad.yaml, line 20: safeguarding_leads: name the Safeguarding Lead`,
		`bad.yaml, line 23: out_of_hours.office_hours.end: "9am" is not a time of day`,
	}
	lines := strings.Split(err.Error(), "\n")
	for _, w := range want {
		if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, w) }) {
			t.Errorf("missing %q in:\n%s", w, err)
		}
	}
	if len(lines) != len(want) {
		t.Errorf("%d problems reported, want %d:\n%s", len(lines), len(want), err)
	}
}

func TestResolve(t *testing.T) {
	d := Example()
	person := func(id string) safeguarding.Recipient {
		return safeguarding.Recipient{UserID: id, Role: safeguarding.RoleSocialWorker, Team: "north"}
	}
	tests := []struct {
		name       string
		to         safeguarding.Recipient
		excluded   []string
		want       []string
		unresolved string
	}{
		{"a person", person("sw-1"), nil, []string{"sw-1"}, ""},
		{"a person the directory lacks", person("sw-9"), nil, nil, "the case's social worker (no email address in the directory)"},
		{"the team's managers", safeguarding.Recipient{Role: safeguarding.RoleManager, Team: "north"}, nil, []string{"mgr-1"}, ""},
		{"a team with no managers", safeguarding.Recipient{Role: safeguarding.RoleManager, Team: "east"}, nil,
			nil, "the managers of team east (nobody in the directory)"},
		{"the Lead and deputies", safeguarding.Recipient{Role: safeguarding.RoleSafeguardingLead}, nil, []string{"lead-1", "lead-2"}, ""},
		{"an excluded deputy is never told", safeguarding.Recipient{Role: safeguarding.RoleSafeguardingLead}, []string{"lead-2"}, []string{"lead-1"}, ""},
		{"an excluded manager leaves no one", safeguarding.Recipient{Role: safeguarding.RoleManager, Team: "north"}, []string{"mgr-1"},
			nil, "the managers of team north (nobody in the directory)"},
		// A case without a team yet: its managers are the agency's duty manager.
		{"the managers of no team are the duty manager", safeguarding.Recipient{Role: safeguarding.RoleManager}, nil, []string{"duty-1"}, ""},
		{"an excluded duty manager is never told", safeguarding.Recipient{Role: safeguarding.RoleManager}, []string{"duty-1"},
			nil, "the duty manager (the case has no team yet) (nobody in the directory)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, unresolved := d.Resolve(tc.to, tc.excluded)
			if !slices.Equal(ids(got), tc.want) {
				t.Errorf("resolved to %v, want %v", ids(got), tc.want)
			}
			if strings.Join(unresolved, "; ") != tc.unresolved {
				t.Errorf("unresolved %q, want %q", unresolved, tc.unresolved)
			}
		})
	}
}

// TestDutyManagersAreManagersOrLeads: the duty manager stands for a team's manager, so only a
// manager or a Safeguarding Lead may be one; a directory without any still loads.
func TestDutyManagersAreManagersOrLeads(t *testing.T) {
	text := strings.Replace(string(ExampleFile()), "duty_managers: [duty-1]", "duty_managers: [sw-1, nobody]", 1)
	_, err := Load("duty.yaml", []byte(text))
	for _, want := range []string{`duty_managers[0]: "sw-1" is a social_worker`, `duty_managers[1]: "nobody" is not one of the people listed`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in %v", want, err)
		}
	}
	d, err := Load("none.yaml", []byte(strings.Replace(string(ExampleFile()), "duty_managers: [duty-1]", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if got, unresolved := d.Resolve(safeguarding.Recipient{Role: safeguarding.RoleManager}, nil); len(got) != 0 || len(unresolved) != 1 {
		t.Errorf("without a duty manager: %v, %v; want nobody, reported", ids(got), unresolved)
	}
}

func TestCoverOnlyWhenTheOfficeIsClosed(t *testing.T) {
	d := Example()
	cal := policy.DefaultCalendar()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		when  string
		cover bool
	}{
		{"2026-12-18T10:00:00Z", false}, // Friday, office open
		{"2026-12-18T17:30:00Z", true},  // Friday evening
		{"2026-12-19T11:00:00Z", true},  // Saturday
		{"2026-12-25T11:00:00Z", true},  // Christmas Day
		{"2026-07-01T08:30:00Z", false}, // 09:30 British Summer Time
		{"2026-07-01T07:30:00Z", true},  // 08:30 British Summer Time
	} {
		if got := len(d.CoverAt(at(tc.when), cal)) > 0; got != tc.cover {
			t.Errorf("cover at %s = %v, want %v", tc.when, got, tc.cover)
		}
	}
}

func TestLearnedAddressesNeverOverrideTheFile(t *testing.T) {
	d := Example()
	staff := safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Team: "north"}
	if d.Learn(staff, "elsewhere@example.org", "Someone") {
		t.Error("a sign-in changed an address the file gives")
	}
	if p, _ := d.Person("sw-1"); p.Email != "sw-1@agency.example" || p.Name != "Sam Social-Worker" {
		t.Errorf("sw-1 = %+v", p)
	}
	newcomer := safeguarding.Actor{UserID: "sw-7", Role: safeguarding.RoleSocialWorker, Team: "north"}
	if d.Learn(newcomer, "not an address", "New") {
		t.Error("learned an invalid address")
	}
	if !d.Learn(newcomer, "sw-7@agency.example", "New Starter") || d.Learn(newcomer, "sw-7@agency.example", "New Starter") {
		t.Error("learning a new person should change the directory once")
	}
	if got, _ := d.Resolve(safeguarding.Recipient{UserID: "sw-7"}, nil); len(got) != 1 || got[0].Email != "sw-7@agency.example" {
		t.Errorf("sw-7 resolved to %+v", got)
	}
}

func ids(people []Person) []string {
	var out []string
	for _, p := range people {
		out = append(out, p.ID)
	}
	return out
}
