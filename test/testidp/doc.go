// Package testidp is an OpenID provider for tests: the agency's identity provider in miniature,
// so that the browser tests sign in the way people do. It serves discovery, its signing keys,
// an authorization endpoint with a sign-in form, a token endpoint that insists on PKCE (S256)
// and returns ID tokens carrying the caseflow role and team claims, and an end-session endpoint.
//
// Keys, discovery of them and token signing come from go-oidc's own test server
// (github.com/coreos/go-oidc/v3/oidc/oidctest); this package adds the authorization code flow.
// It keeps everything in memory and is for tests only.
package testidp
