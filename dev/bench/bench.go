package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
)

// Options size the run.
type Options struct {
	StartsPerArm   int   // case starts per arm and concurrency level
	StepsPerArm    int   // step round trips per arm and concurrency level
	OverdueSizes   []int // open cases in the read model for the dashboard measurement
	OverdueQueries int   // dashboard queries per arm and size
	TimerActions   int   // actions falling due within one minute
	MemoryCases    []int // idle cases held by the worker
	ReplayEvents   int   // events in the replayed history
	RedisURL       string
	Progress       io.Writer
	// Stages, when set, runs only the stages of these names (see Stages).
	Stages []string
	// HeapProfile, when set, is where the memory stage's worker processes write their heap
	// profiles at the largest size (the path with .cases and .idle added).
	HeapProfile string
}

// Stages are the names of the benchmark's stages, in the order they run.
var Stages = []string{"starts", "steps", "replay", "timer-lag", "five-year", "overdue", "memory"}

// DefaultOptions is the full run of `make bench`.
func DefaultOptions() Options {
	return Options{
		StartsPerArm: 200, StepsPerArm: 1000, OverdueSizes: []int{10000, 100000}, OverdueQueries: 100,
		TimerActions: 10000, MemoryCases: []int{1000, 10000}, ReplayEvents: 1000,
		RedisURL: os.Getenv("REDIS_URL"), Progress: os.Stderr,
	}
}

// Report is one run.
type Report struct {
	Started  time.Time     `json:"started"`
	Seconds  float64       `json:"seconds"`
	Machine  string        `json:"machine"`
	Redis    string        `json:"redis"`
	Results  []Result      `json:"results"`
	TimerLag *Result       `json:"timer_lag,omitempty"`
	Memory   []MemoryPoint `json:"memory"`
	Replay   *Result       `json:"replay,omitempty"`

	Failed       string        `json:"failed,omitempty"`
	LoadStart    string        `json:"load_average_start"`
	LoadEnd      string        `json:"load_average_end"`
	CarriedState *CarriedState `json:"carried_state,omitempty"`
	RedisMemory  *RedisMemory  `json:"redis_memory,omitempty"`
}

// run holds the stack under measurement.
type run struct {
	opts   Options
	app    *app.App
	http   *http.Client
	tokens map[safeguarding.Role]string
	report *Report
	// redisURL and keysFile are what the worker process connects with.
	redisURL, keysFile string
	worker             *child
}

// Run starts the embedded stack and measures everything.
func Run(ctx context.Context, opts Options) (*Report, error) {
	dir, err := os.MkdirTemp("", "caseflow-bench")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	cfg := &config.Config{
		DataDir: dir, HTTPAddr: "127.0.0.1:0", TemporalAddress: "127.0.0.1:0", TemporalNamespace: "default",
		RedisURL: opts.RedisURL, Auth: "dev", RateLimit: 10_000_000, ReadModelCheck: time.Hour,
		Security: config.Security{NewCasesPerHour: 10_000_000, AddressRateLimit: 10_000_000},
	}
	if cfg.Policy, err = chaseAtAnyHour(); err != nil {
		return nil, err
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The worker runs in its own process, as in production, so its heap can be read alone.
	a, err := app.Start(ctx, cfg, app.Parts{Embedded: true, API: true}, logger)
	if err != nil {
		return nil, err
	}
	defer a.Stop(context.Background())
	r := &run{
		opts: opts, app: a, redisURL: cfg.RedisURL, keysFile: cfg.DevKeysFile(),
		http:   &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}, Timeout: time.Minute},
		tokens: map[safeguarding.Role]string{},
		report: &Report{Started: time.Now(), Machine: machine(), Redis: redisKind(opts.RedisURL), LoadStart: loadAverage()},
	}
	for _, role := range safeguarding.CaseRoles {
		user := map[safeguarding.Role]string{safeguarding.RoleCarer: "carer-1", safeguarding.RoleSocialWorker: "sw-1"}[role]
		if user == "" {
			user = string(role) + "-1"
		}
		tok, err := a.Tokens.Mint(safeguarding.Actor{UserID: user, Role: role, Team: "north"}, 2*time.Hour)
		if err != nil {
			return nil, err
		}
		r.tokens[role] = tok
	}
	if r.worker, err = r.startChild(ctx, ChildCases); err != nil {
		return nil, err
	}
	defer func() { r.worker.stop() }()
	stages := map[string]func(context.Context) error{
		"starts": r.caseStarts, "steps": r.stepRoundTrips, "replay": r.replay, "timer-lag": r.timerLag,
		"five-year": r.fiveYear, "overdue": r.overdue, "memory": r.memory,
	}
	for _, name := range Stages {
		if len(opts.Stages) > 0 && !slices.Contains(opts.Stages, name) {
			continue
		}
		r.progress("== %s", name)
		if err := stages[name](ctx); err != nil {
			// What was measured before the failure is still reported, with the failure.
			r.report.Failed = fmt.Sprintf("%s: %v", name, err)
			r.report.Seconds = time.Since(r.report.Started).Seconds()
			r.report.LoadEnd = loadAverage()
			return r.report, fmt.Errorf("%s: %w", name, err)
		}
	}
	r.report.Seconds = time.Since(r.report.Started).Seconds()
	r.report.LoadEnd = loadAverage()
	return r.report, nil
}

// chaseAtAnyHour is the default policy with every chase delivered when it falls due. By default
// an agreed action due out of office hours is chased at the next opening, so the timer-lag stage
// measured nothing in the evening or at a weekend; with this, it measures the same path at any
// hour.
func chaseAtAnyHour() (*policy.Policy, error) {
	text := strings.Replace(string(policy.DefaultFile()), "chase_at_any_hour: false", "chase_at_any_hour: true", 1)
	if !strings.Contains(text, "chase_at_any_hour: true") {
		return nil, errors.New("the default policy no longer says chase_at_any_hour: false")
	}
	return policy.Load("bench policy", []byte(text))
}

func (r *run) progress(format string, args ...any) {
	if r.opts.Progress != nil {
		fmt.Fprintf(r.opts.Progress, format+"\n", args...)
	}
}

func (r *run) temporal() client.Client { return r.app.Temporal }

// stepArgs are the step Update's arguments as the API sends them, the request naming the step,
// with its signed proof, for the raw SDK arms: the worker refuses a step without one.
func (r *run) stepArgs(ctx context.Context, caseID, step string, actor safeguarding.Actor, requestID string, body []byte) []any {
	proof := r.app.Signer().Sign(ctx, identity.Call{Operation: step, Subject: caseID, Actor: actor, StepID: requestID, Body: body})
	return []any{safeguarding.Request{Step: step, RequestID: requestID, Actor: actor, Body: body}, proof}
}

// post sends a JSON request through the API and returns the status and body.
func (r *run) post(ctx context.Context, path string, role safeguarding.Role, body any, key string) (int, []byte, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.app.URL()+path, bytes.NewReader(raw))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.tokens[role])
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return r.do(req)
}

func (r *run) get(ctx context.Context, path string, role safeguarding.Role) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.app.URL()+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+r.tokens[role])
	return r.do(req)
}

// do sends a request, retrying a 503 as a well-behaved client does: a loaded server may time
// out a call into Temporal, and every write here carries an Idempotency-Key or is a read, so a
// retry is safe. Latencies include the retries.
func (r *run) do(req *http.Request) (int, []byte, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	for attempt := 0; ; attempt++ {
		if body != nil {
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		resp, err := r.http.Do(req)
		if err != nil {
			return 0, nil, err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || attempt == 4 {
			return resp.StatusCode, b, err
		}
		time.Sleep(time.Second)
	}
}

// interleaved runs ours and base alternately from clients goroutines, n times each (which arm
// goes first alternates too), and returns each arm's latencies.
func interleaved(clients, n int, ours, base func(i int) error) (Sample, Sample, error) {
	s, err := interleavedArms(clients, n, ours, base)
	return s[0], s[1], err
}

// interleavedArms runs every arm in turn from clients goroutines, n times each, rotating which
// arm goes first, and returns each arm's latencies.
func interleavedArms(clients, n int, arms ...func(i int) error) ([]Sample, error) {
	var mu sync.Mutex
	lat := make([]Sample, len(arms))
	var firstErr error
	timed := func(arm, i int) {
		t0 := time.Now()
		err := arms[arm](i)
		d := time.Since(t0)
		mu.Lock()
		defer mu.Unlock()
		if err != nil && firstErr == nil {
			firstErr = err
		}
		lat[arm] = append(lat[arm], d)
	}
	var wg sync.WaitGroup
	per := max(1, n/clients)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range per {
				i := c*per + j
				for k := range arms {
					timed((i+k)%len(arms), i)
				}
			}
		}()
	}
	wg.Wait()
	return lat, firstErr
}

func machine() string {
	host, _ := os.Hostname()
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range bytes.Split(data, []byte("\n")) {
			if bytes.HasPrefix(line, []byte("model name")) {
				cpu = string(bytes.TrimSpace(bytes.SplitN(line, []byte(":"), 2)[1]))
				break
			}
		}
	}
	return fmt.Sprintf("%s, %s", host, cpu)
}

// loadAverage is the machine's 1, 5 and 15 minute load averages: others' work on a shared
// machine moves every figure.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func redisKind(url string) string {
	if url == "" {
		return "in-process miniredis"
	}
	return "redis-server (REDIS_URL)"
}
