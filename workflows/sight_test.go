package workflows

import (
	"testing"
	"time"

	"github.com/caseflow/caseflow/safeguarding"
)

// TestSightQueryTellsAnAccusedOverseerNothing: the sight query, which the access log and the
// codec ask before showing anything of a case, answers how each person stands to the case, and
// "not found" to a manager an allegation on the case is about, as to someone unconnected.
func TestSightQueryTellsAnAccusedOverseerNothing(t *testing.T) {
	h := newHarness(t, nil)
	accused := safeguarding.Actor{UserID: "mgr-9", Role: safeguarding.RoleManager, Team: "north"}
	h.step(time.Minute, safeguarding.StepRaiseConcern, carer, raise(""))
	h.step(2*time.Minute, "allegation", lead, map[string]any{"received_at": at(time.Minute), "against_user": "mgr-9",
		"against_role": "manager", "summary": "Seen with the child's second phone."})
	answers := map[string]SightAnswer{}
	who := map[string]safeguarding.Actor{"accused manager": accused, "manager": manager, "social worker": sw,
		"stranger": {UserID: "carer-2", Role: safeguarding.RoleCarer}}
	h.env.RegisterDelayedCallback(func() {
		for name, actor := range who {
			v, err := h.env.QueryWorkflow(QuerySight, actor)
			if err != nil {
				t.Errorf("sight of %s: %v", name, err)
				continue
			}
			var a SightAnswer
			if err := v.Get(&a); err != nil {
				t.Errorf("decode sight of %s: %v", name, err)
			}
			answers[name] = a
		}
	}, 3*time.Minute)
	h.run(4 * time.Minute)
	want := map[string]safeguarding.Relation{"manager": safeguarding.RelationOverseer, "social worker": safeguarding.RelationSocialWorker}
	for name := range who {
		a := answers[name]
		switch rel, sees := want[name]; {
		case sees && (a.Sight == nil || a.Sight.Relation != rel):
			t.Errorf("%s: %+v, want %s", name, a, rel)
		case !sees && (a.Sight != nil || safeguarding.CodeOf(a.Refused) != safeguarding.ENotFound):
			t.Errorf("%s: %+v, want not found", name, a)
		}
	}
}
