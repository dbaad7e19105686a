package readmodel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// Store reads and writes the read model.
type Store struct {
	rdb redis.UniversalClient
}

// New returns a Store on rdb (a real Redis or miniredis).
func New(rdb redis.UniversalClient) *Store { return &Store{rdb: rdb} }

// Redis exposes the client, for health checks.
func (s *Store) Redis() redis.UniversalClient { return s.rdb }

// indexEntry is one place a case appears in an index; stored with the case so a newer
// projection can remove exactly what an older one added.
type indexEntry struct {
	Key    string `json:"k"`
	Member string `json:"m"`
}

// storedCase is what the case key holds.
type storedCase struct {
	Summary CaseSummary  `json:"summary"`
	Index   []indexEntry `json:"index"`
	Rows    []string     `json:"rows"`
}

// maxProjectRetries bounds the optimistic retries when two projections of one case race.
const maxProjectRetries = 10

// Project stores a case summary and re-indexes it, atomically. An older or equal version than the
// stored one changes nothing, so retries and out-of-order deliveries are harmless.
func (s *Store) Project(ctx context.Context, sum CaseSummary) (bool, error) {
	key := caseKey(sum.CaseID)
	applied := false
	txf := func(tx *redis.Tx) error {
		old, err := loadCase(ctx, tx, key)
		if err != nil {
			return err
		}
		if old != nil && old.Summary.Version >= sum.Version {
			applied = false
			return nil
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			if old != nil {
				unindex(ctx, p, old)
			}
			return index(ctx, p, sum)
		})
		applied = err == nil
		return err
	}
	for range maxProjectRetries {
		err := s.rdb.Watch(ctx, txf, key)
		if errors.Is(err, redis.TxFailedErr) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("project case %s: %w", sum.CaseID, err)
		}
		return applied, nil
	}
	return false, fmt.Errorf("project case %s: too many concurrent projections", sum.CaseID)
}

// ProjectAll writes many summaries in pipelines without version checks: for seeding and for
// rebuilding into an empty model, where nothing older can be in the way.
func (s *Store) ProjectAll(ctx context.Context, sums []CaseSummary) error {
	const batch = 500
	for start := 0; start < len(sums); start += batch {
		end := min(start+batch, len(sums))
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, sum := range sums[start:end] {
				if err := index(ctx, p, sum); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("project %d cases: %w", end-start, err)
		}
	}
	return nil
}

func loadCase(ctx context.Context, c redis.Cmdable, key string) (*storedCase, error) {
	raw, err := c.Get(ctx, key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	var sc storedCase
	if err := json.Unmarshal(raw, &sc); err != nil {
		return nil, fmt.Errorf("decode %s: %w", key, err)
	}
	return &sc, nil
}

func unindex(ctx context.Context, p redis.Pipeliner, old *storedCase) {
	for _, e := range old.Index {
		p.ZRem(ctx, e.Key, e.Member)
	}
	if len(old.Rows) > 0 {
		p.HDel(ctx, rowsKey(), old.Rows...)
	}
}

// index adds a summary to every index it belongs in and stores it with that list.
func index(ctx context.Context, p redis.Pipeliner, sum CaseSummary) error {
	sc := storedCase{Summary: sum}
	add := func(key string, score int64, member string) {
		p.ZAdd(ctx, key, redis.Z{Score: float64(score), Member: member})
		sc.Index = append(sc.Index, indexEntry{Key: key, Member: member})
	}
	updated := sum.UpdatedAt.UnixMilli()
	add(casesAllKey(), updated, sum.CaseID)
	if sum.Team != "" {
		add(casesTeamKey(sum.Team), updated, sum.CaseID)
		p.SAdd(ctx, teamsKey(), sum.Team)
	}
	if sum.SocialWorker != "" {
		add(casesSWKey(sum.SocialWorker), updated, sum.CaseID)
	}
	if sum.FosteringSocialWorker != "" {
		add(casesFSWKey(sum.FosteringSocialWorker), updated, sum.CaseID)
	}
	for _, carer := range sum.Carers {
		add(casesCarerKey(carer), updated, sum.CaseID)
	}
	rows := map[string]any{}
	for _, a := range sum.Actions {
		member := rowMember(sum.CaseID, a.ID)
		due := a.Due.UnixMilli()
		add(dueAllKey(), due, member)
		add(dueKindKey(a.Kind), due, member)
		p.SAdd(ctx, kindsKey(), a.Kind)
		if sum.Team != "" {
			add(dueTeamKey(sum.Team), due, member)
		}
		if a.OwnerUser != "" {
			add(dueUserKey(a.OwnerUser), due, member)
		} else {
			add(dueRoleKey(a.OwnerRole), due, member)
		}
		row, err := json.Marshal(ActionRow{ActionSummary: a, CaseID: sum.CaseID, Reference: sum.Reference, Team: sum.Team, Stage: sum.Stage})
		if err != nil {
			return fmt.Errorf("encode action %s: %w", member, err)
		}
		rows[member] = row
		sc.Rows = append(sc.Rows, member)
	}
	if len(rows) > 0 {
		p.HSet(ctx, rowsKey(), rows)
	}
	body, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("encode case %s: %w", sum.CaseID, err)
	}
	p.Set(ctx, caseKey(sum.CaseID), body, 0)
	return nil
}

// Case returns the stored summary of a case.
func (s *Store) Case(ctx context.Context, id string) (CaseSummary, bool, error) {
	sc, err := loadCase(ctx, s.rdb, caseKey(id))
	if err != nil || sc == nil {
		return CaseSummary{}, false, err
	}
	return sc.Summary, true, nil
}

// Remove deletes a case and its index entries.
func (s *Store) Remove(ctx context.Context, id string) error {
	key := caseKey(id)
	return s.rdb.Watch(ctx, func(tx *redis.Tx) error {
		old, err := loadCase(ctx, tx, key)
		if err != nil || old == nil {
			return err
		}
		_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			unindex(ctx, p, old)
			p.Del(ctx, key)
			return nil
		})
		return err
	}, key)
}

// IsEmpty reports whether the read model lacks a complete build: after a flush, or on a new
// Redis. Only a finished rebuild marks the model built, never a single projection: a case
// projected just after a flush must not hide that every other case is missing. The worker
// rebuilds when it finds the model empty.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	n, err := s.rdb.Exists(ctx, builtKey()).Result()
	if err != nil {
		return false, fmt.Errorf("check read model: %w", err)
	}
	return n == 0, nil
}

// MarkBuilt records that the model holds a complete rebuild, even of zero cases.
func (s *Store) MarkBuilt(ctx context.Context) error {
	return s.rdb.Set(ctx, builtKey(), "rebuilt", 0).Err()
}

// Reset deletes every read-model key, leaving idempotency and rate-limit keys alone.
func (s *Store) Reset(ctx context.Context) error {
	iter := s.rdb.Scan(ctx, 0, rmPrefix+"*", 1000).Iterator()
	var batch []string
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := s.rdb.Del(ctx, batch...).Err()
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 1000 {
			if err := flush(); err != nil {
				return fmt.Errorf("reset read model: %w", err)
			}
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("reset read model: %w", err)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("reset read model: %w", err)
	}
	return nil
}
