package readmodel

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/redis/go-redis/v9"
)

// TestOnlyExpectedIDsAreStored projects cases, samples the board, and reads back every key and
// every value in Redis, JSON included: each word found must be one of the ids the summaries
// carried, a field name of the stored records, a word of the key layout, a number or a time.
// Anything else reaching Redis (a new field, a free-text value) fails here until reviewed.
func TestOnlyExpectedIDsAreStored(t *testing.T) {
	ctx := context.Background()
	rdb := testRedis(t)
	s := New(rdb, testIDs)
	c1 := summary("c1", 1, "north",
		action("A1", "police-report", -time.Hour, projection.EscalationOverdue),
		projection.Action{ID: "A2", Kind: "restricted", Class: "restricted", OwnerRole: "safeguarding_lead", Due: now.Add(time.Hour)})
	c2 := summary("c2", 2, "south", action("A1", "nrm-request", time.Hour, projection.EscalationNone))
	c2.Carers = append(c2.Carers, "carer-extra")
	closed := summary("c3", 4, "south")
	closed.Closed, closed.Stage = true, "closed"
	mustProject(t, s, c1, c2, closed)
	c1.Version, c1.Actions = 2, c1.Actions[1:]
	mustProject(t, s, c1)
	if err := s.SampleOverdue(ctx, now); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkBuilt(ctx); err != nil {
		t.Fatal(err)
	}

	allowed := map[string]bool{}
	for _, words := range [][]string{
		// Ids the summaries carried, user ids as their pseudonyms only.
		{"c1", "c2", "c3", "CF-C1", "CF-C2", "CF-C3", "A1", "A2", "north", "south", "E06000001",
			testIDs.Of("sw-north"), testIDs.Of("sw-south"), testIDs.Of("fsw-1"), testIDs.Of("carer-c1"),
			testIDs.Of("carer-c2"), testIDs.Of("carer-c3"), testIDs.Of("carer-extra"),
			"police-report", "restricted", "nrm-request", "social_worker", "safeguarding_lead", "concern-raised", "closed",
			"casework"},
		// Field names of the stored records.
		{"summary", "index", "rows", "k", "m", "case_id", "reference", "version", "stage", "la", "team",
			"social_worker", "fostering_social_worker", "carers", "opened_at", "updated_at", "actions",
			"id", "kind", "class", "owner_role", "owner_user", "due", "escalation"},
		// Words of the key layout.
		{"cf", "rm", "case", "due", "all", "user", "role", "cases", "sw", "fsw", "carer", "teams", "kinds", "series", "built"},
	} {
		for _, w := range words {
			allowed[w] = true
		}
	}
	check := func(where, word string) {
		t.Helper()
		if allowed[word] || isNumber(word) || isTime(word) {
			return
		}
		if parts := strings.FieldsFunc(word, func(r rune) bool { return r == ':' || r == '/' || r == ',' || r == 0x1f }); len(parts) > 1 {
			for _, p := range parts {
				if !allowed[p] && !isNumber(p) {
					t.Errorf("%s holds %q (in %q)", where, p, word)
				}
			}
			return
		}
		t.Errorf("%s holds %q", where, word)
	}

	keys := 0
	iter := rdb.Scan(ctx, 0, "*", 100).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		keys++
		check("a key name", key)
		for _, v := range values(t, rdb, key) {
			var doc any
			if json.Unmarshal([]byte(v), &doc) == nil {
				walkJSON(doc, func(word string) { check(key, word) })
			} else {
				check(key, v)
			}
		}
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if keys < 10 {
		t.Fatalf("only %d keys: the projection did not happen", keys)
	}
}

// values lists everything a key holds: a string, a hash's fields and values, members of sets.
func values(t *testing.T, rdb redis.UniversalClient, key string) []string {
	ctx := context.Background()
	switch typ := rdb.Type(ctx, key).Val(); typ {
	case "string":
		return []string{rdb.Get(ctx, key).Val()}
	case "hash":
		var out []string
		for f, v := range rdb.HGetAll(ctx, key).Val() {
			out = append(out, f, v)
		}
		return out
	case "zset":
		return rdb.ZRange(ctx, key, 0, -1).Val()
	case "set":
		return rdb.SMembers(ctx, key).Val()
	default:
		t.Fatalf("%s has unexpected type %s", key, typ)
	}
	return nil
}

// walkJSON calls f with every object key and every string in a decoded JSON document.
func walkJSON(doc any, f func(string)) {
	switch v := doc.(type) {
	case map[string]any:
		for k, x := range v {
			f(k)
			walkJSON(x, f)
		}
	case []any:
		for _, x := range v {
			walkJSON(x, f)
		}
	case string:
		f(v)
	}
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

func isTime(s string) bool {
	_, err := time.Parse(time.RFC3339Nano, s)
	return err == nil
}
