package readmodel

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// Change announces that a case's summary changed, for live updates. It carries the case's people,
// by pseudonym once published, so a subscriber can apply the visibility policy without another
// read (Store.Tells), and no personal data. Subscribers pass on only the Event, never the people.
type Change struct {
	Event
	People safeguarding.Parties `json:"people"`
	// OverdueActions are the case's actions past due when the change was made, with what the
	// visibility policy needs to know of them (class and owner, the owner by pseudonym once
	// published), so that each person is told the case has overdue work only when they may see
	// some of it (see Store.EventFor).
	OverdueActions []OverdueAction `json:"overdue_actions,omitempty"`
}

// OverdueAction is an overdue action as a change names it: who may see it, and nothing else.
type OverdueAction struct {
	Class     string `json:"class"`
	OwnerRole string `json:"owner_role,omitempty"`
	OwnerUser string `json:"owner_user,omitempty"`
}

// Event is what a live view is told of a change: which case, and whether it has overdue work.
type Event struct {
	CaseID    string `json:"case_id"`
	Reference string `json:"reference"`
	Version   int64  `json:"version"`
	// Overdue is whether any open action of the case was past due when the change was made.
	Overdue bool      `json:"overdue"`
	At      time.Time `json:"at"`
}

// Visible reports whether the person may be told of the change: whether they may see the case.
func (c Change) Visible(v Visibility) bool { return v.sightOf(&c.People).Sees() }

// Announce publishes the change of a newly projected summary, as of now.
func (s *Store) Announce(ctx context.Context, sum projection.Summary) error {
	return s.Publish(ctx, changeAt(sum, time.Now()))
}

func changeAt(s projection.Summary, now time.Time) Change {
	c := Change{Event: Event{CaseID: s.CaseID, Reference: s.Reference, Version: s.Version, At: now}, People: s.Parties()}
	for _, a := range s.Actions {
		if !s.Closed && !a.Due.After(now) {
			c.Overdue = true
			c.OverdueActions = append(c.OverdueActions, OverdueAction{Class: a.Class, OwnerRole: a.OwnerRole, OwnerUser: a.OwnerUser})
		}
	}
	return c
}

// eventFor is the event as a person with this sight may be told it: whether the case has overdue
// work they may see. A change published before changes named their overdue actions says only
// whether there was any: it is passed on to those who see every action of the case.
func (c Change) eventFor(sight safeguarding.Sight) Event {
	e := c.Event
	if len(c.OverdueActions) == 0 {
		e.Overdue = c.Overdue && sight.SeesRestricted()
		return e
	}
	e.Overdue = slices.ContainsFunc(c.OverdueActions, func(a OverdueAction) bool {
		return actionVisibleTo(projection.Action{Class: a.Class, OwnerRole: a.OwnerRole, OwnerUser: a.OwnerUser}, sight)
	})
	return e
}

// Publish announces a change to every subscriber, on any API replica, its people named by
// pseudonym (see Tells). Call it after Project reports the summary applied.
func (s *Store) Publish(ctx context.Context, c Change) error {
	c.People = s.maskedParties(c.People)
	c.OverdueActions = slices.Clone(c.OverdueActions)
	for i := range c.OverdueActions {
		c.OverdueActions[i].OwnerUser = s.ids.Of(c.OverdueActions[i].OwnerUser)
	}
	body, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode change of case %s: %w", c.CaseID, err)
	}
	if err := s.rdb.Publish(ctx, s.changes, body).Err(); err != nil {
		return fmt.Errorf("publish change of case %s: %w", c.CaseID, err)
	}
	return nil
}

// subscriberBuffer is how many changes wait for a slow reader before newer ones are dropped.
const subscriberBuffer = 64

// Subscribe delivers changes until ctx ends or stop is called; the channel is closed then.
// A slow reader loses changes rather than hold up Redis: a live view catches up on its next
// refresh, and nothing here is the record of anything.
func (s *Store) Subscribe(ctx context.Context) (changes <-chan Change, stop func(), err error) {
	sub := s.rdb.Subscribe(ctx, s.changes)
	// Wait for the confirmation, so no change published after Subscribe returns is missed.
	if _, err := sub.Receive(ctx); err != nil {
		_ = sub.Close()
		return nil, nil, fmt.Errorf("subscribe to changes: %w", err)
	}
	out := make(chan Change, subscriberBuffer)
	done := make(chan struct{})
	var once sync.Once
	stop = func() {
		once.Do(func() {
			close(done)
			_ = sub.Close()
		})
	}
	go func() {
		defer close(out)
		defer stop()
		msgs := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case <-done:
				return
			case msg, ok := <-msgs:
				if !ok {
					return
				}
				var c Change
				if json.Unmarshal([]byte(msg.Payload), &c) != nil {
					continue // not a change: nothing a live view could use
				}
				select {
				case out <- c:
				default:
				}
			}
		}
	}()
	return out, stop, nil
}
