package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

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
