package safeguarding

import (
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// TestPowersAreScoped is the authorisation table of the scoped powers: each row a person, how
// they stand to the case (their team against the case's), a step, and the answer. Seeing is not
// acting: every person below sees the case.
func TestPowersAreScoped(t *testing.T) {
	southManager := Actor{UserID: "mgr-2", Role: RoleManager, Team: "south"}
	teamlessManager := Actor{UserID: "mgr-3", Role: RoleManager}
	headOfService := Actor{UserID: "mgr-4", Role: RoleManager, Team: "south", Teams: "east north"}
	grantedElsewhere := Actor{UserID: "mgr-5", Role: RoleManager, Team: "south", Teams: "east"}
	allegationAgainstAManager := body{"received_at": ts(time.Hour), "against_user": "mgr-9", "against_role": "manager", "summary": "Shared the child's address."}
	resolveFirst := func(kind policy.RuleID) func(f *fixture) body {
		return func(f *fixture) body {
			return body{"action_id": f.open(kind)[0].ID, "reason": "Done by the placing authority."}
		}
	}
	resolveRestricted := func(f *fixture) body {
		for _, a := range f.c.OpenActions() {
			if a.Class() == ClassRestricted {
				return body{"action_id": a.ID, "reason": "Told by phone."}
			}
		}
		f.t.Fatal("no open obligation follows the allegation")
		return nil
	}
	fixed := func(b body) func(*fixture) body { return func(*fixture) body { return b } }
	withAllegation := func(f *fixture) { f.allegedOffence() }
	crisis := func(t *testing.T) *fixture {
		f := unopenedCase(t)
		f.must(StepRaiseConcern, aCarer, crisisConcern(0))
		f.env.now = t0.Add(24 * time.Hour)
		return f
	}
	rows := []struct {
		name  string
		start func(*testing.T) *fixture // a case of team north unless said
		setup func(*fixture)
		by    Actor
		step  string
		body  func(*fixture) body
		want  ErrorCode // "" for accepted
	}{
		// A manager's powers reach their own team's cases, and cases with no team yet.
		{"a manager ends an obligation on their team's case", nil, nil, aManager, "action-resolve", resolveFirst(policy.NRMRequest), ""},
		{"a manager of another team may not", nil, nil, southManager, "action-resolve", resolveFirst(policy.NRMRequest), EForbidden},
		{"nor move the case to their team", nil, nil, southManager, "team", fixed(body{"team": "south", "reason": "Ours now."}), EForbidden},
		{"nor decide not to refer to the NRM", nil, nil, southManager, "nrm-not-referred", fixed(body{"decided_at": ts(time.Hour), "decided_by": "mgr-2", "reason": "Not needed."}), EForbidden},
		{"a manager granted the case's team acts on it", nil, nil, headOfService, "action-resolve", resolveFirst(policy.NRMRequest), ""},
		{"a grant of another team is no grant of this one", nil, nil, grantedElsewhere, "action-resolve", resolveFirst(policy.NRMRequest), EForbidden},
		{"a manager with no team may not either", nil, nil, teamlessManager, "action-resolve", resolveFirst(policy.NRMRequest), EForbidden},
		{"any manager acts on a case with no team yet", crisis, nil, southManager, "action-resolve", resolveFirst(policy.NRMRequest), ""},
		{"the Safeguarding Lead acts on every team's case", nil, nil, aLead, "action-resolve", resolveFirst(policy.NRMRequest), ""},
		{"a safety record is nobody's power: another team's manager records a concern", nil, nil, southManager, "concern",
			fixed(body{"observed_at": ts(time.Hour), "immediate_danger": false, "account": "Seen with older men."}), ""},

		// Who works with the child is an overseer's decision.
		{"a social worker may not name another team", nil, nil, aSW, "case-details", fixed(body{"team": "south", "reason": "Theirs."}), EForbidden},
		{"a fostering social worker may not name another social worker", nil, nil, aFSW, "case-details", fixed(body{"social_worker": "sw-2", "reason": "Vacant."}), EForbidden},
		{"a manager names the team and the social worker", crisis, nil, aManager, "case-details", fixed(body{"team": "north", "social_worker": "sw-1", "reason": "Allocated."}), ""},
		{"a social worker completes the rest of the record", nil, nil, aSW, "case-details", fixed(body{"child": body{"preferred_term": "Sam"}, "reason": "Asked them."}), ""},

		// An allegation against an overseer is never left to the accused's subordinates.
		{"a fostering social worker may not record an allegation against a manager", nil, nil, aFSW, "allegation", fixed(allegationAgainstAManager), EForbidden},
		{"nor a social worker", nil, nil, aSW, "allegation", fixed(allegationAgainstAManager), EForbidden},
		{"another manager records it", nil, nil, aManager, "allegation", fixed(allegationAgainstAManager), ""},
		{"the Safeguarding Lead records it", nil, nil, aLead, "allegation", fixed(allegationAgainstAManager), ""},
		{"a social worker records one against a carer", nil, nil, aSW, "allegation",
			fixed(body{"received_at": ts(time.Hour), "against_user": "carer-1", "against_role": "carer", "summary": "Shouted."}), ""},

		// Obligations that follow an allegation end without their event only by the Lead.
		{"a manager may not end the LADO or police clock of an allegation", nil, withAllegation, aManager, "action-resolve", resolveRestricted, EForbidden},
		{"the Safeguarding Lead ends it, for a reason", nil, withAllegation, aLead, "action-resolve", resolveRestricted, ""},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			start := r.start
			if start == nil {
				start = func(t *testing.T) *fixture { return newCase(t, "E1") }
			}
			f := start(t)
			if r.setup != nil {
				r.setup(f)
			}
			_, err := f.try(r.step, r.by, r.body(f))
			if got := CodeOf(err); got != r.want {
				t.Fatalf("%s by %s (%s): %v, want %q", r.step, r.by.UserID, r.by.Role, err, r.want)
			}
		})
	}
}
