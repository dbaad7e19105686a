package testidp

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/coreos/go-oidc/v3/oidc/oidctest"

	"github.com/caseflow/caseflow/safeguarding"
)

// ClientID is the one client the provider knows: caseflow.
const ClientID = "caseflow"

const (
	keyID         = "testidp-1"
	sessionCookie = "idp-session"
	codeLifetime  = time.Minute
	tokenLifetime = time.Hour
)

// Provider is a running OpenID provider.
type Provider struct {
	// ClientSecret authenticates caseflow at the token endpoint.
	ClientSecret string

	server *httptest.Server
	keys   *oidctest.Server
	priv   *rsa.PrivateKey
	issuer string

	mu           sync.Mutex
	users        map[string]safeguarding.Actor // by sign-in name
	profiles     map[string]map[string]any     // further ID token claims, by subject
	redirects    []string
	postLogouts  []string
	codes        map[string]grant
	sessions     map[string]string // provider session id -> sign-in name
	signIns      int
	endedSession int
}

// grant is an authorization code waiting to be exchanged.
type grant struct {
	user, redirectURI, challenge, nonce string
	expires                             time.Time
}

// Start runs a provider on loopback until the test ends. Its issuer is http://localhost:port,
// a different site from caseflow's 127.0.0.1, as a real provider is.
func Start(t testing.TB) *Provider {
	t.Helper()
	priv, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &Provider{
		ClientSecret: rand.Text(),
		priv:         priv,
		keys:         &oidctest.Server{PublicKeys: []oidctest.PublicKey{{PublicKey: priv.Public(), KeyID: keyID, Algorithm: oidc.RS256}}},
		users:        map[string]safeguarding.Actor{},
		profiles:     map[string]map[string]any{},
		codes:        map[string]grant{},
		sessions:     map[string]string{},
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.server = httptest.NewUnstartedServer(p.routes())
	p.server.Listener = l
	p.server.Start()
	t.Cleanup(p.server.Close)
	p.issuer = "http://localhost:" + fmt.Sprint(l.Addr().(*net.TCPAddr).Port)
	p.keys.SetIssuer(p.issuer)
	return p
}

// Issuer is the provider's issuer URL.
func (p *Provider) Issuer() string { return p.issuer }

// AddUser lets a person sign in under name, as actor (the subject, role and team claims).
func (p *Provider) AddUser(name string, actor safeguarding.Actor) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.users[name] = actor
}

// SetProfile adds claims (email, email_verified, name) to the ID tokens of the user whose
// subject is userID.
func (p *Provider) SetProfile(userID string, claims map[string]any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.profiles[userID] = claims
}

// RegisterClient allows caseflow at baseURL: its callback and, after sign-out, its home page.
func (p *Provider) RegisterClient(baseURL string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redirects = append(p.redirects, baseURL+"/auth/callback")
	p.postLogouts = append(p.postLogouts, baseURL+"/")
}

// SignIns counts the sign-ins people made through the provider's form.
func (p *Provider) SignIns() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.signIns
}

// EndedSessions counts the provider sessions ended through the end-session endpoint.
func (p *Provider) EndedSessions() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.endedSession
}

// Token returns an ID token for a user, as an API client would hold it.
func (p *Provider) Token(name string) string {
	p.mu.Lock()
	actor, ok := p.users[name]
	p.mu.Unlock()
	if !ok {
		panic("testidp: unknown user " + name)
	}
	return p.idToken(actor, "")
}

func (p *Provider) idToken(a safeguarding.Actor, nonce string) string {
	now := time.Now()
	claims := map[string]any{}
	p.mu.Lock()
	maps.Copy(claims, p.profiles[a.UserID])
	p.mu.Unlock()
	maps.Copy(claims, map[string]any{
		"iss": p.issuer, "aud": ClientID, "sub": a.UserID,
		"iat": now.Unix(), "exp": now.Add(tokenLifetime).Unix(), "auth_time": now.Unix(),
		"role": string(a.Role),
	})
	if a.Team != "" {
		claims["team"] = a.Team
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	raw, err := json.Marshal(claims)
	if err != nil {
		panic(err)
	}
	return oidctest.SignIDToken(p.priv, keyID, oidc.RS256, string(raw))
}

func (p *Provider) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.Handle("GET /keys", p.keys)
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /authorize", p.signIn)
	mux.HandleFunc("POST /token", p.token)
	mux.HandleFunc("GET /logout", p.endSession)
	return mux
}

func (p *Provider) discovery(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"issuer":                                p.issuer,
		"authorization_endpoint":                p.issuer + "/authorize",
		"token_endpoint":                        p.issuer + "/token",
		"jwks_uri":                              p.issuer + "/keys",
		"end_session_endpoint":                  p.issuer + "/logout",
		"response_types_supported":              []string{"code"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{oidc.RS256},
		"code_challenge_methods_supported":      []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{"client_secret_basic", "client_secret_post"},
		"scopes_supported":                      []string{oidc.ScopeOpenID},
	})
}

// authorize checks the request, then signs the person in with the provider's own session or
// shows its sign-in form.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if msg := p.checkAuthorize(q); msg != "" {
		http.Error(w, "invalid_request: "+msg, http.StatusBadRequest)
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		p.mu.Lock()
		name, ok := p.sessions[c.Value]
		p.mu.Unlock()
		if ok {
			p.redirectWithCode(w, r, q, name)
			return
		}
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = signInForm.Execute(w, q)
}

func (p *Provider) checkAuthorize(q url.Values) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case q.Get("client_id") != ClientID:
		return "unknown client"
	case q.Get("response_type") != "code":
		return "only the code flow is supported"
	case !slices.Contains(p.redirects, q.Get("redirect_uri")):
		return "redirect_uri not registered"
	case !slices.Contains(strings.Fields(q.Get("scope")), oidc.ScopeOpenID):
		return "scope must include openid"
	case q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256":
		return "PKCE with S256 is required"
	case q.Get("state") == "" || q.Get("nonce") == "":
		return "state and nonce are required"
	}
	return ""
}

var signInForm = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Agency sign-in</title></head>
<body><main><h1>Agency sign-in</h1>
<form method="post" action="/authorize">
{{range $k, $v := .}}<input type="hidden" name="{{$k}}" value="{{index $v 0}}">{{end}}
<label for="username">Username</label> <input id="username" name="username" autocomplete="username">
<button type="submit" id="idp-signin">Sign in</button>
</form></main></body></html>`))

// signIn takes the form: it starts the provider's session and returns to caseflow with a code.
func (p *Provider) signIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	q := r.PostForm
	if msg := p.checkAuthorize(q); msg != "" {
		http.Error(w, "invalid_request: "+msg, http.StatusBadRequest)
		return
	}
	name := q.Get("username")
	p.mu.Lock()
	_, known := p.users[name]
	sid := rand.Text()
	if known {
		p.sessions[sid] = name
		p.signIns++
	}
	p.mu.Unlock()
	if !known {
		http.Error(w, "Unknown username.", http.StatusUnauthorized)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	p.redirectWithCode(w, r, q, name)
}

func (p *Provider) redirectWithCode(w http.ResponseWriter, r *http.Request, q url.Values, name string) {
	code := rand.Text()
	p.mu.Lock()
	p.codes[code] = grant{
		user: name, redirectURI: q.Get("redirect_uri"), challenge: q.Get("code_challenge"),
		nonce: q.Get("nonce"), expires: time.Now().Add(codeLifetime),
	}
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token exchanges a code, once, for the client that proves it started the flow (PKCE).
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, "invalid_request", err.Error())
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != ClientID || secret != p.ClientSecret {
		tokenError(w, "invalid_client", "client authentication failed")
		return
	}
	if r.PostForm.Get("grant_type") != "authorization_code" {
		tokenError(w, "unsupported_grant_type", "only authorization_code")
		return
	}
	p.mu.Lock()
	code := r.PostForm.Get("code")
	g, found := p.codes[code]
	delete(p.codes, code)
	actor := p.users[g.user]
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !found || time.Now().After(g.expires):
		tokenError(w, "invalid_grant", "unknown, used or expired code")
	case g.redirectURI != r.PostForm.Get("redirect_uri"):
		tokenError(w, "invalid_grant", "redirect_uri differs from the authorization request")
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		tokenError(w, "invalid_grant", "code_verifier does not match the code_challenge")
	default:
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": rand.Text(), "token_type": "Bearer", "expires_in": int(tokenLifetime.Seconds()),
			"id_token": p.idToken(actor, g.nonce),
		})
	}
}

func tokenError(w http.ResponseWriter, code, description string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": description})
}

// endSession ends the provider's session (RP-initiated logout) and returns to a registered page.
func (p *Provider) endSession(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.mu.Lock()
	allowed := q.Get("client_id") == ClientID && slices.Contains(p.postLogouts, q.Get("post_logout_redirect_uri"))
	if c, err := r.Cookie(sessionCookie); err == nil && allowed {
		if _, ok := p.sessions[c.Value]; ok {
			delete(p.sessions, c.Value)
			p.endedSession++
		}
	}
	p.mu.Unlock()
	if !allowed {
		http.Error(w, "invalid_request: unknown client or post_logout_redirect_uri", http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1})
	http.Redirect(w, r, q.Get("post_logout_redirect_uri"), http.StatusFound)
}
