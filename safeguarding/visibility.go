package safeguarding

import (
	"slices"

	"github.com/caseflow/caseflow/policy"
)

// The visibility policy: who may see which case, action, timeline entry and record field. It is
// decided here, once, and every consumer applies it: the case view and timeline below, the read
// model's lists, live events, notifications, and the error messages of steps (an action the
// caller may not see is "unknown", never named).

// Parties are the people a case is about and worked by: what decides who may see it. The read
// model keeps the same fields in its summary, so its lists apply the same rules.
type Parties struct {
	Team                  string   `json:"team"`
	SocialWorker          string   `json:"social_worker"`
	FosteringSocialWorker string   `json:"fostering_social_worker,omitempty"`
	Carers                []string `json:"carers"`
	// Excluded are the people an allegation on the case is about. Whatever their role, they may
	// not know the case exists: an allegation protects the child, not the accused.
	Excluded []string `json:"excluded,omitempty"`
}

// Relation is how a person stands to a case.
type Relation string

// The relations. Only RelationNone sees nothing; the others see what their relation allows.
const (
	RelationNone Relation = "none"
	// RelationOverseer: a manager or the Safeguarding Lead, who see every case of the agency.
	RelationOverseer Relation = "overseer"
	// RelationSocialWorker: the child's social worker.
	RelationSocialWorker Relation = "social-worker"
	// RelationTeam: a social worker of the case's team, where the agency gives team access.
	RelationTeam Relation = "team-social-worker"
	// RelationFostering: the fostering social worker who supports the child's carers.
	RelationFostering Relation = "fostering-social-worker"
	// RelationCarer: a carer the child is placed with.
	RelationCarer Relation = "carer"
)

// Relations lists every relation, for tables and tests.
var Relations = []Relation{RelationNone, RelationOverseer, RelationSocialWorker, RelationTeam, RelationFostering, RelationCarer}

// RelationOf says how actor stands to a case with these parties. A person excluded by an
// allegation, and anyone without a user id, stands in no relation at all.
func (p *Parties) RelationOf(a Actor, access Access) Relation {
	if a.UserID == "" || slices.Contains(p.Excluded, a.UserID) {
		return RelationNone
	}
	switch a.Role {
	case RoleManager, RoleSafeguardingLead:
		return RelationOverseer
	case RoleSocialWorker:
		if p.SocialWorker == a.UserID {
			return RelationSocialWorker
		}
		if access.TeamAccess && a.Team != "" && p.Team == a.Team {
			return RelationTeam
		}
	case RoleFosteringSocialWorker:
		if p.FosteringSocialWorker == a.UserID {
			return RelationFostering
		}
	case RoleCarer:
		if slices.Contains(p.Carers, a.UserID) {
			return RelationCarer
		}
	}
	return RelationNone
}

// Sight is what one person may see of one case: who they are and how they stand to it.
type Sight struct {
	Actor    Actor    `json:"actor"`
	Relation Relation `json:"relation"`
}

// SightOf is actor's sight of a case with these parties.
func (p *Parties) SightOf(a Actor, access Access) Sight {
	return Sight{Actor: a, Relation: p.RelationOf(a, access)}
}

// Sees reports whether the person may know the case exists. Only a known relation sees: a sight
// nobody worked out (the zero value) sees nothing.
func (s Sight) Sees() bool {
	switch s.Relation {
	case RelationOverseer, RelationSocialWorker, RelationTeam, RelationFostering, RelationCarer:
		return true
	}
	return false
}

// SeesRestricted reports whether the person may see allegations against carers and staff and
// everything that follows from them: only managers, the Safeguarding Lead and social workers, who
// act on them. Carers and fostering social workers may themselves be the subject of one.
func (s Sight) SeesRestricted() bool {
	switch s.Relation {
	case RelationOverseer, RelationSocialWorker, RelationTeam:
		return true
	}
	return false
}

// SeesStep reports whether the person may know that a step was taken on the case: steps about an
// allegation (recording it, and telling the LADO, the police or the DBS of it) are restricted
// like the allegation itself. The access log applies it to the records it lists.
func (s Sight) SeesStep(step Step) bool {
	if !s.Sees() {
		return false
	}
	return !step.Restricted() || s.SeesRestricted()
}

// IsCarer reports whether the person sees the case as one of the child's carers.
func (s Sight) IsCarer() bool { return s.Relation == RelationCarer }

// Owns reports whether an action with this owner is the person's own: named to them, or owned by
// their role with no one named.
func (s Sight) Owns(o Owner) bool {
	if o.UserID != "" {
		return o.UserID == s.Actor.UserID
	}
	return o.Role == s.Actor.Role
}

// SeesAction reports whether the person may see an action of this class and owner. Carers see
// their own actions and those about the child's care at home; staff see every action but the
// restricted ones, which only those who see allegations see.
func (s Sight) SeesAction(class Class, owner Owner) bool {
	switch {
	case !s.Sees():
		return false
	case class == ClassRestricted:
		return s.SeesRestricted()
	case class == ClassConduct:
		return s.Relation == RelationOverseer
	case s.IsCarer():
		return class == ClassCare || s.Owns(owner)
	}
	return true
}

// Class groups actions by who may see them.
type Class string

// The classes of actions.
const (
	// ClassRestricted: actions that follow an allegation against a carer or member of staff. The
	// read model stores them under this class, never under their kind, so a list never names one.
	ClassRestricted Class = "restricted"
	// ClassCare: the child's care at home (the care plan, missing episodes), seen by carers too.
	ClassCare Class = "care"
	// ClassCasework: everything else, seen by staff, and by a carer only when it is theirs.
	ClassCasework Class = "casework"
	// ClassConduct: whether a person's failure to act is a conduct matter, seen by managers and
	// the Safeguarding Lead only: the person may be the child's social worker.
	ClassConduct Class = "conduct"
)

// ClassOf is the class of an action of kind.
func ClassOf(kind policy.RuleID) Class {
	switch kind {
	case policy.LADO, policy.LADOUrgent, policy.AllegationPolice, policy.DBSReferral, policy.EndRelationship:
		return ClassRestricted
	case policy.ConductReview:
		return ClassConduct
	case policy.CarePlan, policy.CarePlanReview, policy.MissingChild, policy.MissingPoliceReport,
		policy.MissingNotifySW, policy.MissingNotifyLead, policy.ReturnInterview:
		return ClassCare
	}
	return ClassCasework
}

// Class is the class of the action.
func (a *Action) Class() Class { return ClassOf(a.Kind) }

// SightOf is actor's sight of the case.
func (c *Case) SightOf(actor Actor, access Access) Sight {
	if !c.Opened() {
		return Sight{Actor: actor, Relation: RelationNone}
	}
	return c.Parties.SightOf(actor, access)
}

// CanSee reports whether actor may know the case exists.
func (c *Case) CanSee(actor Actor, access Access) bool { return c.SightOf(actor, access).Sees() }

// seesAction reports whether the person may see the action.
func (s Sight) seesAction(a *Action) bool { return s.SeesAction(a.Class(), a.Owner) }

// carerTimeline lists what a carer sees of the timeline beyond their own entries: the life of
// the child in their home, not the professionals' deliberations.
var carerTimeline = []string{
	"care-plan-agreed", "care-plan-review", "missing", "returned", "return-interview",
	"looked-after", "contact", "closure-approved", "reopened",
}

// seesEntry reports whether the person may see a timeline entry of the case. An entry about an
// allegation, or about an action that follows one, is restricted, whether or not it was marked
// so when it was written.
func (c *Case) seesEntry(s Sight, e Entry) bool {
	if !e.Restricted && c.restrictedRef(e.Ref) {
		e.Restricted = true
	}
	if !e.Conduct && c.conductRef(e.Ref) {
		e.Conduct = true
	}
	return s.SeesEntry(e)
}

// SeesEntry reports whether the person may see a timeline entry, by what the entry itself says:
// the case's archived entries, read back from earlier runs, are filtered by it.
func (s Sight) SeesEntry(e Entry) bool {
	switch {
	case !s.Sees():
		return false
	case conductEntries[e.Kind] || e.Conduct:
		return s.Relation == RelationOverseer
	case e.Restricted:
		return s.SeesRestricted()
	case s.IsCarer():
		return (e.By.UserID == s.Actor.UserID && e.By.Role == RoleCarer) || slices.Contains(carerTimeline, e.Kind)
	}
	return true
}

// restrictedRef reports whether a record reference names an allegation or a restricted action.
func (c *Case) restrictedRef(ref string) bool {
	if ref == "" {
		return false
	}
	if c.allegation(ref) != nil {
		return true
	}
	a := c.action(ref)
	return a != nil && a.Class() == ClassRestricted
}

// conductRef reports whether a record reference names a conduct review's action: what is written
// about it (its chases, its due date, its resolution) is seen as the review is.
func (c *Case) conductRef(ref string) bool {
	if ref == "" {
		return false
	}
	a := c.action(ref)
	return a != nil && a.Class() == ClassConduct
}

// copyFor copies the case with what the person may not see removed. Slices are copied where they
// are filtered, so the copy can be changed without touching the case.
func (c *Case) copyFor(s Sight) Case {
	v := *c
	v.Duties = c.Duties.seenBy(s)
	v.Timeline = slices.DeleteFunc(slices.Clone(c.Timeline), func(e Entry) bool { return !c.seesEntry(s, e) })
	v.Actions = slices.DeleteFunc(slices.Clone(c.Actions), func(a Action) bool { return !s.seesAction(&a) })
	if !s.SeesRestricted() {
		v.Allegations, v.Revoked, v.Excluded, v.Exclusions = nil, nil, nil, nil
	}
	if !s.IsCarer() {
		return v
	}
	mine := func(by Actor) bool { return by.UserID == s.Actor.UserID && by.Role == RoleCarer }
	v.Concerns = slices.DeleteFunc(slices.Clone(v.Concerns), func(k Concern) bool { return !seesConcern(s.Actor, k) })
	v.Reporting = Reporting{}
	for _, p := range c.Reporting.PoliceReports {
		if mine(p.By) {
			v.Reporting.PoliceReports = append(v.Reporting.PoliceReports, p)
		}
	}
	v.Meetings, v.Conferences, v.Offences, v.Links = nil, nil, nil, nil

	v.NRM = NRM{}
	v.Age = Age{}
	v.Child.ParentalResponsibility = ""
	// Staff notes on a withdrawn disclosure are professional judgement about the child's account.
	v.Withdrawals = slices.Clone(v.Withdrawals)
	for i := range v.Withdrawals {
		if !mine(v.Withdrawals[i].By) {
			v.Withdrawals[i].Note = ""
		}
	}
	return v
}

// seesConcern reports whether a person may see a concern: a carer sees the concerns they raised,
// staff every concern. It depends on the role alone, so steps apply it when they run.
func seesConcern(by Actor, k Concern) bool {
	return by.Role != RoleCarer || (k.RaisedBy.UserID == by.UserID && k.RaisedBy.Role == RoleCarer)
}

// visibleAction finds an action the person may see; one they may not see is as unknown as one
// that does not exist.
func (c *Case) visibleAction(id string, s Sight) *Action {
	a := c.action(id)
	if a == nil || !s.seesAction(a) {
		return nil
	}
	return a
}
