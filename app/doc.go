// Package app assembles caseflow's processes from their parts: the Temporal client, the worker,
// the HTTP API, the read model, and in development the embedded servers. cmd/caseflow and the
// integration tests start caseflow through it, so tests run exactly what users run.
package app
