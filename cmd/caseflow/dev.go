//go:build !nodev

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/bench"
	"github.com/caseflow/caseflow/config"
	"github.com/caseflow/caseflow/readmodel"
)

// devCommands need the embedded servers or write synthetic data: the lean production build
// (-tags nodev) leaves them out, and with them the Temporal server, miniredis and the bench
// harness.
func devCommands() []command {
	return []command{
		{"dev", "run everything in one process: embedded Temporal (SQLite under --data-dir), Redis, worker, API and web pages", runDev},
		{"seed", "project synthetic cases into the read model, for measuring the dashboards", runSeed},
		{"bench", "measure caseflow against raw Temporal and Redis; writes docs/benchmarks.md and .json", runBench},
	}
}

func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runParts(ctx, "dev", config.ModeDev, app.Parts{Embedded: true, Worker: true, API: true}, args, stdout, stderr)
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
