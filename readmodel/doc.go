// Package readmodel is caseflow's Redis read model: case summaries (package projection), the
// indexes behind every list and dashboard, and live-update fan-out. The API's other Redis keys,
// idempotency keys and per-user rate limits, are its own (api/idempotency, api/ratelimit).
//
// Temporal is the system of record; everything here is derived and disposable. Each case's
// workflow projects its summary after every change, versioned so that an overtaken projection
// never wins, and the whole model can be flushed and rebuilt from the workflows at any time.
//
// The read model holds no personal data: only opaque ids (case ids, pseudonymous references,
// team and local authority codes), pseudonyms of user ids (keyed hashes: the ids themselves never
// reach Redis, see pseudonyms.go), policy rule ids, times and counts. A child's name, an account
// of a concern or anything else a person wrote stays in the workflow's payloads, which are
// encrypted before they reach Temporal (package encryption). What each person may see of it is
// decided by the domain's visibility policy (safeguarding.Sight), applied to every list here.
package readmodel
