package main

import (
	"context"
	"fmt"
	"io"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/app/config"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runParts(ctx, "serve", config.ModeServe, app.Parts{API: true}, args, stdout, stderr, nil)
}

func runWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runParts(ctx, "worker", config.ModeWorker, app.Parts{Worker: true}, args, stdout, stderr, nil)
}

// runParts validates the configuration, starts the parts, prints where they listen (and what
// announce adds), and stops them cleanly on SIGINT or SIGTERM.
func runParts(ctx context.Context, name string, mode config.Mode, parts app.Parts, args []string, stdout, stderr io.Writer,
	announce func(a *app.App, cfg *config.Config)) error {
	fs := newFlags(name, stderr)
	cfg := config.Bind(fs, mode)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cfg.Validate(mode); err != nil {
		return usageError{"invalid configuration: " + err.Error()}
	}
	logger := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	a, err := app.Start(ctx, cfg, parts, logger)
	if err != nil {
		return err
	}
	if parts.API {
		fmt.Fprintf(stdout, "caseflow API and web pages: %s\n", a.URL())
	}
	if ops := a.OpsURL(); ops != "" {
		fmt.Fprintf(stdout, "health and metrics: %s/readyz, %s/metrics\n", ops, ops)
	}
	if announce != nil {
		announce(a, cfg)
	}
	if a.Mailbox() != nil && parts.API {
		fmt.Fprintf(stdout, "Mail caseflow would send (chases, morning digests): %s/dev/mail\n", a.URL())
	}
	fmt.Fprintln(stdout, "ready; Ctrl-C stops")
	<-ctx.Done()
	fmt.Fprintln(stdout, "stopping")
	a.Stop(context.Background())
	return nil
}
