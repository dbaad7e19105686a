package pseudonym

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"strings"
)

// Prefix starts every pseudonym, so one is never mistaken for a user id.
const Prefix = "p-"

// Key makes pseudonyms. The zero Key is not usable: New is the only way to get one.
type Key struct{ secret []byte }

// New returns a Key for a secret of at least 32 bytes.
func New(secret []byte) (Key, error) {
	if len(secret) < 32 {
		return Key{}, errors.New("pseudonym key: the secret must be at least 32 bytes")
	}
	return Key{secret: append([]byte(nil), secret...)}, nil
}

var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Of returns the pseudonym of a user id, "" for "". A zero Key panics: storing ids in clear
// because a key was forgotten must never happen quietly.
func (k Key) Of(userID string) string {
	if userID == "" {
		return ""
	}
	if k.secret == nil {
		panic("pseudonym: Key used without a secret")
	}
	return Prefix + k.hash("user", userID)
}

// Keyed returns an opaque Redis key part for any text that names a person: an IP address, a
// client-chosen idempotency key with its owner. kind separates the uses.
func (k Key) Keyed(kind string, parts ...string) string {
	if k.secret == nil {
		panic("pseudonym: Key used without a secret")
	}
	return k.hash(kind, parts...)
}

func (k Key) hash(kind string, parts ...string) string {
	mac := hmac.New(sha256.New, k.secret)
	mac.Write([]byte(kind))
	for _, p := range parts {
		mac.Write([]byte{0})
		mac.Write([]byte(p))
	}
	// 128 bits: collisions between users stay out of reach, and keys stay short.
	return encoding.EncodeToString(mac.Sum(nil)[:16])
}

// IsPseudonym reports whether s looks like a pseudonym rather than a user id.
func IsPseudonym(s string) bool {
	return strings.HasPrefix(s, Prefix) && len(s) == len(Prefix)+26
}
