package web

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/auth"
	"github.com/caseflow/caseflow/security/session"
)

// Sign-in through the agency's identity provider: the OpenID Connect authorization code flow
// with PKCE. The browser only ever holds the session cookie; the code, the tokens and the PKCE
// verifier stay between caseflow and the provider.

// CallbackPath is where the identity provider sends people back after sign-in.
const CallbackPath = "/auth/callback"

// stateCookie binds a sign-in to the browser that began it, so nobody can finish their own
// sign-in in someone else's browser.
const stateCookie = "caseflow-signin"

// OIDCOptions configure sign-in through the agency's identity provider.
type OIDCOptions struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is caseflow's callback as the provider knows it, such as
	// https://caseflow.example.org/auth/callback. When empty, it is taken from the request, on
	// loopback addresses only (development and tests).
	RedirectURL string
	// Verifier is the API's token verifier. A session is made only for an ID token the API
	// itself would accept, with the same role and team claims.
	Verifier auth.Verifier
	// SignedIn, when set, is told what the ID token says of each person who signs in: their
	// email (unless the provider says it is unverified) and name claims, for the directory.
	SignedIn func(ctx context.Context, a safeguarding.Actor, email, name string)
}

// OIDC signs people in through the agency's identity provider.
type OIDC struct {
	opts       OIDCOptions
	provider   *oidc.Provider
	idTokens   *oidc.IDTokenVerifier
	endSession string
}

// providerTimeout bounds each request to the identity provider.
const providerTimeout = 10 * time.Second

// NewOIDC discovers the identity provider. ctx bounds discovery only.
func NewOIDC(ctx context.Context, opts OIDCOptions) (*OIDC, error) {
	if opts.Issuer == "" || opts.ClientID == "" || opts.Verifier == nil {
		return nil, errors.New("OIDC sign-in: issuer, client id and verifier are required")
	}
	ctx = oidc.ClientContext(ctx, &http.Client{Timeout: providerTimeout})
	provider, err := oidc.NewProvider(ctx, opts.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover identity provider for sign-in: %w", err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := provider.Claims(&extra); err != nil {
		return nil, fmt.Errorf("read identity provider metadata: %w", err)
	}
	return &OIDC{
		opts:       opts,
		provider:   provider,
		idTokens:   provider.Verifier(&oidc.Config{ClientID: opts.ClientID}),
		endSession: extra.EndSession,
	}, nil
}

// redirectURL is the callback for this request.
func (o *OIDC) redirectURL(r *http.Request) (string, error) {
	if o.opts.RedirectURL != "" {
		return o.opts.RedirectURL, nil
	}
	if !isLoopback(r.Host) {
		return "", errors.New("the sign-in callback address (CASEFLOW_OIDC_REDIRECT_URL) is not configured")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + CallbackPath, nil
}

func isLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (o *OIDC) config(redirect string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: o.opts.ClientID, ClientSecret: o.opts.ClientSecret,
		Endpoint: o.provider.Endpoint(), RedirectURL: redirect,
		Scopes: []string{oidc.ScopeOpenID},
	}
}

// signin handlers: begin at the provider, come back with a code, sign out of both.
type signin struct {
	cookies *session.Cookies
	oidc    *OIDC
	logger  *slog.Logger
	render  func(c *gin.Context, status int, p page, data pageData)
}

// begin sends the browser to the provider with a fresh state, nonce and PKCE challenge.
func (s *signin) begin(c *gin.Context) {
	noStore(c)
	redirect, err := s.oidc.redirectURL(c.Request)
	if err != nil {
		s.refuse(c, http.StatusServiceUnavailable, "Signing in through your agency is not set up on this server.", err)
		return
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	if err := s.cookies.Store().SavePending(c.Request.Context(), state, session.Pending{Verifier: verifier, Nonce: nonce, Next: c.Query("next")}); err != nil {
		s.refuse(c, http.StatusServiceUnavailable, "Sign-in is not available just now. Please try again in a minute.", err)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: stateCookie, Value: state, Path: CallbackPath, MaxAge: int(session.PendingLifetime.Seconds()),
		HttpOnly: true, Secure: c.Request.TLS != nil || strings.HasPrefix(redirect, "https:"), SameSite: http.SameSiteLaxMode,
	})
	c.Redirect(http.StatusSeeOther, s.oidc.config(redirect).AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)))
}

// callback finishes the sign-in: the state matches this browser's, the code is exchanged with
// the PKCE verifier, the ID token is checked (signature, audience, expiry, nonce, caseflow
// role), and a new session starts.
func (s *signin) callback(c *gin.Context) {
	noStore(c)
	q := c.Request.URL.Query()
	http.SetCookie(c.Writer, &http.Cookie{Name: stateCookie, Value: "", Path: CallbackPath, MaxAge: -1, HttpOnly: true})
	if e := q.Get("error"); e != "" {
		s.refuse(c, http.StatusUnauthorized, "Your agency did not sign you in. Please try again, or ask your administrator.", errors.New("provider answered "+e))
		return
	}
	state := q.Get("state")
	browserState, err := c.Request.Cookie(stateCookie)
	if state == "" || err != nil || browserState.Value != state {
		s.refuse(c, http.StatusBadRequest, "This sign-in was not started in this browser. Please sign in again.", errors.New("state does not match the browser's"))
		return
	}
	ctx := oidc.ClientContext(c.Request.Context(), &http.Client{Timeout: providerTimeout})
	pending, err := s.cookies.Store().TakePending(ctx, state)
	if err != nil {
		s.refuse(c, http.StatusBadRequest, "This sign-in took too long or was already used. Please sign in again.", err)
		return
	}
	redirect, err := s.oidc.redirectURL(c.Request)
	if err != nil {
		s.refuse(c, http.StatusServiceUnavailable, "Signing in through your agency is not set up on this server.", err)
		return
	}
	token, err := s.oidc.config(redirect).Exchange(ctx, q.Get("code"), oauth2.VerifierOption(pending.Verifier))
	if err != nil {
		s.refuse(c, http.StatusBadGateway, "Your agency's sign-in service did not confirm the sign-in. Please try again.", fmt.Errorf("code exchange: %w", err))
		return
	}
	raw, _ := token.Extra("id_token").(string)
	idToken, err := s.oidc.idTokens.Verify(ctx, raw)
	if err != nil || idToken.Nonce != pending.Nonce {
		s.refuse(c, http.StatusUnauthorized, "Your agency's sign-in could not be checked. Please sign in again.", errors.New("ID token refused or nonce mismatch"))
		return
	}
	actor, err := s.oidc.opts.Verifier.Verify(ctx, raw)
	if err != nil {
		msg := "Your account cannot use caseflow. Ask your administrator to give you a caseflow role."
		s.refuse(c, http.StatusForbidden, msg, err)
		return
	}
	if tell := s.oidc.opts.SignedIn; tell != nil {
		var profile struct {
			Email    string `json:"email"`
			Verified *bool  `json:"email_verified"`
			Name     string `json:"name"`
		}
		if idToken.Claims(&profile) == nil && profile.Email != "" && (profile.Verified == nil || *profile.Verified) {
			tell(ctx, actor, profile.Email, profile.Name)
		}
	}
	s.start(c, actor, "oidc", pending.Next)
}

// start replaces any session the browser had with a new one, so an id known before sign-in is
// worth nothing after it, then goes back to the page whose sign-in ended (next), when it is one
// of caseflow's pages the person may open, or else to their home page.
func (s *signin) start(c *gin.Context, actor safeguarding.Actor, via, next string) {
	ctx := c.Request.Context()
	_ = s.cookies.Store().Delete(ctx, s.cookies.ID(c.Request))
	id, _, err := s.cookies.Store().Create(ctx, actor, via)
	if err != nil {
		s.refuse(c, http.StatusServiceUnavailable, "Sign-in is not available just now. Please try again in a minute.", err)
		return
	}
	s.cookies.Set(c.Writer, c.Request, id)
	s.logger.Info("signed in", "role", actor.Role, "via", via)
	c.Redirect(http.StatusSeeOther, returnTo(next, actor.Role))
}

// returnTo is where a sign-in lands: next, when it is the path of a page the role may open
// (nothing else: no other site, no query), or the role's home page.
func returnTo(next string, role safeguarding.Role) string {
	if p, ok := pageAt(next); ok && p.name != "signin" && p.allows(role) {
		return next
	}
	return homeFor(role)
}

// pageAt is the page whose path pattern the path matches.
func pageAt(path string) (page, bool) {
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#\\") || strings.Contains(path, "//") {
		return page{}, false
	}
	got := strings.Split(path, "/")
	for _, p := range pages {
		want := strings.Split(p.path, "/")
		if len(want) != len(got) {
			continue
		}
		match := true
		for i := range want {
			if strings.HasPrefix(want[i], ":") {
				match = match && got[i] != "" && validSegment(got[i])
			} else {
				match = match && want[i] == got[i]
			}
		}
		if match {
			return p, true
		}
	}
	return page{}, false
}

// validSegment is a path parameter caseflow makes: letters and digits.
func validSegment(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
	})
}

// signOut ends the caseflow session and, when the person came through the identity provider
// and it offers end-session, the provider's session too.
func (s *signin) signOut(c *gin.Context) {
	noStore(c)
	sess, err := s.cookies.Lookup(c.Request.Context(), c.Request)
	if err == nil {
		if err := s.cookies.CheckCSRF(c.Request, sess, c.PostForm("csrf")); err != nil {
			s.refuse(c, http.StatusForbidden, "Sign-out must come from caseflow's own pages.", err)
			return
		}
	}
	if err := s.cookies.Store().Delete(c.Request.Context(), s.cookies.ID(c.Request)); err != nil {
		s.refuse(c, http.StatusServiceUnavailable, "Sign-out did not finish. Please try again.", err)
		return
	}
	s.leave(c, sess)
}

// signOutEverywhere ends every session of the person, on every device (a phone lost, a
// computer left signed in elsewhere), then signs out here as signOut does. Unlike sign-out
// here, it needs the session it is asked from: it acts on the person's other sessions.
func (s *signin) signOutEverywhere(c *gin.Context) {
	noStore(c)
	sess, err := s.cookies.Lookup(c.Request.Context(), c.Request)
	if err != nil {
		s.refuse(c, http.StatusUnauthorized, "Your session has ended. Sign in again, then sign out everywhere.", err)
		return
	}
	if err := s.cookies.CheckCSRF(c.Request, sess, c.PostForm("csrf")); err != nil {
		s.refuse(c, http.StatusForbidden, "Sign-out must come from caseflow's own pages.", err)
		return
	}
	ended, err := s.cookies.Store().EndAll(c.Request.Context(), sess.Actor.UserID)
	if err != nil {
		s.refuse(c, http.StatusServiceUnavailable, "Signing out everywhere did not finish. Please try again; if it keeps failing, ask the Safeguarding Lead to have your sessions ended.", err)
		return
	}
	s.logger.Info("signed out everywhere", "role", sess.Actor.Role, "sessions", ended)
	s.leave(c, sess)
}

// leave forgets the session cookie and goes to the start page, through the identity provider's
// end-session when the person signed in there and it offers one.
func (s *signin) leave(c *gin.Context, sess session.Session) {
	s.cookies.Clear(c.Writer, c.Request)
	if s.oidc != nil && s.oidc.endSession != "" && sess.Via == "oidc" {
		if home, err := s.oidc.redirectURL(c.Request); err == nil {
			u, err := url.Parse(s.oidc.endSession)
			if err == nil {
				v := u.Query()
				v.Set("client_id", s.oidc.opts.ClientID)
				v.Set("post_logout_redirect_uri", strings.TrimSuffix(home, CallbackPath)+"/")
				u.RawQuery = v.Encode()
				c.Redirect(http.StatusSeeOther, u.String())
				return
			}
		}
	}
	c.Redirect(http.StatusSeeOther, "/")
}

// devSignIn signs in as anyone: development only. The origin check stops another site from
// signing a visitor in as someone else.
func (s *signin) devSignIn(c *gin.Context) {
	noStore(c)
	if err := s.cookies.CheckOrigin(c.Request); err != nil {
		s.refuse(c, http.StatusForbidden, "Sign-in must come from caseflow's own page.", err)
		return
	}
	role, err := safeguarding.ParseRole(c.PostForm("role"))
	user := strings.TrimSpace(c.PostForm("user"))
	if err != nil || user == "" {
		s.refuse(c, http.StatusBadRequest, "Choose a role and give a user id.", errors.New("incomplete development sign-in"))
		return
	}
	s.start(c, safeguarding.Actor{UserID: user, Role: role, Team: strings.TrimSpace(c.PostForm("team"))}, "dev", c.PostForm("next"))
}

// refuse shows the sign-in page with what went wrong, in words the person can act on; the
// detail goes to the log, without tokens or personal data.
func (s *signin) refuse(c *gin.Context, status int, message string, err error) {
	s.logger.Warn("sign-in refused", "status", status, "reason", err.Error())
	s.render(c, status, pageNamed("signin"), pageData{Message: message})
}
