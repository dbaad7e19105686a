// Package identity lets the worker check who is behind each update and query of a case.
//
// The workflow cannot see the HTTP request: it sees only the arguments that reach it through
// Temporal, and anyone with access to the Temporal frontend could write "a manager" into them.
// So the API, which authenticated the caller, signs the call: the operation, the case, the
// actor (user, role, team), the step's request id and a digest of its body, when it signed and
// the API request's id. The worker's validators and query handlers refuse a call whose proof is
// missing, signed by a key it does not know, made for another call, or older than MaxAge.
// Signals, which reach workflow code itself, are judged by Authentic alone, once, in a recorded
// side effect: the access audit's batches and the contacts learned at sign-in. What a workflow's
// start brings is taken only from its own continue-as-new (ContinuedByItself).
//
// Signatures are Ed25519 rather than HMAC: the API alone holds the signing key; workers, the
// replay tests and operators' tools hold only public keys, so no process but the API can
// vouch for a caller, and verification keys can be handed out freely. Verifying takes a tenth of
// a millisecond (BenchmarkVerify), nothing beside a Temporal round trip.
package identity
