package api_test

import (
	"time"

	"github.com/caseflow/caseflow/safeguarding"
)

// sampleBodies are step bodies whose content is valid, so a request passes validation and
// reaches the case: the matrix test then sees the authorisation decision, not a 422. Ids
// referring to records (an episode, an allegation) may not exist; that is the case's answer.
func sampleBodies(now time.Time) map[string]any {
	ts := now.Add(-time.Minute).UTC().Format(time.RFC3339)
	later := now.Add(72 * time.Hour).UTC().Format(time.RFC3339)
	return map[string]any{
		"concern": map[string]any{"observed_at": ts, "exploitation_types": []string{"sexual-exploitation"},
			"indicators": []map[string]string{{"code": "older-boyfriend"}}, "account": "Picked up by an older man."},
		"police-report":              map[string]any{"reported_at": ts, "channel": "101", "reference": "P-100"},
		"social-worker-informed":     map[string]any{"informed_at": ts, "method": "phone"},
		"safeguarding-lead-informed": map[string]any{"informed_at": ts},
		"csc-referral":               map[string]any{"referred_at": ts, "significant_harm": true},
		"csc-decision":               map[string]any{"decided_at": ts, "decision": "s47-enquiry"},
		"assessment":                 map[string]any{"completed_at": ts, "late_reason": "none"},
		"strategy-meeting-scheduled": map[string]any{"scheduled_for": later, "format": "meeting", "attendees": []map[string]string{{"role": "police"}}},
		"strategy-meeting-held": map[string]any{"held_at": ts, "format": "meeting", "outcome": "s47 enquiry agreed", "s47_enquiry": true,
			"actions": []map[string]any{{"title": "Speak to the school", "owner_role": "social_worker", "owner_user": "sw-1", "due": later}}},
		"conference":               map[string]any{"kind": "initial", "held_at": ts, "child_protection_plan": true},
		"action-done":              map[string]any{"action_id": "A999", "completed_at": ts},
		"nrm-request":              map[string]any{"requested_at": ts, "requested_of": "local-authority"},
		"nrm-referral":             map[string]any{"submitted_at": ts, "reference": "NRM-100", "first_responder": "local-authority"},
		"nrm-rg-decision":          map[string]any{"decided_at": ts, "outcome": "positive"},
		"nrm-cg-decision":          map[string]any{"decided_at": ts, "outcome": "positive"},
		"nrm-reconsideration":      map[string]any{"decision": "reasonable-grounds", "requested_at": ts, "reason": "new evidence"},
		"adult-consent":            map[string]any{"recorded_at": ts, "consent": "given"},
		"age-assessment":           map[string]any{"assessed_at": ts, "assessed_by": "LA age assessment team", "date_of_birth": "2011-01-01"},
		"adulthood":                map[string]any{"decided_at": ts, "reason": "Passport seen."},
		"ictg-referral":            map[string]any{"referred_at": ts},
		"ictg-assignment":          map[string]any{"assigned_at": ts, "guardian_type": "direct-worker"},
		"parental-responsibility":  map[string]any{"holder": "none-in-uk"},
		"care-plan-contribution":   map[string]any{"text": "Settles better after football.", "topic": "routine"},
		"care-plan-agreed":         map[string]any{"agreed_at": ts, "summary": "Plan agreed by the team around the child."},
		"care-plan-review":         map[string]any{"held_at": ts, "outcome": "Plan continues."},
		"missing-episode":          map[string]any{"went_missing_at": ts, "reported_to_police": true, "police_reference": "M-1"},
		"missing-return":           map[string]any{"episode_id": "E999", "returned_at": ts},
		"return-interview":         map[string]any{"episode_id": "E999", "held_at": ts},
		"allegation":               map[string]any{"received_at": ts, "against_user": "staff-9", "against_role": "fostering_social_worker", "summary": "Concern about conduct."},
		"lado-informed":            map[string]any{"allegation_id": "L999", "informed_at": ts, "reference": "LADO-1"},
		"allegation-police-report": map[string]any{"allegation_id": "L999", "informed_at": ts, "reference": "CR-1"},
		"dbs-referral":             map[string]any{"allegation_id": "L999", "informed_at": ts, "reference": "DBS-1"},
		"allegation-not-referred":  map[string]any{"allegation_id": "L999", "referral": "dbs", "decided_at": ts, "reason": "The LADO advised no referral."},
		"household-exclusion":      map[string]any{"against_user": "carer-8", "against_role": "carer", "reason": "Cares for the child's sister, accused on her case."},
		"action-resolve":           map[string]any{"action_id": "A999", "reason": "Referral made by the police."},
		"case-details":             map[string]any{"child": map[string]any{"first_language": "Tigrinya"}, "reason": "Confirmed with the child."},
		"young-person-views":       map[string]any{"recorded_at": ts, "views": "I want to stay at my school."},
		"linked-case":              map[string]any{"case_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "reason": "Same child, raised twice."},
		"carer-placement":          map[string]any{"carer": "carer-9", "decision": "confirmed", "reason": "Placed with them by Leeds."},
		"merge-into":               map[string]any{"case_id": "aaaaaaaaaaaaaaaaaaaaaaaa", "reason": "Same child, raised twice."},

		"nfa-review":       map[string]any{"reviewed_at": ts, "outcome": "agreed", "note": "The plan meets the need."},
		"nrm-not-referred": map[string]any{"decided_at": ts, "reason": "No grounds found.", "decided_by": "LA team manager"},

		"suspected-offence":    map[string]any{"suspected_at": ts, "offence": "possession with intent to supply", "linked_to_exploitation": true},
		"looked-after":         map[string]any{"since": ts, "placement_start": ts},
		"lac-review":           map[string]any{"held_at": ts},
		"sw-visit":             map[string]any{"visited_at": ts},
		"contact":              map[string]any{"name": "Accompanying adult", "relationship": "claims to be an uncle", "restricted": true},
		"disclosure-withdrawn": map[string]any{"withdrawn_at": ts, "note": "Said it was made up."},
		"due-date":             map[string]any{"action_id": "A999", "due": later, "reason": "court date"},
		"team":                 map[string]any{"add_carers": []string{"carer-3"}, "reason": "respite carer"},
		"closure-request":      map[string]any{"reason": "risk-resolved", "note": "Plan complete."},
		"closure-approval":     map[string]any{"note": "Approved."},
		"closure-decline":      map[string]any{"note": "Keep open until the review."},
		"reopen":               map[string]any{"reason": "New concern."},

		"young-person-told":           map[string]any{"outcome_id": "Y999", "told_at": ts, "told_by": "Social worker", "how": "In person"},
		"csods-request":               map[string]any{"requested_at": ts, "adult": "Dan", "reason": "Collects her from school."},
		"csods-not-requested":         map[string]any{"decided_at": ts, "reason": "A classmate."},
		"csods-answer":                map[string]any{"request_id": "Q999", "answered_at": ts, "outcome": "nothing-to-disclose"},
		"spoke-alone":                 map[string]any{"contact_id": "P999", "at": ts, "outcome": "spoken-alone"},
		"nrm-challenge":               map[string]any{"decision": "reasonable-grounds", "decided_at": ts, "outcome": "challenge", "reason": "New evidence."},
		"nrm-parental-view":           map[string]any{"recorded_at": ts, "holder": "Mother", "view": "agrees"},
		"conduct-decision":            map[string]any{"action_id": "A999", "decided_at": ts, "outcome": "not-conduct-matter", "reason": "Recorded late."},
		"allegation-external":         map[string]any{"received_at": ts, "name": "J. Smith", "organisation": "School", "role": "teacher", "summary": "Gifts."},
		"allegation-outcome":          map[string]any{"allegation_id": "L999", "decided_at": ts, "outcome": "unfounded", "decided_by": "LADO"},
		"relationship-ended":          map[string]any{"allegation_id": "L999", "decided_at": ts, "decision": "ended", "decided_by": "RI", "reason": "Involved."},
		safeguarding.StepRaiseConcern: nil,

		safeguarding.StepApproveDestruction: map[string]any{"reason": "Retention period ended.", "confirm_assumptions": true},
		"legal-hold":                        map[string]any{"reason": "Civil claim notified."},
		"legal-hold-lift":                   map[string]any{"reason": "Claim settled."},
	}
}
