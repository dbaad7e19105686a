package projection_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

const redisDB = 4

// overdueAnswer is the managers' overdue list as a comparable string: every row, in order, with
// its escalation level (lateness changes with the clock, so it is left out).
func overdueAnswer(t *testing.T, env *testenv.Env, token string) string {
	t.Helper()
	var rows []string
	cursor := ""
	for {
		var page api.ActionsPage
		resp := env.Do(http.MethodGet, "/v1/overdue?limit=7&cursor="+cursor, token, nil)
		if resp.Status != http.StatusOK {
			t.Fatalf("overdue: %d %s", resp.Status, resp.Body)
		}
		resp.JSON(t, &page)
		for _, r := range page.Actions {
			rows = append(rows, r.CaseID+"/"+r.ID+"/"+r.Kind+"/"+string(rune('0'+r.Escalation)))
		}
		if page.NextCursor == "" {
			break
		}
		cursor = page.NextCursor
	}
	return strings.Join(rows, "\n")
}

// TestFlushedReadModelIsRebuilt flushes Redis while caseflow runs: the worker notices and
// rebuilds the read model from the workflows, and the dashboard answers exactly as before; an
// operator's reindex gives the same answer again. Then every key and value in Redis is read:
// none holds the child's or the carer's name or the words of the concern.
func TestFlushedReadModelIsRebuilt(t *testing.T) {
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB})
	carer := env.Token(safeguarding.RoleCarer, "carer-1", "")
	manager := env.Token(safeguarding.RoleManager, "mgr-1", "north")
	for i := range 6 {
		observed := time.Now().Add(-time.Duration(4+i) * time.Hour)
		// Six children: a concern about a child with a case goes to that case.
		child := testenv.ChildName + " " + string(rune('A'+i))
		resp := env.Do(http.MethodPost, "/v1/cases", carer, testenv.ConcernFor(child, "2010-05-01", observed, "sw-1", "north", "carer-1"))
		if resp.Status != http.StatusCreated {
			t.Fatalf("raise: %d %s", resp.Status, resp.Body)
		}
	}
	var before string
	testenv.Eventually(t, 30*time.Second, "every police report escalated to the Safeguarding Lead", func() bool {
		before = overdueAnswer(t, env, manager)
		return strings.Count(before, "police-report/4") == 6
	})

	// Requests keep coming while Redis is flushed: care-plan contributions to two of the cases,
	// which project those two again but change nothing overdue. The other four come back only
	// through the rebuild.
	rdb := env.Redis()
	ctx := context.Background()
	var cases api.CasesPage
	env.Do(http.MethodGet, "/v1/cases", manager, nil).JSON(t, &cases)
	stop := make(chan struct{})
	done := make(chan struct{})
	var sent atomic.Int32
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			c := cases.Cases[i%2]
			resp := env.Do(http.MethodPost, "/v1/cases/"+c.CaseID+"/care-plan-contribution", carer, map[string]any{"text": "during the flush"})
			if resp.Status != http.StatusOK {
				t.Errorf("contribution during the flush: %d %s", resp.Status, resp.Body)
				return
			}
			sent.Add(1)
		}
	}()
	// A few contributions before the flush, and a few after it.
	testenv.Eventually(t, 30*time.Second, "contributions before the flush", func() bool { return sent.Load() >= 3 })
	if err := rdb.FlushDB(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	flushed := sent.Load()
	testenv.Eventually(t, 30*time.Second, "contributions after the flush", func() bool { return sent.Load() >= flushed+3 })
	close(stop)
	<-done
	testenv.Eventually(t, 30*time.Second, "the worker to rebuild the read model", func() bool {
		return overdueAnswer(t, env, manager) == before
	})

	if err := env.App.Store.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := projection.Rebuild(ctx, caseclient.New(env.App.Temporal, caseclient.Options{}), env.App.Store, slog.Default())
	if err != nil || n != 6 {
		t.Fatalf("reindex: %d cases, %v", n, err)
	}
	// The worker's keeper may have seen the model reset too, and be rebuilding it beside the
	// operator's reindex: both project every case, so the answer settles where it was.
	testenv.Eventually(t, 30*time.Second, "the overdue answer after reindex to be as before", func() bool {
		return overdueAnswer(t, env, manager) == before
	})

	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("keys: %v %v", keys, err)
	}
	sort.Strings(keys)
	secrets := []string{testenv.ChildName, testenv.CarerName, "Amara", "Testcarer", "second phone"}
	for _, k := range keys {
		dump := k + " " + dumpKey(t, env, k)
		for _, s := range secrets {
			if strings.Contains(dump, s) {
				t.Errorf("redis key %s holds %q", k, s)
			}
		}
	}
}

func dumpKey(t *testing.T, env *testenv.Env, key string) string {
	ctx := context.Background()
	rdb := env.Redis()
	var v any
	switch rdb.Type(ctx, key).Val() {
	case "string":
		v = rdb.Get(ctx, key).Val()
	case "hash":
		v = rdb.HGetAll(ctx, key).Val()
	case "zset":
		v = rdb.ZRangeWithScores(ctx, key, 0, -1).Val()
	case "set":
		v = rdb.SMembers(ctx, key).Val()
	case "list":
		v = rdb.LRange(ctx, key, 0, -1).Val()
	}
	b, _ := json.Marshal(v)
	return string(b)
}
