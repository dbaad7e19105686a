package devstack

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"

	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// serverLogger sends the embedded server's logs to slog. The server is chatty at info level about
// its own life cycle, so info becomes debug; warnings and errors pass through once the server is
// up and until it stops. While its services start, and while they stop, they report each other
// missing: that is expected, and only noise (a start that fails returns its error instead).
type serverLogger struct {
	l     *slog.Logger
	quiet *atomic.Bool
}

var _ log.Logger = serverLogger{}

func (s serverLogger) Debug(msg string, tags ...tag.Tag) { s.log(slog.LevelDebug, msg, tags) }
func (s serverLogger) Info(msg string, tags ...tag.Tag)  { s.log(slog.LevelDebug, msg, tags) }
func (s serverLogger) Warn(msg string, tags ...tag.Tag)  { s.log(slog.LevelWarn, msg, tags) }
func (s serverLogger) Error(msg string, tags ...tag.Tag) { s.log(slog.LevelError, msg, tags) }
func (s serverLogger) DPanic(msg string, tags ...tag.Tag) {
	s.log(slog.LevelError, msg, tags)
}
func (s serverLogger) Panic(msg string, tags ...tag.Tag) {
	s.log(slog.LevelError, msg, tags)
	panic(msg)
}

// Fatal panics where the server's own logger would exit the process, so that StartTemporal can
// recover from a port taken at start.
func (s serverLogger) Fatal(msg string, tags ...tag.Tag) {
	s.log(slog.LevelError, msg, tags)
	fatal := serverFatal{msg: msg}
	for _, t := range tags {
		if t.Key() == "address" {
			fatal.address = fmt.Sprint(t.Value())
		}
	}
	panic(fatal)
}

// serverFatal is the panic value of a Fatal report.
type serverFatal struct{ msg, address string }

func (f serverFatal) Error() string {
	if f.address != "" {
		return "temporal server: " + f.msg + " on " + f.address
	}
	return "temporal server: " + f.msg
}

// bindFailed tells whether the server could not listen on a port it was given: the gRPC and
// membership listeners report so as "Failed to start gRPC listener" and "Failed to start
// ringpop listener".
func (f serverFatal) bindFailed() bool {
	return strings.HasPrefix(f.msg, "Failed to start ") && strings.HasSuffix(f.msg, " listener")
}

// With keeps tags attached, as the server expects of a log.WithLogger.
func (s serverLogger) With(tags ...tag.Tag) log.Logger {
	return serverLogger{l: s.l.With(attrs(tags)...), quiet: s.quiet}
}

func (s serverLogger) log(level slog.Level, msg string, tags []tag.Tag) {
	ctx := context.Background()
	if s.quiet.Load() || !s.l.Enabled(ctx, level) {
		return
	}
	s.l.Log(ctx, level, msg, attrs(tags)...)
}

func attrs(tags []tag.Tag) []any {
	out := make([]any, 0, len(tags))
	for _, t := range tags {
		out = append(out, slog.Any(t.Key(), t.Value()))
	}
	return out
}

// quietSDKLogger silences the short-lived SDK client used while setting the server up.
type quietSDKLogger struct{}

func (quietSDKLogger) Debug(string, ...any) {}
func (quietSDKLogger) Info(string, ...any)  {}
func (quietSDKLogger) Warn(string, ...any)  {}
func (quietSDKLogger) Error(string, ...any) {}
