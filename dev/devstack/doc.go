// Package devstack runs, inside one process, the servers caseflow needs: a real Temporal server
// whose state lives in a SQLite file, and an in-process Redis. `caseflow dev` and the
// integration tests use it so that a fresh machine needs nothing installed.
//
// Production never uses this package: there caseflow talks to an existing Temporal cluster and
// Redis, and the lean production build (-tags nodev) does not link it.
package devstack
