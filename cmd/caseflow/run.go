package main

import (
	"context"
	"fmt"
	"io"

	"github.com/caseflow/caseflow/app"
	"github.com/caseflow/caseflow/config"
)

func runDev(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runParts(ctx, "dev", config.ModeDev, app.Parts{Embedded: true, Worker: true, API: true}, args, stdout, stderr)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runParts(ctx, "serve", config.ModeServe, app.Parts{API: true}, args, stdout, stderr)
}

func runWorker(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runParts(ctx, "worker", config.ModeWorker, app.Parts{Worker: true}, args, stdout, stderr)
}

// runParts validates the configuration, starts the parts, prints where they listen, and stops
// them cleanly on SIGINT or SIGTERM.
func runParts(ctx context.Context, name string, mode config.Mode, parts app.Parts, args []string, stdout, stderr io.Writer) error {
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
	if parts.Embedded {
		warnIfExposed(stderr, cfg)
		fmt.Fprintf(stdout, "Temporal frontend: %s (namespace %s; try: temporal workflow list --address %s --namespace %s)\n",
			a.TemporalAddress(), cfg.TemporalNamespace, a.TemporalAddress(), cfg.TemporalNamespace)
		if ui := a.WebUIURL(); ui != "" {
			fmt.Fprintf(stdout, "Temporal Web UI: %s (payloads encrypted; to see them decrypted as the Safeguarding Lead, open %s/dev/codec-sign-in)\n", ui, a.URL())
		}
		fmt.Fprintf(stdout, "Data directory: %s; a token: go run ./cmd/caseflow token --data-dir %s --role social_worker --user sw-1\n", cfg.DataDir, cfg.DataDir)
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
