package main

import (
	"context"
	"time"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

// dutySteps takes the case through the steps of the agency policy's seed duties: the decisions
// on disclosure scheme checks its concerns about an older 'boyfriend' call for, a check and the
// police's answer, an accompanying adult and the conversation without them, a negative NRM
// decision challenged and, negative again, accepted, the parental responsibility holder's view,
// the young person told of an outcome, an allegation against a supplier's driver concluded and
// the agency's relationship with them ended, and a carer's late police report whose chase reaches
// the Safeguarding Lead, who decides it is not a conduct matter.
func dutySteps(ctx context.Context, cases *caseclient.Client, id string, now time.Time,
	take func(safeguarding.Actor, string, map[string]any) safeguarding.Result, failed func() bool) {
	carer := safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	sw := safeguarding.Actor{UserID: "sw-1", Role: safeguarding.RoleSocialWorker, Team: "north"}
	lead := safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}
	manager := safeguarding.Actor{UserID: "mgr-1", Role: safeguarding.RoleManager, Team: "north"}
	ts := now.Format(time.RFC3339)
	view := func() safeguarding.View {
		v, err := cases.Get(ctx, id, manager)
		if err != nil {
			return safeguarding.View{}
		}
		return v
	}

	take(sw, "csods-request", map[string]any{"requested_at": ts, "adult": "Recorded adult", "reason": "Recorded reason."})
	if v := view(); len(v.Duties.Checks) > 0 {
		take(sw, "csods-answer", map[string]any{"request_id": v.Duties.Checks[0].ID, "answered_at": ts, "outcome": "nothing-to-disclose"})
	}
	take(sw, "case-details", map[string]any{"concern_id": "C1", "add_indicators": []map[string]string{{"code": "unknown-adults"}}, "reason": "Recorded."})
	// A second later than now: the decision may not come before the sign it answers, recorded to the nanosecond.
	take(sw, "csods-not-requested", map[string]any{"decided_at": time.Now().Add(time.Second).UTC().Format(time.RFC3339), "reason": "Recorded reason."})

	contact := take(sw, "contact", map[string]any{"name": "Recorded adult", "relationship": "Says he is an uncle", "accompanying": true})
	take(sw, "spoke-alone", map[string]any{"contact_id": contact.Ref, "at": ts, "outcome": "not-spoken-alone", "reason": "He would not leave."})
	// A second later than now: under the one-case rules the record that ends the obligation may
	// not come before the contact that started it.
	take(manager, "spoke-alone", map[string]any{"contact_id": contact.Ref, "at": time.Now().Add(time.Second).UTC().Format(time.RFC3339),
		"outcome": "not-spoken-alone", "reason": "Confirmed as the father."})

	take(sw, "nrm-referral", map[string]any{"submitted_at": ts, "reference": "NRM-D1", "first_responder": "local-authority"})
	take(sw, "nrm-parental-view", map[string]any{"recorded_at": ts, "holder": "Recorded holder", "view": "objects"})
	take(sw, "nrm-rg-decision", map[string]any{"decided_at": ts, "outcome": "negative"})
	take(sw, "nrm-challenge", map[string]any{"decision": "reasonable-grounds", "decided_at": ts, "outcome": "challenge", "reason": "Recorded."})
	take(sw, "nrm-rg-decision", map[string]any{"decided_at": ts, "outcome": "negative"})
	take(lead, "nrm-challenge", map[string]any{"decision": "reasonable-grounds", "decided_at": ts, "outcome": "accept", "reason": "Recorded."})
	for _, o := range view().Duties.Outcomes {
		if o.Told == nil {
			take(sw, "young-person-told", map[string]any{"outcome_id": o.ID, "told_at": ts, "told_by": "Recorded worker", "how": "In person"})
			break
		}
	}

	allegation := take(sw, "allegation-external", map[string]any{"received_at": ts, "name": "Recorded driver", "organisation": "Recorded taxis",
		"role": "driver", "supplier": true, "summary": "Recorded allegation.", "possible_offence": true})
	take(lead, "allegation-outcome", map[string]any{"allegation_id": allegation.Ref, "decided_at": ts, "outcome": "substantiated", "decided_by": "LADO"})
	take(manager, "relationship-ended", map[string]any{"allegation_id": allegation.Ref, "decided_at": ts, "decision": "ended",
		"decided_by": "Recorded decision maker", "reason": "Recorded reason."})

	// A carer's concern whose police report is left late: with the short police-report clock, its
	// chase reaches the Safeguarding Lead in seconds.
	take(carer, "concern", map[string]any{"observed_at": time.Now().UTC().Format(time.RFC3339), "exploitation_types": []string{"labour-exploitation"},
		"indicators": []map[string]string{{"code": "excessive-calls"}}, "account": "Recorded late concern."})
	if failed() {
		return
	}
	time.Sleep(10 * time.Second)
	review := "" // none is refused, and the recording fails
	for _, a := range view().OpenActions {
		if a.Kind == policy.ConductReview {
			review = a.ID
		}
	}
	take(lead, "conduct-decision", map[string]any{"action_id": review, "decided_at": time.Now().UTC().Format(time.RFC3339),
		"outcome": "not-conduct-matter", "reason": "Recorded reason."})
}
