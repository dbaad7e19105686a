// Package ratelimit holds the API's rate limits. The per-user limits (requests a minute, new
// cases an hour) are shared by every replica through Redis (Limiter, the generic cell rate
// algorithm of go-redis/redis_rate, keyed by pseudonym). The in-process limiter (Local, a token
// bucket per key from golang.org/x/time/rate) holds where a limit must hold without Redis: per
// client address before authentication, and in place of the shared limiter when Redis does not
// answer, so that an outage never means no limit.
package ratelimit
