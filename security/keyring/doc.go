// Package keyring holds caseflow's secrets: the AES-256 keys that encrypt every Temporal payload,
// the Ed25519 key with which the API vouches for each caller (and the public keys with which the
// worker checks it), and the secret behind the pseudonyms of user ids in Redis.
//
// A key file is JSON, made by `caseflow keys new` and rotated by `caseflow keys rotate`: the
// newest payload and identity keys are "current" and sign or encrypt everything new, older ones
// stay to decrypt and verify what they made. Production reads the file named by
// CASEFLOW_KEYS_FILE or the JSON itself from CASEFLOW_KEYS (for a secret mounted as an
// environment variable); `caseflow dev` keeps one in its data directory. A key file that anyone
// but its owner can read is refused.
package keyring
