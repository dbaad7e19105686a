// Package testenv starts the real caseflow stack inside a test: the embedded Temporal server on
// free loopback ports, the worker, the HTTP API, and Redis (the real one named by REDIS_URL, or
// in-process miniredis). Tests then talk to it over HTTP with real tokens, as users do.
package testenv
