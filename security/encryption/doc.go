// Package encryption encrypts every payload caseflow writes to Temporal: workflow and activity
// inputs and results, update arguments and results, query results, side-effect and marker
// values, continue-as-new input, and failure messages with their details. The Temporal server,
// its database and anyone reading a history without the keys see ciphertext and the key id.
//
// Each payload is compressed, then sealed with AES-256-GCM under the current key of the key
// ring, with a fresh random nonce; its metadata names the key, so payloads written under older
// keys still decrypt after a rotation. A payload in clear is refused: caseflow wrote none since
// it encrypts, so one was written by a client of the Temporal frontend without the keys, and
// refusing it keeps such a client from starting, signalling or updating a workflow with
// anything a worker acts on (a start or update it refuses leaves the run failed or the update
// rejected; a signal it refuses reaches the workflow as nothing). Histories written before
// encryption are read through a dated migration switch (Codec.AllowingPlaintextUntil, the
// setting --plaintext-payloads-until), which ends at PlaintextEnd whatever it is set to; the
// codec endpoint, which only shows people what they send it, returns payloads in clear as they
// are (Codec.ForReading).
//
// The same DataConverter and FailureConverter must be used by every process that reads or
// writes payloads: the worker, the API's client, the replay tests and operators' tools (through
// the codec endpoint of the API).
package encryption
