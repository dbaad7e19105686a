package testenv

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
)

// Fault tests kill a worker with SIGKILL, so it runs as a process of its own: the test binary
// started again with workerSpec set, which TestMain hands to WorkerMain.
const (
	workerSpec = "CASEFLOW_TEST_WORKER"
	workerKeys = "CASEFLOW_TEST_WORKER_KEYS"
)

// WorkerMain is a test package's TestMain when it starts workers with StartWorker: in the child
// process it runs only a caseflow worker, configured by configFor from the spec StartWorker was
// given, with the stack's keys, until killed; otherwise it runs the tests.
func WorkerMain(m *testing.M, configFor func(spec string) (*config.Config, error)) {
	spec, child := os.LookupEnv(workerSpec)
	if !child {
		os.Exit(m.Run())
	}
	cfg, err := configFor(spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(2)
	}
	cfg.Security.Keys = os.Getenv(workerKeys)
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if _, err := app.Start(context.Background(), cfg, app.Parts{Worker: true}, logger); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
	select {}
}

// StartWorker starts a worker process for env's stack (see WorkerMain), passing it spec; it is
// killed when the test ends, if the test has not killed it already.
func StartWorker(t testing.TB, env *Env, spec string) *exec.Cmd {
	t.Helper()
	keys, err := os.ReadFile(filepath.Join(env.DataDir, "keys.json"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerSpec+"="+spec, workerKeys+"="+string(keys))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
	return cmd
}
