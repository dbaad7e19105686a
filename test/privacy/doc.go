// Package privacy holds the end-to-end tests of how caseflow protects children's records, run
// against the whole stack (embedded Temporal, worker, API, Redis) as an attacker would meet it:
// names planted in a case must appear nowhere in clear (the Temporal database, a history read
// without the keys, Redis), only through the codec endpoint for the Safeguarding Lead; a client
// with raw Temporal access can neither read nor write as someone else; and every access to a case
// is in its access audit, which survives a restart.
package privacy
