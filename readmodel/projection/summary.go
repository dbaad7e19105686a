package projection

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/caseflow/caseflow/safeguarding"
)

// Summary is all the read model knows about one case.
type Summary struct {
	CaseID string `json:"case_id"`
	// Reference is pseudonymous, such as "CF-7K3M9Q": safe to show in lists and logs.
	Reference string `json:"reference"`
	// Version grows with every change of the case; a projection only replaces a lower one, or
	// an equal one made earlier (AsOf).
	Version int64 `json:"version"`
	// AsOf is when the summary was made: the time of the workflow task that projected it, or of
	// the query a rebuild read. A workflow task that is retried after its projection ran (its
	// worker died before Temporal recorded the task) may produce the same version with other
	// content, later: the later one is what Temporal recorded, and it wins.
	AsOf                  time.Time `json:"as_of,omitzero"`
	Stage                 string    `json:"stage"`
	Closed                bool      `json:"closed"`
	LA                    string    `json:"la"`
	Team                  string    `json:"team"`
	SocialWorker          string    `json:"social_worker"`
	FosteringSocialWorker string    `json:"fostering_social_worker"`
	Carers                []string  `json:"carers"`
	// Excluded are the people an allegation removed from the case: they may not see it.
	Excluded []string `json:"excluded,omitempty"`
	// Unconfirmed are the carers whose placement with the child staff have not yet confirmed.
	Unconfirmed []string `json:"unconfirmed_carers,omitempty"`
	// Child are the match keys of the child (safeguarding.ChildKeys): digests, never the
	// child's details, which the read model stores only as keyed hashes, so a concern about the
	// child finds their case.
	ChildKeys []string  `json:"child_keys,omitempty"`
	OpenedAt  time.Time `json:"opened_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Actions are the open actions only; a closed case has none but the review of its record
	// when its retention period has ended.
	Actions []Action `json:"actions"`
}

// Action is one open action of a case.
type Action struct {
	ID string `json:"id"`
	// Kind is the policy rule id, such as "nrm-request"; for a restricted action, only
	// "restricted": a list never names what follows an allegation.
	Kind string `json:"kind"`
	// Class says who may see the action (safeguarding.Class).
	Class     string `json:"class"`
	OwnerRole string `json:"owner_role"`
	// OwnerUser is empty when a role owns the action, such as the Safeguarding Lead.
	OwnerUser string    `json:"owner_user,omitempty"`
	Due       time.Time `json:"due"`
	// Escalation is how far the chase has gone: one of the Escalation levels.
	Escalation int `json:"escalation"`
}

// Escalation levels of an action: the chase ladder of safeguarding.Level, as plain ints so the
// summary stays a flat record.
const (
	EscalationNone     = int(safeguarding.LevelNone)     // not chased yet
	EscalationReminded = int(safeguarding.LevelReminded) // the owner was reminded before the due time
	EscalationOverdue  = int(safeguarding.LevelOverdue)  // past due, the owner was told
	EscalationManager  = int(safeguarding.LevelManager)  // escalated to the team manager
	EscalationLead     = int(safeguarding.LevelLead)     // escalated to the Safeguarding Lead
)

// Of maps a case to its summary: ids, stage, and the open actions with their due times and
// chase levels. Nothing personal: no names, no free text.
func Of(c *safeguarding.Case) Summary {
	s := Summary{
		CaseID:                c.ID,
		Reference:             c.Reference,
		Version:               c.Revision,
		Stage:                 string(c.Stage()),
		Closed:                c.Closed(),
		LA:                    c.LA,
		Team:                  c.Team,
		SocialWorker:          c.SocialWorker,
		FosteringSocialWorker: c.FosteringSocialWorker,
		Carers:                append([]string{}, c.Carers...),
		Excluded:              slices.Clone(c.Excluded),
		Unconfirmed:           slices.Clone(c.Unconfirmed),
		ChildKeys:             c.MatchKeys(),
		OpenedAt:              c.OpenedAt,
		UpdatedAt:             c.UpdatedAt,
		Actions:               []Action{},
	}
	for _, a := range c.OpenActions() {
		s.Actions = append(s.Actions, Action{
			ID:         a.ID,
			Kind:       ListedKind(&a),
			Class:      string(a.Class()),
			OwnerRole:  string(a.Owner.Role),
			OwnerUser:  a.Owner.UserID,
			Due:        a.Due,
			Escalation: int(a.Level),
		})
	}
	return s
}

// ListedKind is the action's kind as lists and notices may name it: a restricted action is only
// "restricted".
func ListedKind(a *safeguarding.Action) string {
	if a.Class() == safeguarding.ClassRestricted {
		return string(safeguarding.ClassRestricted)
	}
	return string(a.Kind)
}

// Parties are the people of the case, as the visibility policy needs them.
func (s *Summary) Parties() safeguarding.Parties {
	return safeguarding.Parties{
		Team: s.Team, SocialWorker: s.SocialWorker, FosteringSocialWorker: s.FosteringSocialWorker,
		Carers: s.Carers, Excluded: s.Excluded, Unconfirmed: s.Unconfirmed,
	}
}

// ErrUnprojectable is a summary the read model can never hold: an id outside the allow-list of
// identifiers. Retrying cannot help; the case must be corrected (its team, say), and until then
// it is missing from every list, which the read model's projection failures make visible.
var ErrUnprojectable = errors.New("the case summary cannot be stored in the read model")

// Check refuses a summary with an identifier the keys and rows of the read model cannot hold.
func (s *Summary) Check() error {
	if s.CaseID == "" || !safeguarding.ValidID(s.CaseID) {
		return fmt.Errorf("%w: no valid case id", ErrUnprojectable)
	}
	ids := map[string][]string{
		"reference": {s.Reference}, "la": {s.LA}, "team": {s.Team}, "social_worker": {s.SocialWorker},
		"fostering_social_worker": {s.FosteringSocialWorker}, "carers": s.Carers, "excluded": s.Excluded,
		"unconfirmed_carers": s.Unconfirmed, "child_keys": s.ChildKeys,
	}
	for _, a := range s.Actions {
		ids["actions.id"] = append(ids["actions.id"], a.ID)
		ids["actions.owner_user"] = append(ids["actions.owner_user"], a.OwnerUser)
	}
	for field, list := range ids {
		for _, id := range list {
			// The id itself is not quoted: it may hold what a log line must not.
			if id != "" && !safeguarding.ValidID(id) {
				return fmt.Errorf("%w: field %s of case %s is not an identifier", ErrUnprojectable, field, s.CaseID)
			}
		}
	}
	return nil
}
