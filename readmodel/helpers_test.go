package readmodel

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testredis"
)

// redisDB is the database these tests flush on the real Redis of REDIS_URL, so that other
// packages' tests can share the server.
const redisDB = 3

// testRedis returns a client on the real Redis of REDIS_URL or a miniredis (testredis).
func testRedis(t testing.TB) redis.UniversalClient { return testredis.New(t, redisDB) }

// now is the fixed time of every test: due times are set relative to it.
var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// summary is a case of a team, its social worker "sw-<team>", fostering social worker "fsw-1"
// and carer "carer-<id>", updated version seconds after now.
func summary(id string, version int64, team string, actions ...projection.Action) projection.Summary {
	return projection.Summary{
		CaseID: id, Reference: "CF-" + strings.ToUpper(id), Version: version, Stage: "concern-raised",
		LA: "E06000001", Team: team, SocialWorker: "sw-" + team, FosteringSocialWorker: "fsw-1",
		Carers: []string{"carer-" + id}, OpenedAt: now.Add(-time.Hour),
		UpdatedAt: now.Add(time.Duration(version) * time.Second), Actions: actions,
	}
}

// action is an action owned by the user "sw-north", due d after now, of the class its kind has.
func action(id, kind string, d time.Duration, level int) projection.Action {
	return projection.Action{ID: id, Kind: kind, Class: string(safeguarding.ClassOf(policy.RuleID(kind))),
		OwnerRole: "social_worker", OwnerUser: "sw-north", Due: now.Add(d), Escalation: level}
}

// overseer is the Safeguarding Lead, who sees every case no allegation excludes them from.
var overseer = Visibility{Actor: safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}}

func mustProject(t testing.TB, s *Store, sums ...projection.Summary) {
	t.Helper()
	for _, sum := range sums {
		applied, err := s.Project(context.Background(), sum)
		if err != nil {
			t.Fatalf("project %s v%d: %v", sum.CaseID, sum.Version, err)
		}
		if !applied {
			t.Fatalf("project %s v%d: not applied", sum.CaseID, sum.Version)
		}
	}
}

// rowIDs names rows as "case/action", in order.
func rowIDs(rows []ActionRow) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = rowMember(r.CaseID, r.ID)
	}
	return out
}

func caseIDs(sums []projection.Summary) []string {
	out := make([]string, len(sums))
	for i, s := range sums {
		out[i] = s.CaseID
	}
	return out
}

// dump renders every key in Redis with its value, one line each, sorted; keys whose content
// only grows (the known teams and kinds) are left out when skipGrowing is set.
func dump(t testing.TB, rdb redis.UniversalClient, skipGrowing bool) []string {
	t.Helper()
	ctx := context.Background()
	var out []string
	iter := rdb.Scan(ctx, 0, "*", 100).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		if skipGrowing && (k == teamsKey() || k == kindsKey()) {
			continue
		}
		out = append(out, k+" = "+value(t, rdb, k))
	}
	if err := iter.Err(); err != nil {
		t.Fatalf("scan keys: %v", err)
	}
	slices.Sort(out)
	return out
}

// value renders one key's value; members of sets and hashes are sorted, so equal content
// renders equally.
func value(t testing.TB, rdb redis.UniversalClient, key string) string {
	t.Helper()
	ctx := context.Background()
	typ, err := rdb.Type(ctx, key).Result()
	if err != nil {
		t.Fatalf("type of %s: %v", key, err)
	}
	switch typ {
	case "string":
		return rdb.Get(ctx, key).Val()
	case "hash":
		var fields []string
		for f, v := range rdb.HGetAll(ctx, key).Val() {
			fields = append(fields, f+"="+v)
		}
		slices.Sort(fields)
		return fmt.Sprint(fields)
	case "zset":
		var members []string
		for _, z := range rdb.ZRangeWithScores(ctx, key, 0, -1).Val() {
			members = append(members, fmt.Sprintf("%s@%.0f", z.Member, z.Score))
		}
		return fmt.Sprint(members)
	case "set":
		members := rdb.SMembers(ctx, key).Val()
		slices.Sort(members)
		return fmt.Sprint(members)
	}
	t.Fatalf("key %s has unexpected type %s", key, typ)
	return ""
}
