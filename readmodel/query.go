package readmodel

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/safeguarding"
)

// ActionFilter narrows a list of actions. Empty fields match everything; filters combine.
type ActionFilter struct {
	Team          string
	OwnerUser     string
	OwnerRole     string
	Kind          string
	MinEscalation int
}

func (f ActionFilter) matches(r ActionRow) bool {
	return (f.Team == "" || r.Team == f.Team) &&
		(f.OwnerUser == "" || r.OwnerUser == f.OwnerUser) &&
		(f.OwnerRole == "" || r.OwnerRole == f.OwnerRole) &&
		(f.Kind == "" || r.Kind == f.Kind) &&
		r.Escalation >= f.MinEscalation
}

// indexes lists the indexes that hold every action the filter can match: one per filter set,
// or the index of all actions when none is.
func (f ActionFilter) indexes() []string {
	var keys []string
	if f.OwnerUser != "" {
		keys = append(keys, dueUserKey(f.OwnerUser))
	}
	if f.Team != "" {
		keys = append(keys, dueTeamKey(f.Team))
	}
	if f.Kind != "" {
		keys = append(keys, dueKindKey(f.Kind))
	}
	if f.OwnerRole != "" {
		keys = append(keys, dueRoleKey(f.OwnerRole))
	}
	if len(keys) == 0 {
		keys = append(keys, dueAllKey())
	}
	return keys
}

// filtered is the window to walk for a filter over [lo, hi]: the index with the fewest actions
// in that range, found with one ZCOUNT each in one round trip. Rows from it are checked against
// the other filters. Every due index orders the same members by the same scores, so a cursor
// from a page read off one index is a valid position in any other.
func (s *Store) filtered(ctx context.Context, f ActionFilter, lo, hi float64) (window, error) {
	w := window{lo: lo, hi: hi}
	keys := f.indexes()
	if len(keys) == 1 {
		w.keys = keys
		return w, nil
	}
	p := s.rdb.Pipeline()
	counts := make([]*redis.IntCmd, len(keys))
	for i, k := range keys {
		counts[i] = p.ZCount(ctx, k, fmtScore(lo), fmtScore(hi))
	}
	if _, err := p.Exec(ctx); err != nil {
		return w, fmt.Errorf("size action indexes: %w", err)
	}
	best := 0
	for i, c := range counts {
		if c.Val() < counts[best].Val() {
			best = i
		}
	}
	w.keys = []string{keys[best]}
	return w, nil
}

// OverdueQuery asks for the actions due at or before Now that the person asking may see. Limit
// is the page size (DefaultLimit when zero, at most MaxLimit); Cursor is the previous page's
// NextCursor, empty for the first.
type OverdueQuery struct {
	Now time.Time
	Visibility
	ActionFilter
	Limit  int
	Cursor string
}

// Overdue lists overdue actions, the most late first; ties in due time come in a fixed order,
// so pages never skip or repeat a row.
func (s *Store) Overdue(ctx context.Context, q OverdueQuery) (Page[ActionRow], error) {
	reveal := s.revealing(q.OwnerUser, q.Actor.UserID)
	q.OwnerUser, q.Actor = s.ids.Of(q.OwnerUser), s.maskedActor(q.Actor)
	w, err := s.filtered(ctx, q.ActionFilter, math.Inf(-1), float64(q.Now.UnixMilli()))
	if err != nil {
		return Page[ActionRow]{}, err
	}
	return s.actions(ctx, w, q.keeps(q.ActionFilter.matches), reveal, q.Now, q.Limit, q.Cursor)
}

// DueQuery asks for the actions due in [From, To], such as this week's, that the person asking
// may see; Limit and Cursor are as in OverdueQuery.
type DueQuery struct {
	From, To time.Time
	Visibility
	ActionFilter
	Limit  int
	Cursor string
	// Now, when set, is the time LateSeconds is measured from; otherwise From.
	Now time.Time
}

// Due lists the actions due in a window, the soonest first.
func (s *Store) Due(ctx context.Context, q DueQuery) (Page[ActionRow], error) {
	now := q.Now
	if now.IsZero() {
		now = q.From
	}
	reveal := s.revealing(q.OwnerUser, q.Actor.UserID)
	q.OwnerUser, q.Actor = s.ids.Of(q.OwnerUser), s.maskedActor(q.Actor)
	w, err := s.filtered(ctx, q.ActionFilter, float64(q.From.UnixMilli()), float64(q.To.UnixMilli()))
	if err != nil {
		return Page[ActionRow]{}, err
	}
	return s.actions(ctx, w, q.keeps(q.ActionFilter.matches), reveal, now, q.Limit, q.Cursor)
}

// keeps narrows a filter to the rows the person may see.
func (v Visibility) keeps(match func(ActionRow) bool) func(ActionRow) bool {
	return func(r ActionRow) bool { return match(r) && r.visibleTo(v) }
}

// ActionsFor lists the person's own open actions due up to until, the soonest first: those owned
// by them by user id and, for the Safeguarding Lead, those owned by that role with no one named;
// for a manager, those owned by the manager role on their own team's cases; never those of a
// case they may not see. LateSeconds is measured from the time of the call.
func (s *Store) ActionsFor(ctx context.Context, v Visibility, until time.Time, limit int, cur string) (Page[ActionRow], error) {
	actor := v.Actor
	if actor.UserID == "" {
		return Page[ActionRow]{Items: []ActionRow{}}, nil
	}
	reveal := s.revealing(actor.UserID)
	actor = s.maskedActor(actor)
	v.Actor = actor
	w := window{keys: []string{dueUserKey(actor.UserID)}, lo: math.Inf(-1), hi: float64(until.UnixMilli())}
	byRole := actor.Role == safeguarding.RoleSafeguardingLead || (actor.Role == safeguarding.RoleManager && actor.Team != "")
	if byRole {
		w.keys = append(w.keys, dueRoleKey(string(actor.Role)))
	}
	mine := func(r ActionRow) bool {
		if r.OwnerUser != "" {
			return r.OwnerUser == actor.UserID
		}
		return byRole && r.OwnerRole == string(actor.Role) &&
			(actor.Role == safeguarding.RoleSafeguardingLead || r.Team == actor.Team)
	}
	return s.actions(ctx, w, v.keeps(mine), reveal, time.Now(), limit, cur)
}

// actions pages through a window of action indexes, keeping the rows keep accepts, and says how
// late each is at now.
func (s *Store) actions(ctx context.Context, w window, keep func(ActionRow) bool, reveal revealer, now time.Time, limit int, cur string) (Page[ActionRow], error) {
	after, err := decodeCursor(cur)
	if err != nil {
		return Page[ActionRow]{}, err
	}
	rows := map[string]ActionRow{}
	filter := func(zs []redis.Z) ([]bool, error) {
		batch, err := s.rows(ctx, zs)
		if err != nil {
			return nil, err
		}
		ok := make([]bool, len(zs))
		for i, z := range zs {
			member := z.Member.(string)
			if r, found := batch[member]; found && keep(r) {
				ok[i] = true
				rows[member] = r
			}
		}
		return ok, nil
	}
	zs, next, err := s.scan(ctx, w, after, clampLimit(limit), filter)
	if err != nil {
		return Page[ActionRow]{}, err
	}
	page := Page[ActionRow]{Items: make([]ActionRow, 0, len(zs))}
	for _, z := range zs {
		r := reveal.row(rows[z.Member.(string)])
		r.LateSeconds = int64(now.Sub(r.Due) / time.Second)
		page.Items = append(page.Items, r)
	}
	if next != nil {
		page.NextCursor = next.encode()
	}
	return page, nil
}

// rows fetches the rows of a batch of index members in one HMGET. A member whose row is gone
// (its case was re-projected between the two reads) is left out.
func (s *Store) rows(ctx context.Context, zs []redis.Z) (map[string]ActionRow, error) {
	out := make(map[string]ActionRow, len(zs))
	if len(zs) == 0 {
		return out, nil
	}
	members := make([]string, len(zs))
	for i, z := range zs {
		members[i] = z.Member.(string)
	}
	vals, err := s.rdb.HMGet(ctx, rowsKey(), members...).Result()
	if err != nil {
		return nil, fmt.Errorf("read action rows: %w", err)
	}
	for i, v := range vals {
		raw, ok := v.(string)
		if !ok {
			continue
		}
		r, err := decodeRow(raw)
		if err != nil {
			return nil, fmt.Errorf("decode %s: %w", members[i], err)
		}
		out[members[i]] = r
	}
	return out, nil
}
