package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

// DefaultKeyRefreshInterval is the least time between two fetches of the identity provider's
// keys. go-oidc's own key set fetches the keys again for every token it cannot verify, so each
// forged token costs a request to the provider; this key set fetches only for a key id it does
// not know, and not more often than this. Providers publish a new key before signing with it,
// so a minute's wait is never felt.
const DefaultKeyRefreshInterval = time.Minute

// maxKeySetBytes bounds the provider's key set document.
const maxKeySetBytes = 1 << 20

// signingAlgorithms are the algorithms a provider's key may sign with. Symmetric ones and
// "none" are absent: a provider publishes public keys only.
var signingAlgorithms = []jose.SignatureAlgorithm{
	jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
}

// keySet is an oidc.KeySet that fetches the provider's keys when a token names a key id it has
// not seen, at most once per interval, and never because a signature failed.
type keySet struct {
	url      string
	client   *http.Client
	interval time.Duration

	mu       sync.Mutex
	keys     []jose.JSONWebKey
	fetched  time.Time     // when the last fetch began
	inflight chan struct{} // closed when the running fetch ends; nil when none runs
	err      error         // the last fetch's error
}

func newKeySet(url string, client *http.Client, interval time.Duration) *keySet {
	if interval <= 0 {
		interval = DefaultKeyRefreshInterval
	}
	return &keySet{url: url, client: client, interval: interval}
}

// VerifySignature returns the payload of a JWT signed by one of the provider's keys.
func (k *keySet) VerifySignature(ctx context.Context, raw string) ([]byte, error) {
	jws, err := jose.ParseSigned(raw, signingAlgorithms)
	if err != nil {
		return nil, fmt.Errorf("malformed jwt: %w", err)
	}
	kid := jws.Signatures[0].Header.KeyID
	keys, err := k.keysFor(ctx, kid)
	if err != nil {
		return nil, err
	}
	for _, key := range keys {
		if kid == "" || key.KeyID == kid {
			if payload, err := jws.Verify(&key); err == nil {
				return payload, nil
			}
		}
	}
	return nil, errors.New("failed to verify the token's signature")
}

// keysFor returns the keys to try for a key id, fetching them first when the id is unknown and
// the last fetch is older than the interval.
func (k *keySet) keysFor(ctx context.Context, kid string) ([]jose.JSONWebKey, error) {
	k.mu.Lock()
	if k.knows(kid) || (!k.fetched.IsZero() && time.Since(k.fetched) < k.interval && k.inflight == nil) {
		keys := k.keys
		k.mu.Unlock()
		return keys, nil
	}
	if k.inflight == nil {
		k.inflight = make(chan struct{})
		k.fetched = time.Now()
		go k.fetch(k.inflight)
	}
	done := k.inflight
	k.mu.Unlock()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-done:
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.keys) == 0 && k.err != nil {
		return nil, k.err
	}
	return k.keys, nil
}

func (k *keySet) knows(kid string) bool {
	for _, key := range k.keys {
		if kid == "" || key.KeyID == kid {
			return true
		}
	}
	return false
}

// fetch reads the key set, in the background so that a request that gives up does not cancel
// the fetch others wait for. A failed fetch keeps the keys already known.
func (k *keySet) fetch(done chan struct{}) {
	keys, err := k.download()
	k.mu.Lock()
	defer k.mu.Unlock()
	if err == nil {
		k.keys = keys
	}
	k.err = err
	k.inflight = nil
	close(done)
}

func (k *keySet) download() ([]jose.JSONWebKey, error) {
	ctx, cancel := context.WithTimeout(context.Background(), providerTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch the identity provider's keys: %w", err)
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch the identity provider's keys: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch the identity provider's keys: %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxKeySetBytes))
	if err != nil {
		return nil, fmt.Errorf("read the identity provider's keys: %w", err)
	}
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("decode the identity provider's keys: %w", err)
	}
	var keys []jose.JSONWebKey
	for _, raw := range doc.Keys {
		var key jose.JSONWebKey
		if err := key.UnmarshalJSON(raw); err != nil || !key.Valid() || !key.IsPublic() {
			continue // a key of a type or use this server does not know is not one it needs
		}
		keys = append(keys, key)
	}
	return keys, nil
}
