package readmodel

import "fmt"

// Key layout. Every read-model key starts with rmPrefix, so Reset can find them all with SCAN
// and leave the keys of idempotency and ratelimit alone. Keys and members hold only opaque ids: case
// ids, pseudonyms of user ids (never the ids), team ids and rule ids.
//
// The indexes of one model share no hash tag, so the package needs a single Redis (or a
// replicated one), not Redis Cluster: projections and merged reads touch several keys at once.
const (
	rmPrefix = "cf:rm:"
)

// The case summary, with the list of index entries it was written to.
func caseKey(id string) string { return rmPrefix + "case:" + id }

// Sorted sets of open actions by due time (unix milliseconds); members are rowMember values.
func dueAllKey() string             { return rmPrefix + "due:all" }
func dueTeamKey(team string) string { return rmPrefix + "due:team:" + team }
func dueUserKey(user string) string { return rmPrefix + "due:user:" + user }
func dueRoleKey(role string) string { return rmPrefix + "due:role:" + role }
func dueKindKey(kind string) string { return rmPrefix + "due:kind:" + kind }

// dueExcludedKey holds the open actions of the cases an allegation excluded a person from: the
// actions the board never counts for them (see OverdueCountsFor). excludedKey is the set of
// everyone such an index exists for, so the board's series can be sampled for each of them.
func dueExcludedKey(user string) string { return rmPrefix + "due:excluded:" + user }
func excludedKey() string               { return rmPrefix + "excluded" }

// The hash of action rows, by rowMember, so a page of an index is one HMGET away.
func rowsKey() string { return rmPrefix + "rows" }

// Sorted sets of case ids by last update (unix milliseconds), for visibility and lists.
func casesAllKey() string              { return rmPrefix + "cases:all" }
func casesTeamKey(team string) string  { return rmPrefix + "cases:team:" + team }
func casesSWKey(user string) string    { return rmPrefix + "cases:sw:" + user }
func casesFSWKey(user string) string   { return rmPrefix + "cases:fsw:" + user }
func casesCarerKey(user string) string { return rmPrefix + "cases:carer:" + user }

// Sorted sets of the case ids of one child by last update: the keyed hash of a match key of the
// child (safeguarding.ChildKeys), never the child's details.
func childKey(keyed string) string { return rmPrefix + "child:" + keyed }

// Sets of every team and action kind seen, so the board knows which indexes to count.
func teamsKey() string { return rmPrefix + "teams" }
func kindsKey() string { return rmPrefix + "kinds" }

// The mark of a case whose record was destroyed: a projection still in flight then must not
// bring it back (see Destroy).
func destroyedKey(id string) string { return rmPrefix + "destroyed:" + id }

// The overdue-over-time series, the rebuilt marker and the live-update channel.
func seriesKey() string { return rmPrefix + "series" }

// seriesExcludedKey is the overdue-over-time series of the actions a person is excluded from,
// taken with the board's series, so that theirs can leave those actions out.
func seriesExcludedKey(user string) string { return rmPrefix + "series:excluded:" + user }
func failuresKey() string                  { return rmPrefix + "projection-failures" }
func builtKey() string                     { return rmPrefix + "built:" + layoutVersion }

// ChangesChannel names the live updates' channel of the model in database db. Redis has one
// set of channels for all its databases, so each database's model has its own: two models on
// one server never hear each other's changes. Database 0 keeps the name it always had.
func ChangesChannel(db int) string {
	if db == 0 {
		return rmPrefix + "changes"
	}
	return fmt.Sprintf("%schanges:%d", rmPrefix, db)
}

// layoutVersion names the layout of summaries and rows. A release that changes it finds the
// model not built (IsEmpty), so the worker rebuilds it from the workflows in the new layout.
const layoutVersion = "4"

// rowMember names one action in the indexes: action ids are unique only within their case.
func rowMember(caseID, actionID string) string { return caseID + "/" + actionID }
