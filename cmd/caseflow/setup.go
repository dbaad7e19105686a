package main

import (
	"context"
	"fmt"
	"io"

	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/app/setup"
)

// runSetup prepares the Temporal namespace for caseflow and reports each task's outcome. It is
// idempotent: run it before every deployment.
func runSetup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("setup", stderr)
	cfg := config.Bind(fs, config.ModeSetup)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(config.ModeSetup); err != nil {
		return usageError{"invalid configuration: " + err.Error()}
	}
	logger := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	c, err := app.DialTemporal(ctx, cfg, logger, client.Options{})
	if err != nil {
		return err
	}
	defer c.Close()
	fmt.Fprintf(stdout, "setting up Temporal at %s, namespace %s\n", cfg.TemporalAddress, cfg.TemporalNamespace)
	target := setup.Target{Client: c, Namespace: cfg.TemporalNamespace}
	err = setup.Run(ctx, target, setup.Tasks(setup.Options{Retention: cfg.Retention, DigestAt: cfg.Mail.DigestAt, Policy: cfg.Policy}), func(r setup.Result) {
		fmt.Fprintf(stdout, "  %s: %s\n", r.Task, r.Outcome)
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "done")
	return nil
}
