// Package readmodel is caseflow's Redis read model: case summaries and the indexes behind every
// list and dashboard, plus idempotency keys, per-user rate limits and live-update fan-out.
//
// Temporal is the system of record; everything here is derived and disposable. Each case's
// workflow projects its summary after every change, versioned so that an overtaken projection
// never wins, and the whole model can be flushed and rebuilt from the workflows at any time.
//
// The read model holds no personal data: only opaque ids (case ids, pseudonymous references,
// team and local authority codes), pseudonyms of user ids (keyed hashes: the ids themselves never
// reach Redis, see pseudonyms.go), policy rule ids, times and counts. A child's name, an account
// of a concern or anything else a person wrote stays in the workflow's payloads, which are
// encrypted before they reach Temporal (package encryption). What each person may see of it is
// decided by the domain's visibility policy (safeguarding.Sight), applied to every list here.
package readmodel

import (
	"time"

	"github.com/caseflow/caseflow/safeguarding"
)

// CaseSummary is all the read model knows about one case.
type CaseSummary struct {
	CaseID string `json:"case_id"`
	// Reference is pseudonymous, such as "CF-7K3M9Q": safe to show in lists and logs.
	Reference string `json:"reference"`
	// Version grows with every change of the case; a projection only replaces a lower one.
	Version               int64    `json:"version"`
	Stage                 string   `json:"stage"`
	Closed                bool     `json:"closed"`
	LA                    string   `json:"la"`
	Team                  string   `json:"team"`
	SocialWorker          string   `json:"social_worker"`
	FosteringSocialWorker string   `json:"fostering_social_worker"`
	Carers                []string `json:"carers"`
	// Excluded are the people an allegation removed from the case: they may not see it.
	Excluded  []string  `json:"excluded,omitempty"`
	OpenedAt  time.Time `json:"opened_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// Actions are the open actions only; a closed case has none.
	Actions []ActionSummary `json:"actions"`
}

// Parties are the people of the case, as the visibility policy needs them.
func (s *CaseSummary) Parties() safeguarding.Parties {
	return safeguarding.Parties{
		Team: s.Team, SocialWorker: s.SocialWorker, FosteringSocialWorker: s.FosteringSocialWorker,
		Carers: s.Carers, Excluded: s.Excluded,
	}
}

// visibleTo is the summary as the person may see it: only the actions they may see, and the
// people an allegation excluded only to those who may see allegations.
func (s CaseSummary) visibleTo(sight safeguarding.Sight) CaseSummary {
	if !sight.SeesRestricted() {
		s.Excluded = nil
	}
	actions := make([]ActionSummary, 0, len(s.Actions))
	for _, a := range s.Actions {
		if a.visibleTo(sight) {
			actions = append(actions, a)
		}
	}
	s.Actions = actions
	return s
}

// ActionSummary is one open action of a case.
type ActionSummary struct {
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

func (a ActionSummary) visibleTo(sight safeguarding.Sight) bool {
	return sight.SeesAction(safeguarding.Class(a.Class), safeguarding.Owner{Role: safeguarding.Role(a.OwnerRole), UserID: a.OwnerUser})
}

// ActionRow is an action in a list: the action, its case, and how late it is.
type ActionRow struct {
	ActionSummary
	CaseID    string `json:"case_id"`
	Reference string `json:"reference"`
	Team      string `json:"team"`
	Stage     string `json:"stage"`
	// LateSeconds is how long past due the action is at the time of the query; negative when
	// it is not due yet.
	LateSeconds int64 `json:"late_seconds"`
	// people are the case's parties as the row stores them, for the visibility policy.
	people rowPeople
}

// visibleTo reports whether the person may see the row's action.
func (r ActionRow) visibleTo(v Visibility) bool {
	p := r.people.parties(r.Team)
	return r.ActionSummary.visibleTo(v.sightOf(&p))
}
