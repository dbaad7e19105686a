package readmodel

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Change announces that a case's summary changed, for live updates. It carries who may see the
// case, so a subscriber can filter without reading anything else, and no personal data.
type Change struct {
	CaseID    string    `json:"case_id"`
	Reference string    `json:"reference"`
	Version   int64     `json:"version"`
	Team      string    `json:"team"`
	Users     []string  `json:"users"`
	Overdue   int       `json:"overdue"`
	At        time.Time `json:"at"`
}

// ChangeOf describes a projected summary.
func ChangeOf(s CaseSummary) Change {
	now := time.Now()
	c := Change{CaseID: s.CaseID, Reference: s.Reference, Version: s.Version, Team: s.Team, At: now}
	for _, u := range append([]string{s.SocialWorker, s.FosteringSocialWorker}, s.Carers...) {
		if u != "" {
			c.Users = append(c.Users, u)
		}
	}
	for _, a := range s.Actions {
		if !a.Due.After(now) {
			c.Overdue++
		}
	}
	return c
}

// Publish announces a change to every subscriber.
func (s *Store) Publish(ctx context.Context, c Change) error {
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode change: %w", err)
	}
	if err := s.rdb.Publish(ctx, changesChannel(), body).Err(); err != nil {
		return fmt.Errorf("publish change: %w", err)
	}
	return nil
}

// Subscribe delivers changes until ctx ends or close is called. Slow readers lose changes
// rather than block Redis: a live view catches up on its next refresh.
func (s *Store) Subscribe(ctx context.Context) (<-chan Change, func(), error) {
	sub := s.rdb.Subscribe(ctx, changesChannel())
	if _, err := sub.Receive(ctx); err != nil {
		_ = sub.Close()
		return nil, nil, fmt.Errorf("subscribe to changes: %w", err)
	}
	out := make(chan Change, 64)
	go func() {
		defer close(out)
		for msg := range sub.Channel() {
			var c Change
			if json.Unmarshal([]byte(msg.Payload), &c) != nil {
				continue
			}
			select {
			case out <- c:
			default:
			}
		}
	}()
	return out, func() { _ = sub.Close() }, nil
}
