package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
)

// The benchmark runs caseflow's worker as a child process, as production does, so that the
// worker's heap can be read apart from the Temporal server's and the API's. The child is the
// benchmark's own binary started with ChildFlag; it talks over its standard input and output:
// it writes "ready" once its worker polls, answers each "heap" line with its heap after a
// collection, and exits when its input closes.
const (
	// ChildFlag makes `caseflow bench` run as the benchmark's worker process.
	ChildFlag = "child"
	// ChildCases runs caseflow's worker, exactly as `caseflow worker` starts it.
	ChildCases = "cases"
	// ChildIdle runs a worker of a trivial workflow that waits for ever: the baseline of what
	// the SDK itself holds per cached workflow.
	ChildIdle = "idle"

	idleTaskQueue    = "bench-idle"
	idleWorkflowName = "BenchIdle"
)

// Environment the child reads its connection from.
const (
	envTemporal = "BENCH_TEMPORAL_ADDRESS"
	envRedis    = "BENCH_REDIS_URL"
	envKeys     = "BENCH_KEYS_FILE"
)

// Heap is what a worker process holds after a collection.
type Heap struct {
	InUse uint64 // bytes in heap spans in use
	Live  uint64 // bytes of live objects
	Stack uint64 // bytes of goroutine stacks: each workflow coroutine is a goroutine
}

// RunChild is the benchmark's worker process: kind is ChildCases or ChildIdle.
func RunChild(ctx context.Context, kind string, in io.Reader, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var stop func()
	switch kind {
	case ChildCases:
		dir, err := os.MkdirTemp("", "caseflow-bench-worker")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		pol, err := chaseAtAnyHour()
		if err != nil {
			return err
		}
		cfg := &config.Config{
			DataDir: dir, TemporalAddress: os.Getenv(envTemporal), TemporalNamespace: "default",
			RedisURL: os.Getenv(envRedis), Auth: "dev", ReadModelCheck: time.Hour,
			Security: config.Security{KeysFile: os.Getenv(envKeys)}, Policy: pol,
		}
		a, err := app.Start(ctx, cfg, app.Parts{Worker: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			return err
		}
		stop = func() { a.Stop(context.Background()) }
	case ChildIdle:
		c, err := client.DialContext(ctx, client.Options{HostPort: os.Getenv(envTemporal), Namespace: "default", Logger: quietLogger{}})
		if err != nil {
			return err
		}
		w := worker.New(c, idleTaskQueue, worker.Options{})
		w.RegisterWorkflowWithOptions(idleWorkflow, workflow.RegisterOptions{Name: idleWorkflowName})
		if err := w.Start(); err != nil {
			c.Close()
			return err
		}
		stop = func() { w.Stop(); c.Close() }
	default:
		return fmt.Errorf("unknown child %q", kind)
	}
	defer stop()
	fmt.Fprintln(out, "ready")
	lines := bufio.NewScanner(in)
	for lines.Scan() {
		line := lines.Text()
		switch {
		case line == "heap":
			h := heapNow()
			fmt.Fprintf(out, "%d %d %d\n", h.InUse, h.Live, h.Stack)
		case strings.HasPrefix(line, "profile "):
			fmt.Fprintln(out, writeHeapProfile(strings.TrimPrefix(line, "profile ")))
		}
	}
	return lines.Err()
}

// idleWorkflow waits for ever, holding nothing of its own.
func idleWorkflow(ctx workflow.Context) error {
	return workflow.Await(ctx, func() bool { return false })
}

// writeHeapProfile writes the heap profile to path and says "ok" or what went wrong.
func writeHeapProfile(path string) string {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		return err.Error()
	}
	return "ok"
}

func heapNow() Heap {
	runtime.GC()
	debug.FreeOSMemory()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return Heap{InUse: m.HeapInuse, Live: m.HeapAlloc, Stack: m.StackInuse}
}

// child is a running worker process.
type child struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

// startChild starts a worker process of kind against the benchmark's server and Redis, and
// waits until it polls.
func (r *run) startChild(ctx context.Context, kind string) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "bench", "--"+ChildFlag, kind)
	cmd.Env = append(os.Environ(),
		envTemporal+"="+r.app.TemporalAddress(), envRedis+"="+r.redisURL, envKeys+"="+r.keysFile)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s worker: %w", kind, err)
	}
	c := &child{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	if line, err := c.line(); err != nil || line != "ready" {
		c.stop()
		return nil, fmt.Errorf("%s worker did not start: %q %v", kind, line, err)
	}
	return c, nil
}

func (c *child) line() (string, error) {
	if c.out.Scan() {
		return c.out.Text(), nil
	}
	if err := c.out.Err(); err != nil {
		return "", err
	}
	return "", io.ErrUnexpectedEOF
}

// heap asks the child for its heap after a collection.
func (c *child) heap() (Heap, error) {
	if _, err := io.WriteString(c.in, "heap\n"); err != nil {
		return Heap{}, err
	}
	line, err := c.line()
	if err != nil {
		return Heap{}, fmt.Errorf("read worker heap: %w", err)
	}
	fields := strings.Fields(line)
	if len(fields) != 3 {
		return Heap{}, fmt.Errorf("worker heap: %q", line)
	}
	var n [3]uint64
	for i, f := range fields {
		v, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return Heap{}, fmt.Errorf("worker heap %q: %w", line, err)
		}
		n[i] = v
	}
	return Heap{InUse: n[0], Live: n[1], Stack: n[2]}, nil
}

// profile has the child write its heap profile to path.
func (c *child) profile(path string) error {
	if _, err := io.WriteString(c.in, "profile "+path+"\n"); err != nil {
		return err
	}
	line, err := c.line()
	if err == nil && line != "ok" {
		err = errors.New(line)
	}
	if err != nil {
		return fmt.Errorf("worker heap profile: %w", err)
	}
	return nil
}

// stop closes the child's input, which ends it, and waits for it.
func (c *child) stop() {
	if c == nil {
		return
	}
	c.in.Close()
	done := make(chan struct{})
	go func() { _ = c.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		<-done
	}
}

// quietLogger drops the SDK's log lines in the child.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
