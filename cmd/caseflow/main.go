package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/caseflow/caseflow/app/setup"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return append([]command{
		{"serve", "run the HTTP API and web pages against an existing Temporal and Redis", runServe},
		{"worker", "run the case workflow worker against an existing Temporal and Redis", runWorker},
		{"setup", "prepare a Temporal cluster for caseflow: the namespace and its search attributes (idempotent)", runSetup},
		{"reindex", "rebuild the Redis read model from the running case workflows", runReindex},
		{"keys", "make and rotate key files: caseflow keys new --out FILE; caseflow keys help", runKeys},
		{"policy", "policy tools: caseflow policy deadlines --from TIME [--la CODE] [--policy FILE]; caseflow policy default", runPolicy},
		{"directory", "directory tools: caseflow directory check FILE; caseflow directory example", runDirectory},
	}, devCommands()...)
}

// usageError is a mistake in how caseflow was invoked; it exits with status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		var usage usageError
		var notSetUp *setup.NotSetUpError
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &usage):
			fmt.Fprintf(stderr, "caseflow %s: %s\n", c.name, oneLine(usage.msg))
			return 2
		case errors.As(err, &notSetUp):
			fmt.Fprintf(stderr, "caseflow %s: %s\n", c.name, notSetUp.Error())
			return 2
		default:
			fmt.Fprintf(stderr, "caseflow %s: %s\n", c.name, oneLine(err.Error()))
			return 1
		}
	}
	fmt.Fprintf(stderr, "caseflow: unknown command %q; run caseflow help\n", args[0])
	return 2
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "caseflow keeps safeguarding cases of children suspected of being victims of modern slavery or exploitation moving, and chases late steps.")
	fmt.Fprintln(w, "\nUsage: caseflow <command> [flags]   (caseflow <command> --help for its flags)\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "  help     show this list")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// newFlags returns a flag set whose errors are returned, not printed and exited on.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("caseflow "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parse parses flags; a bad flag is a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
