package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/dev/devstack"
	"github.com/caseflow/caseflow/workflows"
)

// TestLeanBuildLeavesOutDevParts: the production binary (-tags nodev) links neither the
// embedded Temporal server, nor its Web UI, nor miniredis, nor the bench harness; and none of
// caseflow's own code in it starts the Web UI or serves dev's codec sign-in.
func TestLeanBuildLeavesOutDevParts(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-tags", "nodev",
		"-f", "{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \",\"}}", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 100 {
		t.Fatalf("go list found only %d packages: %v", len(lines), lines)
	}
	banned := []string{
		"go.temporal.io/server/", "github.com/temporalio/ui-server/", "github.com/alicebob/miniredis",
		"github.com/caseflow/caseflow/dev/",
	}
	devOnly := []string{"/dev/codec-sign-in", "devCodecSignIn", "StartWebUI"}
	own := 0
	for _, line := range lines {
		fields := strings.Split(line, "\t")
		if len(fields) != 3 {
			t.Fatalf("go list printed %q", line)
		}
		pkg, dir, files := fields[0], fields[1], fields[2]
		for _, b := range banned {
			if strings.HasPrefix(pkg, b) {
				t.Errorf("the lean build links %s", pkg)
			}
		}
		if !strings.HasPrefix(pkg, "github.com/caseflow/caseflow") {
			continue
		}
		own++
		for _, f := range strings.Split(files, ",") {
			src, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range devOnly {
				if bytes.Contains(src, []byte(d)) {
					t.Errorf("%s/%s, in the lean build, holds dev's %s", pkg, f, d)
				}
			}
		}
	}
	if own < 10 {
		t.Fatalf("found only %d of caseflow's packages in the lean build", own)
	}
}

// syncBuffer is a bytes.Buffer safe to read while a command writes to it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestSetupThenWorker is what an operator does against a fresh cluster: the worker refuses to
// start, naming the missing search attributes and the command that fixes it; `caseflow setup`
// registers them, and again changes nothing; the worker then starts, and its /readyz fails
// while an attribute is missing and recovers after setup runs again.
func TestSetupThenWorker(t *testing.T) {
	ctx := t.Context()
	server, err := devstack.StartTemporal(ctx, devstack.TemporalOptions{
		DatabaseFile:    filepath.Join(t.TempDir(), "temporal.db"),
		FrontendAddress: "127.0.0.1:0",
		Namespace:       "default",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = server.Stop() })
	mr := miniredis.RunT(t)
	// The worker's keys, made as deploy/security.md says: the full file, then its verify-only copy.
	dir := t.TempDir()
	for _, keys := range [][]string{
		{"keys", "new", "--out", filepath.Join(dir, "keys.json")},
		{"keys", "verify-only", "--file", filepath.Join(dir, "keys.json"), "--out", filepath.Join(dir, "worker.json")},
	} {
		var out, errOut bytes.Buffer
		if code := run(ctx, keys, &out, &errOut); code != 0 {
			t.Fatalf("%v exited %d: %s", keys, code, errOut.String())
		}
	}
	common := []string{"--temporal-address", server.Address(), "--redis-url", "redis://" + mr.Addr(), "--keys-file", filepath.Join(dir, "worker.json")}

	var stdout, stderr bytes.Buffer
	if code := run(ctx, append([]string{"worker"}, common...), &stdout, &stderr); code != 2 {
		t.Fatalf("worker before setup exited %d, want 2; stderr: %s", code, stderr.String())
	}
	refusal := strings.TrimSpace(stderr.String())
	if strings.Count(refusal, "\n") != 0 || !strings.Contains(refusal, "CaseStage") || !strings.Contains(refusal, "caseflow setup") {
		t.Errorf("refusal is not one line naming the attributes and the fix: %q", refusal)
	}

	setupOut := func() string {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := run(ctx, []string{"setup", "--temporal-address", server.Address()}, &out, &errOut); code != 0 {
			t.Fatalf("setup exited %d: %s", code, errOut.String())
		}
		return out.String()
	}
	if first := setupOut(); !regexp.MustCompile(`search attributes: registered (\w+, ){6}\w+ \(0 already present\)`).MatchString(first) ||
		!strings.Contains(first, "namespace: default exists") || !strings.Contains(first, "morning digest schedule: created: working days at 08:30 UK time") {
		t.Errorf("first setup reported:\n%s", first)
	}
	if again := setupOut(); !strings.Contains(again, "search attributes: all 7 present") || !strings.Contains(again, "morning digest schedule: unchanged") {
		t.Errorf("second setup reported:\n%s", again)
	}
	// What the namespace's retention bounds, and the records retention in force, with sources.
	out := setupOut()
	for _, says := range []string{
		"Temporal deletes a closed run's history 1d after it closes", "Nothing caseflow needs lives only there",
		"records retention: a closed record is kept until its retention date",
		"Case record of a looked-after child: until the child's 75th birthday. Source: Care Planning, Placement and Case Review (England) Regulations 2010, reg 50",
		"Record of an allegation against a carer or member of staff: until the person the allegation is about reaches their normal pension age, and for 10 years after the allegation",
		"Case record of a child who was not looked after: until the child's 25th birthday, and for 6 years after the case closed",
	} {
		if !strings.Contains(out, says) {
			t.Errorf("setup does not say %q:\n%s", says, out)
		}
	}

	workerCtx, stopWorker := context.WithCancel(ctx)
	workerOut, workerErr := &syncBuffer{}, &syncBuffer{}
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		run(workerCtx, append([]string{"worker", "--worker-http", "127.0.0.1:0"}, common...), workerOut, workerErr)
	}()
	t.Cleanup(func() { stopWorker(); <-exited })
	ops := waitFor(t, 60*time.Second, "the worker's health address", func() string {
		if m := regexp.MustCompile(`(http://[0-9.:]+)/readyz`).FindStringSubmatch(workerOut.String()); m != nil {
			return m[1]
		}
		return ""
	}, exited, workerErr)

	check := func() (int, string) {
		resp, err := http.Get(ops + "/readyz")
		if err != nil {
			return 0, err.Error()
		}
		defer resp.Body.Close()
		var body struct {
			Checks map[string]struct{ Status string } `json:"checks"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body.Checks["search_attributes"].Status
	}
	waitFor(t, 30*time.Second, "the worker ready", func() string {
		if code, sa := check(); code == http.StatusOK && sa == "ok" {
			return "ready"
		}
		return ""
	}, exited, workerErr)

	c, err := client.Dial(client.Options{HostPort: server.Address(), Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.OperatorService().RemoveSearchAttributes(ctx, &operatorservice.RemoveSearchAttributesRequest{
		Namespace: "default", SearchAttributes: []string{workflows.AttrTeam.GetName()},
	}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "/readyz to fail without CaseTeam", func() string {
		if code, sa := check(); code == http.StatusServiceUnavailable && sa == "failing" {
			return "failing"
		}
		return ""
	}, exited, workerErr)
	if again := setupOut(); !strings.Contains(again, "registered CaseTeam (6 already present)") {
		t.Errorf("setup after removal reported:\n%s", again)
	}
	waitFor(t, 30*time.Second, "/readyz to recover", func() string {
		if code, sa := check(); code == http.StatusOK && sa == "ok" {
			return "ok"
		}
		return ""
	}, exited, workerErr)
}

// waitFor polls f until it returns something, failing if the deadline passes or the command
// exits first.
func waitFor(t *testing.T, timeout time.Duration, what string, f func() string, exited <-chan struct{}, stderr *syncBuffer) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if v := f(); v != "" {
			return v
		}
		select {
		case <-exited:
			t.Fatalf("the command exited while waiting for %s: %s", what, stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("timed out after %s waiting for %s; stderr: %s", timeout, what, stderr.String())
	return ""
}
