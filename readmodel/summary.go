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
// encrypted before they reach Temporal (package encryption).
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
	Version               int64     `json:"version"`
	Stage                 string    `json:"stage"`
	Closed                bool      `json:"closed"`
	LA                    string    `json:"la"`
	Team                  string    `json:"team"`
	SocialWorker          string    `json:"social_worker"`
	FosteringSocialWorker string    `json:"fostering_social_worker"`
	Carers                []string  `json:"carers"`
	OpenedAt              time.Time `json:"opened_at"`
	UpdatedAt             time.Time `json:"updated_at"`
	// Actions are the open actions only; a closed case has none.
	Actions []ActionSummary `json:"actions"`
}

// ActionSummary is one open action of a case.
type ActionSummary struct {
	ID string `json:"id"`
	// Kind is the policy rule id, such as "nrm-request".
	Kind      string `json:"kind"`
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
}
