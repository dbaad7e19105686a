//go:build nodev

package app

import (
	"context"
	"errors"
	"log/slog"

	"github.com/caseflow/caseflow/config"
)

// embedded is empty in the lean production build: it links no Temporal server and no
// in-process Redis.
type embedded struct{}

func (*embedded) start(context.Context, *config.Config, *slog.Logger) error {
	return errors.New("this build of caseflow has no embedded servers (built with -tags nodev); build without the tag for caseflow dev")
}

func (*embedded) stop(*slog.Logger) {}
