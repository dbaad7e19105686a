package keyring

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// PayloadKeySize is the size of an AES-256 key.
const PayloadKeySize = 32

// pseudonymKeySize is the size of the HMAC-SHA256 secret behind pseudonyms: the hash's own size.
const pseudonymKeySize = 32

// Keys are caseflow's secrets. Payload and Verify map key ids to keys; CurrentPayload and
// CurrentIdentity name the keys that encrypt and sign now.
type Keys struct {
	CurrentPayload string
	Payload        map[string][]byte
	// CurrentIdentity names Signing's key id; Signing is nil for a process that only verifies
	// (the worker), which needs Verify alone.
	CurrentIdentity string
	Signing         ed25519.PrivateKey
	Verify          map[string]ed25519.PublicKey
	// Retired names identity keys retired, with when: a proof a retired key signed after that
	// time is refused, whatever it says. The public key stays, so that what it signed before
	// still verifies when a history replays.
	Retired map[string]time.Time
	// Pseudonym keys the HMAC that turns user ids into pseudonyms in Redis. It is not rotated:
	// a new one makes every pseudonym new, which a read model rebuild (caseflow reindex) applies.
	Pseudonym []byte
}

// file is the JSON form of Keys. Byte slices are base64, as encoding/json writes them.
type file struct {
	Payload struct {
		Current string            `json:"current"`
		Keys    map[string][]byte `json:"keys"`
	} `json:"payload"`
	Identity struct {
		Current string `json:"current"`
		// SigningSeed is the Ed25519 seed of the current key; absent for a verifying process.
		SigningSeed []byte               `json:"signing_seed,omitempty"`
		Verify      map[string][]byte    `json:"verify"`
		Retired     map[string]time.Time `json:"retired,omitempty"`
	} `json:"identity"`
	Pseudonym []byte `json:"pseudonym"`
}

// New makes a complete set of fresh keys.
func New() (*Keys, error) {
	k := &Keys{Payload: map[string][]byte{}, Verify: map[string]ed25519.PublicKey{}}
	if err := k.addPayloadKey(); err != nil {
		return nil, err
	}
	if err := k.addIdentityKey(); err != nil {
		return nil, err
	}
	k.Pseudonym = make([]byte, pseudonymKeySize)
	if _, err := rand.Read(k.Pseudonym); err != nil {
		return nil, fmt.Errorf("generate pseudonym key: %w", err)
	}
	return k, nil
}

// Rotate adds a new payload key and a new identity key and makes them current. The old keys
// stay: payloads they encrypted still decrypt, identities they signed in flight still verify.
func (k *Keys) Rotate() error {
	if err := k.addPayloadKey(); err != nil {
		return err
	}
	return k.addIdentityKey()
}

// RetireIdentity retires every identity key but the current one that is not retired yet, from
// now, and returns their ids. Run once every process signs with the current key: the API
// replicas still signing with an older one would be refused from now on.
func (k *Keys) RetireIdentity(now time.Time) []string {
	var retired []string
	for id := range k.Verify {
		if _, done := k.Retired[id]; done || id == k.CurrentIdentity {
			continue
		}
		if k.Retired == nil {
			k.Retired = map[string]time.Time{}
		}
		k.Retired[id] = now.UTC()
		retired = append(retired, id)
	}
	slices.Sort(retired)
	return retired
}

// keyID names a new key by when it was made, so that ids sort by age, and a random suffix, so
// that two key files never share an id.
func keyID(prefix string) (string, error) {
	var suffix [4]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return "", fmt.Errorf("generate key id: %w", err)
	}
	return prefix + time.Now().UTC().Format("20060102T150405") + "-" + hex.EncodeToString(suffix[:]), nil
}

func (k *Keys) addPayloadKey() error {
	key := make([]byte, PayloadKeySize)
	if _, err := rand.Read(key); err != nil {
		return fmt.Errorf("generate payload key: %w", err)
	}
	id, err := keyID("p")
	if err != nil {
		return err
	}
	k.Payload[id], k.CurrentPayload = key, id
	return nil
}

func (k *Keys) addIdentityKey() error {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("generate identity key: %w", err)
	}
	id, err := keyID("i")
	if err != nil {
		return err
	}
	k.Verify[id], k.Signing, k.CurrentIdentity = pub, priv, id
	return nil
}

// VerifyOnly returns the keys without the identity signing key: what a worker needs.
func (k *Keys) VerifyOnly() *Keys {
	c := *k
	c.Signing = nil
	return &c
}

// Validate checks that the keys are complete and of the right sizes. needSigning is set for
// the API, which signs callers' identities.
func (k *Keys) Validate(needSigning bool) error {
	if len(k.Payload) == 0 {
		return errors.New("no payload keys")
	}
	for id, key := range k.Payload {
		if len(key) != PayloadKeySize {
			return fmt.Errorf("payload key %q is %d bytes, want %d", id, len(key), PayloadKeySize)
		}
	}
	if _, ok := k.Payload[k.CurrentPayload]; !ok {
		return fmt.Errorf("the current payload key %q is not among the payload keys", k.CurrentPayload)
	}
	if len(k.Verify) == 0 {
		return errors.New("no identity verification keys")
	}
	for id, key := range k.Verify {
		if len(key) != ed25519.PublicKeySize {
			return fmt.Errorf("identity key %q is %d bytes, want %d", id, len(key), ed25519.PublicKeySize)
		}
	}
	for id := range k.Retired {
		if _, ok := k.Verify[id]; !ok {
			return fmt.Errorf("retired identity key %q is not among the identity keys", id)
		}
		if id == k.CurrentIdentity {
			return fmt.Errorf("the current identity key %q is retired: rotate to a new one first", id)
		}
	}
	if k.Signing != nil {
		pub, ok := k.Verify[k.CurrentIdentity]
		if !ok || !pub.Equal(k.Signing.Public()) {
			return fmt.Errorf("the identity signing key does not match verification key %q", k.CurrentIdentity)
		}
	} else if needSigning {
		return errors.New("no identity signing key: the API needs the full key file, not the worker's")
	}
	if len(k.Pseudonym) != pseudonymKeySize {
		return fmt.Errorf("the pseudonym key is %d bytes, want %d", len(k.Pseudonym), pseudonymKeySize)
	}
	return nil
}

// Marshal writes the keys as a key file.
func (k *Keys) Marshal() ([]byte, error) {
	var f file
	f.Payload.Current, f.Payload.Keys = k.CurrentPayload, k.Payload
	f.Identity.Current = k.CurrentIdentity
	if k.Signing != nil {
		f.Identity.SigningSeed = k.Signing.Seed()
	}
	f.Identity.Verify = map[string][]byte{}
	for id, pub := range k.Verify {
		f.Identity.Verify[id] = pub
	}
	f.Identity.Retired = k.Retired
	f.Pseudonym = k.Pseudonym
	return json.MarshalIndent(f, "", "  ")
}

// Parse reads a key file and checks it (see Validate).
func Parse(data []byte, needSigning bool) (*Keys, error) {
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("not a caseflow key file: %w", err)
	}
	k := &Keys{
		CurrentPayload: f.Payload.Current, Payload: f.Payload.Keys,
		CurrentIdentity: f.Identity.Current, Verify: map[string]ed25519.PublicKey{},
		Retired: f.Identity.Retired, Pseudonym: f.Pseudonym,
	}
	for id, pub := range f.Identity.Verify {
		k.Verify[id] = pub
	}
	if f.Identity.SigningSeed != nil {
		if len(f.Identity.SigningSeed) != ed25519.SeedSize {
			return nil, fmt.Errorf("the identity signing seed is %d bytes, want %d", len(f.Identity.SigningSeed), ed25519.SeedSize)
		}
		k.Signing = ed25519.NewKeyFromSeed(f.Identity.SigningSeed)
	}
	if err := k.Validate(needSigning); err != nil {
		return nil, err
	}
	return k, nil
}

// ErrTooOpen is returned for a key file that its group or others may read or write.
var ErrTooOpen = errors.New("is readable or writable by others than its owner; chmod 600 it")

// ReadFile reads a key file, refusing one that anyone but its owner may read or write.
func ReadFile(path string, needSigning bool) (*Keys, error) {
	if err := checkPrivate(path); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	k, err := Parse(data, needSigning)
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}

// checkPrivate refuses a file whose mode lets its group or others in.
func checkPrivate(path string) error {
	info, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("key file: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return fmt.Errorf("key file %s (mode %v) %w", path, info.Mode().Perm(), ErrTooOpen)
	}
	return nil
}

// WriteFile writes keys to path with mode 0600, replacing any file there atomically.
func WriteFile(path string, k *Keys) error {
	tmp, err := writeTemp(path, k)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("install key file: %w", err)
	}
	return nil
}

// writeTemp writes keys to a new file of mode 0600 beside path and returns its name.
func writeTemp(path string, k *Keys) (string, error) {
	data, err := k.Marshal()
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create key directory: %w", err)
	}
	f, err := os.CreateTemp(dir, ".keys-*") // CreateTemp makes the file with mode 0600.
	if err != nil {
		return "", fmt.Errorf("write key file: %w", err)
	}
	_, err = f.Write(append(data, '\n'))
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		_ = os.Remove(f.Name())
		return "", fmt.Errorf("write key file: %w", err)
	}
	return f.Name(), nil
}

// LoadOrCreate returns the keys at path, creating a fresh set on first use: what `caseflow dev`
// does with its data directory. The new file is written whole under a temporary name and linked
// into place, so a reader never sees half a file, and processes starting at once agree on one
// set: the first link wins.
func LoadOrCreate(path string) (*Keys, error) {
	k, err := ReadFile(path, true)
	if !errors.Is(err, fs.ErrNotExist) {
		return k, err
	}
	fresh, err := New()
	if err != nil {
		return nil, err
	}
	tmp, err := writeTemp(path, fresh)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); errors.Is(err, fs.ErrExist) {
		return ReadFile(path, true)
	} else if err != nil {
		return nil, fmt.Errorf("install key file: %w", err)
	}
	return fresh, nil
}

// Source says where a process finds its keys.
type Source struct {
	// File is a key file's path (CASEFLOW_KEYS_FILE).
	File string
	// Inline is a key file's content (CASEFLOW_KEYS), for secrets passed in the environment.
	Inline string
	// DevFile is the key file `caseflow dev` creates in its data directory when neither of
	// the above is given.
	DevFile string
}

// Load reads the keys from the first source set.
func (s Source) Load(needSigning bool) (*Keys, error) {
	switch {
	case s.Inline != "":
		k, err := Parse([]byte(s.Inline), needSigning)
		if err != nil {
			return nil, fmt.Errorf("CASEFLOW_KEYS: %w", err)
		}
		return k, nil
	case s.File != "":
		return ReadFile(s.File, needSigning)
	case s.DevFile != "":
		return LoadOrCreate(s.DevFile)
	}
	return nil, errors.New("no keys: set CASEFLOW_KEYS_FILE (make one with caseflow keys new)")
}
