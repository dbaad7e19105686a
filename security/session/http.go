package session

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"

	"github.com/caseflow/caseflow/safeguarding"
)

// Cookie names. Over TLS the __Host- prefix makes the browser refuse the cookie unless it is
// Secure, host-only and for the whole site, so no sibling domain can plant or read it.
const (
	cookieName       = "caseflow-session"
	secureCookieName = "__Host-caseflow-session"
)

// CSRFHeader carries the session's CSRF token on every request of the pages that changes
// something.
const CSRFHeader = "X-CSRF-Token"

// BackgroundHeader marks a request a page makes by itself (a refresh on a timer or a live
// update): it does not count as activity, so an unattended page still reaches the idle timeout.
const BackgroundHeader = "X-Caseflow-Background"

// Cookies sets and reads the session cookie and checks requests made with it.
type Cookies struct {
	store *Store
	// secure marks the cookie Secure even on a request that reached caseflow without TLS, as
	// when a proxy in front ends TLS.
	secure bool
	origin *http.CrossOriginProtection
}

// NewCookies returns the cookie handling of store's sessions. secure says the site is served
// over TLS even when a proxy in front ends it.
func NewCookies(store *Store, secure bool) *Cookies {
	return &Cookies{store: store, secure: secure, origin: http.NewCrossOriginProtection()}
}

// Store returns the sessions' store.
func (c *Cookies) Store() *Store { return c.store }

func (c *Cookies) isSecure(r *http.Request) bool { return c.secure || r.TLS != nil }

func (c *Cookies) name(r *http.Request) string {
	if c.isSecure(r) {
		return secureCookieName
	}
	return cookieName
}

// Set gives the browser the session's cookie. It lives no longer than the session's absolute
// limit; the idle timeout is kept in Redis, where every use renews it.
func (c *Cookies) Set(w http.ResponseWriter, r *http.Request, id string) {
	http.SetCookie(w, &http.Cookie{
		Name: c.name(r), Value: id, Path: "/",
		MaxAge:   int(c.store.opts.Max.Seconds()),
		HttpOnly: true, Secure: c.isSecure(r), SameSite: http.SameSiteLaxMode,
	})
}

// Clear tells the browser to forget the session cookie.
func (c *Cookies) Clear(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: c.name(r), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: c.isSecure(r), SameSite: http.SameSiteLaxMode,
	})
}

// ID returns the session id the request carries, "" when none.
func (c *Cookies) ID(r *http.Request) string {
	ck, err := r.Cookie(c.name(r))
	if err != nil {
		return ""
	}
	return ck.Value
}

// Lookup returns the request's session, renewing its idle timeout unless the request says it
// was made in the background: ErrNone when the request carries no session, ErrExpired when it
// has ended.
func (c *Cookies) Lookup(ctx context.Context, r *http.Request) (Session, error) {
	id := c.ID(r)
	if id == "" {
		return Session{}, ErrNone
	}
	if r.Header.Get(BackgroundHeader) != "" {
		return c.store.Peek(ctx, id)
	}
	return c.store.Touch(ctx, id)
}

// CheckOrigin refuses a request that changes something from another site, judged by the
// browser's Sec-Fetch-Site and Origin headers. It needs no session: the sign-in forms use it.
func (c *Cookies) CheckOrigin(r *http.Request) error {
	if err := c.origin.Check(r); err != nil {
		return fmt.Errorf("%w: %v", ErrForged, err)
	}
	return nil
}

// CheckCSRF refuses a request that changes something unless it comes from caseflow's own pages:
// same origin, and carrying the session's CSRF token (token is the value sent, from the header
// or a form field).
func (c *Cookies) CheckCSRF(r *http.Request, sess Session, token string) error {
	if safeMethod(r.Method) {
		return nil
	}
	if err := c.CheckOrigin(r); err != nil {
		return err
	}
	if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(sess.CSRF)) != 1 {
		return fmt.Errorf("%w: CSRF token missing or wrong", ErrForged)
	}
	return nil
}

// Actor authenticates an API request made by the pages: the session's person, once the request
// passes the CSRF check. ErrNone means the request carries no session (the API then asks for a
// bearer token); ErrExpired and ErrForged refuse it.
func (c *Cookies) Actor(r *http.Request) (safeguarding.Actor, error) {
	sess, err := c.Lookup(r.Context(), r)
	if err != nil {
		return safeguarding.Actor{}, err
	}
	if err := c.CheckCSRF(r, sess, r.Header.Get(CSRFHeader)); err != nil {
		return safeguarding.Actor{}, err
	}
	return sess.Actor, nil
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
