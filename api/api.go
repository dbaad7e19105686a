// Package api is caseflow's HTTP API (gin): carers raise concerns and contribute to care plans,
// social workers advance case steps, managers see what is overdue. Every request is
// authenticated; every case a caller may not see answers 404; every error is an RFC 9457
// problem a social worker can read. Lists come from the Redis read model, one case from its
// workflow.
package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/auth"
	"github.com/caseflow/caseflow/caseclient"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
)

// Cases acts on case workflows (caseclient.Client in production).
type Cases interface {
	Raise(ctx context.Context, actor safeguarding.Actor, requestID string, body json.RawMessage) (safeguarding.Result, error)
	Step(ctx context.Context, caseID, step string, actor safeguarding.Actor, requestID string, body json.RawMessage) (safeguarding.Result, error)
	Get(ctx context.Context, caseID string, actor safeguarding.Actor) (safeguarding.View, error)
	Timeline(ctx context.Context, caseID string, actor safeguarding.Actor, before, limit int) (caseclient.TimelinePage, error)
}

// Sessions authenticates a request of the pages by its session cookie. It returns
// session.ErrNone when the request carries no session, and refuses an ended session
// (session.ErrExpired) or a request that changes something without the session's CSRF token
// (session.ErrForged).
type Sessions interface {
	Actor(r *http.Request) (safeguarding.Actor, error)
}

// Config is what the API needs to run.
type Config struct {
	Cases       Cases
	Store       *readmodel.Store
	Idempotency *readmodel.Idempotency
	Limiter     Limiter
	Inbox       *notify.Inbox
	Verifier    auth.Verifier
	Access      safeguarding.Access
	Health      *Health
	Logger      *slog.Logger
	// Sessions recognises the people signed in to the pages (session.Cookies): a request
	// without a bearer token may carry a session cookie instead. Nil accepts tokens only.
	Sessions Sessions
	// Pages mounts the web pages on the same router, when set.
	Pages func(r *gin.Engine)
	// Observe runs first on every request, for metrics and tracing by route template.
	Observe []gin.HandlerFunc
	// Metrics, when set, is served at /metrics.
	Metrics http.Handler
}

// New builds the HTTP handler.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	h := &handlers{cfg: cfg}
	r.Use(cfg.Observe...)
	r.Use(recoverPanics(cfg.Logger), logRequests(cfg.Logger))
	r.NoRoute(func(c *gin.Context) { fail(c, http.StatusNotFound, "There is nothing at this address.") })
	r.NoMethod(func(c *gin.Context) {
		fail(c, http.StatusMethodNotAllowed, "This address does not accept "+c.Request.Method+".")
	})

	r.GET("/healthz", cfg.Health.alive)
	r.GET("/readyz", cfg.Health.ready)
	r.GET("/v1/openapi.json", serveOpenAPI)
	if cfg.Metrics != nil {
		r.GET("/metrics", gin.WrapH(cfg.Metrics))
	}

	v1 := r.Group("/v1", authenticate(cfg.Verifier, cfg.Sessions), rateLimit(cfg.Limiter), limitBody(MaxBodyBytes))
	for _, rt := range routes(h) {
		v1.Handle(rt.method, rt.path, append([]gin.HandlerFunc{authorize(rt.roles...)}, rt.handler)...)
	}
	if cfg.Pages != nil {
		cfg.Pages(r)
	}
	return r
}

// route is one endpoint: the roles that may call it and its handler. The OpenAPI document is
// built from the same table, so the two cannot drift apart.
type route struct {
	method, path string
	roles        []safeguarding.Role
	handler      gin.HandlerFunc
	doc          operationDoc
}
