//go:build !nodev

package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/api"
	"github.com/caseflow/caseflow/app/config"
	"github.com/caseflow/caseflow/dev/devstack"
	"github.com/caseflow/caseflow/safeguarding"
)

// embedded are the in-process servers of `caseflow dev` and the tests, and dev's Temporal Web
// UI. The lean production build (tag nodev) has none of them: see embedded_nodev.go.
type embedded struct {
	temporal *devstack.Temporal
	redis    *devstack.Redis
	webUI    *devstack.WebUI
}

// start starts the embedded Temporal server, and Redis when cfg names none, and points cfg at
// them.
func (e *embedded) start(ctx context.Context, cfg *config.Config, logger *slog.Logger) error {
	t, err := devstack.StartTemporal(ctx, devstack.TemporalOptions{
		DatabaseFile:    cfg.TemporalDBFile(),
		FrontendAddress: cfg.TemporalAddress,
		Namespace:       cfg.TemporalNamespace,
		Logger:          logger,
	})
	if err != nil {
		return fmt.Errorf("embedded temporal: %w", err)
	}
	e.temporal = t
	cfg.TemporalAddress = t.Address()
	if cfg.RedisURL == "" {
		r, err := devstack.StartRedis()
		if err != nil {
			return err
		}
		e.redis = r
		cfg.RedisURL = r.URL()
	}
	return nil
}

func (e *embedded) stop(logger *slog.Logger) {
	if e.webUI != nil {
		e.webUI.Stop()
	}
	if e.temporal != nil {
		if err := e.temporal.Stop(); err != nil {
			logger.Warn("temporal server stop", "error", err)
		}
	}
	if e.redis != nil {
		e.redis.Stop()
	}
}

// EmbeddedTemporal is the in-process Temporal server of dev, nil against a cluster.
func (a *App) EmbeddedTemporal() *devstack.Temporal { return a.embedded.temporal }

// startWebUI serves the Temporal Web UI of dev on loopback, wired to the codec endpoint.
func (a *App) startWebUI() error {
	ui, err := devstack.StartWebUI(devstack.WebUIOptions{
		Address: a.cfg.Security.WebUIAddr, TemporalAddress: a.cfg.TemporalAddress,
		Namespace: a.cfg.TemporalNamespace, CodecEndpoint: a.URL() + "/codec",
	})
	if err != nil {
		return err
	}
	a.embedded.webUI = ui
	return nil
}

// WebUIURL is the Temporal Web UI of dev, "" when none is served.
func (a *App) WebUIURL() string {
	if a.embedded.webUI == nil {
		return ""
	}
	return a.embedded.webUI.URL()
}

// mountDevRoutes adds dev's own routes to the pages: the codec sign-in.
func (a *App) mountDevRoutes(r *gin.Engine) {
	r.GET("/dev/codec-sign-in", a.devCodecSignIn)
}

// devCodecSignIn signs the browser in to the codec endpoints as a development Safeguarding Lead
// and opens the Temporal Web UI, which then shows payloads decrypted. Like the development
// sign-in it belongs to dev only: it hands the codec to whoever can reach it on loopback.
func (a *App) devCodecSignIn(c *gin.Context) {
	if c.GetHeader("Sec-Fetch-Site") == "cross-site" {
		c.Status(http.StatusForbidden) // another site may not sign this browser in
		return
	}
	token, err := a.Tokens.Mint(safeguarding.Actor{UserID: "dev-lead", Role: safeguarding.RoleSafeguardingLead}, 8*time.Hour)
	if err != nil {
		_ = c.Error(err)
		c.Status(http.StatusInternalServerError)
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{
		Name: api.CodecCookie, Value: token, Path: "/codec", MaxAge: int((8 * time.Hour).Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
	target := a.WebUIURL()
	if target == "" {
		target = "/"
	}
	c.Redirect(http.StatusFound, target)
}
