package readmodel

import "strconv"

// Every read-model key starts with rmPrefix, so Reset can find them all and leave idempotency
// and rate-limit keys alone.
const (
	rmPrefix   = "cf:rm:"
	idemPrefix = "cf:idem:"
	ratePrefix = "cf:rate:"
)

func caseKey(id string) string        { return rmPrefix + "case:" + id }
func dueAllKey() string               { return rmPrefix + "due:all" }
func dueTeamKey(team string) string   { return rmPrefix + "due:team:" + team }
func dueUserKey(user string) string   { return rmPrefix + "due:user:" + user }
func dueRoleKey(role string) string   { return rmPrefix + "due:role:" + role }
func dueKindKey(kind string) string   { return rmPrefix + "due:kind:" + kind }
func rowsKey() string                 { return rmPrefix + "rows" }
func casesAllKey() string             { return rmPrefix + "cases:all" }
func casesTeamKey(team string) string { return rmPrefix + "cases:team:" + team }
func casesSWKey(user string) string   { return rmPrefix + "cases:sw:" + user }
func casesFSWKey(user string) string  { return rmPrefix + "cases:fsw:" + user }
func casesCarerKey(u string) string   { return rmPrefix + "cases:carer:" + u }
func teamsKey() string                { return rmPrefix + "teams" }
func kindsKey() string                { return rmPrefix + "kinds" }
func seriesKey() string               { return rmPrefix + "series" }
func builtKey() string                { return rmPrefix + "built" }
func changesChannel() string          { return rmPrefix + "changes" }

func rowMember(caseID, actionID string) string { return caseID + "/" + actionID }

func millis(n int64) string { return strconv.FormatInt(n, 10) }
