package readmodel

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Counts is the manager's board: how many actions are overdue, by team and by kind.
type Counts struct {
	Total  int64            `json:"total"`
	ByTeam map[string]int64 `json:"by_team"`
	ByKind map[string]int64 `json:"by_kind"`
}

// OverdueCounts counts the actions overdue at now: a handful of ZCOUNTs in one round trip.
func (s *Store) OverdueCounts(ctx context.Context, now time.Time) (Counts, error) {
	teams, err := s.rdb.SMembers(ctx, teamsKey()).Result()
	if err != nil {
		return Counts{}, fmt.Errorf("read teams: %w", err)
	}
	kinds, err := s.rdb.SMembers(ctx, kindsKey()).Result()
	if err != nil {
		return Counts{}, fmt.Errorf("read kinds: %w", err)
	}
	until := strconv.FormatInt(now.UnixMilli(), 10)
	p := s.rdb.Pipeline()
	total := p.ZCount(ctx, dueAllKey(), "-inf", until)
	byTeam := map[string]*redis.IntCmd{}
	for _, t := range teams {
		byTeam[t] = p.ZCount(ctx, dueTeamKey(t), "-inf", until)
	}
	byKind := map[string]*redis.IntCmd{}
	for _, k := range kinds {
		byKind[k] = p.ZCount(ctx, dueKindKey(k), "-inf", until)
	}
	if _, err := p.Exec(ctx); err != nil {
		return Counts{}, fmt.Errorf("count overdue actions: %w", err)
	}
	c := Counts{Total: total.Val(), ByTeam: map[string]int64{}, ByKind: map[string]int64{}}
	for t, cmd := range byTeam {
		if n := cmd.Val(); n > 0 {
			c.ByTeam[t] = n
		}
	}
	for k, cmd := range byKind {
		if n := cmd.Val(); n > 0 {
			c.ByKind[k] = n
		}
	}
	return c, nil
}

// Sample is the number of overdue actions at one moment.
type Sample struct {
	At      time.Time `json:"at"`
	Overdue int64     `json:"overdue"`
}

// seriesKept bounds the chart's history.
const seriesKept = 7 * 24 * time.Hour

// SampleOverdue records the overdue total at now, for the chart of overdue over time.
func (s *Store) SampleOverdue(ctx context.Context, now time.Time) error {
	n, err := s.rdb.ZCount(ctx, dueAllKey(), "-inf", strconv.FormatInt(now.UnixMilli(), 10)).Result()
	if err != nil {
		return fmt.Errorf("count overdue actions: %w", err)
	}
	ms := now.UnixMilli()
	_, err = s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZAdd(ctx, seriesKey(), redis.Z{Score: float64(ms), Member: strconv.FormatInt(ms, 10) + ":" + strconv.FormatInt(n, 10)})
		p.ZRemRangeByScore(ctx, seriesKey(), "-inf", strconv.FormatInt(now.Add(-seriesKept).UnixMilli(), 10))
		return nil
	})
	if err != nil {
		return fmt.Errorf("record overdue sample: %w", err)
	}
	return nil
}

// OverdueSeries returns the samples since a time, oldest first.
func (s *Store) OverdueSeries(ctx context.Context, since time.Time) ([]Sample, error) {
	members, err := s.rdb.ZRangeByScore(ctx, seriesKey(), &redis.ZRangeBy{Min: strconv.FormatInt(since.UnixMilli(), 10), Max: "+inf"}).Result()
	if err != nil {
		return nil, fmt.Errorf("read overdue series: %w", err)
	}
	out := make([]Sample, 0, len(members))
	for _, m := range members {
		at, count, ok := strings.Cut(m, ":")
		ms, err1 := strconv.ParseInt(at, 10, 64)
		n, err2 := strconv.ParseInt(count, 10, 64)
		if !ok || err1 != nil || err2 != nil {
			continue
		}
		out = append(out, Sample{At: time.UnixMilli(ms).UTC(), Overdue: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}
