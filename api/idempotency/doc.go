// Package idempotency remembers POST requests by their Idempotency-Key, per caller, in Redis, so
// a retried request gets the first one's response instead of acting twice, on whichever API
// replica it lands.
package idempotency
