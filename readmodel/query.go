package readmodel

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/safeguarding"
)

// ErrBadCursor is returned for a cursor this package did not issue.
var ErrBadCursor = errors.New("the page cursor is not valid")

// Page sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// cursor marks the last item of a page: its score and member. Equal scores are ordered by member
// (as Redis orders them), so a cursor is a strict position even among ties.
type cursor struct {
	Score  float64
	Member string
}

func (c cursor) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatFloat(c.Score, 'f', -1, 64) + "|" + c.Member))
}

func decodeCursor(s string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, ErrBadCursor
	}
	score, member, ok := strings.Cut(string(raw), "|")
	if !ok {
		return nil, ErrBadCursor
	}
	f, err := strconv.ParseFloat(score, 64)
	if err != nil || member == "" {
		return nil, ErrBadCursor
	}
	return &cursor{Score: f, Member: member}, nil
}

// scan walks a sorted set in score order (descending when desc) within [min, max] from after the
// cursor, keeping members that pass keep, until it has limit of them. It pages by rank when the
// cursor's member is still in the set (O(log n)), else by score, skipping ties already seen.
func scan(ctx context.Context, rdb redis.UniversalClient, key string, lo, hi float64, desc bool, after *cursor, limit int, keep func([]redis.Z) ([]bool, error)) ([]redis.Z, *cursor, error) {
	batch := int64(max(limit*2, 64))
	var out []redis.Z
	pos := after
	for {
		zs, err := fetch(ctx, rdb, key, lo, hi, desc, pos, batch)
		if err != nil {
			return nil, nil, err
		}
		if len(zs) == 0 {
			return out, nil, nil
		}
		ok, err := keep(zs)
		if err != nil {
			return nil, nil, err
		}
		for i, z := range zs {
			pos = &cursor{Score: z.Score, Member: z.Member.(string)}
			if !ok[i] {
				continue
			}
			out = append(out, z)
			if len(out) == limit {
				return out, pos, nil
			}
		}
		if int64(len(zs)) < batch {
			return out, nil, nil
		}
	}
}

func fetch(ctx context.Context, rdb redis.UniversalClient, key string, lo, hi float64, desc bool, after *cursor, n int64) ([]redis.Z, error) {
	if after != nil {
		var rank *redis.IntCmd
		if desc {
			rank = rdb.ZRevRank(ctx, key, after.Member)
		} else {
			rank = rdb.ZRank(ctx, key, after.Member)
		}
		if r, err := rank.Result(); err == nil {
			if score, err := rdb.ZScore(ctx, key, after.Member).Result(); err == nil && score == after.Score {
				return byRank(ctx, rdb, key, lo, hi, desc, r+1, n)
			}
		}
	}
	by := &redis.ZRangeBy{Min: fmtScore(lo), Max: fmtScore(hi), Count: n}
	var zs []redis.Z
	var err error
	if after != nil {
		if desc {
			by.Max = fmtScore(after.Score)
		} else {
			by.Min = fmtScore(after.Score)
		}
		// Ties at the cursor's score that sort at or before its member were already returned.
		by.Count = n + 1024
	}
	if desc {
		zs, err = rdb.ZRevRangeByScoreWithScores(ctx, key, by).Result()
	} else {
		zs, err = rdb.ZRangeByScoreWithScores(ctx, key, by).Result()
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	if after == nil {
		return zs, nil
	}
	kept := zs[:0]
	for _, z := range zs {
		m := z.Member.(string)
		seen := z.Score == after.Score && ((!desc && m <= after.Member) || (desc && m >= after.Member))
		if !seen {
			kept = append(kept, z)
		}
	}
	if int64(len(kept)) > n {
		kept = kept[:n]
	}
	return kept, nil
}

func byRank(ctx context.Context, rdb redis.UniversalClient, key string, lo, hi float64, desc bool, from, n int64) ([]redis.Z, error) {
	var zs []redis.Z
	var err error
	if desc {
		zs, err = rdb.ZRevRangeWithScores(ctx, key, from, from+n-1).Result()
	} else {
		zs, err = rdb.ZRangeWithScores(ctx, key, from, from+n-1).Result()
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	for i, z := range zs {
		if z.Score < lo || z.Score > hi {
			return zs[:i], nil
		}
	}
	return zs, nil
}

func fmtScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// ActionFilter narrows a list of actions.
type ActionFilter struct {
	Team          string
	OwnerUser     string
	OwnerRole     string
	Kind          string
	MinEscalation int
}

// OverdueQuery asks for actions due at or before Now, latest first.
type OverdueQuery struct {
	Now time.Time
	ActionFilter
	Limit  int
	Cursor string
}

// Overdue lists overdue actions, the most late first. It reads the smallest index the filters
// allow and checks the other filters on the rows.
func (s *Store) Overdue(ctx context.Context, q OverdueQuery) (Page[ActionRow], error) {
	return s.actions(ctx, q.ActionFilter, math.Inf(-1), float64(q.Now.UnixMilli()), q.Now, q.Limit, q.Cursor)
}

// DueQuery asks for actions due in [From, To].
type DueQuery struct {
	From, To time.Time
	ActionFilter
	Limit  int
	Cursor string
}

// Due lists actions due in a window (for "due this week"), soonest first.
func (s *Store) Due(ctx context.Context, q DueQuery) (Page[ActionRow], error) {
	return s.actions(ctx, q.ActionFilter, float64(q.From.UnixMilli()), float64(q.To.UnixMilli()), q.From, q.Limit, q.Cursor)
}

func (s *Store) actions(ctx context.Context, f ActionFilter, lo, hi float64, now time.Time, limit int, cur string) (Page[ActionRow], error) {
	after, err := decodeCursor(cur)
	if err != nil {
		return Page[ActionRow]{}, err
	}
	key := dueAllKey()
	switch {
	case f.OwnerUser != "":
		key = dueUserKey(f.OwnerUser)
	case f.Team != "":
		key = dueTeamKey(f.Team)
	case f.Kind != "":
		key = dueKindKey(f.Kind)
	case f.OwnerRole != "":
		key = dueRoleKey(f.OwnerRole)
	}
	var rows []ActionRow
	rowOf := map[string]ActionRow{}
	keep := func(zs []redis.Z) ([]bool, error) {
		members := make([]string, len(zs))
		for i, z := range zs {
			members[i] = z.Member.(string)
		}
		vals, err := s.rdb.HMGet(ctx, rowsKey(), members...).Result()
		if err != nil {
			return nil, fmt.Errorf("read action rows: %w", err)
		}
		ok := make([]bool, len(zs))
		for i, v := range vals {
			str, isStr := v.(string)
			if !isStr {
				continue
			}
			var r ActionRow
			if err := json.Unmarshal([]byte(str), &r); err != nil {
				return nil, fmt.Errorf("decode action row: %w", err)
			}
			if f.matches(r) {
				ok[i] = true
				rowOf[members[i]] = r
			}
		}
		return ok, nil
	}
	zs, next, err := scan(ctx, s.rdb, key, lo, hi, false, after, clampLimit(limit), keep)
	if err != nil {
		return Page[ActionRow]{}, err
	}
	for _, z := range zs {
		r := rowOf[z.Member.(string)]
		r.LateSeconds = int64(now.Sub(r.Due) / time.Second)
		rows = append(rows, r)
	}
	page := Page[ActionRow]{Items: rows}
	if next != nil {
		page.NextCursor = next.encode()
	}
	return page, nil
}

func (f ActionFilter) matches(r ActionRow) bool {
	return (f.Team == "" || r.Team == f.Team) &&
		(f.OwnerUser == "" || r.OwnerUser == f.OwnerUser) &&
		(f.OwnerRole == "" || r.OwnerRole == f.OwnerRole) &&
		(f.Kind == "" || r.Kind == f.Kind) &&
		r.Escalation >= f.MinEscalation
}

// ActionsFor lists the caller's own open actions due up to until, soonest first: those owned by
// them, and for the Safeguarding Lead and managers those owned by their role with no one named.
func (s *Store) ActionsFor(ctx context.Context, actor safeguarding.Actor, until time.Time, limit int, cur string) (Page[ActionRow], error) {
	f := ActionFilter{OwnerUser: actor.UserID}
	if actor.Role == safeguarding.RoleSafeguardingLead || actor.Role == safeguarding.RoleManager {
		// Role-owned actions are few (the LADO clock); merge them before the person's own.
		roleRows, err := s.actions(ctx, ActionFilter{OwnerRole: string(actor.Role)}, math.Inf(-1), float64(until.UnixMilli()), time.Now(), MaxLimit, "")
		if err != nil {
			return Page[ActionRow]{}, err
		}
		own, err := s.actions(ctx, f, math.Inf(-1), float64(until.UnixMilli()), time.Now(), limit, cur)
		if err != nil {
			return Page[ActionRow]{}, err
		}
		if cur == "" {
			own.Items = append(roleRows.Items, own.Items...)
		}
		return own, nil
	}
	return s.actions(ctx, f, math.Inf(-1), float64(until.UnixMilli()), time.Now(), limit, cur)
}
