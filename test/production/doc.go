// Package production proves caseflow on its production shape, on one machine: PostgreSQL from
// the distribution's packages, the official Temporal server built from its module at the pinned
// version (schema set up by the server's SQL tool, configured by deploy/temporal/server.yaml,
// with mutual TLS from certificates made at test time), redis-server with a password and an
// append-only file, `caseflow setup`, and two workers and two API processes of the lean binary.
// It checks that Temporal refuses clients without a certificate of the client CA. Under
// concurrent load through both APIs it kills one worker and one API with SIGKILL, then checks
// that every accepted request was applied once, every due chase was sent once, and the read
// model equals the workflows. Last, the backup-and-restore drill of docs/backup-and-restore.md:
// it dumps Temporal's databases while cases run, restores them into a new PostgreSQL under a new
// Temporal cluster and new caseflow processes, and checks that every case came back whole.
//
// The test carries the build tag production, so `go test ./...` stays fast; `.ci/run` runs it:
//
//	go test -tags production -v ./production/
//
// It needs PostgreSQL's server binaries and redis-server installed. TEMPORAL_SERVER_BIN and
// TEMPORAL_SQL_TOOL_BIN name prebuilt Temporal binaries; without them the test builds both.
package production
