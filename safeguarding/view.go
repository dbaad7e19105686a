package safeguarding

import (
	"slices"
	"strings"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// View is a case as one person may see it: the public contract of a case, mapped field by field
// from the persisted Case by ViewFor, which is where the visibility policy is applied. The Case
// is the workflow's own state and can change shape (continue-as-new carries it) without changing
// this type; bookkeeping such as applied request ids never appears here.
type View struct {
	ID          string    `json:"id"`
	Reference   string    `json:"reference"`
	Revision    int64     `json:"revision"`
	Stage       Stage     `json:"stage"`
	OpenedAt    time.Time `json:"opened_at"`
	OpenedBy    Actor     `json:"opened_by"`
	UpdatedAt   time.Time `json:"updated_at"`
	AsOf        time.Time `json:"as_of"`
	TurnedAdult time.Time `json:"turned_18_at,omitzero"`

	LA                    string   `json:"la,omitempty"`
	ICTGSite              bool     `json:"ictg_site"`
	PolicyVersion         string   `json:"policy_version,omitempty"`
	Team                  string   `json:"team,omitempty"`
	SocialWorker          string   `json:"social_worker,omitempty"`
	FosteringSocialWorker string   `json:"fostering_social_worker,omitempty"`
	Carers                []string `json:"carers"`
	// Excluded and Revoked are shown only to those who may see allegations.
	Excluded []string     `json:"excluded,omitempty"`
	Revoked  []Revocation `json:"revoked,omitempty"`
	// UnconfirmedCarers are the carers whose placement with the child staff have not yet
	// confirmed (staff only).
	UnconfirmedCarers []string `json:"unconfirmed_carers,omitempty"`

	Child Child `json:"child"`
	// Age is how the young person's age was established and what was decided on it (staff only).
	Age         AgeView      `json:"age"`
	Concerns    []Concern    `json:"concerns"`
	Contacts    []Contact    `json:"contacts,omitempty"`
	Reporting   Reporting    `json:"reporting"`
	Meetings    []Meeting    `json:"meetings,omitempty"`
	Conferences []Conference `json:"conferences,omitempty"`
	NRM         NRM          `json:"nrm"`
	ICTG        ICTG         `json:"ictg"`
	CarePlan    CarePlan     `json:"care_plan"`
	LookedAfter *LookedAfter `json:"looked_after,omitempty"`
	Missing     []Episode    `json:"missing,omitempty"`
	Allegations []Allegation `json:"allegations,omitempty"`
	Exclusions  []Exclusion  `json:"exclusions,omitempty"`
	Offences    []Offence    `json:"offences,omitempty"`
	Withdrawals []Withdrawal `json:"withdrawals,omitempty"`
	Closure     Closure      `json:"closure"`
	// Links are the other cases of the same child (staff only).
	Links []Link `json:"links,omitempty"`
	// MergedInto is the case of the same child this one was merged into, which continues;
	// MergedFrom the cases merged into this one; ChildCounts the child's concerns and missing
	// episodes across them all (staff only).
	MergedInto  *Merge       `json:"merged_into,omitempty"`
	MergedFrom  []MergedCase `json:"merged_from,omitempty"`
	ChildCounts *ChildCounts `json:"child_counts,omitempty"`
	// Duties are the records of the agency policy's seed duties, as the person may see them.
	Duties Duties `json:"duties,omitzero"`

	// OpenActions are the open actions the person may see, soonest due first; Actions all of
	// them, open and ended.
	OpenActions []ActionView `json:"open_actions"`
	Actions     []ActionView `json:"actions"`
	Timeline    []Entry      `json:"timeline"`
	// Retention is the record's retention date, legal holds and any approved destruction:
	// shown to managers and the Safeguarding Lead, who decide on them.
	Retention *RetentionView `json:"retention,omitempty"`
}

// AgeView is the record of the young person's age: the age assessments, the proposal of a move
// to adulthood and its confirmations, and, while a proposal awaits its decision, the child
// clocks confirming it would end.
type AgeView struct {
	Age
	ConfirmingEnds []string `json:"confirming_ends,omitempty"`
}

// ActionView is an action as the person may see it, with its standing at the time of the view.
type ActionView struct {
	ID              string        `json:"id"`
	Kind            policy.RuleID `json:"kind"`
	Class           Class         `json:"class"`
	Title           string        `json:"title"`
	Owner           Owner         `json:"owner"`
	StartedAt       time.Time     `json:"started_at"`
	Due             time.Time     `json:"due"`
	OriginalDue     time.Time     `json:"original_due,omitzero"`
	RemindAt        time.Time     `json:"remind_at,omitzero"`
	EscalateAt      time.Time     `json:"escalate_at,omitzero"`
	EscalateAgainAt time.Time     `json:"escalate_again_at,omitzero"`
	RechaseEvery    string        `json:"rechase_every,omitempty"`
	Ref             string        `json:"ref,omitempty"`
	Status          ActionStatus  `json:"status"`
	Level           Level         `json:"level"`
	Overdue         bool          `json:"overdue"`
	LastChasedAt    time.Time     `json:"last_chased_at,omitzero"`
	ClosedAt        time.Time     `json:"closed_at,omitzero"`
	ClosedBy        *Actor        `json:"closed_by,omitempty"`
	Note            string        `json:"note,omitempty"`
	PolicyVersion   string        `json:"policy_version,omitempty"`
}

// ViewFor returns what actor may see of the case at now, or a not-found error when they may not
// know it exists.
func (c *Case) ViewFor(actor Actor, access Access, now time.Time) (View, error) {
	s := c.SightOf(actor, access)
	if !s.Sees() {
		return View{}, NotFound()
	}
	seen := c.copyFor(s)
	c.wordsFor(&seen)
	v := View{
		ID: c.ID, Reference: c.Reference, Revision: c.Revision, Stage: c.Stage(), OpenedAt: c.OpenedAt,
		OpenedBy: c.OpenedBy, UpdatedAt: c.UpdatedAt, AsOf: now, TurnedAdult: c.TurnedAdult,
		LA: c.LA, ICTGSite: c.ICTGSite, PolicyVersion: c.PolicyVersion,
		Team: seen.Team, SocialWorker: seen.SocialWorker, FosteringSocialWorker: seen.FosteringSocialWorker,
		Carers: seen.Carers, Excluded: seen.Excluded, Revoked: seen.Revoked,
		Child: seen.Child, Concerns: seen.Concerns, Contacts: seen.Contacts, Reporting: seen.Reporting,
		Meetings: seen.Meetings, Conferences: seen.Conferences, NRM: seen.NRM, ICTG: seen.ICTG,
		CarePlan: seen.CarePlan, LookedAfter: seen.LookedAfter, Missing: seen.Missing,
		Allegations: seen.Allegations, Exclusions: seen.Exclusions, Offences: seen.Offences, Withdrawals: seen.Withdrawals, Closure: seen.Closure,
		Links: seen.Links, UnconfirmedCarers: seen.Unconfirmed, MergedInto: seen.MergedInto, MergedFrom: seen.MergedFrom,
		Duties: seen.Duties,

		OpenActions: []ActionView{}, Actions: []ActionView{}, Timeline: seen.Timeline,
		Retention: c.retentionFor(s),
	}
	if v.Carers == nil {
		v.Carers = []string{}
	}
	if !s.IsCarer() {
		counts := c.Counts()
		v.ChildCounts = &counts
	}
	v.Age = AgeView{Age: seen.Age}
	if c.proposalPending() && !s.IsCarer() {
		v.Age.ConfirmingEnds = slices.DeleteFunc(c.childClocks(), func(id string) bool { return !s.seesAction(c.action(id)) })
	}
	if v.Concerns == nil {
		v.Concerns = []Concern{}
	}
	for i := range seen.Actions {
		v.Actions = append(v.Actions, viewOf(&seen.Actions[i], now))
	}
	for _, a := range seen.OpenActions() {
		v.OpenActions = append(v.OpenActions, viewOf(&a, now))
	}
	return v, nil
}

func viewOf(a *Action, now time.Time) ActionView {
	v := ActionView{
		ID: a.ID, Kind: a.Kind, Class: a.Class(), Title: a.Title, Owner: a.Owner, StartedAt: a.StartedAt,
		Due: a.Due, OriginalDue: a.OriginalDue, RemindAt: a.RemindAt, EscalateAt: a.EscalateAt,
		EscalateAgainAt: a.EscalateAgainAt, Ref: a.Ref, Status: a.Status, Level: a.Level,
		Overdue: a.Overdue(now), ClosedAt: a.ClosedAt, ClosedBy: a.ClosedBy, Note: a.Note,
		PolicyVersion: a.PolicyVersion,
	}
	if !a.RechaseEvery.IsZero() {
		v.RechaseEvery = a.RechaseEvery.String()
	}
	if n := len(a.Chases); n > 0 {
		v.LastChasedAt = a.Chases[n-1].At
	}
	return v
}

// TimelineFor returns the timeline entries actor may see.
func (c *Case) TimelineFor(actor Actor, access Access) ([]Entry, error) {
	s := c.SightOf(actor, access)
	if !s.Sees() {
		return nil, NotFound()
	}
	v := c.copyFor(s)
	c.wordsFor(&v)
	return v.Timeline, nil
}

// wordsFor writes the texts of a copy of the case about the child as the child asked to be
// described.
func (c *Case) wordsFor(v *Case) {
	for i := range v.Actions {
		v.Actions[i].Title = c.inTheirWords(v.Actions[i].Title)
	}
	for i := range v.Timeline {
		v.Timeline[i].Summary = c.inTheirWords(v.Timeline[i].Summary)
	}
}

// inTheirWords writes "the child" in caseflow's own texts (action titles, timeline summaries) as
// the child's preferred term: "the young person", "the survivor". The records people wrote
// (accounts, notes, contributions) are theirs and are shown as written.
func (c *Case) inTheirWords(s string) string {
	term := strings.TrimSpace(c.Child.PreferredTerm)
	if term == "" || strings.EqualFold(term, "child") {
		return s
	}
	return strings.NewReplacer(
		"the child's", "the "+term+"'s", "The child's", "The "+term+"'s",
		"the child", "the "+term, "The child", "The "+term,
	).Replace(s)
}
