package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/safeguarding"
)

// attrValues are the search attribute values last written, so unchanged values are not written
// again (each upsert is an event in history).
type attrValues struct {
	stage      safeguarding.Stage
	team, la   string
	nextDue    time.Time
	overdue    int64
	escalation int64
	closed     bool
	written    bool
}

func attrsOf(c *safeguarding.Case, now time.Time) attrValues {
	v := attrValues{stage: c.Stage(), team: c.Team, la: c.LA, closed: c.Closed(), written: true}
	for _, a := range c.OpenActions() {
		if v.nextDue.IsZero() || a.Due.Before(v.nextDue) {
			v.nextDue = a.Due
		}
		if a.Overdue(now) {
			v.overdue++
		}
		v.escalation = max(v.escalation, int64(a.Level))
	}
	return v
}

func (r *run) upsertSearchAttributes(ctx workflow.Context, now time.Time) {
	v := attrsOf(r.state, now)
	if v == r.attrs {
		return
	}
	updates := []temporal.SearchAttributeUpdate{
		AttrStage.ValueSet(string(v.stage)),
		AttrTeam.ValueSet(v.team),
		AttrLA.ValueSet(v.la),
		AttrOverdueCount.ValueSet(v.overdue),
		AttrEscalation.ValueSet(v.escalation),
		AttrClosed.ValueSet(v.closed),
	}
	if v.nextDue.IsZero() {
		updates = append(updates, AttrNextDue.ValueUnset())
	} else {
		updates = append(updates, AttrNextDue.ValueSet(v.nextDue))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		r.logger.Error("search attributes not updated", "case", r.state.ID, "error", err)
		return
	}
	r.attrs = v
}
