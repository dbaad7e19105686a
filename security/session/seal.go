package session

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/caseflow/caseflow/security/keyring"
)

// A session record is sealed with AES-256-GCM before it reaches Redis, so Redis holds neither
// who is signed in (user id, role, team) nor the session's CSRF token. The key is derived with
// HKDF-SHA256 from a payload key of the key ring under a label of its own: it follows the ring's
// rotation (new records use the current key, records sealed with an older key still open while
// that key is in the ring) without ever using a payload key itself for a second purpose, so a
// Temporal payload can never be passed off as a session record, nor the other way round.
//
// A sealed record is
//
//	"cfs1" | len(key id) | key id | nonce | ciphertext and tag
//
// and its associated data is the record's own Redis key with the key id: a record copied
// under another session's key does not open.

// sealedMagic starts every sealed record; a record without it was written in clear by an
// earlier release.
const sealedMagic = "cfs1"

// sessionKeyLabel is the HKDF info that makes a payload key's session subkey.
const sessionKeyLabel = "caseflow session record v1"

// errUnreadable means a record does not open: sealed with a key no longer in the ring, moved
// from another session's key, altered, or written in clear by an earlier release.
var errUnreadable = errors.New("session record does not open")

// indexKeyLabel is the HKDF info that makes a payload key's subkey for naming a person's set
// of sessions.
const indexKeyLabel = "caseflow session index v1"

// sealer seals and opens session records with subkeys of the ring's payload keys, and names
// each person's set of sessions without naming the person.
type sealer struct {
	current string
	aeads   map[string]cipher.AEAD
	// indexKeys are the HMAC keys of the sets of a person's sessions, by payload key id.
	indexKeys map[string][]byte
}

func newSealer(keys *keyring.Keys) (*sealer, error) {
	if keys == nil {
		return nil, errors.New("session records: no keys")
	}
	if _, ok := keys.Payload[keys.CurrentPayload]; !ok {
		return nil, fmt.Errorf("session records: the current payload key %q is not in the key ring", keys.CurrentPayload)
	}
	s := &sealer{current: keys.CurrentPayload, aeads: map[string]cipher.AEAD{}, indexKeys: map[string][]byte{}}
	for id, key := range keys.Payload {
		if len(id) > 255 {
			return nil, fmt.Errorf("session records: payload key id %.20q… is longer than 255 bytes", id)
		}
		sub, err := hkdf.Key(sha256.New, key, nil, sessionKeyLabel, 32)
		if err != nil {
			return nil, fmt.Errorf("session records: derive the key of %q: %w", id, err)
		}
		block, err := aes.NewCipher(sub)
		if err != nil {
			return nil, fmt.Errorf("session records: key of %q: %w", id, err)
		}
		if s.aeads[id], err = cipher.NewGCM(block); err != nil {
			return nil, fmt.Errorf("session records: key of %q: %w", id, err)
		}
		if s.indexKeys[id], err = hkdf.Key(sha256.New, key, nil, indexKeyLabel, 32); err != nil {
			return nil, fmt.Errorf("session records: derive the index key of %q: %w", id, err)
		}
	}
	return s, nil
}

// indexOf names the Redis set of a person's sessions under the current key: a keyed hash, so
// Redis never holds the user id and nobody without the key ring can tell whose set it is.
func (s *sealer) indexOf(userID string) string {
	return indexName(s.indexKeys[s.current], userID)
}

// indexesOf names the person's sets under every key of the ring: sessions begun before a key
// rotation are filed under the key of their day.
func (s *sealer) indexesOf(userID string) []string {
	names := make([]string, 0, len(s.indexKeys))
	for _, key := range s.indexKeys {
		names = append(names, indexName(key, userID))
	}
	return names
}

func indexName(key []byte, userID string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(userID))
	return indexPrefix + hex.EncodeToString(mac.Sum(nil))
}

const indexPrefix = "cf:sessions-of:"

// seal encrypts a record to be stored under redisKey with the current key.
func (s *sealer) seal(redisKey string, plain []byte) ([]byte, error) {
	aead := s.aeads[s.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal session record: %w", err)
	}
	out := append([]byte(sealedMagic), byte(len(s.current)))
	out = append(out, s.current...)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plain, associatedData(redisKey, s.current)), nil
}

// open decrypts a record read from redisKey. A record in clear, under a key the ring no longer
// holds, or not made for redisKey gives errUnreadable; legacy says it was written in clear.
func (s *sealer) open(redisKey string, sealed []byte) (plain []byte, legacy bool, err error) {
	rest, ok := bytes.CutPrefix(sealed, []byte(sealedMagic))
	if !ok {
		return nil, true, errUnreadable
	}
	if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
		return nil, false, errUnreadable
	}
	keyID, rest := string(rest[1:1+int(rest[0])]), rest[1+int(rest[0]):]
	aead, ok := s.aeads[keyID]
	if !ok || len(rest) < aead.NonceSize() {
		return nil, false, errUnreadable
	}
	nonce, ciphertext := rest[:aead.NonceSize()], rest[aead.NonceSize():]
	plain, err = aead.Open(nil, nonce, ciphertext, associatedData(redisKey, keyID))
	if err != nil {
		return nil, false, errUnreadable
	}
	return plain, false, nil
}

// associatedData binds a record to the Redis key it is stored under and to its key id.
func associatedData(redisKey, keyID string) []byte {
	return []byte(sealedMagic + "\x00" + keyID + "\x00" + redisKey)
}
