package readmodel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/safeguarding"
)

// Visibility is who is asking for cases, and whether social workers see their whole team's.
//
// Carers see the cases they care for; social workers the cases assigned to them, and with
// TeamAccess their team's too; fostering social workers the cases they support; managers and the
// Safeguarding Lead every case. An unknown role sees nothing.
type Visibility struct {
	Actor      safeguarding.Actor
	TeamAccess bool
}

// caseSets returns the case sets whose union the actor may see: all cases for the roles that
// oversee the agency, none for an actor without a user id or with an unknown role.
func (v Visibility) caseSets() []string {
	a := v.Actor
	if a.Role.Oversees() {
		return []string{casesAllKey()}
	}
	if a.UserID == "" {
		return nil
	}
	switch a.Role {
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
	return nil
}

// CasesFor lists the cases the actor may see, the most recently updated first. The actor's
// case sets are merged as they are read, with no temporary keys.
func (s *Store) CasesFor(ctx context.Context, v Visibility, limit int, cur string) (Page[CaseSummary], error) {
	reveal := s.revealing(v.Actor.UserID)
	v.Actor = s.maskedActor(v.Actor)
	after, err := decodeCursor(cur)
	if err != nil {
		return Page[CaseSummary]{}, err
	}
	page := Page[CaseSummary]{Items: []CaseSummary{}}
	keys := v.caseSets()
	if len(keys) == 0 {
		return page, nil
	}
	w := window{keys: keys, lo: math.Inf(-1), hi: math.Inf(1), desc: true}
	zs, next, err := s.scan(ctx, w, after, clampLimit(limit), keepAll)
	if err != nil {
		return Page[CaseSummary]{}, err
	}
	if page.Items, err = s.summaries(ctx, zs); err != nil {
		return Page[CaseSummary]{}, err
	}
	for i := range page.Items {
		page.Items[i] = reveal.summary(page.Items[i])
	}
	if next != nil {
		page.NextCursor = next.encode()
	}
	return page, nil
}

func keepAll(zs []redis.Z) ([]bool, error) {
	ok := make([]bool, len(zs))
	for i := range ok {
		ok[i] = true
	}
	return ok, nil
}

// summaries loads the cases of a page in one MGET, leaving out any removed since the page was
// read.
func (s *Store) summaries(ctx context.Context, zs []redis.Z) ([]CaseSummary, error) {
	out := make([]CaseSummary, 0, len(zs))
	if len(zs) == 0 {
		return out, nil
	}
	keys := make([]string, len(zs))
	for i, z := range zs {
		keys[i] = caseKey(z.Member.(string))
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("read case summaries: %w", err)
	}
	for i, v := range vals {
		raw, ok := v.(string)
		if !ok {
			continue
		}
		var sc storedCase
		if err := json.Unmarshal([]byte(raw), &sc); err != nil {
			return nil, fmt.Errorf("decode %s: %w", keys[i], err)
		}
		out = append(out, sc.Summary)
	}
	return out, nil
}

// CanSee reports whether the actor may see a case, by the same rules as CasesFor. A case the
// read model does not hold is visible to no one.
func (s *Store) CanSee(ctx context.Context, v Visibility, caseID string) (bool, error) {
	v.Actor = s.maskedActor(v.Actor)
	keys := v.caseSets()
	if len(keys) == 0 {
		return false, nil
	}
	p := s.rdb.Pipeline()
	scores := make([]*redis.FloatCmd, len(keys))
	for i, k := range keys {
		scores[i] = p.ZScore(ctx, k, caseID)
	}
	// Exec reports redis.Nil for a set without the case; each command says which.
	_, _ = p.Exec(ctx)
	for _, sc := range scores {
		switch err := sc.Err(); {
		case err == nil:
			return true, nil
		case !errors.Is(err, redis.Nil):
			return false, fmt.Errorf("check visibility of case %s: %w", caseID, err)
		}
	}
	return false, nil
}
