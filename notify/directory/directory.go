package directory

import (
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// Person is one member of staff or carer. Email is empty when the directory knows no address.
type Person struct {
	ID    string            `json:"id"`
	Name  string            `json:"name"`
	Email string            `json:"email,omitempty"`
	Team  string            `json:"team,omitempty"`
	Role  safeguarding.Role `json:"role"`
}

// Directory is the agency's directory. It is safe for concurrent use.
type Directory struct {
	mu      sync.RWMutex
	people  map[string]Person // from the file
	learned map[string]Person // from sign-ins, for people the file lacks or gives no address

	managers map[string][]string // team -> manager ids, in file order
	leads    []string
	deputies []string
	// duty are the agency's duty managers: the managers of a case without a team yet.
	duty  []string
	cover Cover
}

// Cover is who receives the chases of hour clocks when the office is closed: outside Office on
// working days, and all day on weekends and bank holidays.
type Cover struct {
	People []string
	Office policy.WorkingHours
}

// Person returns the person with this id: from the file, or learned at sign-in.
func (d *Directory) Person(id string) (Person, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	if p, ok := d.people[id]; ok {
		if p.Email == "" {
			if l, ok := d.learned[id]; ok {
				p.Email = l.Email
			}
		}
		return p, true
	}
	p, ok := d.learned[id]
	return p, ok
}

// Managers are the managers of a team.
func (d *Directory) Managers(team string) []Person { return d.all(d.managers[team]) }

// DutyManagers are the agency's duty managers, who stand for the team manager of a case that
// has no team yet (a concern taken in a crisis).
func (d *Directory) DutyManagers() []Person { return d.all(d.duty) }

// Leads are the Safeguarding Leads, then their deputies: everything the Lead is told, the
// deputies are told too, so an escalation never waits for one person's return.
func (d *Directory) Leads() []Person { return d.all(slices.Concat(d.leads, d.deputies)) }

// Teams lists the teams that have managers, sorted.
func (d *Directory) Teams() []string {
	teams := make([]string, 0, len(d.managers))
	for t := range d.managers {
		teams = append(teams, t)
	}
	sort.Strings(teams)
	return teams
}

// TeamsManagedBy lists the teams a person manages, sorted.
func (d *Directory) TeamsManagedBy(id string) []string {
	var out []string
	for _, t := range d.Teams() {
		if slices.Contains(d.managers[t], id) {
			out = append(out, t)
		}
	}
	return out
}

// CoverAt returns the out-of-hours cover when t falls outside office hours by cal, else nothing.
func (d *Directory) CoverAt(t time.Time, cal *policy.Calendar) []Person {
	if len(d.cover.People) == 0 || d.cover.Office.NextWorkingTime(t, cal).Equal(t.UTC()) {
		return nil
	}
	return d.all(d.cover.People)
}

func (d *Directory) all(ids []string) []Person {
	out := make([]Person, 0, len(ids))
	for _, id := range ids {
		if p, ok := d.Person(id); ok {
			out = append(out, p)
		}
	}
	return out
}

// Resolve turns a chase's recipient into people: the person it names, the managers of its team,
// or the Safeguarding Leads and deputies. Nobody in excluded (the people an allegation removed
// from the case) is ever returned. unresolved describes, for the Safeguarding Lead, a recipient
// who resolves to nobody with an address; it is empty when everyone can be emailed.
func (d *Directory) Resolve(r safeguarding.Recipient, excluded []string) (people []Person, unresolved []string) {
	var candidates []Person
	switch {
	case r.UserID != "":
		p, ok := d.Person(r.UserID)
		if !ok {
			p = Person{ID: r.UserID, Role: r.Role}
		}
		candidates = []Person{p}
	case r.Role == safeguarding.RoleManager && r.Team == "":
		candidates = d.DutyManagers()
	case r.Role == safeguarding.RoleManager:
		candidates = d.Managers(r.Team)
	case r.Role == safeguarding.RoleSafeguardingLead:
		candidates = d.Leads()
	}
	for _, p := range candidates {
		switch {
		case slices.Contains(excluded, p.ID):
		case p.Email == "":
			unresolved = append(unresolved, describe(r)+" (no email address in the directory)")
		default:
			people = append(people, p)
		}
	}
	if len(people) == 0 && len(unresolved) == 0 {
		unresolved = append(unresolved, describe(r)+" (nobody in the directory)")
	}
	return people, unresolved
}

// describe names a recipient without naming anyone: what they are to the case, or a role and
// team. What it says is kept in Redis, in the Safeguarding Lead's notifications, which hold no
// user id.
func describe(r safeguarding.Recipient) string {
	switch {
	case r.UserID != "":
		return "the case's " + r.Role.Name()
	case r.Role == safeguarding.RoleSafeguardingLead:
		return "the Safeguarding Lead"
	case r.Role == safeguarding.RoleManager && r.Team == "":
		return "the duty manager (the case has no team yet)"
	case r.Team != "":
		return "the " + string(r.Role) + "s of team " + r.Team
	}
	return "the " + string(r.Role) + "s"
}

// Learn records what the identity provider says of a signed-in person: their address and name.
// The file wins: a person it lists keeps its name, role and team, and its address if it gives
// one. It reports whether anything changed.
func (d *Directory) Learn(a safeguarding.Actor, email, name string) bool {
	if a.UserID == "" || !ValidEmail(email) {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if p, ok := d.people[a.UserID]; ok && p.Email != "" {
		return false
	}
	p := Person{ID: a.UserID, Name: name, Email: email, Team: a.Team, Role: a.Role}
	if d.learned[a.UserID] == p {
		return false
	}
	if d.learned == nil {
		d.learned = map[string]Person{}
	}
	d.learned[a.UserID] = p
	return true
}

// Size counts the people of the file.
func (d *Directory) Size() int { return len(d.people) }
