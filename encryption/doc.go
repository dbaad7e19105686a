// Package encryption encrypts every payload caseflow writes to Temporal: workflow and activity
// inputs and results, update arguments and results, query results, side-effect and marker
// values, continue-as-new input, and failure messages with their details. The Temporal server,
// its database and anyone reading a history without the keys see ciphertext and the key id.
//
// Each payload is compressed, then sealed with AES-256-GCM under the current key of the key
// ring, with a fresh random nonce; its metadata names the key, so payloads written under older
// keys still decrypt after a rotation. Payloads the codec did not write (histories recorded
// before encryption) pass through decoding untouched.
//
// The same DataConverter and FailureConverter must be used by every process that reads or
// writes payloads: the worker, the API's client, the replay tests and operators' tools (through
// the codec endpoint of the API).
package encryption
