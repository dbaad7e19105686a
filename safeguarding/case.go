package safeguarding

import (
	"fmt"
	"slices"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Case is the whole state of one safeguarding case. The workflow owns it: every change goes
// through a Step, and continue-as-new carries it whole into the next run. It holds the child's
// personal details, so it never leaves the workflow except through Views filtered by role.
type Case struct {
	ID        string    `json:"id"`
	Reference string    `json:"reference"`
	Revision  int64     `json:"revision"`
	OpenedAt  time.Time `json:"opened_at"`
	OpenedBy  Actor     `json:"opened_by"`
	UpdatedAt time.Time `json:"updated_at"`

	// Rules is the version of the safeguarding rules the case follows: see RulesVersion.
	Rules RulesVersion `json:"rules,omitempty"`
	// TurnedAdult is the 18th birthday the case acted on (see TurnAdult), or under today's rules
	// the date from which the move to adulthood was confirmed; zero before.
	TurnedAdult time.Time `json:"turned_adult,omitzero"`
	// Age holds the age assessments and the decisions on the move to adulthood.
	Age Age `json:"age,omitzero"`

	// Where the case is held and who holds it. Ids come from the identity provider.
	LA            string `json:"la"`
	ICTGSite      bool   `json:"ictg_site"`
	PolicyVersion string `json:"policy_version"`
	Parties
	Revoked     []Revocation `json:"revoked,omitempty"`
	Child       Child        `json:"child"`
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
	// Exclusions are the people excluded because of an allegation recorded elsewhere: on a
	// linked case of the same child, or on another child's case of the household.
	Exclusions  []Exclusion  `json:"exclusions,omitempty"`
	Offences    []Offence    `json:"offences,omitempty"`
	Withdrawals []Withdrawal `json:"withdrawals,omitempty"`
	// Links are the other cases of the same child.
	Links []Link `json:"links,omitempty"`
	// MergedInto is the case of the same child this one was merged into, which continues;
	// MergedFrom the cases merged into this one (see merge.go).
	MergedInto *Merge       `json:"merged_into,omitempty"`
	MergedFrom []MergedCase `json:"merged_from,omitempty"`
	// Duties are the records of the agency policy's seed duties (see duties.go).
	Duties Duties `json:"duties,omitzero"`

	Closure Closure `json:"closure"`
	// Retention is the closed record's retention date; LegalHolds keep it whatever the date;
	// Destruction is the approval of its destruction (see retention.go).
	Retention   *Retention   `json:"retention,omitempty"`
	LegalHolds  []LegalHold  `json:"legal_holds,omitempty"`
	Destruction *Destruction `json:"destruction,omitempty"`

	Actions  []Action `json:"actions"`
	Timeline []Entry  `json:"timeline"`
	// ArchivedThrough is the number of the last timeline entry no longer carried: earlier runs'
	// histories keep those (see Compact).
	ArchivedThrough int           `json:"archived_through,omitempty"`
	Applied         []AppliedStep `json:"applied,omitempty"`
	// NextID numbers actions and records within the case, so ids are deterministic in replay.
	NextID int `json:"next_id"`
}

// NewCase is an unopened case, waiting for its first concern, following the given rules.
func NewCase(id, reference string, rules RulesVersion) *Case {
	return &Case{ID: id, Reference: reference, Rules: rules}
}

// Env is what applying a step needs from outside the case: the time, and policy deadlines.
// Inside a workflow both are recorded in history, so a later policy change never alters how an
// old case replays; it applies to clocks started after it.
type Env interface {
	Now() time.Time
	Deadline(rule policy.RuleID, start time.Time, la string, occurrence int) policy.Deadline
	// Ladder is the default chase ladder around a due time people agreed themselves.
	Ladder(due time.Time, la string) policy.Deadline
	// Facts are the policy facts fixed when the case opens.
	Facts(la string) Facts
	// RepeatMissing is how many missing episodes within how long call for a strategy discussion.
	RepeatMissing(la string) (count int, window time.Duration)
	// ChildDeadline is Deadline for a clock whose limit may depend on when the child turns 18
	// (zero when not known): the devolved pilot's Reasonable Grounds limit (policy.ChildDeadline).
	ChildDeadline(rule policy.RuleID, start time.Time, la string, occurrence int, adultAt time.Time) policy.Deadline
	// ClocksLeftOut lists the clocks a concern of these kinds of exploitation does not open.
	ClocksLeftOut(types []string) []policy.RuleID
	// Retention is a closed record's retention date, from what the case holds.
	Retention(facts policy.RetentionFacts) policy.RetentionDate
}

// Facts are the policy facts fixed when a case opens.
type Facts struct {
	PolicyVersion string `json:"policy_version"`
	ICTGSite      bool   `json:"ictg_site"`
}

// Entry is one line of the case timeline: who did what, when it happened (as told) and when it
// was recorded (the workflow's time of the step), so the audit trail shows late recording.
type Entry struct {
	Seq        int       `json:"seq"`
	At         time.Time `json:"at"`
	RecordedAt time.Time `json:"recorded_at"`
	By         Actor     `json:"by"`
	Kind       string    `json:"kind"`
	Summary    string    `json:"summary"`
	Ref        string    `json:"ref,omitempty"`
	// Restricted entries (allegations) are shown only to roles that may see them.
	Restricted bool `json:"restricted,omitempty"`
	// Conduct entries are about a conduct review (its chases, a due date moved, its resolution),
	// shown to managers and the Safeguarding Lead only, like the review itself.
	Conduct bool `json:"conduct,omitempty"`
}

// AppliedStep remembers a request already applied, so a retried request returns its first
// result instead of acting twice, even across continue-as-new.
type AppliedStep struct {
	RequestID string `json:"request_id"`
	Result    Result `json:"result"`
}

// maxApplied bounds the memory of applied requests; retries come within minutes, not thousands
// of steps later.
const maxApplied = 64

// Revocation records a carer's loss of access to the case.
type Revocation struct {
	UserID string    `json:"user_id"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// Stage is the furthest point the case has reached on its main track.
type Stage string

const (
	StageConcernRaised    Stage = "concern-raised"
	StageReported         Stage = "reported"
	StageNRMReferred      Stage = "nrm-referred"
	StageRGDecided        Stage = "rg-decided"
	StageCGDecided        Stage = "cg-decided"
	StageClosureRequested Stage = "closure-requested"
	StageClosed           Stage = "closed"
)

// Stage derives the stage from the records, so it can never disagree with them.
func (c *Case) Stage() Stage {
	switch {
	case c.Closed():
		return StageClosed
	case c.Closure.Pending():
		return StageClosureRequested
	case c.NRM.CG != nil:
		return StageCGDecided
	case c.NRM.RG != nil:
		return StageRGDecided
	case c.NRM.Referral != nil:
		return StageNRMReferred
	case len(c.Reporting.PoliceReports) > 0 && c.Reporting.SocialWorkerInformed != nil && c.Reporting.LeadInformed != nil:
		return StageReported
	default:
		return StageConcernRaised
	}
}

// Closed reports whether a manager has approved closing the case.
func (c *Case) Closed() bool { return !c.Closure.ClosedAt.IsZero() }

// note appends a timeline entry, restricted when it is about an allegation or an action that
// follows one. Apply stamps the time it was recorded.
func (c *Case) note(at time.Time, by Actor, kind, summary, ref string) *Entry {
	c.Timeline = append(c.Timeline, Entry{
		Seq: c.lastSeq() + 1, At: at, RecordedAt: at, By: by, Kind: kind, Summary: summary, Ref: ref,
		Restricted: c.restrictedRef(ref), Conduct: c.conductRef(ref),
	})
	return &c.Timeline[len(c.Timeline)-1]
}

// lastSeq is the number of the latest timeline entry, carried or archived.
func (c *Case) lastSeq() int {
	if n := len(c.Timeline); n > 0 {
		return c.Timeline[n-1].Seq
	}
	return c.ArchivedThrough
}

// newRef numbers a record (meeting, episode, contribution) within the case.
func (c *Case) newRef(prefix string) string {
	c.NextID++
	return fmt.Sprintf("%s%d", prefix, c.NextID)
}

func actionID(n int) string { return fmt.Sprintf("A%d", n) }

// IsCarer reports whether user currently cares for the child.
func (c *Case) IsCarer(user string) bool { return slices.Contains(c.Carers, user) }

// Access holds the agency's choices about who sees what, and the lists steps are checked
// against. It is configuration, read only by validators and queries (never replayed), so
// changing it is safe for running cases.
type Access struct {
	// TeamAccess lets social workers see and act on every case of their team, not only their own.
	TeamAccess bool
	// LAs refuses a local authority code the policy does not list; nil accepts any.
	LAs interface{ CheckLA(code string) error } `json:"-"`
	// Wording flags language the agency policy asks staff not to use; nil flags nothing.
	Wording interface{ Flag(text string) []Flag } `json:"-"`
}
