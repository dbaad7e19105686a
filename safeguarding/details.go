package safeguarding

import (
	"slices"
	"strings"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// A concern is taken with what the person raising it knows; staff complete the record: the
// child's local authority, team and social worker, and what was seen in the policy's terms. Until
// then the complete-record clock chases the Safeguarding Lead.

// missingDetails names what the record still lacks.
func (c *Case) missingDetails() []string {
	var missing []string
	for _, f := range []struct{ name, value string }{{"local authority", c.LA}, {"team", c.Team}, {"social worker", c.SocialWorker}} {
		if f.value == "" {
			missing = append(missing, f.name)
		}
	}
	for _, k := range c.Concerns {
		if len(k.ExploitationTypes) == 0 || len(k.Indicators) == 0 {
			missing = append(missing, "the exploitation suspected and the signs seen for concern "+k.ID)
		}
	}
	if len(c.Unconfirmed) > 0 {
		missing = append(missing, "confirmation that the child is placed with the carer who raised the concern")
	}
	return missing
}

// openCompleteRecord starts the clock to complete the record, when anything is missing and the
// clock is not running already.
func (c *Case) openCompleteRecord(env Env, start time.Time) *Action {
	if len(c.missingDetails()) == 0 || c.hasOpen(policy.CompleteRecord, "") {
		return nil
	}
	a := c.openAction(env, policy.CompleteRecord, Owner{Role: RoleSafeguardingLead}, start, 0, "")
	a.Title += ": " + strings.Join(c.missingDetails(), "; ")
	return a
}

// localAuthorityStep is a step naming the child's local authority, which the policy's list of
// local authorities must know.
type localAuthorityStep interface{ localAuthority() string }

// CaseDetails completes and corrects the record: the child's details (a corrected date of birth
// re-arms the clocks that depend on the child's age), the local authority, the team and social
// worker when they were not known at intake, and the exploitation suspected and signs seen for a
// concern taken without them. The timeline keeps what changed, who changed it and why.
type CaseDetails struct {
	Child                 *ChildUpdate `json:"child,omitempty"`
	LA                    string       `json:"la,omitempty"`
	Team                  string       `json:"team,omitempty"`
	SocialWorker          string       `json:"social_worker,omitempty"`
	FosteringSocialWorker string       `json:"fostering_social_worker,omitempty"`
	// ConcernID names the concern the exploitation types and indicators below complete.
	ConcernID            string      `json:"concern_id,omitempty"`
	AddExploitationTypes []string    `json:"add_exploitation_types,omitempty"`
	AddIndicators        []Indicator `json:"add_indicators,omitempty"`
	// LongTermPlacement records that the placement is intended to last until the child is 18 (or
	// no longer is).
	LongTermPlacement *bool  `json:"long_term_placement,omitempty"`
	Reason            string `json:"reason"`
}

func (r *CaseDetails) Validate(now time.Time) error {
	f := fieldErrors{}
	f.required("reason", r.Reason)
	f.text("reason", r.Reason, maxLongText)
	f.id("la", r.LA)
	f.id("team", r.Team)
	f.id("social_worker", r.SocialWorker)
	f.id("fostering_social_worker", r.FosteringSocialWorker)
	f.id("concern_id", r.ConcernID)
	f.count("add_exploitation_types", len(r.AddExploitationTypes), maxCodes)
	f.codes("add_exploitation_types", r.AddExploitationTypes, ExploitationTypes)
	f.count("add_indicators", len(r.AddIndicators), maxCodes)
	for _, in := range r.AddIndicators {
		if !knownCode(Indicators, in.Code) {
			f.add("add_indicators", "unknown code "+quote(in.Code))
		}
		f.text("add_indicators", in.Note, maxLongText)
	}
	if (len(r.AddExploitationTypes) > 0 || len(r.AddIndicators) > 0) && r.ConcernID == "" {
		f.add("concern_id", "name the concern the exploitation types and indicators complete")
	}
	if r.Child == nil && r.LA == "" && r.Team == "" && r.SocialWorker == "" && r.FosteringSocialWorker == "" &&
		len(r.AddExploitationTypes) == 0 && len(r.AddIndicators) == 0 && r.LongTermPlacement == nil {
		f.add("child", "give at least one detail to complete or correct")
	}
	if r.Child != nil {
		if r.Child.Name != nil {
			f.required("child.name", *r.Child.Name)
		}
		written, _ := r.Child.applyTo(Child{})
		written.validate(f, "child.", now)
	}
	return f.err()
}

func (r *CaseDetails) localAuthority() string { return r.LA }

// assignment is one of the people fields of the record: who the case holds, and who the step
// gives.
type assignment struct{ field, held, given string }

// assignments are the people fields the step gives, in the order they are checked.
func (r *CaseDetails) assignments(c *Case) []assignment {
	return []assignment{
		{"team", c.Team, r.Team}, {"social_worker", c.SocialWorker, r.SocialWorker},
		{"fostering_social_worker", c.FosteringSocialWorker, r.FosteringSocialWorker},
	}
}

func (r *CaseDetails) check(c *Case, s Sight) error {
	for _, a := range r.assignments(c) {
		if a.given != "" && a.held != "" && a.given != a.held {
			return invalid(a.field, "The case already has one: a manager or the Safeguarding Lead changes who works with the child (the team step).", "is already set")
		}
	}
	if field := c.excludedAmong(assigned{"social_worker", []string{r.SocialWorker}}, assigned{"fostering_social_worker", []string{r.FosteringSocialWorker}}); field != "" {
		return notAssignable(s, field)
	}
	if r.LongTermPlacement != nil && c.LookedAfter == nil {
		return Errorf(EConflict, "Record that the child is looked after before describing the placement.")
	}
	if r.ConcernID != "" {
		if k := c.concern(r.ConcernID); k == nil || !seesConcern(s.Actor, *k) {
			return invalid("concern_id", "There is no concern with this id on the case.", "unknown concern")
		}
	}
	if r.Child != nil && r.Child.changesAge() && (!c.ageDecided() || len(c.Age.Assessments) == 0) {
		// Once an age assessment is recorded it settles the young person's age, adult or not;
		// before it, a correction may not make them an adult when the concern was raised unless
		// their age is disputed.
		child, _ := r.Child.applyTo(c.Child)
		f := fieldErrors{}
		child.checkAge(f, "child.", c.firstConcernAt())
		if child.Reference != "" && r.LA == "" && c.LA == "" {
			f.add("child.reference", "needs the local authority it belongs to (la)")
		}
		return f.err()
	}
	return nil
}

// firstConcernAt is when the first concern was seen or heard: the child must have been a child
// then.
func (c *Case) firstConcernAt() time.Time {
	if len(c.Concerns) == 0 {
		return c.OpenedAt
	}
	return c.Concerns[0].ObservedAt
}

func (r *CaseDetails) apply(c *Case, by Actor, env Env) Result {
	now := env.Now()
	var changed []string
	res := Result{}
	dob, disputed := c.Child.DateOfBirth, c.Child.AgeDisputed
	if r.Child != nil {
		var fields []string
		c.Child, fields = r.Child.applyTo(c.Child)
		changed = append(changed, fields...)
	}
	if r.LA != "" && r.LA != c.LA {
		facts := env.Facts(r.LA)
		c.LA, c.ICTGSite = r.LA, facts.ICTGSite
		changed = append(changed, "local authority")
	}
	if r.Team != "" && c.Team == "" {
		c.Team = r.Team
		changed = append(changed, "team")
	}
	if r.SocialWorker != "" && c.SocialWorker == "" {
		c.handTo(RoleSocialWorker, "", r.SocialWorker)
		c.SocialWorker = r.SocialWorker
		changed = append(changed, "social worker")
	}
	if r.FosteringSocialWorker != "" && c.FosteringSocialWorker == "" {
		c.handTo(RoleFosteringSocialWorker, "", r.FosteringSocialWorker)
		c.FosteringSocialWorker = r.FosteringSocialWorker
		changed = append(changed, "fostering social worker")
	}
	if k := c.concern(r.ConcernID); k != nil {
		k.ExploitationTypes = uniq(append(k.ExploitationTypes, r.AddExploitationTypes...))
		for _, in := range r.AddIndicators {
			if !slices.ContainsFunc(k.Indicators, func(have Indicator) bool { return have.Code == in.Code }) {
				k.Indicators = append(k.Indicators, in)
			}
		}
		changed = append(changed, "concern "+k.ID)
	}
	if r.LongTermPlacement != nil {
		c.LookedAfter.LongTerm = *r.LongTermPlacement
		changed = append(changed, "long-term placement")
	}
	c.note(now, by, "case-details", "Record completed or corrected ("+strings.Join(changed, ", ")+"): "+r.Reason, "")

	switch {
	case !c.ageDecided():
		if c.Child.DateOfBirth != dob {
			res.Opened = append(res.Opened, c.rearmForAge(env, by)...)
		}
	case c.Child.DateOfBirth != dob || c.Child.AgeDisputed != disputed:
		// A correction proposes a move to adulthood, or runs child clocks again; it ends nothing.
		if c.Child.DateOfBirth != dob {
			res.Opened = append(res.Opened, c.followBirthday(env, by)...)
		}
		res.Opened = append(res.Opened, c.reviewAge(env, by, "a correction by the "+roleName(by.Role)+": "+r.Reason)...)
	}
	if len(c.missingDetails()) == 0 {
		c.closeActions(policy.CompleteRecord, "", ActionDone, now, by, "")
	}
	return res
}
