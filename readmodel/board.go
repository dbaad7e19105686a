package readmodel

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Counts is the manager's board: how many actions are overdue, in all and by team and by kind.
// Teams and kinds with nothing overdue are left out.
type Counts struct {
	Total  int            `json:"total"`
	ByTeam map[string]int `json:"by_team"`
	ByKind map[string]int `json:"by_kind"`
}

// OverdueCounts counts the actions overdue at now: one ZCOUNT per known team and kind, all in
// one round trip after reading which teams and kinds exist.
func (s *Store) OverdueCounts(ctx context.Context, now time.Time) (Counts, error) {
	p := s.rdb.Pipeline()
	teamsCmd, kindsCmd := p.SMembers(ctx, teamsKey()), p.SMembers(ctx, kindsKey())
	if _, err := p.Exec(ctx); err != nil {
		return Counts{}, fmt.Errorf("read teams and kinds: %w", err)
	}
	until := strconv.FormatInt(now.UnixMilli(), 10)
	p = s.rdb.Pipeline()
	total := p.ZCount(ctx, dueAllKey(), "-inf", until)
	count := func(names []string, key func(string) string) map[string]*redis.IntCmd {
		cmds := make(map[string]*redis.IntCmd, len(names))
		for _, n := range names {
			cmds[n] = p.ZCount(ctx, key(n), "-inf", until)
		}
		return cmds
	}
	byTeam, byKind := count(teamsCmd.Val(), dueTeamKey), count(kindsCmd.Val(), dueKindKey)
	if _, err := p.Exec(ctx); err != nil {
		return Counts{}, fmt.Errorf("count overdue actions: %w", err)
	}
	return Counts{Total: int(total.Val()), ByTeam: nonZero(byTeam), ByKind: nonZero(byKind)}, nil
}

func nonZero(cmds map[string]*redis.IntCmd) map[string]int {
	out := make(map[string]int, len(cmds))
	for name, cmd := range cmds {
		if n := cmd.Val(); n > 0 {
			out[name] = int(n)
		}
	}
	return out
}

// Sample is the number of overdue actions at one moment.
type Sample struct {
	At      time.Time `json:"at"`
	Overdue int       `json:"overdue"`
}

// seriesKept is how far back the overdue series goes. It holds at most one sample a minute, so
// it never exceeds a week of minutes however many workers sample it, or how often.
const seriesKept = 7 * 24 * time.Hour

// SampleOverdue records the overdue total at now in the series for the board's chart, as the
// sample of now's minute: a later sample in the same minute replaces it.
func (s *Store) SampleOverdue(ctx context.Context, now time.Time) error {
	n, err := s.rdb.ZCount(ctx, dueAllKey(), "-inf", strconv.FormatInt(now.UnixMilli(), 10)).Result()
	if err != nil {
		return fmt.Errorf("count overdue actions: %w", err)
	}
	minute := strconv.FormatInt(now.Truncate(time.Minute).UnixMilli(), 10)
	oldest := strconv.FormatInt(now.Add(-seriesKept).UnixMilli(), 10)
	// The member carries the time as well as the count, so that equal counts in different
	// minutes stay distinct samples.
	member := minute + ":" + strconv.FormatInt(n, 10)
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZRemRangeByScore(ctx, seriesKey(), minute, minute)
		p.ZAdd(ctx, seriesKey(), redis.Z{Score: float64(now.Truncate(time.Minute).UnixMilli()), Member: member})
		p.ZRemRangeByScore(ctx, seriesKey(), "-inf", "("+oldest)
		return nil
	})
	if err != nil {
		return fmt.Errorf("record overdue sample: %w", err)
	}
	return nil
}

// OverdueSeries returns the samples taken since a time, the oldest first.
func (s *Store) OverdueSeries(ctx context.Context, since time.Time) ([]Sample, error) {
	members, err := s.rdb.ZRangeByScore(ctx, seriesKey(), &redis.ZRangeBy{Min: strconv.FormatInt(since.UnixMilli(), 10), Max: "+inf"}).Result()
	if err != nil {
		return nil, fmt.Errorf("read overdue series: %w", err)
	}
	out := make([]Sample, 0, len(members))
	for _, m := range members {
		at, count, _ := strings.Cut(m, ":")
		ms, err := strconv.ParseInt(at, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("decode overdue sample %q: %w", m, err)
		}
		n, err := strconv.Atoi(count)
		if err != nil {
			return nil, fmt.Errorf("decode overdue sample %q: %w", m, err)
		}
		out = append(out, Sample{At: time.UnixMilli(ms).UTC(), Overdue: n})
	}
	return out, nil
}
