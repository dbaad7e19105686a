// Package testredis gives unit tests a Redis: the real one of REDIS_URL when it is set (as CI
// sets it), in a database of the test package's own, flushed first; otherwise a fresh in-process
// miniredis. Every test body then runs against either.
package testredis
