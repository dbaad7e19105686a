package readmodel

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// Action rows are read in every list, fifty at a time, so they are stored as their fields joined
// by the ASCII unit separator rather than as JSON, which takes several times longer to decode.
// The model is disposable: a change of this layout needs a Reset and rebuild, not a migration.
const (
	rowSep    = "\x1f"
	rowFields = 16
	// listSep joins the user ids of a row's list fields; identifiers never contain it (see
	// projection.Summary.check).
	listSep = ","
)

// errSeparator refuses an id that would break the row layout; ids are opaque tokens and never
// contain control characters.
var errSeparator = errors.New("contains the row separator")

// rowPeople are the case's people as a row stores them: enough for the visibility policy to
// decide who sees the row, kept as the stored text so rows stay comparable and cheap to decode.
type rowPeople struct {
	socialWorker, fosteringSocialWorker, carers, excluded, unconfirmed string
}

func (p rowPeople) parties(team string) safeguarding.Parties {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, listSep)
	}
	return safeguarding.Parties{
		Team: team, SocialWorker: p.socialWorker, FosteringSocialWorker: p.fosteringSocialWorker,
		Carers: split(p.carers), Excluded: split(p.excluded), Unconfirmed: split(p.unconfirmed),
	}
}

func encodeRow(sum projection.Summary, a projection.Action) (string, error) {
	fields := []string{
		sum.CaseID, sum.Reference, sum.Team, sum.Stage,
		sum.SocialWorker, sum.FosteringSocialWorker, strings.Join(sum.Carers, listSep), strings.Join(sum.Excluded, listSep),
		a.ID, a.Kind, a.Class, a.OwnerRole, a.OwnerUser,
		strconv.FormatInt(a.Due.UnixMilli(), 10), strconv.Itoa(a.Escalation), strings.Join(sum.Unconfirmed, listSep),
	}
	for _, f := range fields {
		if strings.Contains(f, rowSep) {
			return "", fmt.Errorf("action %s of case %s: %q %w", a.ID, sum.CaseID, f, errSeparator)
		}
	}
	return strings.Join(fields, rowSep), nil
}

func decodeRow(s string) (ActionRow, error) {
	f := strings.Split(s, rowSep)
	if len(f) != rowFields {
		return ActionRow{}, fmt.Errorf("action row has %d fields, want %d", len(f), rowFields)
	}
	due, err := strconv.ParseInt(f[13], 10, 64)
	if err != nil {
		return ActionRow{}, fmt.Errorf("action row due time: %w", err)
	}
	level, err := strconv.Atoi(f[14])
	if err != nil {
		return ActionRow{}, fmt.Errorf("action row escalation: %w", err)
	}
	return ActionRow{
		CaseID: f[0], Reference: f[1], Team: f[2], Stage: f[3],
		people: rowPeople{socialWorker: f[4], fosteringSocialWorker: f[5], carers: f[6], excluded: f[7], unconfirmed: f[15]},
		Action: projection.Action{
			ID: f[8], Kind: f[9], Class: f[10], OwnerRole: f[11], OwnerUser: f[12],
			Due: time.UnixMilli(due).UTC(), Escalation: level,
		},
	}, nil
}
