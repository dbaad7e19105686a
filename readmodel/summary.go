// Package readmodel is caseflow's Redis read model: case summaries and the indexes behind every
// list and dashboard, plus idempotency keys, rate limits and live-update fan-out.
//
// Temporal is the system of record; everything here is derived and disposable. It holds no
// personal data: only opaque ids, rule ids, times and counts. Each case's workflow projects its
// summary after every change, and the whole model can be flushed and rebuilt from the workflows.
package readmodel

import "time"

// CaseSummary is all the read model knows about one case.
type CaseSummary struct {
	CaseID                string          `json:"case_id"`
	Reference             string          `json:"reference"`
	Version               int64           `json:"version"`
	Stage                 string          `json:"stage"`
	Closed                bool            `json:"closed"`
	LA                    string          `json:"la"`
	Team                  string          `json:"team"`
	SocialWorker          string          `json:"social_worker"`
	FosteringSocialWorker string          `json:"fostering_social_worker"`
	Carers                []string        `json:"carers"`
	OpenedAt              time.Time       `json:"opened_at"`
	UpdatedAt             time.Time       `json:"updated_at"`
	Actions               []ActionSummary `json:"actions"`
}

// ActionSummary is one open action of a case.
type ActionSummary struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"`
	OwnerRole  string    `json:"owner_role"`
	OwnerUser  string    `json:"owner_user,omitempty"`
	Due        time.Time `json:"due"`
	Escalation int       `json:"escalation"`
}

// Escalation levels of an action, as the workflow's chase ladder sets them.
const (
	EscalationNone     = 0
	EscalationReminded = 1
	EscalationOverdue  = 2
	EscalationManager  = 3
	EscalationLead     = 4
)

// ActionRow is an action in a list: the action, its case, and how late it is.
type ActionRow struct {
	ActionSummary
	CaseID    string `json:"case_id"`
	Reference string `json:"reference"`
	Team      string `json:"team"`
	Stage     string `json:"stage"`
	// LateSeconds is how long past due the action is at the time of the query (negative: due in).
	LateSeconds int64 `json:"late_seconds"`
}

// Page is one page of a list; NextCursor fetches the next, empty at the end.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}
