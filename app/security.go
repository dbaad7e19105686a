package app

import (
	"fmt"
	"net/url"
	"slices"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/api/ratelimit"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/security/encryption"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/security/keyring"
	"github.com/caseflow/caseflow/security/pseudonym"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// protection is what a process holds of caseflow's keys: the converters that encrypt payloads,
// the pseudonyms of user ids in Redis, and the signer (API) or verifier (worker) of callers.
type protection struct {
	keys       *keyring.Keys
	converters *encryption.Converters
	ids        pseudonym.Key
	signer     *identity.Signer
	verifier   *identity.Verifier
}

// loadProtection reads the keys from the configured source; dev keeps them in its data
// directory. Only a process that serves the API needs the identity signing key.
func loadProtection(cfg *config.Config, parts Parts) (*protection, error) {
	source := keyring.Source{File: cfg.Security.KeysFile, Inline: cfg.Security.Keys}
	if parts.Embedded {
		source.DevFile = cfg.DevKeysFile()
	}
	keys, err := source.Load(parts.API)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	p := &protection{keys: keys, verifier: identity.NewVerifier(keys)}
	if p.converters, err = encryption.NewConverters(keys); err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	p.converters = p.converters.BoundBy(workflows.PayloadBinding, !cfg.Security.UnboundPayloads)
	clock := time.Now
	if cfg.Security.ProofClock != nil {
		clock = cfg.Security.ProofClock
	}
	if until := cfg.Security.PlaintextUntil; !until.IsZero() {
		p.converters = p.converters.AllowingPlaintextUntil(until, clock)
	}
	if p.ids, err = pseudonym.New(keys.Pseudonym); err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if keys.Signing != nil {
		if p.signer, err = identity.NewSigner(keys); err != nil {
			return nil, fmt.Errorf("keys: %w", err)
		}
	}
	p.verifier.Now = clock
	if p.signer != nil {
		p.signer.Now = clock
	}
	return p, nil
}

// clientOptions sets the converters on a Temporal client's options: every payload it sends is
// encrypted, every one it receives decrypted.
func (p *protection) clientOptions(opts client.Options) client.Options {
	opts.DataConverter = p.converters.Data
	opts.FailureConverter = p.converters.Failure
	return opts
}

// auditWorkflows are the audit workflows as the worker registers them.
func (p *protection) auditWorkflows() *audit.Workflows {
	return &audit.Workflows{Callers: p.verifier}
}

// newAuditLog is the API's access audit.
func (a *App) newAuditLog() *audit.Log {
	l := audit.NewLog(a.Temporal, a.protection.signer, workflows.TaskQueue)
	l.Logger = a.logger.With("component", "audit")
	return l
}

// Signer vouches for callers, for tools and tests that call workflows as the API does; nil in
// a process without the signing key.
func (a *App) Signer() *identity.Signer { return a.protection.signer }

// Converters are the process's data and failure converters, for tools and tests that read
// histories.
func (a *App) Converters() *encryption.Converters { return a.protection.converters }

// Pseudonyms makes the pseudonyms of user ids that Redis holds.
func (a *App) Pseudonyms() pseudonym.Key { return a.protection.ids }

func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// addressLimit allows perMinute requests a minute per client address, in bursts of a tenth.
func addressLimit(perMinute int) *ratelimit.Local {
	return ratelimit.NewLocal(perMinute, time.Minute, max(perMinute/10, 1))
}

// codecOrigins are the browser origins allowed to call the codec endpoints: those configured,
// and dev's own Web UI.
func (a *App) codecOrigins() []string {
	origins := slices.Clone(a.cfg.Security.CodecOrigins)
	if a.cfg.Security.WebUIAddr != "" {
		origins = append(origins, "http://"+a.cfg.Security.WebUIAddr)
	}
	return origins
}

// originOf is the origin of a URL, as a Content-Security-Policy source; none for "".
func originOf(raw string) []string {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Host == "" {
		return nil
	}
	return []string{u.Scheme + "://" + u.Host}
}
