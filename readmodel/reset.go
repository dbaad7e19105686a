package readmodel

import (
	"context"
	"fmt"
)

// IsEmpty reports whether the read model needs rebuilding from the workflows: nothing has marked
// it built since it was created, flushed or reset. Case summaries alone do not count, because
// after a flush the live projections only bring back the cases that happened to change.
func (s *Store) IsEmpty(ctx context.Context) (bool, error) {
	n, err := s.rdb.Exists(ctx, builtKey()).Result()
	if err != nil {
		return false, fmt.Errorf("check read model: %w", err)
	}
	return n == 0, nil
}

// MarkBuilt records that the model holds a complete rebuild, even one of no cases at all.
func (s *Store) MarkBuilt(ctx context.Context) error {
	if err := s.rdb.Set(ctx, builtKey(), "1", 0).Err(); err != nil {
		return fmt.Errorf("mark read model built: %w", err)
	}
	return nil
}

// resetBatch is how many keys one SCAN step asks for and one DEL removes.
const resetBatch = 1000

// Reset deletes every read-model key, found with SCAN on the read-model prefix, leaving
// idempotency and rate-limit keys alone. The model then reports IsEmpty until rebuilt.
func (s *Store) Reset(ctx context.Context) error {
	iter := s.rdb.Scan(ctx, 0, rmPrefix+"*", resetBatch).Iterator()
	batch := make([]string, 0, resetBatch)
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
		if len(batch) == resetBatch {
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
