package readmodel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/security/pseudonym"
)

// Store reads and writes the read model.
type Store struct {
	rdb redis.UniversalClient
	ids pseudonym.Key
	// changes is the channel of live updates (changesChannel).
	changes string
}

// New returns a Store on rdb (a real Redis or, in development and tests, miniredis) that stores
// user ids as their pseudonyms under ids.
func New(rdb redis.UniversalClient, ids pseudonym.Key) *Store {
	db := 0
	if c, ok := rdb.(*redis.Client); ok {
		db = c.Options().DB
	}
	return &Store{rdb: rdb, ids: ids, changes: ChangesChannel(db)}
}

// Redis returns the client the store uses, for health checks and tests.
func (s *Store) Redis() redis.UniversalClient { return s.rdb }

// storedCase is what a case key holds: the summary, and every index entry and action row written
// for it, so that the next projection removes exactly those, whatever changed in between.
type storedCase struct {
	Summary projection.Summary `json:"summary"`
	Index   []indexEntry       `json:"index"`
	Rows    []string           `json:"rows"`
}

// indexEntry is one member of one sorted set.
type indexEntry struct {
	Key    string `json:"k"`
	Member string `json:"m"`
}

// maxTxRetries bounds the optimistic retries when two writers of one case race.
const maxTxRetries = 10

// Project stores a case summary and re-indexes it, atomically: the old summary's index entries
// and rows go and the new ones come in one MULTI, under WATCH of the case key. A version older
// than the stored one, or equal to it and made no later (Summary.AsOf), changes nothing and
// reports false, so retried and overtaken projections are harmless.
func (s *Store) Project(ctx context.Context, sum projection.Summary) (bool, error) {
	if err := sum.Check(); err != nil {
		return false, err
	}
	sum = s.masked(sum)
	applied := false
	err := s.update(ctx, sum.CaseID, func(tx *redis.Tx, old *storedCase) error {
		if old != nil && !supersedes(sum, old.Summary) {
			applied = false
			return nil
		}
		if destroyed, err := tx.Exists(ctx, destroyedKey(sum.CaseID)).Result(); err != nil || destroyed > 0 {
			applied = false
			return err
		}
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			if old != nil {
				unindex(ctx, p, old)
			}
			p.HDel(ctx, failuresKey(), sum.CaseID)
			return index(ctx, p, sum)
		})
		applied = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("project case %s version %d: %w", sum.CaseID, sum.Version, err)
	}
	return applied, nil
}

// supersedes reports whether next is a later summary of the case than stored.
func supersedes(next, stored projection.Summary) bool {
	if next.Version != stored.Version {
		return next.Version > stored.Version
	}
	return next.AsOf.After(stored.AsOf)
}

// RecordProjectionFailure remembers that a case could not be projected, so the managers' board
// says some cases are missing from it instead of silently showing less.
func (s *Store) RecordProjectionFailure(ctx context.Context, caseID string, at time.Time) error {
	if err := s.rdb.HSet(ctx, failuresKey(), caseID, at.UnixMilli()).Err(); err != nil {
		return fmt.Errorf("record projection failure of case %s: %w", caseID, err)
	}
	return nil
}

// ProjectionFailures counts the cases whose latest projection failed for good.
func (s *Store) ProjectionFailures(ctx context.Context) (int, error) {
	n, err := s.rdb.HLen(ctx, failuresKey()).Result()
	if err != nil {
		return 0, fmt.Errorf("count projection failures: %w", err)
	}
	return int(n), nil
}

// Remove deletes a case's summary and every index entry it had.
func (s *Store) Remove(ctx context.Context, id string) error {
	err := s.update(ctx, id, func(tx *redis.Tx, old *storedCase) error {
		if old == nil {
			return nil
		}
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			unindex(ctx, p, old)
			p.Del(ctx, caseKey(id))
			return nil
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("remove case %s: %w", id, err)
	}
	return nil
}

// destroyedMarkFor is how long a destroyed case's mark stays: longer than a projection of the
// case can be retried (a day).
const destroyedMarkFor = 7 * 24 * time.Hour

// Destroy removes a case whose record was destroyed: its summary, every index entry and row,
// and its projection failure, and marks it destroyed, so that a projection still in flight
// (sent before the case's workflow was deleted) cannot bring it back. Destroying it again does
// nothing more.
func (s *Store) Destroy(ctx context.Context, id string) error {
	err := s.update(ctx, id, func(tx *redis.Tx, old *storedCase) error {
		_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
			if old != nil {
				unindex(ctx, p, old)
			}
			p.Del(ctx, caseKey(id))
			p.HDel(ctx, failuresKey(), id)
			p.Set(ctx, destroyedKey(id), "1", destroyedMarkFor)
			return nil
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("destroy case %s in the read model: %w", id, err)
	}
	return nil
}

// update runs fn with the stored case under WATCH of its key and of its destroyed mark, again
// when another writer changed either in between.
func (s *Store) update(ctx context.Context, id string, fn func(*redis.Tx, *storedCase) error) error {
	key := caseKey(id)
	txf := func(tx *redis.Tx) error {
		old, err := loadCase(ctx, tx, key)
		if err != nil {
			return err
		}
		return fn(tx, old)
	}
	for range maxTxRetries {
		err := s.rdb.Watch(ctx, txf, key, destroyedKey(id))
		if !errors.Is(err, redis.TxFailedErr) {
			return err
		}
	}
	return errors.New("too many concurrent writers")
}

// projectAll writes summaries in pipelines, without reading what was there: only for seeding an
// empty model, where no older entries need removing and no newer version can be in the way.
func (s *Store) projectAll(ctx context.Context, sums []projection.Summary) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, sum := range sums {
			if err := index(ctx, p, s.masked(sum)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("project %d cases: %w", len(sums), err)
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

// index queues the writes that add a summary to every index it belongs in, and the summary
// itself with the list of those entries. A closed case keeps its summary and its place in the
// case lists, and the one action a closed case can have open: the review of its record once its
// retention period has ended.
func index(ctx context.Context, p redis.Pipeliner, sum projection.Summary) error {
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
		if carer != "" {
			add(casesCarerKey(carer), updated, sum.CaseID)
		}
	}
	for _, k := range sum.ChildKeys {
		add(childKey(k), updated, sum.CaseID)
	}

	rows := map[string]any{}
	for _, a := range sc.Summary.Actions {
		member := rowMember(sum.CaseID, a.ID)
		due := a.Due.UnixMilli()
		add(dueAllKey(), due, member)
		if a.Kind != "" {
			add(dueKindKey(a.Kind), due, member)
			p.SAdd(ctx, kindsKey(), a.Kind)
		}
		if sum.Team != "" {
			add(dueTeamKey(sum.Team), due, member)
		}
		if a.OwnerRole != "" {
			add(dueRoleKey(a.OwnerRole), due, member)
		}
		if a.OwnerUser != "" {
			add(dueUserKey(a.OwnerUser), due, member)
		}
		for _, excluded := range sum.Excluded {
			add(dueExcludedKey(excluded), due, member)
			p.SAdd(ctx, excludedKey(), excluded)
		}
		row, err := encodeRow(sum, a)
		if err != nil {
			return err
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

// Case returns the stored summary of a case, users named by pseudonym, and false when there is
// none.
func (s *Store) Case(ctx context.Context, id string) (projection.Summary, bool, error) {
	sc, err := loadCase(ctx, s.rdb, caseKey(id))
	if err != nil || sc == nil {
		return projection.Summary{}, false, err
	}
	return sc.Summary, true, nil
}
