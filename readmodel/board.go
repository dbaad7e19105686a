package readmodel

import (
	"context"
	"fmt"
	"slices"
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

// OverdueCountsFor counts the actions overdue at now that the person may see, by the visibility
// policy: the board never counts an action the overdue list would not show them. Managers and the
// Safeguarding Lead see every action but those of the cases an allegation excluded them from,
// which the index of their exclusions holds; anyone else's counts are of the rows they may see.
func (s *Store) OverdueCountsFor(ctx context.Context, v Visibility, now time.Time) (Counts, error) {
	if v.Actor.UserID == "" {
		return Counts{ByTeam: map[string]int{}, ByKind: map[string]int{}}, nil
	}
	counts, err := s.OverdueCounts(ctx, now)
	if err != nil {
		return Counts{}, err
	}
	hidden, err := s.hiddenOverdue(ctx, v, now)
	if err != nil {
		return Counts{}, err
	}
	less := func(m map[string]int, key string) {
		if m[key]--; m[key] <= 0 {
			delete(m, key)
		}
	}
	for _, r := range hidden {
		counts.Total = max(counts.Total-1, 0)
		less(counts.ByTeam, r.Team)
		less(counts.ByKind, r.Kind)
	}
	return counts, nil
}

// hiddenOverdue lists the rows overdue at now that the person may not see.
func (s *Store) hiddenOverdue(ctx context.Context, v Visibility, now time.Time) ([]ActionRow, error) {
	v.Actor = s.maskedActor(v.Actor)
	candidates := dueAllKey()
	if v.Actor.Role.Oversees() {
		candidates = dueExcludedKey(v.Actor.UserID)
	}
	members, err := s.rdb.ZRangeByScore(ctx, candidates, &redis.ZRangeBy{Min: "-inf", Max: strconv.FormatInt(now.UnixMilli(), 10)}).Result()
	if err != nil {
		return nil, fmt.Errorf("read overdue actions: %w", err)
	}
	var hidden []ActionRow
	for batch := range slices.Chunk(members, 500) {
		zs := make([]redis.Z, len(batch))
		for i, m := range batch {
			zs[i] = redis.Z{Member: m}
		}
		rows, err := s.rows(ctx, zs)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if !r.visibleTo(v) {
				hidden = append(hidden, r)
			}
		}
	}
	return hidden, nil
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
// sample of now's minute: a later sample in the same minute replaces it. Beside it, it records
// for each person an allegation excluded from a case how many of those overdue actions are on
// the cases they are excluded from, so that their series can leave those out.
func (s *Store) SampleOverdue(ctx context.Context, now time.Time) error {
	until := strconv.FormatInt(now.UnixMilli(), 10)
	excluded, err := s.rdb.SMembers(ctx, excludedKey()).Result()
	if err != nil {
		return fmt.Errorf("read who is excluded: %w", err)
	}
	p := s.rdb.Pipeline()
	total := p.ZCount(ctx, dueAllKey(), "-inf", until)
	hidden := make([]*redis.IntCmd, len(excluded))
	for i, e := range excluded {
		hidden[i] = p.ZCount(ctx, dueExcludedKey(e), "-inf", until)
	}
	if _, err := p.Exec(ctx); err != nil {
		return fmt.Errorf("count overdue actions: %w", err)
	}
	minute := strconv.FormatInt(now.Truncate(time.Minute).UnixMilli(), 10)
	oldest := strconv.FormatInt(now.Add(-seriesKept).UnixMilli(), 10)
	// The member carries the time as well as the count, so that equal counts in different
	// minutes stay distinct samples.
	record := func(p redis.Pipeliner, key string, n int64) {
		p.ZRemRangeByScore(ctx, key, minute, minute)
		if n > 0 || key == seriesKey() {
			p.ZAdd(ctx, key, redis.Z{Score: float64(now.Truncate(time.Minute).UnixMilli()), Member: minute + ":" + strconv.FormatInt(n, 10)})
		}
		p.ZRemRangeByScore(ctx, key, "-inf", "("+oldest)
	}
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		record(p, seriesKey(), total.Val())
		for i, e := range excluded {
			record(p, seriesExcludedKey(e), hidden[i].Val())
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record overdue sample: %w", err)
	}
	return nil
}

// OverdueSeries returns the samples taken since a time, the oldest first.
func (s *Store) OverdueSeries(ctx context.Context, since time.Time) ([]Sample, error) {
	return s.series(ctx, seriesKey(), since)
}

// OverdueSeriesFor returns the samples taken since a time as the person may see them: for a
// manager or the Safeguarding Lead, the agency's overdue actions less those of the cases an
// allegation excluded them from, as their board counts them. The series is the overseers'; anyone
// else has none.
func (s *Store) OverdueSeriesFor(ctx context.Context, v Visibility, since time.Time) ([]Sample, error) {
	if v.Actor.UserID == "" || !v.Actor.Role.Oversees() {
		return []Sample{}, nil
	}
	all, err := s.series(ctx, seriesKey(), since)
	if err != nil {
		return nil, err
	}
	hidden, err := s.series(ctx, seriesExcludedKey(s.ids.Of(v.Actor.UserID)), since)
	if err != nil {
		return nil, err
	}
	less := make(map[time.Time]int, len(hidden))
	for _, h := range hidden {
		less[h.At] = h.Overdue
	}
	for i := range all {
		all[i].Overdue = max(all[i].Overdue-less[all[i].At], 0)
	}
	return all, nil
}

// series reads the samples of one series since a time, the oldest first.
func (s *Store) series(ctx context.Context, key string, since time.Time) ([]Sample, error) {
	members, err := s.rdb.ZRangeByScore(ctx, key, &redis.ZRangeBy{Min: strconv.FormatInt(since.UnixMilli(), 10), Max: "+inf"}).Result()
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
