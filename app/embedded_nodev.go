//go:build nodev

package app

import (
	"context"
	"errors"
	"log/slog"

	"github.com/gin-gonic/gin"

	"github.com/caseflow/caseflow/app/config"
)

// embedded is empty in the lean production build: it links no Temporal server, no in-process
// Redis, no Temporal Web UI and no codec sign-in, which belong to caseflow dev.
type embedded struct{}

var errNoEmbedded = errors.New("this build of caseflow has no embedded servers (built with -tags nodev); build without the tag for caseflow dev")

func (*embedded) start(context.Context, *config.Config, *slog.Logger) error { return errNoEmbedded }

func (*embedded) stop(*slog.Logger) {}

func (*App) startWebUI() error { return errNoEmbedded }

func (*App) mountDevRoutes(*gin.Engine) {}
