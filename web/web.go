package web

import (
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/session"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Options configure the pages.
type Options struct {
	// Sessions keeps the signed-in people.
	Sessions *session.Cookies
	// OIDC signs people in through the agency's identity provider; nil when auth is dev.
	OIDC *OIDC
	// DevSignIn lets anyone sign in as any role and user: for development and demonstrations
	// only, never in production.
	DevSignIn bool
	// ActionTitles names each kind of action (a policy rule id) in the policy's own words.
	ActionTitles map[string]string
	Logger       *slog.Logger
	// NotFound answers a request for an unknown address that is not a browser asking for a page
	// (the API's problem answer); a 404 with no body when nil.
	NotFound gin.HandlerFunc
}

// page is one page: its template, title, and the roles it is for (all when empty).
type page struct {
	path, name, title string
	roles             []safeguarding.Role
}

var (
	overseers = safeguarding.Overseers
	staff     = []safeguarding.Role{safeguarding.RoleSocialWorker, safeguarding.RoleFosteringSocialWorker, safeguarding.RoleManager, safeguarding.RoleSafeguardingLead}
)

var pages = []page{
	{"/", "signin", "Sign in", nil},
	{"/board", "board", "Overdue actions", overseers},
	{"/cases", "cases", "My work", staff},
	{"/cases/:id", "case", "Case", safeguarding.CaseRoles},
	{"/cases/:id/access", "access", "Who accessed this case", overseers},
	{"/decryptions", "decryptions", "Record of decryptions", []safeguarding.Role{safeguarding.RoleDataProtectionOfficer}},
	{"/my", "my", "My children", []safeguarding.Role{safeguarding.RoleCarer}},
	{"/raise", "raise", "Raise a concern", safeguarding.CaseRoles},
	{"/register", "register", "Destruction register", []safeguarding.Role{safeguarding.RoleSafeguardingLead}},
}

// Roots are the first path segments of every page, its assets and its sign-in, as a proxy in
// front of caseflow must route them ("/" is the sign-in page alone).
func Roots() []string {
	roots := []string{"/", "/assets", "/auth"}
	for _, p := range pages {
		root := "/" + strings.SplitN(strings.TrimPrefix(p.path, "/"), "/", 2)[0]
		if root != "/" && !slices.Contains(roots, root) {
			roots = append(roots, root)
		}
	}
	slices.Sort(roots)
	return roots
}

// notFound is the page a browser gets at an address caseflow does not serve.
var notFound = page{name: "notfound", title: "Page not found"}

func pageNamed(name string) page {
	for _, p := range pages {
		if p.name == name {
			return p
		}
	}
	panic("web: no page " + name)
}

func (p page) allows(r safeguarding.Role) bool {
	return len(p.roles) == 0 || slices.Contains(p.roles, r)
}

// homeFor is where a person lands after signing in.
func homeFor(role safeguarding.Role) string {
	switch role {
	case safeguarding.RoleManager, safeguarding.RoleSafeguardingLead:
		return "/board"
	case safeguarding.RoleCarer:
		return "/my"
	case safeguarding.RoleDataProtectionOfficer:
		return "/decryptions"
	default:
		return "/cases"
	}
}

// pageData is what a template sees.
type pageData struct {
	Page, Title string
	// Actor is the signed-in person; empty on the sign-in page.
	Actor    safeguarding.Actor
	RoleName string
	CSRF     string
	CaseID   string
	// Message explains a refused sign-in. Next is the page to return to once signed in, and
	// Ended says the sign-in ended there (the session expired), with what was typed kept.
	Message      string
	Next         string
	Ended        bool
	OIDC         bool
	DevSignIn    bool
	Roles        []safeguarding.Role
	ActionTitles map[string]string
}

// roleNames are the roles as people say them.
var roleNames = map[safeguarding.Role]string{
	safeguarding.RoleCarer:                 "foster carer",
	safeguarding.RoleSocialWorker:          "social worker",
	safeguarding.RoleFosteringSocialWorker: "fostering social worker",
	safeguarding.RoleSafeguardingLead:      "Safeguarding Lead",
	safeguarding.RoleManager:               "manager",
	safeguarding.RoleDataProtectionOfficer: "data protection officer",
}

// Register mounts the pages, their assets and the sign-in routes on r.
func Register(r *gin.Engine, opts Options) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	tmpl := template.Must(template.New("").Funcs(template.FuncMap{"roleName": func(r safeguarding.Role) string { return roleNames[r] }}).
		ParseFS(templateFS, "templates/*.html"))
	render := func(c *gin.Context, status int, p page, data pageData) {
		data.Page, data.Title = p.name, p.title
		data.OIDC, data.DevSignIn = opts.OIDC != nil, opts.DevSignIn
		data.Roles, data.ActionTitles = safeguarding.Roles, opts.ActionTitles
		data.RoleName = roleNames[data.Actor.Role]
		noStore(c)
		c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Header("Referrer-Policy", "no-referrer")
		c.Header("Content-Type", "text/html; charset=utf-8")
		c.Status(status)
		if err := tmpl.ExecuteTemplate(c.Writer, "layout.html", data); err != nil {
			_ = c.Error(err)
		}
	}
	assets, _ := fs.Sub(assetFS, "assets")
	r.StaticFS("/assets", http.FS(assets))
	for _, p := range pages {
		r.GET(p.path, func(c *gin.Context) {
			sess, err := opts.Sessions.Lookup(c.Request.Context(), c.Request)
			switch {
			case errors.Is(err, session.ErrNone), errors.Is(err, session.ErrExpired):
				if p.name == "signin" {
					data := pageData{Ended: c.Query("ended") != ""}
					if _, ok := pageAt(c.Query("next")); ok {
						data.Next = c.Query("next")
					}
					render(c, http.StatusOK, p, data)
					return
				}
				noStore(c)
				back := url.Values{"next": {c.Request.URL.Path}}
				if errors.Is(err, session.ErrExpired) {
					back.Set("ended", "1")
				}
				c.Redirect(http.StatusSeeOther, "/?"+back.Encode())
			case err != nil:
				opts.Logger.Error("session lookup failed", "error", err)
				render(c, http.StatusServiceUnavailable, pageNamed("signin"), pageData{Message: "caseflow cannot check your sign-in just now. Please try again in a minute."})
			case p.name == "signin" || !p.allows(sess.Actor.Role):
				noStore(c)
				c.Redirect(http.StatusSeeOther, homeFor(sess.Actor.Role))
			default:
				render(c, http.StatusOK, p, pageData{Actor: sess.Actor, CSRF: sess.CSRF, CaseID: c.Param("id")})
			}
		})
	}
	r.NoRoute(func(c *gin.Context) {
		if !asksForPage(c.Request) {
			if opts.NotFound != nil {
				opts.NotFound(c)
			} else {
				c.AbortWithStatus(http.StatusNotFound)
			}
			return
		}
		data := pageData{}
		if sess, err := opts.Sessions.Lookup(c.Request.Context(), c.Request); err == nil {
			data.Actor, data.CSRF = sess.Actor, sess.CSRF
		}
		render(c, http.StatusNotFound, notFound, data)
	})
	s := &signin{cookies: opts.Sessions, oidc: opts.OIDC, logger: opts.Logger, render: render}
	if opts.OIDC != nil {
		r.GET("/auth/signin", s.begin)
		r.GET(CallbackPath, s.callback)
	}
	r.POST("/auth/signout", s.signOut)
	r.POST("/auth/signout-everywhere", s.signOutEverywhere)
	if opts.DevSignIn {
		r.POST("/dev/signin", s.devSignIn)
	}
}

// asksForPage reports whether a request is a browser asking for a page: a GET that accepts HTML,
// outside the API and the codec, which answer their callers in JSON.
func asksForPage(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	for _, prefix := range []string{"/v1/", "/codec/", "/assets/"} {
		if strings.HasPrefix(r.URL.Path, prefix) {
			return false
		}
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// noStore keeps pages and sign-in answers out of every cache: they show children's records.
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
}
