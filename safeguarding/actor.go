package safeguarding

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Role is what a person does in the agency. It decides what they may see and do on a case.
type Role string

// The roles the agency's identity provider issues.
const (
	RoleCarer                 Role = "carer"
	RoleSocialWorker          Role = "social_worker"
	RoleFosteringSocialWorker Role = "fostering_social_worker"
	RoleSafeguardingLead      Role = "safeguarding_lead"
	RoleManager               Role = "manager"
	// RoleDataProtectionOfficer reads the agency's record of decryptions, to hold the
	// Safeguarding Lead's use of the keys to account. They work with no child: they see no
	// case, take no step, and read nothing but that record.
	RoleDataProtectionOfficer Role = "data_protection_officer"
)

// RoleSystem is caseflow itself: chases, upgrades, and the steps it takes on a case of its own
// accord (an exclusion carried to a linked case). No token may carry it: ParseRole refuses it.
const RoleSystem Role = "system"

// Caseflow is caseflow acting of its own accord, as the API names it in the steps and queries it
// sends for nobody in particular (an exclusion carried to a linked case).
var Caseflow = Actor{UserID: "caseflow", Role: RoleSystem}

// CaseRoles are the roles of people who work with children's cases.
var CaseRoles = []Role{RoleCarer, RoleSocialWorker, RoleFosteringSocialWorker, RoleSafeguardingLead, RoleManager}

// Roles lists every role, in a stable order for tables and tests.
var Roles = append(slices.Clone(CaseRoles), RoleDataProtectionOfficer)

// ParseRole accepts only the roles above: an unknown role in a token is refused, never guessed.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q", s)
}

// Actor is the person behind a request, as established by authentication. UserID and Team are
// opaque identifiers from the identity provider, never names.
type Actor struct {
	UserID string `json:"user_id"`
	Role   Role   `json:"role"`
	Team   string `json:"team,omitempty"`
	// Teams are further teams whose cases a manager acts on besides their own, as the identity
	// provider grants them (a manager covering a second team, a head of service): agency
	// policy, kept where people's other grants are kept, not in caseflow. Team codes separated
	// by spaces, in order (see JoinTeams): text, so that an Actor stays a value compared with ==.
	Teams string `json:"teams,omitempty"`
}

// ActsFor reports whether the person's powers reach a team's cases: their own team, or one
// they are granted.
func (a Actor) ActsFor(team string) bool {
	return team != "" && (team == a.Team || slices.Contains(strings.Fields(a.Teams), team))
}

// JoinTeams is the Teams text of a list of team codes: sorted, each once, the person's own team
// left out, and anything that is not one code (empty, or with a space in it) dropped.
func JoinTeams(own string, teams []string) string {
	teams = slices.DeleteFunc(slices.Clone(teams), func(t string) bool {
		return t == "" || t == own || strings.ContainsFunc(t, unicode.IsSpace)
	})
	slices.Sort(teams)
	return strings.Join(slices.Compact(teams), " ")
}

// Overseers are the roles that see every case of the agency.
var Overseers = []Role{RoleSafeguardingLead, RoleManager}

// Oversees reports whether the role is one of the Overseers.
func (r Role) Oversees() bool { return slices.Contains(Overseers, r) }

var roleNames = map[Role]string{
	RoleCarer: "carer", RoleSocialWorker: "social worker", RoleFosteringSocialWorker: "fostering social worker",
	RoleSafeguardingLead: "Safeguarding Lead", RoleManager: "manager", RoleDataProtectionOfficer: "data protection officer",
}

// Name is how people call the role: "social worker", "Safeguarding Lead".
func (r Role) Name() string { return roleName(r) }

// roleName is how the timeline and messages name a role.
func roleName(r Role) string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return string(r)
}
