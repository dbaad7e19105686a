// Package caseclient is how the API (and the web pages) act on case workflows: update-with-start
// to raise a concern, the step Update naming each further step, Queries to read one case. Each update and query
// carries the API's signed proof of who is calling (package identity), which the worker checks.
// It turns Temporal's errors into the domain's, so callers see "not found" or "conflict", never
// a gRPC status.
package caseclient
