package devstack

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

func sleepy(ctx workflow.Context, d time.Duration) (string, error) {
	if err := workflow.Sleep(ctx, d); err != nil {
		return "", err
	}
	return "woke", nil
}

// TestTemporalSurvivesRestart is the promise `caseflow dev` makes: stop the server while a
// workflow waits on a timer, start it again on the same file, and the timer still fires once.
func TestTemporalSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	opts := TemporalOptions{
		DatabaseFile:    filepath.Join(t.TempDir(), "temporal.db"),
		FrontendAddress: "127.0.0.1:0",
		Namespace:       "restart-test",
	}
	first, err := StartTemporal(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(client.Options{HostPort: first.Address(), Namespace: opts.Namespace, Logger: quietSDKLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "sleepy", TaskQueue: "tq"}, sleepy, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	w := worker.New(c, "tq", worker.Options{})
	w.RegisterWorkflow(sleepy)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	waitForTimer(t, c, "sleepy") // the timer is recorded before the stop
	w.Stop()
	c.Close()
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}

	opts.FrontendAddress = first.Address() // same address, as `caseflow dev` restarts
	second, err := StartTemporal(ctx, opts)
	if err != nil {
		t.Fatalf("restart on the same database: %v", err)
	}
	t.Cleanup(func() { _ = second.Stop() })
	c, err = client.Dial(client.Options{HostPort: second.Address(), Namespace: opts.Namespace, Logger: quietSDKLogger{}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w = worker.New(c, "tq", worker.Options{})
	w.RegisterWorkflow(sleepy)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()

	waitCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var got string
	if err := c.GetWorkflow(waitCtx, "sleepy", run.GetRunID()).Get(waitCtx, &got); err != nil {
		t.Fatalf("workflow after restart: %v", err)
	}
	if got != "woke" {
		t.Fatalf("result %q, want woke", got)
	}
}

// waitForTimer waits until the workflow's history records a started timer.
func waitForTimer(t *testing.T, c client.Client, workflowID string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		iter := c.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				t.Fatalf("history of %s: %v", workflowID, err)
			}
			if ev.GetEventType() == enumspb.EVENT_TYPE_TIMER_STARTED {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no timer started in %s within 30s", workflowID)
}

// TestTemporalReportsATakenPort: a port taken before the server binds it is an error the caller
// can act on, never a panic that ends the process (or the test binary with every other test).
func TestTemporalReportsATakenPort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	_, err = StartTemporal(context.Background(), TemporalOptions{
		DatabaseFile:    filepath.Join(t.TempDir(), "temporal.db"),
		FrontendAddress: taken.Addr().String(),
		Namespace:       "taken-port-test",
	})
	if !errors.Is(err, errPortTaken) {
		t.Fatalf("start on a taken frontend port: %v, want errPortTaken", err)
	}
	if !strings.Contains(err.Error(), taken.Addr().String()) {
		t.Errorf("error %q does not name the taken address %s", err, taken.Addr())
	}
}
