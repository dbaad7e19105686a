package readmodel

import (
	"context"
	"fmt"
	"time"
)

// refusalsKept is how long an hour's count of one person's refusals on one case is kept: past
// its hour, and the next, nothing counts into it.
const refusalsKept = 2 * time.Hour

// CountRefusal counts one refusal of the user on the case in the hour of at, and returns how
// many there have been in that hour, this one included. The access log records refusals of
// someone who does not stand in a relation to the case by these counts (see api's auditAccess),
// so that a flood of them cannot bury it.
func (s *Store) CountRefusal(ctx context.Context, caseID, userID string, at time.Time) (int64, error) {
	// The key names neither the case nor the person: a record destroyed leaves nothing here
	// that points to it, and the count is gone within two hours anyway.
	key := rmPrefix + "refused:" + s.ids.Keyed("refusals", caseID, userID, at.UTC().Format("2006010215"))
	pipe := s.rdb.TxPipeline()
	n := pipe.Incr(ctx, key)
	pipe.Expire(ctx, key, refusalsKept)
	if _, err := pipe.Exec(ctx); err != nil {
		return 0, fmt.Errorf("count a refusal: %w", err)
	}
	return n.Val(), nil
}
