// Package ratelimit is an in-process rate limiter per key (a token bucket from
// golang.org/x/time/rate per key). caseflow uses it where a limit must hold without Redis: per
// client address before authentication, and in place of the shared Redis limiter when Redis does
// not answer, so that an outage never means no limit.
package ratelimit
