//go:build !nodev

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/dev/bench"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/auth"
)

// devCommands need the embedded servers, mint development tokens or write synthetic data: the
// lean production build (-tags nodev) leaves them out, and with them the Temporal server, its Web
// UI, miniredis and the bench harness.
func devCommands() []command {
	return []command{
		{"dev", "run everything in one process: embedded Temporal (SQLite under --data-dir), Redis, worker, API and web pages", runDev},
		{"token", "mint a development token for dev: caseflow token --role social_worker --user sw-1 [--team north]", runToken},
		{"seed", "project synthetic cases into the read model, for measuring the dashboards", runSeed},
		{"bench", "measure caseflow against raw Temporal and Redis; writes docs/benchmarks.md and .json", runBench},
	}
}

// runToken mints a token for caseflow dev, signed with the key in its data directory: serve
// accepts only the identity provider's tokens, so the lean build has no use for it.
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

// maxTokenLifetime is the lifetime cap of the configuration (CASEFLOW_MAX_TOKEN_LIFETIME).
func maxTokenLifetime() (time.Duration, error) {
	v := envOr("CASEFLOW_MAX_TOKEN_LIFETIME", auth.DefaultMaxLifetime.String())
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, usageError{fmt.Sprintf("CASEFLOW_MAX_TOKEN_LIFETIME: %q is not a positive duration", v)}
	}
	return d, nil
}

func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	announce := func(a *app.App, cfg *config.Config) {
		warnIfExposed(stderr, cfg)
		fmt.Fprintf(stdout, "Temporal frontend: %s (namespace %s; try: temporal workflow list --address %s --namespace %s)\n",
			a.TemporalAddress(), cfg.TemporalNamespace, a.TemporalAddress(), cfg.TemporalNamespace)
		if ui := a.WebUIURL(); ui != "" {
			fmt.Fprintf(stdout, "Temporal Web UI: %s (payloads encrypted; to see them decrypted as the Safeguarding Lead, open %s/dev/codec-sign-in)\n", ui, a.URL())
		}
		fmt.Fprintf(stdout, "Data directory: %s; a token: go run ./cmd/caseflow token --data-dir %s --role social_worker --user sw-1\n", cfg.DataDir, cfg.DataDir)
	}
	return runParts(ctx, "dev", config.ModeDev, app.Parts{Embedded: true, Worker: true, API: true}, args, stdout, stderr, announce)
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

// runBench measures caseflow against raw Temporal and Redis and writes the reports.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench", stderr)
	out := fs.String("out", "docs/benchmarks", "report path without extension (.md and .json are written)")
	quick := fs.Bool("quick", false, "a small run, to check the harness")
	only := fs.String("only", "", "comma-separated stages to run, of: "+strings.Join(bench.Stages, ", "))
	child := fs.String(bench.ChildFlag, "", "run as the benchmark's worker process (started by the benchmark itself)")
	profile := fs.String("heap-profile", "", "write the measured worker processes' heap profiles to this path (.cases and .idle added)")
	from := fs.String("report", "", "write the Markdown report again from this JSON report of an earlier run, measuring nothing")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *child != "" {
		return bench.RunChild(ctx, *child, os.Stdin, stdout)
	}
	if *from != "" {
		rep, err := bench.ReadReport(*from)
		if err != nil {
			return err
		}
		return writeBenchReport(rep, *out, stdout)
	}
	opts := bench.DefaultOptions()
	opts.Progress = stderr
	if *quick {
		opts.StartsPerArm, opts.StepsPerArm, opts.OverdueSizes, opts.OverdueQueries = 20, 20, []int{1000}, 20
		opts.TimerActions, opts.MemoryCases, opts.ReplayEvents = 200, []int{100, 1000}, 200
	}
	if *only != "" {
		opts.Stages = strings.Split(*only, ",")
	}
	opts.HeapProfile = *profile
	rep, err := bench.Run(ctx, opts)
	if rep != nil {
		if werr := writeBenchReport(rep, *out, stdout); werr != nil && err == nil {
			err = werr
		}
	}
	return err
}

// writeBenchReport writes a run's report as out.md and out.json.
func writeBenchReport(rep *bench.Report, out string, stdout io.Writer) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	md, err := os.Create(out + ".md")
	if err != nil {
		return err
	}
	defer md.Close()
	if _, err := io.WriteString(md, "# caseflow benchmarks\n\n"); err != nil {
		return err
	}
	if err := rep.WriteMarkdown(md, "make bench  (go run ./cmd/caseflow bench --out "+out+")"); err != nil {
		return err
	}
	js, err := os.Create(out + ".json")
	if err != nil {
		return err
	}
	defer js.Close()
	if err := rep.WriteJSON(js); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s.md and %s.json\n", out, out)
	return nil
}

// warnIfExposed says, loudly, that dev listens beyond loopback (allowed by --insecure-listen).
func warnIfExposed(stderr io.Writer, cfg *config.Config) {
	if !cfg.Security.InsecureListen {
		return
	}
	fmt.Fprintf(stderr, "\n!!! WARNING: caseflow dev is listening on %s, beyond this machine (--insecure-listen).\n"+
		"!!! Anyone who can reach it can sign in as any role, read every case and decode every payload.\n"+
		"!!! Use it only on a network you trust, with no real children's data.\n\n", cfg.HTTPAddr)
}
