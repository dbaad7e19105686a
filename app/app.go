package app

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/caseflow/caseflow/activities"
	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/api/idempotency"
	"github.com/caseflow/caseflow/api/ratelimit"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/app/metrics"
	"github.com/caseflow/caseflow/app/setup"
	"github.com/caseflow/caseflow/app/tracing"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/auth"
	"github.com/caseflow/caseflow/security/session"
	"github.com/caseflow/caseflow/web"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

// Parts says which parts a process runs.
type Parts struct {
	// Embedded starts the in-process Temporal server (and Redis when no URL is set) and runs
	// the setup tasks against it. Builds tagged nodev have no embedded servers.
	Embedded bool
	Worker   bool
	API      bool
}

// App is a running caseflow process.
type App struct {
	cfg    *config.Config
	parts  Parts
	logger *slog.Logger

	embedded   embedded
	protection *protection
	audit      *audit.Log
	Temporal   client.Client
	Redis      *redis.Client
	Store      *readmodel.Store
	worker     worker.Worker
	httpServer *http.Server
	listener   net.Listener
	// opsServer is the worker's own HTTP port: health and metrics.
	opsServer   *http.Server
	opsListener net.Listener
	// Tokens mints development tokens when auth is dev.
	Tokens *auth.DevTokens
	// Metrics are this process's Prometheus collectors, served at /metrics.
	Metrics *metrics.Metrics
	tracing *tracing.Tracing

	mail mailState

	stopBackground context.CancelFunc
	background     sync.WaitGroup
	stopOnce       sync.Once
}

// Start starts the parts of caseflow cfg asks for and returns once they are ready to serve.
func Start(ctx context.Context, cfg *config.Config, parts Parts, logger *slog.Logger) (a *App, err error) {
	a = &App{cfg: cfg, parts: parts, logger: logger}
	defer func() {
		if err != nil {
			a.Stop(context.Background())
		}
	}()
	if a.protection, err = loadProtection(cfg, parts); err != nil {
		return a, err
	}
	if until := cfg.Security.PlaintextUntil; !until.IsZero() {
		logger.Warn("payloads written in clear before encryption are read until the migration ends", "until", until.Format(time.DateOnly))
	}
	if a.Metrics, err = metrics.New(); err != nil {
		return a, err
	}
	if a.tracing, err = tracing.New(ctx, cfg.OTLPEndpoint, serviceName(parts)); err != nil {
		return a, err
	}
	if parts.Embedded {
		if err := a.embedded.start(ctx, cfg, logger); err != nil {
			return a, err
		}
	}
	if err := a.connect(ctx); err != nil {
		return a, err
	}
	if err := a.checkSetup(ctx, parts); err != nil {
		return a, err
	}
	bg, cancel := context.WithCancel(context.Background())
	a.stopBackground = cancel
	if parts.Worker {
		if err := a.startWorker(bg); err != nil {
			return a, err
		}
		if a.cfg.Mail.Enabled() {
			a.ensureDigestSchedule(ctx)
		}
	}
	if (parts.Worker || parts.API) && cfg.OpsHTTPAddr != "" {
		if err := a.startOps(); err != nil {
			return a, err
		}
	}
	if parts.API {
		if err := a.startAPI(ctx); err != nil {
			return a, err
		}
		if parts.Embedded && a.cfg.Security.WebUIAddr != "" {
			// The Web UI is a convenience: without it, dev still does everything else.
			if err := a.startWebUI(); err != nil {
				a.logger.Warn("the Temporal Web UI is not served", "error", err)
			}
		}
	}
	return a, nil
}

// serviceName names the process in traces.
func serviceName(parts Parts) string {
	switch {
	case parts.API && parts.Worker:
		return "caseflow"
	case parts.Worker:
		return "caseflow-worker"
	default:
		return "caseflow-api"
	}
}

// checkSetup prepares the embedded server with the setup tasks, as `caseflow setup` prepares a
// cluster; against a cluster, it refuses to start a worker or an API whose namespace lacks the
// search attributes, since the first case would fail.
func (a *App) checkSetup(ctx context.Context, parts Parts) error {
	if parts.Embedded {
		target := setup.Target{Client: a.Temporal, Namespace: a.cfg.TemporalNamespace}
		return setup.Run(ctx, target, setup.Tasks(setup.Options{DigestAt: a.cfg.Mail.DigestAt, Policy: a.cfg.Policy}), func(r setup.Result) {
			a.logger.Debug("temporal setup", "task", r.Task, "outcome", r.Outcome)
		})
	}
	if !parts.Worker && !parts.API {
		return nil
	}
	return setup.Check(ctx, a.Temporal, a.cfg.TemporalNamespace)
}

// connect dials Temporal and Redis.
func (a *App) connect(ctx context.Context) error {
	interceptors, err := a.tracing.Temporal()
	if err != nil {
		return err
	}
	c, err := DialTemporal(ctx, a.cfg, a.logger, a.protection.clientOptions(client.Options{
		MetricsHandler: a.Metrics.Temporal(), Interceptors: interceptors,
	}))
	if err != nil {
		return err
	}
	a.Temporal = c
	ropts, err := redis.ParseURL(a.cfg.RedisURL)
	if err != nil {
		return fmt.Errorf("REDIS_URL: %w", err)
	}
	a.Redis = redis.NewClient(ropts)
	a.Store = readmodel.New(a.Redis, a.protection.ids)
	return nil
}

// DialTemporal connects to the Temporal frontend and namespace of cfg, with its TLS settings;
// opts adds metrics and interceptors.
func DialTemporal(ctx context.Context, cfg *config.Config, logger *slog.Logger, opts client.Options) (client.Client, error) {
	opts.HostPort = cfg.TemporalAddress
	opts.Namespace = cfg.TemporalNamespace
	opts.Logger = sdklog.NewStructuredLogger(logger.With("component", "temporal-client"))
	if cfg.TemporalTLS.Enabled() {
		tlsConf, err := tlsConfig(cfg.TemporalTLS)
		if err != nil {
			return nil, err
		}
		opts.ConnectionOptions.TLS = tlsConf
	}
	dialCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	c, err := client.DialContext(dialCtx, opts)
	if err != nil {
		return nil, fmt.Errorf("connect to Temporal at %s: %w", cfg.TemporalAddress, err)
	}
	return c, nil
}

func tlsConfig(t config.TLS) (*tls.Config, error) {
	conf := &tls.Config{ServerName: t.ServerName, MinVersion: tls.VersionTLS12}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("temporal TLS key pair: %w", err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("temporal TLS CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("temporal TLS CA %s holds no certificate", t.CAFile)
		}
		conf.RootCAs = pool
	}
	return conf, nil
}

// startWorker runs case workflows and their activities, rebuilds the read model when it finds
// Redis empty, and samples the overdue count for the managers' chart.
func (a *App) startWorker(bg context.Context) error {
	pol := a.cfg.Policy
	if pol == nil {
		pol = policy.Default()
	}
	cw := &workflows.CaseWorkflow{Policy: func() *policy.Policy { return pol }, Access: a.access(), Callers: a.protection.verifier}
	w := worker.New(a.Temporal, workflows.TaskQueue, worker.Options{
		Interceptors: []interceptor.WorkerInterceptor{a.Metrics.SideEffects()},
	})
	cw.Register(w)
	a.protection.auditWorkflows().Register(w)
	emailer, err := a.registerMail(bg, w, pol)
	if err != nil {
		return err
	}
	inbox := notify.NewInbox(a.Redis, a.protection.ids, a.logger.With("component", "notify")).OnDelivered(func(n notify.Notice) {
		a.Metrics.ChaseSent(n.LevelName, n.Kind, time.Since(n.FellDue))
	})
	w.RegisterActivity(&projection.Activity{ReadModel: a.Store})
	w.RegisterActivity(&activities.Activities{Notifier: inbox, Emailer: emailer})
	// Reading back earlier runs' timeline pages, to seal them into record chunks, decodes their
	// inputs with the workers' converter; destroying a record deletes workflows and read-model
	// entries.
	records := caseclient.New(a.Temporal, caseclient.Options{DataConverter: a.protection.converters.Data})
	w.RegisterActivityWithOptions(records.ArchivedPages, activity.RegisterOptions{Name: workflows.ArchivedPagesName})
	w.RegisterActivity(&activities.Eraser{Temporal: a.Temporal, Namespace: a.cfg.TemporalNamespace, ReadModel: a.Store, Inbox: inbox})
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	a.worker = w
	a.goBackground(func() {
		projection.Keep(bg, a.cfg.ReadModelCheck, caseclient.New(a.Temporal, caseclient.Options{}), a.Store, a.logger)
	})
	a.goBackground(func() { a.keepCaseload(bg) })
	a.goBackground(func() { a.catchUpCases(bg) })
	return nil
}

// catchUpCases brings the cases still running in a run begun by an earlier release to this
// one, once, when the worker starts: each continues as new, and its new run moves to the
// current safeguarding rules by itself.
func (a *App) catchUpCases(ctx context.Context) {
	n, err := caseclient.CatchUpRunning(ctx, a.Temporal, a.logger)
	switch {
	case err != nil && ctx.Err() == nil:
		a.logger.Error("cases not all caught up with this release", "caught_up", n, "error", err)
	case n > 0:
		a.logger.Info("cases caught up with this release", "caught_up", n)
	}
}

func (a *App) access() safeguarding.Access {
	return safeguarding.Access{TeamAccess: a.cfg.TeamAccess}
}

func (a *App) verifier(ctx context.Context) (auth.Verifier, error) {
	if a.cfg.Auth == "oidc" {
		return auth.NewOIDCVerifier(ctx, auth.OIDCConfig{
			IssuerURL: a.cfg.OIDCIssuer, Audience: a.cfg.OIDCAudience,
			RoleClaim: a.cfg.RoleClaim, TeamClaim: a.cfg.TeamClaim, TeamsClaim: a.cfg.TeamsClaim,
			MaxLifetime: a.cfg.Security.MaxTokenLifetime, InsecureLoopbackIssuer: a.cfg.Security.InsecureLoopbackIssuer,
		})
	}
	key, err := auth.LoadOrCreateDevKey(a.cfg.DevKeyFile())
	if err != nil {
		return nil, err
	}
	a.Tokens = auth.NewDevTokens(key, a.cfg.Security.MaxTokenLifetime)
	return a.Tokens, nil
}

func (a *App) startAPI(ctx context.Context) error {
	v, err := a.verifier(ctx)
	if err != nil {
		return err
	}
	pages, sessions, err := a.pages(ctx, v)
	if err != nil {
		return err
	}
	sec := a.cfg.Security
	a.audit = a.newAuditLog()
	handler := api.New(api.Config{
		Cases:          caseclient.New(a.Temporal, caseclient.Options{Signer: a.protection.signer, DataConverter: a.protection.converters.Data, ClearBefore: a.cfg.Security.PlaintextUntil}),
		Store:          a.Store,
		Idempotency:    idempotency.New(a.Redis, a.protection.ids),
		Limiter:        ratelimit.NewLimiter(a.Redis, a.protection.ids, a.cfg.RateLimit, max(a.cfg.RateLimit/6, 10)),
		NewCases:       ratelimit.NewCaseLimiter(a.Redis, a.protection.ids, orDefault(sec.NewCasesPerHour, config.DefaultNewCasesPerHour)),
		AddressLimit:   addressLimit(orDefault(sec.AddressRateLimit, config.DefaultAddressRateLimit)),
		TrustedProxies: sec.TrustedProxies,
		FormOrigins:    originOf(a.cfg.OIDCIssuer),
		Inbox:          notify.NewInbox(a.Redis, a.protection.ids, a.logger),
		Verifier:       v,
		Access:         a.access(),
		Audit:          a.audit,
		Codec:          a.protection.converters.Codec.ForReading(),
		CodecOrigins:   a.codecOrigins(),
		Health:         a.health(),
		Logger:         a.logger.With("component", "api"),
		Observe:        []gin.HandlerFunc{a.tracing.Route(), a.Metrics.HTTP(api.MetricsRoute)},
		Sessions:       sessions,
		Pages: func(r *gin.Engine) {
			if pages.DevSignIn {
				a.mountDevRoutes(r)
			}
			web.Register(r, pages)
			a.mountDevMail(r)
		},
	})
	l, err := net.Listen("tcp", a.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.HTTPAddr, err)
	}
	a.listener = l
	a.httpServer = &http.Server{
		Handler:           a.tracing.HTTP(handler),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	a.goBackground(func() {
		if err := a.httpServer.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.logger.Error("http server stopped", "error", err)
		}
	})
	return nil
}

// pages configures the web pages: sessions in Redis, and sign-in through the identity
// provider with oidc auth, or by picking a role with dev auth in caseflow dev only.
func (a *App) pages(ctx context.Context, v auth.Verifier) (web.Options, *session.Cookies, error) {
	store, err := session.NewStore(a.Redis, a.protection.keys, session.Options{Idle: a.cfg.SessionIdle, Max: a.cfg.SessionMax})
	if err != nil {
		return web.Options{}, nil, err
	}
	sessions := session.NewCookies(store, strings.HasPrefix(a.cfg.OIDCRedirectURL, "https://"))
	opts := web.Options{
		Sessions: sessions, DevSignIn: a.cfg.Auth == "dev" && a.parts.Embedded,
		ActionTitles: actionTitles(a.cfg.Policy), Logger: a.logger.With("component", "web"),
		NotFound: api.NotFound,
	}
	if a.cfg.Auth == "oidc" {
		signIn, err := web.NewOIDC(ctx, web.OIDCOptions{
			Issuer: a.cfg.OIDCIssuer, ClientID: a.cfg.OIDCAudience, ClientSecret: a.cfg.OIDCClientSecret,
			RedirectURL: a.cfg.OIDCRedirectURL, Verifier: v, SignedIn: a.contactTeller(),
		})
		if err != nil {
			return web.Options{}, nil, err
		}
		opts.OIDC = signIn
	}
	return opts, sessions, nil
}

// actionTitles names each kind of action in the policy's words, for the pages.
func actionTitles(pol *policy.Policy) map[string]string {
	if pol == nil {
		pol = policy.Default()
	}
	titles := map[string]string{string(safeguarding.MeetingAction): "Action agreed at a meeting"}
	for _, id := range policy.RuleIDs {
		if r, ok := pol.Rule(id); ok {
			titles[string(id)] = r.Title
		}
	}
	return titles
}

func (a *App) goBackground(f func()) {
	a.background.Add(1)
	go func() {
		defer a.background.Done()
		f()
	}()
}

// URL is the base URL of the API.
func (a *App) URL() string {
	if a.listener == nil {
		return ""
	}
	return "http://" + a.listener.Addr().String()
}

// TemporalAddress is the Temporal frontend in use.
func (a *App) TemporalAddress() string { return a.cfg.TemporalAddress }

// Stop drains in-flight HTTP requests, then stops the worker and the servers, in that order, so
// nothing accepted is cut off midway. Calling it again does nothing.
func (a *App) Stop(ctx context.Context) {
	a.stopOnce.Do(func() { a.stop(ctx) })
}

func (a *App) stop(ctx context.Context) {
	for _, srv := range []*http.Server{a.httpServer, a.opsServer} {
		if srv == nil {
			continue
		}
		shutdownCtx, cancel := context.WithTimeout(ctx, config.ShutdownGrace)
		if err := srv.Shutdown(shutdownCtx); err != nil {
			a.logger.Warn("http shutdown", "error", err)
		}
		cancel()
	}
	if a.stopBackground != nil {
		a.stopBackground()
	}
	if a.audit != nil {
		a.audit.Close()
	}
	if a.worker != nil {
		a.worker.Stop()
	}
	a.background.Wait()
	if a.Temporal != nil {
		a.Temporal.Close()
	}
	if a.Redis != nil {
		_ = a.Redis.Close()
	}
	a.embedded.stop(a.logger)
	if a.Metrics != nil {
		if err := a.Metrics.Close(ctx); err != nil {
			a.logger.Warn("metrics shutdown", "error", err)
		}
	}
	if err := a.tracing.Close(ctx); err != nil {
		a.logger.Warn("tracing shutdown", "error", err)
	}
}
