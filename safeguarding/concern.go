package safeguarding

import (
	"slices"
	"strings"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// StepRaiseConcern opens a case. It is sent with update-with-start, so raising the same concern
// twice (a retried request) opens one case.
const StepRaiseConcern = "raise-concern"

// Indicator is one of the policy's signs, with what was actually seen.
type Indicator struct {
	Code string `json:"code"`
	Note string `json:"note,omitempty"`
}

// Concern is what a carer or staff member saw or heard, recorded in their words.
type Concern struct {
	ID       string `json:"id"`
	RaisedBy Actor  `json:"raised_by"`
	ConcernDetails
}

// ConcernDetails is the part of a concern common to the first one and any later one.
type ConcernDetails struct {
	ObservedAt          time.Time   `json:"observed_at"`
	ExploitationTypes   []string    `json:"exploitation_types,omitempty"`
	TraffickingPurposes []string    `json:"trafficking_purposes,omitempty"`
	Indicators          []Indicator `json:"indicators,omitempty"`

	VulnerabilityFactors []string `json:"vulnerability_factors,omitempty"`
	// ImmediateDanger makes a 999 call the first action.
	ImmediateDanger bool   `json:"immediate_danger"`
	Account         string `json:"account"`
}

func (d *ConcernDetails) validate(f fieldErrors, now time.Time) {
	f.happened("observed_at", d.ObservedAt, now)
	f.count("exploitation_types", len(d.ExploitationTypes), maxCodes)
	f.count("trafficking_purposes", len(d.TraffickingPurposes), maxCodes)
	f.count("indicators", len(d.Indicators), maxCodes)
	f.count("vulnerability_factors", len(d.VulnerabilityFactors), maxCodes)
	f.codes("exploitation_types", d.ExploitationTypes, ExploitationTypes)
	f.codes("trafficking_purposes", d.TraffickingPurposes, TraffickingPurposes)
	if len(d.TraffickingPurposes) > 0 && !slices.Contains(d.ExploitationTypes, "trafficking") {
		f.add("trafficking_purposes", "only apply when trafficking is among the exploitation types")
	}
	for _, in := range d.Indicators {
		if !knownCode(Indicators, in.Code) {
			f.add("indicators", "unknown code "+quote(in.Code))
		}
		if in.Code == "other" && strings.TrimSpace(in.Note) == "" {
			f.add("indicators", "describe the sign when the code is \"other\"")
		}
		f.text("indicators", in.Note, maxLongText)
	}
	f.codes("vulnerability_factors", d.VulnerabilityFactors, VulnerabilityFactors)
	f.required("account", d.Account)
	f.text("account", d.Account, maxLongText)
}

func (d *ConcernDetails) record(id string, by Actor) Concern {
	return Concern{ID: id, RaisedBy: by, ConcernDetails: *d}
}

// RaiseConcern opens a case: the concern, the child, and who works with them. In a crisis it
// needs only what the person raising it knows: which child, what they saw or heard, when, and
// whether the child is in immediate danger. What is left out (the local authority, team, social
// worker, the policy's indicators) staff complete later, chased by the complete-record clock.
type RaiseConcern struct {
	ConcernDetails
	Child Child `json:"child"`
	// LA is the code of the child's local authority; it selects local timescales.
	LA                    string `json:"la,omitempty"`
	Team                  string `json:"team,omitempty"`
	SocialWorker          string `json:"social_worker,omitempty"`
	FosteringSocialWorker string `json:"fostering_social_worker,omitempty"`
	// Carers are the carers the child is placed with. A carer raising the concern is added.
	Carers []string `json:"carers,omitempty"`
	// LookedAfter starts the looked-after review and visit clocks for a newly looked-after child.
	LookedAfter *LookedAfterStart `json:"looked_after,omitempty"`
}

func (r *RaiseConcern) Validate(now time.Time) error {
	f := fieldErrors{}
	r.ConcernDetails.validate(f, now)
	f.id("la", r.LA)
	f.id("team", r.Team)
	f.id("social_worker", r.SocialWorker)
	f.id("fostering_social_worker", r.FosteringSocialWorker)
	f.ids("carers", r.Carers, maxCarers)
	f.required("child.name", r.Child.Name)
	if r.Child.ParentalResponsibility == "" {
		r.Child.ParentalResponsibility = PRUnknown
	}
	r.Child.validate(f, "child.", now)
	r.Child.checkAge(f, "child.", r.ObservedAt)
	if r.LookedAfter != nil {
		r.LookedAfter.validate(f, "looked_after.", now)
	}
	return f.err()
}

func (r *RaiseConcern) check(c *Case, _ Sight) error {
	if c.Opened() {
		return Errorf(EConflict, "This case is already open; record a further concern on it instead.")
	}
	return nil
}

func (r *RaiseConcern) localAuthority() string { return r.LA }

func (r *RaiseConcern) apply(c *Case, by Actor, env Env) Result {
	now := env.Now()
	facts := env.Facts(r.LA)
	c.OpenedAt, c.OpenedBy = now, by
	c.LA, c.ICTGSite, c.PolicyVersion = r.LA, facts.ICTGSite, facts.PolicyVersion
	c.Team, c.SocialWorker, c.FosteringSocialWorker = r.Team, r.SocialWorker, r.FosteringSocialWorker
	c.Child = r.Child
	c.Carers = uniq(r.Carers)
	if by.Role == RoleCarer && !c.IsCarer(by.UserID) {
		c.Carers = append(c.Carers, by.UserID)
	}
	concern := r.ConcernDetails.record(c.newRef("C"), by)
	c.Concerns = append(c.Concerns, concern)
	c.note(r.ObservedAt, by, "concern-raised", "Concern raised: "+strings.Join(labels(ExploitationTypes, r.ExploitationTypes), ", "), concern.ID)

	res := Result{Ref: concern.ID}
	start := r.ObservedAt
	res.Opened = append(res.Opened, c.openReporting(env, concern, by)...)
	sw := c.socialWorker()
	// Every child suspected of being trafficked or exploited must be referred to the NRM; the
	// agency is not a First Responder, so the clock runs until the LA's reference is recorded.
	// A concern of a kind the policy does not refer by itself asks the Safeguarding Lead instead.
	if a := c.openNRM(env, concern, start); a != nil {
		res.Opened = append(res.Opened, a.ID)
	}
	res.Opened = append(res.Opened, c.openAction(env, policy.CarePlan, sw, start, 0, "").ID)
	if slices.Contains(r.ExploitationTypes, "trafficking") && c.ICTGSite {
		res.Opened = append(res.Opened, c.openAction(env, policy.ICTGReferral, sw, start, 0, "").ID)
	}
	if r.LookedAfter != nil {
		res.Opened = append(res.Opened, c.startLookedAfter(env, *r.LookedAfter)...)
	}
	if c.failSafe() {
		// Nothing may wait for the referral to Children's Social Care to be remembered.
		res.Opened = append(res.Opened, c.openAction(env, policy.CSCReferral, sw, start, 0, "").ID)
		if a := c.openCompleteRecord(env, start); a != nil {
			res.Opened = append(res.Opened, a.ID)
		}
	}
	return res
}

// RecordConcern adds a further concern to an open case: new signs, a new disclosure.
type RecordConcern struct {
	ConcernDetails
}

func (r *RecordConcern) Validate(now time.Time) error {
	f := fieldErrors{}
	r.ConcernDetails.validate(f, now)
	return f.err()
}

func (r *RecordConcern) check(*Case, Sight) error { return nil }

// apply records the concern. On a closed case it reopens the case first: a child's new concern
// is never refused, and its clocks start as for the first one.
func (r *RecordConcern) apply(c *Case, by Actor, env Env) Result {
	res := Result{}
	if c.Closed() {
		res.Opened = c.reopen(env, by, "A new concern was recorded")
	}
	concern := r.ConcernDetails.record(c.newRef("C"), by)
	c.Concerns = append(c.Concerns, concern)
	c.note(r.ObservedAt, by, "concern-raised", "Further concern: "+strings.Join(labels(ExploitationTypes, r.ExploitationTypes), ", "), concern.ID)
	res.Ref = concern.ID
	res.Opened = append(res.Opened, c.openReporting(env, concern, by)...)
	if c.failSafe() && c.NRM.Referral == nil && !c.hasOpen(policy.NRMRequest, "") {
		if a := c.openNRM(env, concern, r.ObservedAt); a != nil {
			res.Opened = append(res.Opened, a.ID)
		}
	}
	// A further concern is referred to Children's Social Care unless a referral still open (its
	// clock running, or awaiting the local authority's decision) covers it. A young person whose
	// move to adulthood was confirmed is referred to adult services instead.
	if c.ageDecided() && c.TurnedAdult.IsZero() && !c.hasOpen(policy.CSCReferral, "") && c.pendingReferral() == nil {
		res.Opened = append(res.Opened, c.openAction(env, policy.CSCReferral, c.socialWorker(), r.ObservedAt, 0, "").ID)
	}
	return res
}

// openNRM starts the NRM request for a concern, or, when the policy leaves the request out for
// every kind of exploitation the concern names (sexual harassment, by default), the Safeguarding
// Lead's decision whether to refer, unless one waits already. Cases on earlier rules open the
// request for every concern.
func (c *Case) openNRM(env Env, k Concern, start time.Time) *Action {
	if c.ageDecided() && slices.Contains(env.ClocksLeftOut(k.ExploitationTypes), policy.NRMRequest) {
		if c.hasOpen(policy.NRMLeadDecision, "") {
			return nil
		}
		return c.openAction(env, policy.NRMLeadDecision, Owner{Role: RoleSafeguardingLead}, start, 0, k.ID)
	}
	return c.openAction(env, policy.NRMRequest, c.socialWorker(), start, 0, "")
}

// openReporting starts the clocks every concern starts, owned by the person who raised it: the
// police report (a 999 call when the child is in immediate danger, which is the report), and
// telling the child's social worker and the Safeguarding Lead unless they raised it themselves.
// The actions name the concern, so a record about another concern never closes them.
func (c *Case) openReporting(env Env, k Concern, by Actor) []string {
	if !c.failSafe() {
		return c.openFirstReleaseReporting(env, k, by)
	}
	raiser := Owner{Role: by.Role, UserID: by.UserID}
	police := policy.PoliceReport
	if k.ImmediateDanger {
		police = policy.ImmediateDanger
	}
	opened := []string{c.openAction(env, police, raiser, k.ObservedAt, 0, k.ID).ID}
	return append(opened, c.openNotifications(env, policy.NotifySocialWorker, policy.NotifySafeguardingLead, raiser, by, k.ObservedAt, k.ID)...)
}

// openNotifications starts the clocks to tell the child's social worker and the Safeguarding
// Lead, each unless the person who must be told is the one recording.
func (c *Case) openNotifications(env Env, toSW, toLead policy.RuleID, owner Owner, by Actor, start time.Time, ref string) []string {
	var opened []string
	if by.Role != RoleSocialWorker || by.UserID != c.SocialWorker {
		opened = append(opened, c.openAction(env, toSW, owner, start, 0, ref).ID)
	}
	if by.Role != RoleSafeguardingLead {
		opened = append(opened, c.openAction(env, toLead, owner, start, 0, ref).ID)
	}
	return opened
}

// openFirstReleaseReporting is how the first release's rules opened the reporting clocks: the
// first concern a police report (retitled for a 999 call), a further concern one only when the
// child was in immediate danger. Cases on those rules replay it unchanged.
func (c *Case) openFirstReleaseReporting(env Env, k Concern, by Actor) []string {
	raiser := Owner{Role: by.Role, UserID: by.UserID}
	var opened []string
	if len(c.Concerns) == 1 || k.ImmediateDanger {
		police := c.openAction(env, policy.PoliceReport, raiser, k.ObservedAt, 0, k.ID)
		if k.ImmediateDanger {
			police.Title = "Call 999: the child is in immediate danger"
		}
		opened = append(opened, police.ID)
	}
	return append(opened, c.openNotifications(env, policy.NotifySocialWorker, policy.NotifySafeguardingLead, raiser, by, k.ObservedAt, k.ID)...)
}

// socialWorker is the owner of the actions the child's social worker leads. While the post is
// vacant (not yet known at intake, or an allegation removed the social worker), the team's
// manager holds them until someone is assigned.
func (c *Case) socialWorker() Owner {
	if c.SocialWorker == "" {
		return vacantPost
	}
	return Owner{Role: RoleSocialWorker, UserID: c.SocialWorker}
}

// vacantPost owns the social worker's actions while there is none.
var vacantPost = Owner{Role: RoleManager}

func uniq(list []string) []string {
	out := []string{}
	for _, v := range list {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func labels(list []Code, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = LabelOf(list, c)
	}
	return out
}
