// Package session keeps the pages' sign-ins: a server-side session in Redis, named by a random
// id that travels only in an HttpOnly cookie, so no token lives in the browser's storage.
//
// A session ends after a period without use (the idle timeout) and, however busy, at an
// absolute limit after sign-in. Redis holds the session under a hash of its random id: reading
// Redis gives no cookie that could be replayed, and the key says nothing of the person. The
// record itself (who is signed in, their role and team, the CSRF token) is sealed with a key
// of the key ring (see seal.go), so Redis holds no user id. A person's sessions are indexed
// (for "Sign out on every device") under a keyed hash of their id, which names nobody. Each session carries its own CSRF token, which the pages send in a header
// with every request that changes something; cross-origin requests are refused before that, by
// the standard library's cross-origin protection.
package session
