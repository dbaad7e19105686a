package readmodel

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/safeguarding"
)

// Visibility is who is asking for cases, and whether social workers see their whole team's.
type Visibility struct {
	Actor      safeguarding.Actor
	TeamAccess bool
}

// visibleKeys are the case sets whose union the actor may see; nil means every case.
func (v Visibility) visibleKeys() []string {
	a := v.Actor
	switch a.Role {
	case safeguarding.RoleManager, safeguarding.RoleSafeguardingLead:
		return nil
	case safeguarding.RoleSocialWorker:
		keys := []string{casesSWKey(a.UserID)}
		if v.TeamAccess && a.Team != "" {
			keys = append(keys, casesTeamKey(a.Team))
		}
		return keys
	case safeguarding.RoleFosteringSocialWorker:
		return []string{casesFSWKey(a.UserID)}
	case safeguarding.RoleCarer:
		return []string{casesCarerKey(a.UserID)}
	}
	return []string{}
}

// unionTTL keeps a merged visibility set long enough to page through it.
const unionTTL = time.Minute

// CasesFor lists the cases the actor may see, most recently updated first.
func (s *Store) CasesFor(ctx context.Context, v Visibility, limit int, cur string) (Page[CaseSummary], error) {
	after, err := decodeCursor(cur)
	if err != nil {
		return Page[CaseSummary]{}, err
	}
	key, err := s.visibleSet(ctx, v)
	if err != nil || key == "" {
		return Page[CaseSummary]{}, err
	}
	all := func(zs []redis.Z) ([]bool, error) {
		ok := make([]bool, len(zs))
		for i := range ok {
			ok[i] = true
		}
		return ok, nil
	}
	zs, next, err := scan(ctx, s.rdb, key, math.Inf(-1), math.Inf(1), true, after, clampLimit(limit), all)
	if err != nil {
		return Page[CaseSummary]{}, err
	}
	page := Page[CaseSummary]{Items: []CaseSummary{}}
	for _, z := range zs {
		sum, found, err := s.Case(ctx, z.Member.(string))
		if err != nil {
			return Page[CaseSummary]{}, err
		}
		if found {
			page.Items = append(page.Items, sum)
		}
	}
	if next != nil {
		page.NextCursor = next.encode()
	}
	return page, nil
}

// visibleSet returns the key of the sorted set of the actor's visible cases: an index itself, or
// a short-lived union of several.
func (s *Store) visibleSet(ctx context.Context, v Visibility) (string, error) {
	keys := v.visibleKeys()
	switch len(keys) {
	case 0:
		if keys == nil {
			return casesAllKey(), nil
		}
		return "", nil
	case 1:
		return keys[0], nil
	}
	tmp := rmPrefix + "tmp:visible:" + string(v.Actor.Role) + ":" + v.Actor.UserID
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.ZUnionStore(ctx, tmp, &redis.ZStore{Keys: keys, Aggregate: "MAX"})
		p.Expire(ctx, tmp, unionTTL)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("merge visible cases: %w", err)
	}
	return tmp, nil
}

// CanSee reports whether the actor may see a case, by the read model's indexes.
func (s *Store) CanSee(ctx context.Context, v Visibility, caseID string) (bool, error) {
	keys := v.visibleKeys()
	if keys == nil {
		keys = []string{casesAllKey()}
	}
	for _, key := range keys {
		_, err := s.rdb.ZScore(ctx, key, caseID).Result()
		if err == nil {
			return true, nil
		}
		if err != redis.Nil {
			return false, fmt.Errorf("check visibility: %w", err)
		}
	}
	return false, nil
}
