package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// workflowEnv gives the case what it may not compute inside a workflow: the time, and policy
// answers recorded once with SideEffect.
type workflowEnv struct {
	ctx workflow.Context
	cw  *CaseWorkflow
}

func (e *workflowEnv) Now() time.Time { return workflow.Now(e.ctx) }

// record runs f once, records its answer in history, and returns the recorded answer on replay.
func record[T any](ctx workflow.Context, f func() T) T {
	var out T
	enc := workflow.SideEffect(ctx, func(workflow.Context) any { return f() })
	if err := enc.Get(&out); err != nil {
		panic(err) // a recorded value that cannot be decoded is a bug; fail the task, not the case
	}
	return out
}

func (e *workflowEnv) policy() *policy.Policy {
	if p := e.cw.Policy(); p != nil {
		return p
	}
	return policy.Default()
}

func (e *workflowEnv) Deadline(rule policy.RuleID, start time.Time, la string, occurrence int) policy.Deadline {
	return record(e.ctx, func() policy.Deadline {
		d, err := e.policy().Deadline(rule, start, la, occurrence)
		if err != nil {
			// A policy file missing a rule cannot load, so this is the default policy's answer
			// for an LA the file does not know.
			d, _ = policy.Default().Deadline(rule, start, "", occurrence)
		}
		return d
	})
}

func (e *workflowEnv) ChildDeadline(rule policy.RuleID, start time.Time, la string, occurrence int, adultAt time.Time) policy.Deadline {
	return record(e.ctx, func() policy.Deadline {
		d, err := e.policy().ChildDeadline(rule, start, la, occurrence, adultAt)
		if err != nil {
			d, _ = policy.Default().ChildDeadline(rule, start, "", occurrence, adultAt)
		}
		return d
	})
}

func (e *workflowEnv) ClocksLeftOut(types []string) []policy.RuleID {
	return record(e.ctx, func() []policy.RuleID { return e.policy().ClocksLeftOut(types) })
}

func (e *workflowEnv) Ladder(due time.Time, la string) policy.Deadline {
	return record(e.ctx, func() policy.Deadline { return e.policy().Ladder(due, la) })
}

func (e *workflowEnv) Facts(la string) safeguarding.Facts {
	return record(e.ctx, func() safeguarding.Facts {
		p := e.policy()
		return safeguarding.Facts{PolicyVersion: p.Version(), ICTGSite: p.IsICTGSite(la)}
	})
}

func (e *workflowEnv) RepeatMissing(la string) (int, time.Duration) {
	type answer struct {
		Count  int           `json:"count"`
		Window time.Duration `json:"window"`
	}
	a := record(e.ctx, func() answer {
		n, window := e.policy().RepeatMissing(la)
		return answer{Count: n, Window: window.Approx()}
	})
	return a.Count, a.Window
}

func (e *workflowEnv) Retention(facts policy.RetentionFacts) policy.RetentionDate {
	return record(e.ctx, func() policy.RetentionDate { return e.policy().Retention(facts) })
}
