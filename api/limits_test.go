//go:build !nodev

// These tests stop the embedded Temporal server, which the lean build (tag nodev) has not.

package api_test

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
)

// TestRateLimitPerUser: past the per-user limit requests get 429 with Retry-After, and another
// user is not affected.
func TestRateLimitPerUser(t *testing.T) {
	env := start(t, testenv.Options{RateLimit: 60})
	busy := env.Token(safeguarding.RoleSocialWorker, "sw-busy", "north")
	limited := 0
	for range 40 {
		resp := env.Do(http.MethodGet, "/v1/me/actions", busy, nil)
		if resp.Status == http.StatusTooManyRequests {
			limited++
			if resp.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if limited == 0 {
		t.Fatal("40 requests at once never hit a limit of 60 a minute with a burst of 10")
	}
	other := env.Token(safeguarding.RoleSocialWorker, "sw-calm", "north")
	if got := env.Do(http.MethodGet, "/v1/me/actions", other, nil).Status; got != http.StatusOK {
		t.Fatalf("another user: %d", got)
	}
}

// TestTemporalUnreachable: with the Temporal server gone, steps and case reads answer 503 with a
// message that says nothing was changed, and the lists (from Redis) still answer.
func TestTemporalUnreachable(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	caseID := raiseCase(t, env, p.carer, time.Now())
	if err := env.App.EmbeddedTemporal().Stop(); err != nil {
		t.Fatal(err)
	}
	resp := env.Do(http.MethodPost, "/v1/cases/"+caseID+"/care-plan-contribution", p.carer, map[string]any{"text": "x"})
	if resp.Status != http.StatusServiceUnavailable || !strings.Contains(string(resp.Body), "Nothing was changed") {
		t.Fatalf("step with Temporal down: %d %s", resp.Status, resp.Body)
	}
	if got := env.Do(http.MethodGet, "/v1/cases/"+caseID, p.sw, nil).Status; got != http.StatusServiceUnavailable {
		t.Fatalf("read with Temporal down: %d", got)
	}
	if got := env.Do(http.MethodGet, "/v1/cases", p.sw, nil).Status; got != http.StatusOK {
		t.Fatalf("list from the read model with Temporal down: %d", got)
	}
	if got := env.Do(http.MethodGet, "/readyz", "", nil).Status; got != http.StatusServiceUnavailable {
		t.Fatalf("readyz with Temporal down: %d", got)
	}
}

// TestEventsFollowVisibility: the live stream tells the child's social worker that the case
// changed, and tells a carer of another child nothing.
func TestEventsFollowVisibility(t *testing.T) {
	env := start(t, testenv.Options{})
	p := tokens(env)
	listen := func(token string) <-chan string {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, env.URL+"/v1/events", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		lines := make(chan string, 100)
		go func() {
			defer resp.Body.Close()
			sc := bufio.NewScanner(resp.Body)
			for sc.Scan() {
				lines <- sc.Text()
			}
		}()
		return lines
	}
	sw, stranger := listen(p.sw), listen(p.otherCarer)
	caseID := raiseCase(t, env, p.carer, time.Now())
	got := func(lines <-chan string, wait time.Duration) bool {
		deadline := time.After(wait)
		for {
			select {
			case l := <-lines:
				if strings.HasPrefix(l, "data:") && strings.Contains(l, caseID) {
					return true
				}
			case <-deadline:
				return false
			}
		}
	}
	if !got(sw, 10*time.Second) {
		t.Fatal("the social worker was not told the case changed")
	}
	if got(stranger, 2*time.Second) {
		t.Fatal("a carer of another child was told about the case")
	}
}
