package safeguarding

import (
	"testing"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// The step table test's rows of the seed duties' steps (duties.go), in the order of the step
// table.
func dutyRows() []stepRow {
	return []stepRow{
		{
			step: "young-person-told", by: aSW, setup: func(f *fixture) { f.referred(); f.decided(DecisionChildInNeed) },
			body: func(f *fixture) body {
				return body{"outcome_id": f.c.Duties.Outcomes[0].ID, "told_at": ts(5 * time.Hour), "told_by": "Social worker, Sam",
					"how": "In person at home, with a Tigrinya interpreter", "response": "Asked if he can stay at his school."}
			},
			closes: []policy.RuleID{policy.TellYoungPerson},
			want: func(t *testing.T, f *fixture, res Result) {
				o := f.c.outcome(res.Ref)
				if o == nil || o.Kind != "csc-decision" || o.Told == nil || o.Told.ToldBy != "Social worker, Sam" || o.Told.By != aSW {
					t.Fatalf("outcome %+v", o)
				}
				if a := f.actionOf(policy.TellYoungPerson); a.Note != "Told by Social worker, Sam (In person at home, with a Tigrinya interpreter)" {
					t.Errorf("the action's note %q", a.Note)
				}
			},
			required: []string{"outcome_id", "told_at", "told_by", "how"},
			refusals: []refusal{
				{name: "an unknown outcome", edit: func(_ *fixture, b body) body { return with(b, "outcome_id", "Y99") }, code: EInvalid, field: "outcome_id"},
				{name: "told before the outcome", edit: func(_ *fixture, b body) body { return with(b, "told_at", ts(2*time.Hour)) }, code: EInvalid, field: "told_at"},
				{name: "already told", before: func(f *fixture) {
					f.referred()
					f.decided(DecisionChildInNeed)
					f.must("young-person-told", aFSW, body{"outcome_id": f.c.Duties.Outcomes[0].ID, "told_at": ts(4 * time.Hour), "told_by": "FSW", "how": "By phone"})
				}, code: EConflict},
			},
			wording: []string{"response"},
		},
		{
			step: "csods-request", by: aSW, setup: func(f *fixture) { f.adultConcern() },
			body: func(f *fixture) body {
				return body{"requested_at": ts(5 * time.Hour), "adult": "Man in a silver car, calls himself Dan", "reason": "Collects her from school.",
					"reference": "CSODS-12"}
			},
			opens:  []policy.RuleID{policy.CSODSAnswer},
			closes: []policy.RuleID{policy.CSODSDecision},
			want: func(t *testing.T, f *fixture, res Result) {
				q := f.c.disclosureCheck(res.Ref)
				if q == nil || q.Adult != "Man in a silver car, calls himself Dan" || q.Reference != "CSODS-12" || q.By != aSW {
					t.Fatalf("check %+v", q)
				}
				if a := f.open(policy.CSODSAnswer)[0]; a.Ref != q.ID || !a.StartedAt.Equal(t0.Add(5*time.Hour)) {
					t.Errorf("the answer's clock %+v", a)
				}
			},
			required: []string{"requested_at", "adult", "reason"},
			malformed: []malformed{
				{"contact_id", func(b body) body { return with(b, "contact_id", "P 1") }},
			},
			refusals: []refusal{
				{name: "an unknown contact", edit: func(_ *fixture, b body) body { return with(b, "contact_id", "P99") }, code: EInvalid, field: "contact_id"},
			},
		},
		{
			step: "csods-request", variant: "about a recorded contact, with no concern waiting", by: aManager,
			setup: func(f *fixture) { f.accompanied() },
			body: func(f *fixture) body {
				return body{"requested_at": ts(5 * time.Hour), "adult": "The uncle", "contact_id": f.c.Contacts[0].ID, "reason": "Claims to be an uncle."}
			},
			opens: []policy.RuleID{policy.CSODSAnswer},
		},
		{
			step: "csods-not-requested", by: aSW, setup: func(f *fixture) { f.adultConcern() },
			body: func(*fixture) body {
				return body{"decided_at": ts(5 * time.Hour), "reason": "The boyfriend is 17; the school and the police know him."}
			},
			closes: []policy.RuleID{policy.CSODSDecision},
			want: func(t *testing.T, f *fixture, _ Result) {
				if n := f.c.Duties.NotChecked; len(n) != 1 || n[0].By != aSW || f.actionOf(policy.CSODSDecision).Status != ActionDone {
					t.Fatalf("decisions %+v", n)
				}
			},
			required: []string{"decided_at", "reason"},
			refusals: []refusal{
				{name: "no decision waiting", before: func(*fixture) {}, code: EConflict},
				{name: "decided before the concern", edit: func(_ *fixture, b body) body { return with(b, "decided_at", ts(time.Hour)) }, code: EInvalid, field: "decided_at"},
			},
		},
		{
			step: "csods-answer", by: aSW, setup: func(f *fixture) { f.adultConcern(); f.checkRequested() },
			body: func(f *fixture) body {
				return body{"request_id": f.c.Duties.Checks[0].ID, "answered_at": ts(20 * time.Hour), "outcome": DisclosureMade,
					"note": "Disclosed to the carer and the social worker."}
			},
			closes: []policy.RuleID{policy.CSODSAnswer},
			want: func(t *testing.T, f *fixture, _ Result) {
				if a := f.c.Duties.Checks[0].Answer; a == nil || a.Outcome != DisclosureMade || a.By != aSW {
					t.Fatalf("answer %+v", a)
				}
			},
			required: []string{"request_id", "answered_at", "outcome"},
			malformed: []malformed{
				{"outcome", func(b body) body { return with(b, "outcome", "maybe") }},
			},
			refusals: []refusal{
				{name: "an unknown check", edit: func(_ *fixture, b body) body { return with(b, "request_id", "Q99") }, code: EInvalid, field: "request_id"},
				{name: "answered before the request", edit: func(_ *fixture, b body) body { return with(b, "answered_at", ts(4*time.Hour)) }, code: EInvalid, field: "answered_at"},
				{name: "already answered", before: func(f *fixture) {
					f.adultConcern()
					f.checkRequested()
					f.must("csods-answer", aSW, body{"request_id": f.c.Duties.Checks[0].ID, "answered_at": ts(6 * time.Hour), "outcome": DisclosureNone})
				}, code: EConflict},
			},
		},
		{
			step: "spoke-alone", by: aSW, setup: func(f *fixture) { f.accompanied() },
			body: func(f *fixture) body {
				return body{"contact_id": f.c.Contacts[0].ID, "at": ts(5 * time.Hour), "outcome": SpokenAloneHeld, "note": "At school, in the nurse's room."}
			},
			closes: []policy.RuleID{policy.SpeakAlone},
			want: func(t *testing.T, f *fixture, _ Result) {
				if s := f.c.Duties.SpokenAlone; len(s) != 1 || s[0].Outcome != SpokenAloneHeld || s[0].By != aSW {
					t.Fatalf("records %+v", s)
				}
			},
			required: []string{"contact_id", "at", "outcome"},
			malformed: []malformed{
				{"reason", func(b body) body { return with(b, "outcome", SpokenAloneNot) }},
				{"interpreter.dbs_checked", func(b body) body {
					return with(b, "interpreter", body{"language": "Tigrinya", "dbs_checked": false, "not_from_same_area": true})
				}},
			},
			refusals: []refusal{
				{name: "an unknown contact", edit: func(_ *fixture, b body) body { return with(b, "contact_id", "P99") }, code: EInvalid, field: "contact_id"},
				{name: "a contact who does not accompany the child", before: func(f *fixture) {
					f.must("contact", aSW, body{"name": "Aunt", "relationship": "Aunt in Leeds"})
				}, code: EInvalid, field: "contact_id"},
				{name: "a child who needs an interpreter, without one", before: func(f *fixture) { f.accompanied(); f.needsInterpreter() },
					code: EInvalid, field: "interpreter"},
			},
			wording: []string{"reason", "note"},
		},
		{
			step: "spoke-alone", variant: "not yet, by the social worker: the clock runs on", by: aSW, setup: func(f *fixture) { f.accompanied() },
			body: func(f *fixture) body {
				return body{"contact_id": f.c.Contacts[0].ID, "at": ts(5 * time.Hour), "outcome": SpokenAloneNot, "reason": "He would not leave the room."}
			},
			want: func(t *testing.T, f *fixture, _ Result) {
				if len(f.open(policy.SpeakAlone)) != 1 || !f.hasEntry("not-spoken-alone", f.c.Contacts[0].ID, "He would not leave the room.") {
					t.Error("the social worker's record of why not ended the obligation, or left no trace")
				}
			},
		},
		{
			step: "spoke-alone", variant: "not to be, by a manager: the obligation ends for the reason", by: aManager, setup: func(f *fixture) { f.accompanied() },
			body: func(f *fixture) body {
				return body{"contact_id": f.c.Contacts[0].ID, "at": ts(5 * time.Hour), "outcome": SpokenAloneNot,
					"reason": "The adult is the child's father, confirmed by the Home Office; the child asked for him to stay."}
			},
			closes: []policy.RuleID{policy.SpeakAlone},
			want: func(t *testing.T, f *fixture, _ Result) {
				if a := f.actionOf(policy.SpeakAlone); a.Status != ActionResolved || a.ClosedBy == nil || *a.ClosedBy != aManager {
					t.Errorf("the obligation %+v, want resolved by the manager", a)
				}
			},
		},
		{
			step: "nrm-challenge", by: aSW, setup: func(f *fixture) { f.nrmReferred(); f.rg("negative") },
			body: func(*fixture) body {
				return body{"decision": decisionRG, "decided_at": ts(5 * time.Hour), "outcome": ChallengeDecision,
					"reason": "The decision did not consider the ICTG's account."}
			},
			opens:  []policy.RuleID{policy.NRMRGDecision},
			closes: []policy.RuleID{policy.NRMChallenge},
			want: func(t *testing.T, f *fixture, _ Result) {
				if r := f.c.NRM.Reconsiderations; len(r) != 1 || !r[0].Pending || r[0].Decision != decisionRG {
					t.Fatalf("reconsiderations %+v", r)
				}
				if c := f.c.Duties.Challenges; len(c) != 1 || c[0].Outcome != ChallengeDecision || c[0].By != aSW {
					t.Errorf("challenges %+v", c)
				}
			},
			required: []string{"decision", "decided_at", "outcome", "reason"},
			malformed: []malformed{
				{"outcome", func(b body) body { return with(b, "outcome", "appeal") }},
			},
			refusals: []refusal{
				{name: "no decision", before: func(f *fixture) { f.nrmReferred() }, code: EConflict},
				{name: "a positive decision", before: func(f *fixture) { f.nrmReferred(); f.rg("positive") }, code: EConflict},
				{name: "a reconsideration already pending", before: func(f *fixture) {
					f.nrmReferred()
					f.rg("negative")
					f.must("nrm-reconsideration", aSW, body{"decision": decisionRG, "requested_at": ts(4 * time.Hour), "reason": "x"})
				}, code: EConflict},
				{name: "decided before the decision", edit: func(_ *fixture, b body) body { return with(b, "decided_at", ts(2*time.Hour)) }, code: EInvalid, field: "decided_at"},
				{name: "accepted by a social worker", edit: func(_ *fixture, b body) body { return with(b, "outcome", AcceptDecision) }, code: EForbidden},
			},
		},
		{
			step: "nrm-challenge", variant: "accepted by the Safeguarding Lead", by: aLead, setup: func(f *fixture) { f.nrmReferred(); f.rg("negative") },
			body: func(*fixture) body {
				return body{"decision": decisionRG, "decided_at": ts(5 * time.Hour), "outcome": AcceptDecision,
					"reason": "The police found the account was about another child."}
			},
			closes: []policy.RuleID{policy.NRMChallenge},
			want: func(t *testing.T, f *fixture, _ Result) {
				if len(f.c.NRM.Reconsiderations) != 0 || f.actionOf(policy.NRMChallenge).Note != "Not challenged: The police found the account was about another child." {
					t.Errorf("reconsiderations %+v, action %+v", f.c.NRM.Reconsiderations, f.actionOf(policy.NRMChallenge))
				}
			},
		},
		{
			step: "nrm-parental-view", by: aSW,
			body: func(*fixture) body {
				return body{"recorded_at": ts(5 * time.Hour), "holder": "Mother, by phone from Eritrea", "view": ParentObjects,
					"reason": "Worried about the family's safety at home."}
			},
			want: func(t *testing.T, f *fixture, _ Result) {
				if v := f.c.Duties.ParentalViews; len(v) != 1 || v[0].View != ParentObjects || v[0].By != aSW {
					t.Fatalf("views %+v", v)
				}
				if len(f.open(policy.NRMRequest)) != 1 {
					t.Error("the parent's objection touched the NRM request's clock")
				}
			},
			required: []string{"recorded_at", "holder", "view"},
			malformed: []malformed{
				{"reason", func(b body) body { return without(with(b, "view", ParentNotAsked), "reason") }},
				{"view", func(b body) body { return with(b, "view", "refuses") }},
			},
		},
		{
			step: "conduct-decision", by: aLead, setup: func(f *fixture) { f.escalatedToLead() },
			body: func(f *fixture) body {
				return body{"action_id": f.open(policy.ConductReview)[0].ID, "decided_at": ts(23 * time.Hour), "outcome": NotConductMatter,
					"reason": "The carer called 101 at once; the report was recorded late."}
			},
			closes: []policy.RuleID{policy.ConductReview},
			want: func(t *testing.T, f *fixture, res Result) {
				r := f.c.conductReview(res.Ref)
				if r == nil || r.Subject.UserID != "carer-1" || r.Decision == nil || r.Decision.Outcome != NotConductMatter || r.Decision.By != aLead {
					t.Fatalf("review %+v", r)
				}
			},
			required: []string{"action_id", "decided_at", "outcome", "reason"},
			malformed: []malformed{
				{"outcome", func(b body) body { return with(b, "outcome", "maybe") }},
			},
			refusals: []refusal{
				{name: "an action that is not a conduct review", edit: func(f *fixture, b body) body {
					return with(b, "action_id", f.open(policy.NRMRequest)[0].ID)
				}, code: EInvalid, field: "action_id"},
				{name: "decided before the escalation", edit: func(_ *fixture, b body) body { return with(b, "decided_at", ts(2*time.Hour)) }, code: EInvalid, field: "decided_at"},
				{name: "a decision on one's own conduct", before: func(f *fixture) {
					f.must("strategy-meeting-held", aSW, body{"held_at": ts(time.Hour), "format": FormatMeeting, "outcome": "Plan.",
						"actions": []body{{"title": "Call the school", "owner_role": "safeguarding_lead", "owner_user": "lead-1", "due": ts(2 * time.Hour)}}})
					f.env.now = t0.Add(72 * time.Hour) // two working days on, the Lead's own action reaches the Lead
					f.escalatedToLead()
				}, edit: func(f *fixture, b body) body {
					for _, a := range f.open(policy.ConductReview) {
						if f.c.conductReview(a.ID).Subject.UserID == "lead-1" {
							return with(b, "action_id", a.ID)
						}
					}
					f.t.Fatal("no review of the Lead's own action")
					return b
				}, code: EConflict},
			},
		},
		{
			step: "allegation-external", by: aSW,
			body: func(*fixture) body {
				return body{"received_at": ts(2 * time.Hour), "name": "J. Smith", "organisation": "Northfield Academy", "role": "teacher",
					"summary": "Gives the child lifts and gifts after school."}
			},
			// The police are told of every allegation; the DBS is the school's to refer.
			opens: []policy.RuleID{policy.LADO, policy.AllegationPolice},
			want: func(t *testing.T, f *fixture, res Result) {
				al := f.c.allegation(res.Ref)
				if al == nil || al.External == nil || al.External.Name != "J. Smith" || al.AgainstUser != "" || len(f.c.Excluded) != 0 {
					t.Fatalf("allegation %+v, excluded %v", al, f.c.Excluded)
				}
				if e := f.c.Timeline[len(f.c.Timeline)-1]; e.Kind != "allegation" || !e.Restricted || e.Ref != res.Ref {
					t.Errorf("timeline entry %+v", e)
				}
			},
			required: []string{"received_at", "name", "organisation", "role", "summary"},
			wording:  []string{"summary"},
		},
		{
			step: "allegation-external", variant: "a supplier, urgent, of an offence", by: aLead,
			body: func(*fixture) body {
				return body{"received_at": ts(2 * time.Hour), "name": "K. Jones", "organisation": "Swift Taxis", "role": "driver", "supplier": true,
					"summary": "Drove the child to an address in another town at night.", "urgent": true, "possible_offence": true}
			},
			opens: []policy.RuleID{policy.LADOUrgent, policy.AllegationPolice, policy.DBSReferral},
		},
		{
			step: "allegation-external", variant: "not a supplier, of an offence: the employer refers to the DBS", by: aManager,
			body: func(*fixture) body {
				return body{"received_at": ts(2 * time.Hour), "name": "J. Smith", "organisation": "Northfield Academy", "role": "teacher",
					"summary": "Sent the child messages.", "possible_offence": true}
			},
			opens: []policy.RuleID{policy.LADO, policy.AllegationPolice},
		},
		{
			step: "allegation-outcome", by: aLead, setup: func(f *fixture) { f.allegedOffence() },
			body: func(f *fixture) body {
				return body{"allegation_id": f.c.Allegations[0].ID, "decided_at": ts(20 * time.Hour), "outcome": Substantiated,
					"decided_by": "LADO allegation management meeting"}
			},
			// The police report and the DBS referral the allegation opened are still running.
			opens: []policy.RuleID{policy.EndRelationship},
			want: func(t *testing.T, f *fixture, _ Result) {
				al := f.c.Allegations[0]
				if al.Outcome == nil || al.Outcome.Outcome != Substantiated || al.Outcome.By != aLead {
					t.Fatalf("outcome %+v", al.Outcome)
				}
				if a := f.open(policy.EndRelationship)[0]; a.Owner != (Owner{Role: RoleSafeguardingLead}) || a.Ref != al.ID || a.Class() != ClassRestricted {
					t.Errorf("the decision on the relationship with an accused manager %+v", a)
				}
			},
			required: []string{"allegation_id", "decided_at", "outcome", "decided_by"},
			malformed: []malformed{
				{"outcome", func(b body) body { return with(b, "outcome", "proven") }},
			},
			refusals: []refusal{
				{name: "an unknown allegation", edit: func(_ *fixture, b body) body { return with(b, "allegation_id", "L99") }, code: EInvalid, field: "allegation_id"},
				{name: "concluded before it was received", edit: func(_ *fixture, b body) body { return with(b, "decided_at", ts(time.Hour)) }, code: EInvalid, field: "decided_at"},
				{name: "already concluded", before: func(f *fixture) { f.allegedOffence(); f.substantiated() }, code: EConflict},
			},
		},
		{
			step: "allegation-outcome", variant: "substantiated against a carer a manager had decided not to refer", by: aManager,
			setup: func(f *fixture) {
				f.must("allegation", aLead, body{"received_at": ts(2 * time.Hour), "against_user": "carer-1", "against_role": "carer", "summary": "Seen with the exploiters."})
				f.must("lado-informed", aLead, body{"allegation_id": f.c.Allegations[0].ID, "informed_at": ts(3 * time.Hour), "reference": "LADO-1"})
				for _, referral := range []string{ReferralPolice, ReferralDBS} {
					f.must("allegation-not-referred", aManager, body{"allegation_id": f.c.Allegations[0].ID, "referral": referral,
						"decided_at": ts(3 * time.Hour), "reason": "The LADO advised the threshold is not met."})
				}
			},
			body: func(f *fixture) body {
				return body{"allegation_id": f.c.Allegations[0].ID, "decided_at": ts(20 * time.Hour), "outcome": Substantiated, "decided_by": "LADO"}
			},
			opens: []policy.RuleID{policy.EndRelationship, policy.AllegationPolice, policy.DBSReferral},
			want: func(t *testing.T, f *fixture, _ Result) {
				if a := f.open(policy.EndRelationship)[0]; a.Owner != (Owner{Role: RoleManager}) {
					t.Errorf("the decision on a carer's approval is owned by %+v, want the manager", a.Owner)
				}
			},
		},
		{
			step: "allegation-outcome", variant: "substantiated against a teacher: the agency has no relationship to end", by: aSW,
			setup: func(f *fixture) {
				f.must("allegation-external", aSW, body{"received_at": ts(2 * time.Hour), "name": "J. Smith", "organisation": "Northfield Academy",
					"role": "teacher", "summary": "Gifts."})
				f.must("allegation-not-referred", aManager, body{"allegation_id": f.c.Allegations[0].ID, "referral": ReferralPolice,
					"decided_at": ts(3 * time.Hour), "reason": "The LADO is handling it with the school."})
			},
			body: func(f *fixture) body {
				return body{"allegation_id": f.c.Allegations[0].ID, "decided_at": ts(20 * time.Hour), "outcome": Substantiated, "decided_by": "LADO"}
			},
			opens: []policy.RuleID{policy.AllegationPolice},
		},
		{
			step: "allegation-outcome", variant: "unsubstantiated", by: aSW, setup: func(f *fixture) { f.allegedOffence() },
			body: func(f *fixture) body {
				return body{"allegation_id": f.c.Allegations[0].ID, "decided_at": ts(20 * time.Hour), "outcome": "unsubstantiated", "decided_by": "LADO"}
			},
		},
		{
			step: "relationship-ended", by: aManager, setup: func(f *fixture) { f.allegedOffence(); f.substantiated() },
			body: func(f *fixture) body {
				return body{"allegation_id": f.c.Allegations[0].ID, "decided_at": ts(22 * time.Hour), "decision": RelationshipEnded,
					"decided_by": "Responsible Individual", "reason": "Substantiated involvement in the child's exploitation."}
			},
			closes: []policy.RuleID{policy.EndRelationship},
			want: func(t *testing.T, f *fixture, _ Result) {
				r := f.c.Allegations[0].Relationship
				if r == nil || r.Decision != RelationshipEnded || r.DecidedBy != "Responsible Individual" || r.By != aManager {
					t.Fatalf("decision %+v", r)
				}
				if e := f.c.Timeline[len(f.c.Timeline)-1]; !e.Restricted || e.Kind != "relationship-decision" {
					t.Errorf("timeline entry %+v", e)
				}
			},
			required: []string{"allegation_id", "decided_at", "decision", "decided_by", "reason"},
			malformed: []malformed{
				{"decision", func(b body) body { return with(b, "decision", "suspended") }},
			},
			refusals: []refusal{
				{name: "not concluded", before: func(f *fixture) { f.allegedOffence() }, code: EConflict},
				{name: "unsubstantiated", before: func(f *fixture) {
					f.allegedOffence()
					f.must("allegation-outcome", aLead, body{"allegation_id": f.c.Allegations[0].ID, "decided_at": ts(20 * time.Hour), "outcome": "false", "decided_by": "LADO"})
				}, code: EConflict},
				{name: "no relationship to end", before: func(f *fixture) {
					f.must("allegation-external", aSW, body{"received_at": ts(2 * time.Hour), "name": "J. Smith", "organisation": "Northfield Academy",
						"role": "teacher", "summary": "Gifts."})
					f.substantiated()
				}, code: EConflict},
				{name: "already decided", before: func(f *fixture) {
					f.allegedOffence()
					f.substantiated()
					f.must("relationship-ended", aLead, body{"allegation_id": f.c.Allegations[0].ID, "decided_at": ts(21 * time.Hour), "decision": RelationshipEnded,
						"decided_by": "RI", "reason": "x"})
				}, code: EConflict},
				{name: "decided before the outcome", edit: func(_ *fixture, b body) body { return with(b, "decided_at", ts(10*time.Hour)) }, code: EInvalid, field: "decided_at"},
			},
		},
	}
}

// adultConcern is a carer's concern about an older 'boyfriend', which calls for the decision on a
// disclosure scheme check.
func (f *fixture) adultConcern() {
	f.must("concern", aCarer, body{"observed_at": ts(2 * time.Hour), "exploitation_types": []string{"sexual-exploitation"},
		"indicators": []body{{"code": "older-boyfriend"}}, "account": "Collected from school by a man in his twenties."})
}

func (f *fixture) checkRequested() {
	f.must("csods-request", aSW, body{"requested_at": ts(5 * time.Hour), "adult": "Dan", "reason": "Collects her from school."})
}

// accompanied records the adult who came with the child.
func (f *fixture) accompanied() {
	f.must("contact", aSW, body{"name": "Accompanying adult", "relationship": "Says he is an uncle", "accompanying": true})
}

// escalatedToLead takes the chases due by the fixture's time, the first day's carer's police
// report among them reaching the Safeguarding Lead, as the workflow does.
func (f *fixture) escalatedToLead() {
	f.c.AfterChases(f.env, f.c.TakeDueChases(f.env.now))
}

func (f *fixture) substantiated() {
	f.must("allegation-outcome", aLead, body{"allegation_id": f.c.Allegations[0].ID, "decided_at": ts(20 * time.Hour), "outcome": Substantiated, "decided_by": "LADO"})
}
