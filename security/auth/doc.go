// Package auth turns a bearer token into the caller: a safeguarding.Actor with a user id, a
// role and a team.
//
// Production verifies the agency identity provider's tokens with NewOIDCVerifier, which finds
// the provider's keys through OpenID Connect discovery, over https only, and follows their
// rotation without letting forged tokens make it fetch the keys again and again. Development
// signs its own tokens with an Ed25519 key kept in the data directory (LoadOrCreateDevKey,
// NewDevIssuer, NewDevVerifier), so anyone can try every role without an identity provider.
// Whoever issued it, a token valid for longer than the lifetime cap (DefaultMaxLifetime unless
// configured) is refused.
//
// Every refusal wraps ErrUnauthenticated with a short reason that is safe to show the caller,
// such as "token expired" or "unknown role". The token itself never appears in an error.
package auth
