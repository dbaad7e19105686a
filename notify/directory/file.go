package directory

import (
	_ "embed"
	"fmt"
	"maps"
	"net/mail"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// The directory file format, as YAML; example.yaml uses every field.
type fileFormat struct {
	People           []personFile        `yaml:"people"`
	Teams            map[string]teamFile `yaml:"teams"`
	SafeguardingLead []string            `yaml:"safeguarding_leads"`
	Deputies         []string            `yaml:"deputies"`
	DutyManagers     []string            `yaml:"duty_managers"`
	OutOfHours       *coverFile          `yaml:"out_of_hours"`
}

type personFile struct {
	ID    string `yaml:"id"`
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	Role  string `yaml:"role"`
	Team  string `yaml:"team"`
}

type teamFile struct {
	Managers []string `yaml:"managers"`
}

type coverFile struct {
	Cover       []string   `yaml:"cover"`
	OfficeHours *hoursFile `yaml:"office_hours"`
}

type hoursFile struct {
	Start string `yaml:"start"`
	End   string `yaml:"end"`
}

//go:embed example.yaml
var exampleFile []byte

// ExampleFile is the text of the example directory: the people of the development tokens in
// docs/development.md, and the starting point of an agency's own file.
func ExampleFile() []byte { return slices.Clone(exampleFile) }

// Example is the example directory, which `caseflow dev` uses when given none.
func Example() *Directory {
	d, err := Load("example.yaml", exampleFile)
	if err != nil {
		panic(err) // the embedded example is checked by the tests
	}
	return d
}

// LoadFile reads, parses and validates a directory file.
func LoadFile(path string) (*Directory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read directory file: %w", err)
	}
	return Load(path, data)
}

// Load parses and validates a directory file; name (usually its path) starts every error
// message. Every mistake found is reported, joined, each with its line and field.
func Load(name string, data []byte) (*Directory, error) {
	var f fileFormat
	file, err := directoryFile.Read(name, data, &f)
	if err != nil {
		return nil, err
	}
	probs := &problems{file}
	d := build(&f, probs)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

// build checks the file and makes the directory; every mistake goes to probs.
func build(f *fileFormat, probs *problems) *Directory {
	d := &Directory{people: map[string]Person{}, managers: map[string][]string{}}
	firstAt := map[string]path{}
	emails := map[string]path{}
	if len(f.People) == 0 {
		probs.add(path{"people"}, "list the people caseflow emails: give at least one")
	}
	for i, pf := range f.People {
		at := path{"people", fmt.Sprint(i)}
		p := Person{ID: pf.ID, Name: strings.TrimSpace(pf.Name), Email: pf.Email, Team: pf.Team}
		switch {
		case pf.ID == "":
			probs.add(at, "a person needs an id: the user id their sign-in carries")
		case !safeguarding.ValidID(pf.ID):
			probs.add(at.With("id"), "%q is not a user id: ids are 1 to 128 letters, digits, dots, dashes, underscores or @", pf.ID)
		case firstAt[pf.ID] != nil:
			probs.add(at.With("id"), "%q is listed twice (first at line %d); list each person once", pf.ID, probs.LineOf(firstAt[pf.ID]))
		default:
			firstAt[pf.ID] = at.With("id")
		}
		if p.Name == "" {
			probs.add(at.With("name"), "give the person's display name")
		}
		role, err := safeguarding.ParseRole(pf.Role)
		if err != nil {
			probs.add(at.With("role"), "%q is not a role; the roles are %s", pf.Role, roleList())
		}
		p.Role = role
		if pf.Email != "" {
			key := strings.ToLower(pf.Email)
			switch {
			case !ValidEmail(pf.Email):
				probs.add(at.With("email"), "%q is not an email address such as name@agency.example (no display name, no angle brackets)", pf.Email)
			case emails[key] != nil:
				probs.add(at.With("email"), "%q is also the address of the person at line %d; give each person their own", pf.Email, probs.LineOf(emails[key]))
			default:
				emails[key] = at.With("email")
			}
		}
		if pf.Team != "" {
			if _, ok := f.Teams[pf.Team]; !ok {
				probs.add(at.With("team"), "team %q is not listed under teams", pf.Team)
			}
		}
		if pf.ID != "" {
			if _, dup := d.people[pf.ID]; !dup {
				d.people[pf.ID] = p
			}
		}
	}
	member := func(at path, id string, allowed ...safeguarding.Role) bool {
		p, ok := d.people[id]
		switch {
		case !ok:
			probs.add(at, "%q is not one of the people listed", id)
		case !slices.Contains(allowed, p.Role):
			probs.add(at, "%q is a %s; this needs a %s", id, p.Role, roleNames(allowed))
		default:
			return true
		}
		return false
	}
	ids := func(at path, list []string, what string, allowed ...safeguarding.Role) []string {
		var out []string
		for i, id := range list {
			if slices.Contains(out, id) {
				probs.add(at.With(fmt.Sprint(i)), "%q is listed twice", id)
				continue
			}
			if member(at.With(fmt.Sprint(i)), id, allowed...) {
				out = append(out, id)
			}
		}
		if len(list) == 0 && what != "" {
			probs.add(at, "%s", what)
		}
		return out
	}
	for _, team := range slices.Sorted(maps.Keys(f.Teams)) {
		at := path{"teams", team}
		if !safeguarding.ValidID(team) {
			probs.add(at, "%q is not a team id: ids are 1 to 128 letters, digits, dots, dashes, underscores or @", team)
		}
		d.managers[team] = ids(at.With("managers"), f.Teams[team].Managers,
			"list the team's managers: escalations to \"the team's manager\" go to them", safeguarding.RoleManager)
	}
	d.leads = ids(path{"safeguarding_leads"}, f.SafeguardingLead,
		"name the Safeguarding Lead: escalations, and every chase caseflow cannot email, go to them", safeguarding.RoleSafeguardingLead)
	d.deputies = ids(path{"deputies"}, f.Deputies, "", safeguarding.RoleSafeguardingLead, safeguarding.RoleManager)
	for i, id := range d.deputies {
		if slices.Contains(d.leads, id) {
			probs.add(path{"deputies", fmt.Sprint(i)}, "%q is already a Safeguarding Lead", id)
		}
	}
	// Optional, so that a directory written before it still loads: without a duty manager, a
	// chase to the managers of a case without a team reaches the Safeguarding Lead alone, and
	// each is reported to them as not emailed.
	d.duty = ids(path{"duty_managers"}, f.DutyManagers, "", safeguarding.RoleManager, safeguarding.RoleSafeguardingLead)
	if c := f.OutOfHours; c != nil {
		at := path{"out_of_hours"}
		d.cover.People = ids(at.With("cover"), c.Cover,
			"list who covers out of hours: they receive the chases of hour clocks when the office is closed",
			safeguarding.RoleManager, safeguarding.RoleSafeguardingLead)
		d.cover.Office = officeHours(at.With("office_hours"), c.OfficeHours, probs)
	}
	return d
}

// officeHours reads the hours the office is open on working days; the cover is on duty at every
// other time.
func officeHours(at path, h *hoursFile, probs *problems) policy.WorkingHours {
	if h == nil {
		probs.add(at, "give the office hours (start and end, UK time, such as \"09:00\" and \"17:00\"): the cover is on duty outside them")
		return policy.WorkingHours{}
	}
	clock := func(field, s string) int {
		t, err := time.Parse("15:04", s)
		if err != nil {
			probs.add(at.With(field), "%q is not a time of day written like 09:00", s)
			return 0
		}
		return t.Hour()*60 + t.Minute()
	}
	out := policy.WorkingHours{Start: clock("start", h.Start), End: clock("end", h.End)}
	if out.End <= out.Start && !probs.foundUnder(at) {
		probs.add(at, "the office must open (start) before it closes (end)")
	}
	return out
}

// ValidEmail accepts a bare address, name@domain, as mail servers take it.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@")+1:], ".")
}

func roleList() string {
	names := make([]string, len(safeguarding.Roles))
	for i, r := range safeguarding.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func roleNames(roles []safeguarding.Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, " or ")
}
