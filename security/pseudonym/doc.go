// Package pseudonym turns user ids into pseudonyms for Redis: a keyed hash (HMAC-SHA256 with a
// server secret), so the read model, inboxes, idempotency and rate-limit keys can be matched by
// user without holding who the users are. Without the secret a pseudonym cannot be linked to an
// id, not even by hashing a guessed one.
package pseudonym
