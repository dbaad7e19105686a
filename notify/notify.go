package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/pseudonym"
)

// Notice is one chase to deliver.
type Notice struct {
	// ID is the same every time the same chase is attempted; delivery is idempotent on it.
	ID        string `json:"id"`
	CaseID    string `json:"case_id"`
	Reference string `json:"reference"`
	ActionID  string `json:"action_id"`
	// Kind is the action's rule, or "restricted" for an action that follows an allegation.
	Kind string `json:"kind"`
	// Class and Owner say who may see the action (the visibility policy): an inbox of a role
	// shows a notice only to those of the role who may.
	Class     string             `json:"class"`
	Owner     safeguarding.Owner `json:"owner"`
	Title     string             `json:"title"`
	Level     int                `json:"level"`
	LevelName string             `json:"level_name"`
	// Repeat counts repeated chases at one level (0 for the first).
	Repeat int       `json:"repeat,omitempty"`
	Due    time.Time `json:"due"`
	// FellDue is when this chase fell due (a reminder before Due, an escalation after it);
	// zero in notices of earlier releases.
	FellDue time.Time                `json:"fell_due,omitzero"`
	SentAt  time.Time                `json:"sent_at"`
	To      []safeguarding.Recipient `json:"to"`
	// HourClock: the action's clock runs day and night, so its chases go at any hour, and to
	// the out-of-hours cover when the office is closed.
	HourClock bool `json:"hour_clock,omitempty"`
	// Excluded are the people an allegation removed from the case: nobody among them is ever
	// told, whatever role the directory gives them. Inboxes never keep it.
	Excluded []string `json:"excluded,omitempty"`
	// Parties are the case's people when the chase was made, so that email applies the
	// visibility policy to each person it would tell, with their relation to the case (nil in
	// notices of earlier releases, which carry Excluded alone). Inboxes never keep them.
	Parties *safeguarding.Parties `json:"parties,omitempty"`
	// Note says, on a notice about a notice (one that could not be emailed, one passed to the
	// out-of-hours cover), what happened.
	Note string `json:"note,omitempty"`
}

// Sender delivers notices.
type Sender interface {
	Send(ctx context.Context, n Notice) error
}

// Inbox delivers notices to per-person and per-role inboxes in Redis, where the API shows them
// and the live-update stream announces them.
type Inbox struct {
	rdb    redis.UniversalClient
	ids    pseudonym.Key
	logger *slog.Logger
	// delivered, when set, is told of each notice the first time it is delivered.
	delivered func(Notice)
}

// NewInbox returns an Inbox on rdb that names users by their pseudonyms under ids.
func NewInbox(rdb redis.UniversalClient, ids pseudonym.Key, logger *slog.Logger) *Inbox {
	return &Inbox{rdb: rdb, ids: ids, logger: logger}
}

const (
	inboxPrefix = "cf:inbox:"
	seenPrefix  = "cf:notice:"
	// Channel is the pub/sub channel notices are announced on.
	Channel = "cf:notices"
	// inboxLength keeps the newest notices of each inbox; older ones are in the case timeline.
	inboxLength = 200
	// seenFor remembers delivered notice ids for longer than any retry of the activity.
	seenFor = 30 * 24 * time.Hour
)

// OnDelivered sets f to be told of each notice once, when it is first delivered (for metrics).
func (in *Inbox) OnDelivered(f func(Notice)) *Inbox {
	in.delivered = f
	return in
}

// InboxKey is the inbox of one recipient: a person (by pseudonym), or everyone in a role (of a
// team).
func (in *Inbox) InboxKey(r safeguarding.Recipient) string {
	switch {
	case r.UserID != "":
		return inboxPrefix + "user:" + in.ids.Of(r.UserID)
	case r.Team != "" && r.Role != safeguarding.RoleSafeguardingLead:
		return inboxPrefix + "role:" + string(r.Role) + ":" + r.Team
	default:
		return inboxPrefix + "role:" + string(r.Role)
	}
}

// deliver adds the notice to every inbox once: the first call marks the id as seen and pushes in
// one atomic step; retries find the mark and do nothing.
var deliver = redis.NewScript(`
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then return 0 end
for i = 2, #KEYS do
  redis.call('LPUSH', KEYS[i], ARGV[1])
  redis.call('LTRIM', KEYS[i], 0, tonumber(ARGV[3]) - 1)
end
redis.call('PUBLISH', ARGV[4], ARGV[1])
return 1
`)

// Send delivers n once, however often it is called.
func (in *Inbox) Send(ctx context.Context, n Notice) error {
	n.Excluded, n.Parties = nil, nil // who an allegation is about, and who works the case, are not for an inbox
	keys := []string{seenPrefix + n.ID}
	for _, r := range n.To {
		keys = append(keys, in.InboxKey(r))
	}
	n.To = slices.Clone(n.To)
	for i := range n.To {
		n.To[i].UserID = in.ids.Of(n.To[i].UserID)
	}
	n.Owner.UserID = in.ids.Of(n.Owner.UserID)
	body, err := json.Marshal(n)
	if err != nil {
		return fmt.Errorf("encode notice %s: %w", n.ID, err)
	}
	fresh, err := deliver.Run(ctx, in.rdb, keys, body, int(seenFor.Seconds()), inboxLength, Channel).Int()
	if err != nil {
		return fmt.Errorf("deliver notice %s: %w", n.ID, err)
	}
	if fresh == 1 {
		in.logger.Info("chase sent", "notice", n.ID, "case", n.CaseID, "action", n.ActionID, "kind", n.Kind, "level", n.LevelName, "recipients", len(n.To))
		if in.delivered != nil {
			in.delivered(n)
		}
	}
	return nil
}

// Read returns the newest notices in the inboxes of one person. Recipients and owners are named
// by pseudonym, except the reader, named by their id.
func (in *Inbox) Read(ctx context.Context, actor safeguarding.Actor, limit int) ([]Notice, error) {
	keys := []string{in.InboxKey(safeguarding.Recipient{UserID: actor.UserID})}
	if actor.Role == safeguarding.RoleManager || actor.Role == safeguarding.RoleSafeguardingLead {
		keys = append(keys, in.InboxKey(safeguarding.Recipient{Role: actor.Role, Team: actor.Team}))
	}
	own := in.ids.Of(actor.UserID)
	var out []Notice
	for _, key := range keys {
		items, err := in.rdb.LRange(ctx, key, 0, int64(limit)-1).Result()
		if err != nil {
			return nil, fmt.Errorf("read inbox: %w", err)
		}
		for _, item := range items {
			var n Notice
			if err := json.Unmarshal([]byte(item), &n); err != nil {
				return nil, fmt.Errorf("decode notice: %w", err)
			}
			for i := range n.To {
				if n.To[i].UserID == own {
					n.To[i].UserID = actor.UserID
				}
			}
			if n.Owner.UserID == own {
				n.Owner.UserID = actor.UserID
			}
			out = append(out, n)
		}
	}
	return out, nil
}

// ForgetCase removes every notice about a case from every inbox, and the marks of the notices
// delivered (their ids name the case): its record was destroyed, and Redis keeps nothing of a
// record the agency no longer holds. It reports how many notices it removed from inboxes;
// removing them again removes nothing.
func (in *Inbox) ForgetCase(ctx context.Context, caseID string) (int, error) {
	marks := in.rdb.Scan(ctx, 0, seenPrefix+caseID+"/*", 500).Iterator()
	for marks.Next(ctx) {
		if err := in.rdb.Del(ctx, marks.Val()).Err(); err != nil {
			return 0, fmt.Errorf("forget a delivered notice: %w", err)
		}
	}
	if err := marks.Err(); err != nil {
		return 0, fmt.Errorf("list delivered notices: %w", err)
	}
	removed := 0
	iter := in.rdb.Scan(ctx, 0, inboxPrefix+"*", 500).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		items, err := in.rdb.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			return removed, fmt.Errorf("read inbox: %w", err)
		}
		for _, item := range items {
			var n Notice
			if json.Unmarshal([]byte(item), &n) != nil || n.CaseID != caseID {
				continue
			}
			gone, err := in.rdb.LRem(ctx, key, 0, item).Result()
			if err != nil {
				return removed, fmt.Errorf("remove a notice from an inbox: %w", err)
			}
			removed += int(gone)
		}
	}
	if err := iter.Err(); err != nil {
		return removed, fmt.Errorf("list inboxes: %w", err)
	}
	return removed, nil
}
