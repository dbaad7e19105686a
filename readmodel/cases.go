package readmodel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// Visibility is who is asking, and whether social workers see their whole team's cases. What
// they may see is the domain's visibility policy: the indexes below only narrow the search to
// the cases that policy can show them, and every case and row found is checked against it.
//
// Carers see the cases they care for; social workers the cases assigned to them, and with
// TeamAccess their team's too; fostering social workers the cases they support; managers and the
// Safeguarding Lead every case; nobody a case an allegation excluded them from. An unknown role
// sees nothing.
type Visibility struct {
	Actor      safeguarding.Actor
	TeamAccess bool
}

func (v Visibility) sightOf(p *safeguarding.Parties) safeguarding.Sight {
	return p.SightOf(v.Actor, safeguarding.Access{TeamAccess: v.TeamAccess})
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
func (s *Store) CasesFor(ctx context.Context, v Visibility, limit int, cur string) (Page[projection.Summary], error) {
	reveal := s.revealing(v.Actor.UserID)
	v.Actor = s.maskedActor(v.Actor)
	after, err := decodeCursor(cur)
	if err != nil {
		return Page[projection.Summary]{}, err
	}
	page := Page[projection.Summary]{Items: []projection.Summary{}}
	keys := v.caseSets()
	if len(keys) == 0 {
		return page, nil
	}
	w := window{keys: keys, lo: math.Inf(-1), hi: math.Inf(1), desc: true}
	visible := map[string]projection.Summary{}
	keep := func(zs []redis.Z) ([]bool, error) {
		batch, err := s.summaries(ctx, zs)
		if err != nil {
			return nil, err
		}
		ok := make([]bool, len(zs))
		for i, z := range zs {
			sum, found := batch[z.Member.(string)]
			if !found {
				continue
			}
			p := sum.Parties()
			if sight := v.sightOf(&p); sight.Sees() {
				ok[i] = true
				visible[sum.CaseID] = summaryVisibleTo(sum, sight)
			}
		}
		return ok, nil
	}
	zs, next, err := s.scan(ctx, w, after, clampLimit(limit), keep)
	if err != nil {
		return Page[projection.Summary]{}, err
	}
	for _, z := range zs {
		page.Items = append(page.Items, reveal.summary(visible[z.Member.(string)]))
	}
	if next != nil {
		page.NextCursor = next.encode()
	}
	return page, nil
}

// summaries loads the cases of a batch in one MGET, by case id, leaving out any removed since the
// batch was read.
func (s *Store) summaries(ctx context.Context, zs []redis.Z) (map[string]projection.Summary, error) {
	out := make(map[string]projection.Summary, len(zs))
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
		out[sc.Summary.CaseID] = sc.Summary
	}
	return out, nil
}

// SightOf is the person's sight of a case, by the domain's visibility policy applied to the
// case's summary, and false when the read model does not hold the case.
func (s *Store) SightOf(ctx context.Context, v Visibility, caseID string) (safeguarding.Sight, bool, error) {
	sum, found, err := s.Case(ctx, caseID)
	if err != nil || !found {
		return safeguarding.Sight{}, false, err
	}
	p := sum.Parties()
	actor := v.Actor
	v.Actor = s.maskedActor(actor)
	sight := v.sightOf(&p)
	sight.Actor = actor // worked out on pseudonyms, given back for the caller's own ids
	return sight, true, nil
}

// CanSee reports whether the actor may see a case, by the same rules as CasesFor. A case the
// read model does not hold is visible to no one.
func (s *Store) CanSee(ctx context.Context, v Visibility, caseID string) (bool, error) {
	sight, _, err := s.SightOf(ctx, v, caseID)
	return sight.Sees(), err
}

// ChildCase is a case of a child found by a match key: its id, whether it is closed, and when it
// last changed. Who may see it is the case's own business: the caller asks the case.
type ChildCase struct {
	CaseID    string
	Closed    bool
	UpdatedAt time.Time
}

// CasesOfChild finds the cases of the child these match keys (safeguarding.ChildKeys) name, open
// and closed, the most recently updated first. The keys are looked up as the read model holds
// them, keyed hashes; a case the read model does not hold yet (projected a second after it
// opened) is not found.
func (s *Store) CasesOfChild(ctx context.Context, keys []string) ([]ChildCase, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	p := s.rdb.Pipeline()
	cmds := make([]*redis.StringSliceCmd, len(keys))
	for i, k := range s.keyedChild(keys) {
		cmds[i] = p.ZRevRange(ctx, childKey(k), 0, maxChildCases-1)
	}
	if _, err := p.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("find the cases of a child: %w", err)
	}
	var zs []redis.Z
	seen := map[string]bool{}
	for _, cmd := range cmds {
		for _, id := range cmd.Val() {
			if !seen[id] {
				seen[id] = true
				zs = append(zs, redis.Z{Member: id})
			}
		}
	}
	batch, err := s.summaries(ctx, zs)
	if err != nil {
		return nil, err
	}
	out := make([]ChildCase, 0, len(batch))
	for _, sum := range batch {
		out = append(out, ChildCase{CaseID: sum.CaseID, Closed: sum.Closed, UpdatedAt: sum.UpdatedAt})
	}
	slices.SortFunc(out, func(a, b ChildCase) int {
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.CaseID, b.CaseID)
	})
	return out, nil
}

// maxChildCases bounds the cases one child's key finds: a child has one case, and a handful
// before staff merge them.
const maxChildCases = 20
