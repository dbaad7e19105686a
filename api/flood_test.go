package api_test

import (
	"bytes"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows/audit"
)

// TestAFloodOfRefusalsCannotBuryTheAccessLog: someone signed in who knows a case id sends a step
// their role may not take, a hundred thousand times (five thousand under the race detector). Their refusals are counted, and recorded at the
// 1st, 10th, 100th and 1000th of the hour; past the per-user limit they are answered 429 and
// recorded not at all. The social worker's real reads stay on the access log's first page.
func TestAFloodOfRefusalsCannotBuryTheAccessLog(t *testing.T) {
	const limit, flood = 7200, floodSize // requests a minute per user (a sixth of it at once); refused requests sent
	env := start(t, testenv.Options{RateLimit: limit})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now().Add(-time.Hour))
	for range 3 {
		if got := env.Do(http.MethodGet, "/v1/cases/"+caseID, p.sw, nil); got.Status != http.StatusOK {
			t.Fatalf("the social worker's read: %d %s", got.Status, got.Body)
		}
	}

	// A carer with no part in the case: the route refuses their role (403) before anything is
	// asked of Temporal, so thousands are sent in seconds even under the race detector.
	stranger := env.Token(safeguarding.RoleCarer, "carer-9", "")
	details := []byte(`{"reason":"Mine now."}`)
	var refused, tooMany atomic.Int32
	var wg sync.WaitGroup
	sent := make(chan struct{}, flood)
	for range flood {
		sent <- struct{}{}
	}
	close(sent)
	for range 8 {
		wg.Go(func() {
			for range sent {
				req, _ := http.NewRequest(http.MethodPost, env.URL+"/v1/cases/"+caseID+"/case-details", bytes.NewReader(details))
				req.Header.Set("Authorization", "Bearer "+stranger)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_ = resp.Body.Close()
				switch resp.StatusCode {
				case http.StatusForbidden:
					refused.Add(1)
				case http.StatusTooManyRequests:
					tooMany.Add(1)
				default:
					t.Errorf("the stranger got %d", resp.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	if refused.Load() < 1000 {
		t.Fatalf("%d refused for their role and %d as too many; want at least 1000 refused", refused.Load(), tooMany.Load())
	}

	var log api.AccessLog
	var took time.Duration
	testenv.Eventually(t, 30*time.Second, "the stranger's 1000th refusal on the access log", func() bool {
		began := time.Now()
		got := env.Do(http.MethodGet, "/v1/cases/"+caseID+"/access?limit=50", p.lead, nil)
		took = time.Since(began)
		log = api.AccessLog{}
		got.JSON(t, &log)
		return got.Status == http.StatusOK && refusalCounts(log.Records, "carer-9")[1000]
	})
	t.Logf("%d refused requests (%d past the limit): the access log's first page in %v", flood, tooMany.Load(), took)
	counts := refusalCounts(log.Records, "carer-9")
	want := 4 // the 1st, 10th, 100th and 1000th
	if refused.Load() >= 10000 {
		want = 5 // and the 10,000th
	}
	if len(counts) != want || !counts[1] || !counts[10] || !counts[100] {
		t.Errorf("the stranger's %d refusals are recorded at %v, want %d records: the 1st, 10th, 100th...", refused.Load(), counts, want)
	}
	reads := 0
	for _, r := range log.Records {
		if r.Status == http.StatusTooManyRequests {
			t.Errorf("a request over the limit is on the access log: %+v", r)
		}
		if r.UserID == "sw-1" && r.Action == "getCase" && r.Outcome == audit.Allowed {
			reads++
		}
	}
	if reads < 3 {
		t.Errorf("%d of the social worker's 3 reads on the first page", reads)
	}
}

// refusalCounts is the counts of a person's refusal records.
func refusalCounts(records []audit.Record, userID string) map[int64]bool {
	counts := map[int64]bool{}
	for _, r := range records {
		if r.UserID == userID && r.Outcome == audit.Refused {
			counts[r.Count] = true
		}
	}
	return counts
}
