package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/auth"
	"github.com/caseflow/caseflow/bench"
	"github.com/caseflow/caseflow/caseclient"
	"github.com/caseflow/caseflow/config"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/projection"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
)

func runToken(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("token", stderr)
	dataDir := fs.String("data-dir", envOr("CASEFLOW_DATA_DIR", ".caseflow"), "data directory of caseflow dev (holds the signing key)")
	role := fs.String("role", "", "carer, social_worker, fostering_social_worker, safeguarding_lead or manager")
	user := fs.String("user", "", "user id")
	team := fs.String("team", "", "team id")
	ttl := fs.Duration("ttl", 12*time.Hour, "how long the token is valid, at most CASEFLOW_MAX_TOKEN_LIFETIME (12h)")
	if err := parse(fs, args); err != nil {
		return err
	}
	r, err := safeguarding.ParseRole(*role)
	if err != nil {
		return usageError{"--role: " + err.Error()}
	}
	if *user == "" {
		return usageError{"--user is required"}
	}
	maxLifetime, err := maxTokenLifetime()
	if err != nil {
		return err
	}
	if *ttl > maxLifetime {
		return usageError{fmt.Sprintf("--ttl %v is longer than the %v a token may live (CASEFLOW_MAX_TOKEN_LIFETIME)", *ttl, maxLifetime)}
	}
	cfg := &config.Config{DataDir: *dataDir}
	key, err := auth.LoadOrCreateDevKey(cfg.DevKeyFile())
	if err != nil {
		return err
	}
	tok, err := auth.NewDevTokens(key, maxLifetime).Mint(safeguarding.Actor{UserID: *user, Role: r, Team: *team}, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, tok)
	return nil
}

func runPolicy(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprintln(stdout, "Usage:\n  caseflow policy deadlines --from TIME [--la CODE] [--policy FILE]   when each clock started at TIME falls due\n  caseflow policy default                                                print the built-in policy file")
		return nil
	}
	if len(args) == 0 || (args[0] != "deadlines" && args[0] != "default") {
		return usageError{"use: caseflow policy deadlines --from 2026-12-18T10:00:00Z [--la CODE] [--policy FILE], or caseflow policy default"}
	}
	if args[0] == "default" {
		_, err := stdout.Write(policy.DefaultFile())
		return err
	}
	fs := newFlags("policy deadlines", stderr)
	from := fs.String("from", "", "when the starting event happened (RFC 3339)")
	la := fs.String("la", "", "local authority code, for its local timescales")
	file := fs.String("policy", os.Getenv("CASEFLOW_POLICY"), "policy file (default: the built-in policy)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	start, err := time.Parse(time.RFC3339, *from)
	if err != nil {
		return usageError{"--from must be a time like 2026-12-18T10:00:00Z"}
	}
	p := policy.Default()
	if *file != "" {
		if p, err = policy.LoadFile(*file); err != nil {
			return usageError{err.Error()}
		}
	}
	if err := policy.WriteDeadlines(stdout, p, start, *la); err != nil {
		return usageError{err.Error()}
	}
	return nil
}

// runReindex rebuilds the read model: it clears it, then projects every running case.
func runReindex(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("reindex", stderr)
	cfg := config.Bind(fs, config.ModeWorker)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(config.ModeWorker); err != nil {
		return usageError{"invalid configuration: " + err.Error()}
	}
	logger := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	a, err := app.Start(ctx, cfg, app.Parts{}, logger)
	if err != nil {
		return err
	}
	defer a.Stop(context.Background())
	if err := a.Store.Reset(ctx); err != nil {
		return err
	}
	n, err := projection.Rebuild(ctx, caseclient.New(a.Temporal, caseclient.Options{}), a.Store, logger)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "read model rebuilt: %d cases\n", n)
	return nil
}

// runSeed projects synthetic summaries straight into Redis: for measuring dashboards at scale
// without running as many workflows.
func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("seed", stderr)
	n := fs.Int("cases", 100000, "how many cases to project")
	url := fs.String("redis-url", os.Getenv("REDIS_URL"), "Redis URL (env REDIS_URL)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *url == "" {
		return usageError{"--redis-url (REDIS_URL) is required"}
	}
	store, closeStore, err := openStore(*url)
	if err != nil {
		return usageError{err.Error()}
	}
	defer closeStore()
	if err := readmodel.Seed(ctx, store, *n, time.Now()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "projected %d synthetic cases\n", *n)
	return nil
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// runBench measures caseflow against raw Temporal and Redis and writes the reports.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", stderr)
	out := fs.String("out", "docs/benchmarks", "report path without extension (.md and .json are written)")
	quick := fs.Bool("quick", false, "a small run, to check the harness")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts := bench.DefaultOptions()
	opts.Progress = stderr
	if *quick {
		opts.StartsPerArm, opts.StepsPerArm, opts.OverdueSizes, opts.OverdueQueries = 20, 20, []int{1000}, 20
		opts.TimerActions, opts.MemoryCases, opts.ReplayEvents = 200, []int{100}, 200
	}
	rep, err := bench.Run(ctx, opts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return err
	}
	md, err := os.Create(*out + ".md")
	if err != nil {
		return err
	}
	defer md.Close()
	if _, err := io.WriteString(md, "# caseflow benchmarks\n\n"); err != nil {
		return err
	}
	if err := rep.WriteMarkdown(md, "make bench  (go run ./cmd/caseflow bench --out "+*out+")"); err != nil {
		return err
	}
	js, err := os.Create(*out + ".json")
	if err != nil {
		return err
	}
	defer js.Close()
	if err := rep.WriteJSON(js); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s.md and %s.json\n", *out, *out)
	return nil
}
