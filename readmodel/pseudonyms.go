package readmodel

import (
	"slices"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// User ids never reach Redis: at this package's boundary each becomes its pseudonym (a keyed
// hash, see package pseudonym), in keys and in values alike. Callers pass and filter by real
// ids; what they read back names users by pseudonym, except the ids they asked with, which are
// given back as they were (the caller's own id in "my" lists, the owner in a filtered list).

// maskedIDs returns the pseudonyms of ids, nil for none.
func (s *Store) maskedIDs(ids []string) []string {
	if ids == nil {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = s.ids.Of(id)
	}
	return out
}

// maskedParties returns a case's people by pseudonym.
func (s *Store) maskedParties(p safeguarding.Parties) safeguarding.Parties {
	p.SocialWorker, p.FosteringSocialWorker = s.ids.Of(p.SocialWorker), s.ids.Of(p.FosteringSocialWorker)
	p.Carers, p.Excluded, p.Unconfirmed = s.maskedIDs(p.Carers), s.maskedIDs(p.Excluded), s.maskedIDs(p.Unconfirmed)
	return p
}

// masked returns the summary with every user id replaced by its pseudonym.
func (s *Store) masked(sum projection.Summary) projection.Summary {
	sum.SocialWorker = s.ids.Of(sum.SocialWorker)
	sum.FosteringSocialWorker = s.ids.Of(sum.FosteringSocialWorker)
	sum.Carers, sum.Excluded, sum.Unconfirmed = s.maskedIDs(sum.Carers), s.maskedIDs(sum.Excluded), s.maskedIDs(sum.Unconfirmed)
	sum.ChildKeys = s.keyedChild(sum.ChildKeys)
	actions := slices.Clone(sum.Actions)
	for i := range actions {
		actions[i].OwnerUser = s.ids.Of(actions[i].OwnerUser)
	}
	sum.Actions = actions
	return sum
}

// revealer gives back the real ids a caller asked with, in place of their pseudonyms.
type revealer map[string]string

func (s *Store) revealing(userIDs ...string) revealer {
	r := revealer{}
	for _, id := range userIDs {
		if id != "" {
			r[s.ids.Of(id)] = id
		}
	}
	return r
}

func (r revealer) id(p string) string {
	if id, ok := r[p]; ok {
		return id
	}
	return p
}

func (r revealer) summary(sum projection.Summary) projection.Summary {
	sum.SocialWorker = r.id(sum.SocialWorker)
	sum.FosteringSocialWorker = r.id(sum.FosteringSocialWorker)
	for i, c := range sum.Carers {
		sum.Carers[i] = r.id(c)
	}
	for i, e := range sum.Excluded {
		sum.Excluded[i] = r.id(e)
	}
	for i, u := range sum.Unconfirmed {
		sum.Unconfirmed[i] = r.id(u)
	}
	for i := range sum.Actions {
		sum.Actions[i].OwnerUser = r.id(sum.Actions[i].OwnerUser)
	}
	return sum
}

func (r revealer) row(row ActionRow) ActionRow {
	row.OwnerUser = r.id(row.OwnerUser)
	return row
}

// keyedChild returns a child's match keys as the read model holds them: keyed hashes, so that
// without the server's secret nobody can test a name and date of birth against Redis.
func (s *Store) keyedChild(keys []string) []string {
	if keys == nil {
		return nil
	}
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = s.ids.Keyed("child", k)
	}
	return out
}

// maskedActor is the actor as the indexes know them.
func (s *Store) maskedActor(a safeguarding.Actor) safeguarding.Actor {
	a.UserID = s.ids.Of(a.UserID)
	return a
}

// Tells reports whether the person may be told of a change announced by Subscribe, whose
// people are pseudonyms: Change.Visible, with the person as the read model knows them.
func (s *Store) Tells(c Change, v Visibility) bool {
	_, ok := s.EventFor(c, v)
	return ok
}

// EventFor is what the person may be told of a change announced by Subscribe, by the visibility
// policy: nothing (false) of a case they may not see, and of one they may, whether it has overdue
// work they may see.
func (s *Store) EventFor(c Change, v Visibility) (Event, bool) {
	actor := v.Actor
	v.Actor = s.maskedActor(actor)
	sight := v.sightOf(&c.People)
	if !sight.Sees() {
		return Event{}, false
	}
	return c.eventFor(sight), true
}
