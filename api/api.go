package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/converter"

	"github.com/caseflow/caseflow/api/idempotency"
	"github.com/caseflow/caseflow/api/ratelimit"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/auth"
	"github.com/caseflow/caseflow/workflows"
)

// Cases acts on case workflows (caseclient.Client in production).
type Cases interface {
	Exists(ctx context.Context, caseID string) (bool, error)
	Raise(ctx context.Context, actor safeguarding.Actor, requestID string, body json.RawMessage) (safeguarding.Result, error)
	Step(ctx context.Context, caseID, step string, actor safeguarding.Actor, requestID string, body json.RawMessage) (safeguarding.Result, error)
	Get(ctx context.Context, caseID string, actor safeguarding.Actor) (safeguarding.View, error)
	// Sight is how actor stands to the case (safeguarding.Sight), or a not-found error when they
	// may not know it exists: for the doors that show something of a case beside its view.
	Sight(ctx context.Context, caseID string, actor safeguarding.Actor) (safeguarding.Sight, error)
	// Exclusions is who a case excludes and the cases linked to it, for spreading exclusions to
	// every case of the child; it is never shown to anyone.
	Exclusions(ctx context.Context, caseID string) (safeguarding.CaseExclusions, error)
	Timeline(ctx context.Context, caseID string, actor safeguarding.Actor, before, limit int) (workflows.TimelinePage, error)
	// Register lists the destruction register, for the Safeguarding Lead.
	Register(ctx context.Context, actor safeguarding.Actor) ([]workflows.RegisterEntry, error)
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
	Idempotency *idempotency.Store
	// Limiter limits requests per user; NewCases limits new cases per user (nil: no limit).
	Limiter  Limiter
	NewCases Limiter
	// AddressLimit limits requests per client address, before authentication (nil: no limit).
	AddressLimit *ratelimit.Local
	// TrustedProxies are the proxies whose X-Forwarded-For and X-Forwarded-Proto are believed;
	// without them the client address is the connection's.
	TrustedProxies []netip.Prefix
	// FormOrigins are the origins beside caseflow's that the pages' forms may lead to: the
	// identity provider, which signing in and out redirects to.
	FormOrigins []string
	// MaxStreamsPerUser caps each user's open live-update streams in this process.
	MaxStreamsPerUser int
	Inbox             *notify.Inbox
	Verifier          auth.Verifier
	Access            safeguarding.Access
	// Audit records every access to a case, and serves the access log. Nil records nothing:
	// only for tests of the pages, which run without Temporal.
	Audit Auditor
	// Codec serves the codec endpoints; CodecOrigins are the Temporal Web UI origins allowed
	// to call them from a browser.
	Codec        converter.PayloadCodec
	CodecOrigins []string
	Health       *Health
	Logger       *slog.Logger
	// Sessions recognises the people signed in to the pages (session.Cookies): a request
	// without a bearer token may carry a session cookie instead. Nil accepts tokens only.
	Sessions Sessions
	// Pages mounts the web pages on the same router, when set.
	Pages func(r *gin.Engine)
	// Observe runs first on every request, for metrics and tracing by route template.
	Observe []gin.HandlerFunc
	// NotFoundFloor is the least time a not-found answer takes (DefaultNotFoundFloor when zero).
	NotFoundFloor time.Duration
}

// DefaultMaxStreamsPerUser is how many live-update streams one user may hold open in one
// process: a few browser tabs.
const DefaultMaxStreamsPerUser = 5

// New builds the HTTP handler.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxStreamsPerUser <= 0 {
		cfg.MaxStreamsPerUser = DefaultMaxStreamsPerUser
	}
	if cfg.NotFoundFloor <= 0 {
		cfg.NotFoundFloor = DefaultNotFoundFloor
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.ContextWithFallback = true
	trusted := make([]string, len(cfg.TrustedProxies))
	for i, p := range cfg.TrustedProxies {
		trusted[i] = p.String()
	}
	if err := r.SetTrustedProxies(trusted); err != nil {
		panic(fmt.Sprintf("trusted proxies: %v", err)) // parsed prefixes always print valid
	}
	h := &handlers{cfg: cfg, streams: newStreamSlots(cfg.MaxStreamsPerUser), changes: readmodel.NewFanout(cfg.Store)}
	r.Use(cfg.Observe...)
	r.Use(recoverPanics(cfg.Logger), securityHeaders(cfg.TrustedProxies, cfg.FormOrigins), logRequests(cfg.Logger), evenNotFound(cfg.NotFoundFloor))
	if cfg.AddressLimit != nil {
		r.Use(limitAddresses(cfg.AddressLimit))
	}
	r.NoRoute(NotFound)
	r.NoMethod(func(c *gin.Context) {
		fail(c, http.StatusMethodNotAllowed, "This address does not accept "+c.Request.Method+".")
	})

	r.GET("/healthz", cfg.Health.alive)
	r.GET("/readyz", cfg.Health.ready)
	r.GET("/v1/openapi.json", serveOpenAPI)

	h.mountCodec(r)
	v1 := r.Group("/v1", authenticate(cfg.Verifier, cfg.Sessions))
	for _, rt := range routes(h) {
		// The per-user limit comes before the audit: a request over it is answered at once,
		// shows nothing and changes nothing, and never costs an access record.
		chain := []gin.HandlerFunc{rateLimit(cfg.Limiter)}
		if !rt.doc.stream && cfg.Audit != nil {
			chain = append(chain, h.auditAccess(rt.doc.id))
		}
		chain = append(chain, limitBody(MaxBodyBytes), authorize(rt.roles...), rt.handler)
		v1.Handle(rt.method, rt.path, chain...)
	}
	if cfg.Pages != nil {
		cfg.Pages(r)
	}
	return r
}

// NotFound is the API's answer at an address it does not serve. The pages, when mounted, answer
// a browser's request for an unknown page themselves and pass every other request here.
func NotFound(c *gin.Context) { fail(c, http.StatusNotFound, "There is nothing at this address.") }

// route is one endpoint: the roles that may call it and its handler. The OpenAPI document is
// built from the same table, so the two cannot drift apart.
type route struct {
	method, path string
	roles        []safeguarding.Role
	handler      gin.HandlerFunc
	doc          operationDoc
}
