package readmodel

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Action rows are read in every list, fifty at a time, so they are stored as their fields joined
// by the ASCII unit separator rather than as JSON, which takes several times longer to decode.
// The model is disposable: a change of this layout needs a Reset and rebuild, not a migration.
const (
	rowSep    = "\x1f"
	rowFields = 10
)

// errSeparator refuses an id that would break the row layout; ids are opaque tokens and never
// contain control characters.
var errSeparator = errors.New("contains the row separator")

func encodeRow(sum CaseSummary, a ActionSummary) (string, error) {
	fields := []string{
		sum.CaseID, sum.Reference, sum.Team, sum.Stage,
		a.ID, a.Kind, a.OwnerRole, a.OwnerUser,
		strconv.FormatInt(a.Due.UnixMilli(), 10), strconv.Itoa(a.Escalation),
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
	due, err := strconv.ParseInt(f[8], 10, 64)
	if err != nil {
		return ActionRow{}, fmt.Errorf("action row due time: %w", err)
	}
	level, err := strconv.Atoi(f[9])
	if err != nil {
		return ActionRow{}, fmt.Errorf("action row escalation: %w", err)
	}
	return ActionRow{
		CaseID: f[0], Reference: f[1], Team: f[2], Stage: f[3],
		ActionSummary: ActionSummary{
			ID: f[4], Kind: f[5], OwnerRole: f[6], OwnerUser: f[7],
			Due: time.UnixMilli(due).UTC(), Escalation: level,
		},
	}, nil
}
