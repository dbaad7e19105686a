// Package web serves caseflow's pages from the same binary as the API: a sign-in page, the
// managers' overdue board, the social workers' case list and case page, and the carers' page.
// Pages are server-rendered shells (html/template) whose data comes from the API with the
// signed-in person's token, so a page can never show more than the API allows that person.
// Templates and assets are embedded; nothing needs building.
package web

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/auth"
	"github.com/caseflow/caseflow/safeguarding"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Options configure the pages.
type Options struct {
	// DevTokens, when set (auth dev), lets the sign-in page mint a token for any role: for
	// development and demonstrations only, never in production.
	DevTokens *auth.DevTokens
}

// page is one page: its template and title.
type page struct {
	path, name, title string
}

var pages = []page{
	{"/", "signin", "Sign in"},
	{"/board", "board", "Overdue actions"},
	{"/cases", "cases", "Cases"},
	{"/cases/:id", "case", "Case"},
	{"/my", "my", "My children"},
}

// Register mounts the pages on r.
func Register(r *gin.Engine, opts Options) {
	tmpl := template.Must(template.New("").ParseFS(templateFS, "templates/*.html"))
	assets, _ := fs.Sub(assetFS, "assets")
	r.StaticFS("/assets", http.FS(assets))
	for _, p := range pages {
		r.GET(p.path, func(c *gin.Context) {
			c.Header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'")
			c.Header("X-Content-Type-Options", "nosniff")
			c.Header("Referrer-Policy", "no-referrer")
			c.Status(http.StatusOK)
			c.Header("Content-Type", "text/html; charset=utf-8")
			err := tmpl.ExecuteTemplate(c.Writer, "layout.html", map[string]any{
				"Page": p.name, "Title": p.title, "DevSignIn": opts.DevTokens != nil,
				"Roles": safeguarding.Roles, "CaseID": c.Param("id"),
			})
			if err != nil {
				_ = c.Error(err)
			}
		})
	}
	if opts.DevTokens != nil {
		r.POST("/dev/token", devToken(opts.DevTokens))
	}
}

// devToken mints a development token for the sign-in page.
func devToken(tokens *auth.DevTokens) gin.HandlerFunc {
	return func(c *gin.Context) {
		var req struct {
			Role string `json:"role"`
			User string `json:"user"`
			Team string `json:"team"`
		}
		if err := c.ShouldBindJSON(&req); err != nil || req.User == "" {
			c.JSON(http.StatusBadRequest, gin.H{"detail": "Give a role and a user id."})
			return
		}
		role, err := safeguarding.ParseRole(req.Role)
		if err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"detail": "Unknown role."})
			return
		}
		tok, err := tokens.Mint(safeguarding.Actor{UserID: req.User, Role: role, Team: req.Team}, 12*time.Hour)
		if err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"detail": err.Error()})
			return
		}
		c.JSON(http.StatusOK, gin.H{"token": tok})
	}
}
