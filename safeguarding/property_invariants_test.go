package safeguarding_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel/projection"
	sg "github.com/caseflow/caseflow/safeguarding"
)

// The invariants the property test checks after every move, and the oracle they are checked
// against. The oracle is written from the rules as docs/rules.md ("In short") states
// them, not from the code: who may end which obligation, who may see allegations, what a carer
// sees.

// Relations, grouped as the rules speak of them.
var (
	connected  = []sg.Relation{sg.RelationOverseer, sg.RelationSocialWorker, sg.RelationTeam, sg.RelationFostering, sg.RelationCarer, sg.RelationUnconfirmed}
	staffOnly  = []sg.Relation{sg.RelationOverseer, sg.RelationSocialWorker, sg.RelationTeam, sg.RelationFostering}
	caseLeads  = []sg.Relation{sg.RelationOverseer, sg.RelationSocialWorker, sg.RelationTeam}
	childsSW   = []sg.Relation{sg.RelationSocialWorker, sg.RelationTeam}
	overseeing = []sg.Relation{sg.RelationOverseer}
)

// seesAllegations: "allegations and what follows them are seen by social workers, managers and
// the Safeguarding Lead only".
func seesAllegations(r sg.Relation) bool { return slices.Contains(caseLeads, r) }

// restrictedKinds are the actions that follow an allegation: "everything about it is
// restricted, as every allegation is" (docs/rules.md, "An allegation against someone outside
// caseflow"), the decision on the agency's relationship a substantiated one calls for included
// ("Both are restricted", "Ending the agency's relationship after a substantiated allegation").
var restrictedKinds = []policy.RuleID{policy.LADO, policy.LADOUrgent, policy.AllegationPolice, policy.DBSReferral, policy.EndRelationship}

// conductKinds are the reviews of a failure to act: "Managers and the Safeguarding Lead decide,
// and they alone see the review, its action, its timeline entries and its decision" (docs/rules.md,
// "A staff member or carer who failed to act").
var conductKinds = []policy.RuleID{policy.ConductReview}

// seesConduct: only managers and the Safeguarding Lead see a conduct review.
func seesConduct(r sg.Relation) bool { return r == sg.RelationOverseer }

// careKinds are the actions about the child's care at home, which carers see besides their own.
var careKinds = []policy.RuleID{policy.CarePlan, policy.CarePlanReview, policy.MissingChild, policy.MissingPoliceReport,
	policy.MissingNotifySW, policy.MissingNotifyLead, policy.ReturnInterview}

// expectRelation is how a person must stand to the case: nowhere once an allegation excluded
// them, whatever their role; otherwise by their role and place on the case.
func (w *world) expectRelation(p sg.Actor) sg.Relation {
	c := w.c
	switch {
	case w.accused[p.UserID]:
		return sg.RelationNone
	case p.Role == sg.RoleManager || p.Role == sg.RoleSafeguardingLead:
		return sg.RelationOverseer
	case p.Role == sg.RoleSocialWorker && c.SocialWorker == p.UserID:
		return sg.RelationSocialWorker
	case p.Role == sg.RoleSocialWorker && w.access.TeamAccess && c.Team != "" && c.Team == p.Team:
		return sg.RelationTeam
	case p.Role == sg.RoleFosteringSocialWorker && c.FosteringSocialWorker == p.UserID:
		return sg.RelationFostering
	case p.Role == sg.RoleCarer && slices.Contains(c.Carers, p.UserID) && w.unconfirmed[p.UserID]:
		// "Until staff confirm the child is placed with them ... the carer's relation is
		// unconfirmed-carer" (docs/rules.md, "One case per child").
		return sg.RelationUnconfirmed
	case p.Role == sg.RoleCarer && slices.Contains(c.Carers, p.UserID):
		return sg.RelationCarer
	}
	return sg.RelationNone
}

// --- Obligations end only by the authority of a person who may end them ---

// ending is one action a move ended: the action before and after, and the move.
type ending struct {
	was, now sg.Action
	step     string
	by       sg.Actor
	sight    sg.Sight
	body     map[string]any
	// entries are the timeline entries the move wrote.
	entries []sg.Entry
	// c is the case after the move.
	c *sg.Case
}

// closer is a way the rules let an obligation end: the step that records its event or decides
// it, the status it leaves, who may take it, and any further condition.
type closer struct {
	step   string
	status sg.ActionStatus
	who    []sg.Relation
	when   func(e ending) bool
}

func done(step string, who []sg.Relation) closer {
	return closer{step: step, status: sg.ActionDone, who: who}
}

// closers are the steps whose events end each kind of obligation, and who records them.
var closers = map[policy.RuleID][]closer{
	policy.PoliceReport:           {done("police-report", connected)},
	policy.ImmediateDanger:        {{step: "police-report", status: sg.ActionDone, who: connected, when: bodyIs("channel", "999")}},
	policy.NotifySocialWorker:     {done("social-worker-informed", connected)},
	policy.NotifySafeguardingLead: {done("safeguarding-lead-informed", connected)},
	// "complete-record chases the Safeguarding Lead until [a carer's placement] is confirmed"
	// (docs/rules.md, "One case per child"): staff's confirmation may complete the record.
	policy.CompleteRecord: {{step: "case-details", status: sg.ActionDone, who: staffOnly, when: recordComplete},
		{step: sg.StepConfirmPlacement, status: sg.ActionDone, who: staffOnly, when: recordComplete}},
	policy.CSCReferral: {answers("csc-referral", staffOnly, "referred_at")},
	policy.CSCDecision: {done("csc-decision", staffOnly)},
	policy.NFAReview:   {answers("nfa-review", overseeing, "reviewed_at")},
	policy.Assessment: {answers("assessment", caseLeads, "completed_at"),
		// "No further action" ends the assessment of the referral it decides: there is none.
		{step: "csc-decision", status: sg.ActionResolved, who: staffOnly, when: bodyIs("decision", sg.DecisionNoFurtherAction)}},
	policy.StrategyDiscussion: {answers("strategy-meeting-held", staffOnly, "held_at")},
	policy.StrategyMeeting:    {{step: "strategy-meeting-held", status: sg.ActionDone, who: staffOnly, when: both(bodyIs("format", "meeting"), answered("held_at"))}},
	policy.ICPC:               {{step: "conference", status: sg.ActionDone, who: caseLeads, when: both(bodyIs("kind", "initial"), answered("held_at"))}},
	policy.RCPCFirst:          {{step: "conference", status: sg.ActionDone, who: caseLeads, when: both(bodyIs("kind", "review"), answered("held_at"))}},
	policy.RCPCNext:           {{step: "conference", status: sg.ActionDone, who: caseLeads, when: both(bodyIs("kind", "review"), answered("held_at"))}},
	policy.NRMRequest: {answers("nrm-referral", staffOnly, "submitted_at"),
		{step: "nrm-not-referred", status: sg.ActionResolved, who: overseeing, when: both(noteGives("reason"), answered("decided_at"))}},
	policy.NRMRGDecision:       {answers("nrm-rg-decision", caseLeads, "decided_at")},
	policy.NRMCGDecision:       {answers("nrm-cg-decision", caseLeads, "decided_at")},
	policy.ICTGReferral:        {answers("ictg-referral", staffOnly, "referred_at")},
	policy.ICTGAssignment:      {answers("ictg-assignment", staffOnly, "assigned_at")},
	policy.CarePlan:            {answers("care-plan-agreed", childsSW, "agreed_at")},
	policy.CarePlanReview:      {answers("care-plan-review", childsSW, "held_at")},
	policy.LACReview:           {answers("lac-review", childsSW, "held_at")},
	policy.SWVisit:             {answers("sw-visit", childsSW, "visited_at")},
	policy.MissingChild:        {done("missing-return", connected)},
	policy.MissingPoliceReport: {{step: "police-report", status: sg.ActionDone, who: connected, when: namesEpisode}},
	policy.MissingNotifySW:     {{step: "social-worker-informed", status: sg.ActionDone, who: connected, when: namesEpisode}},
	policy.MissingNotifyLead:   {{step: "safeguarding-lead-informed", status: sg.ActionDone, who: connected, when: namesEpisode}},
	policy.ReturnInterview:     {{step: "return-interview", status: sg.ActionDone, who: staffOnly, when: both(namesEpisode, answered("held_at"))}},
	policy.LADO:                {done("lado-informed", caseLeads)},
	policy.LADOUrgent:          {done("lado-informed", caseLeads)},
	// Only a manager's recorded reason ends the police or DBS referral of an allegation
	// without it.
	policy.AllegationPolice: {done("allegation-police-report", caseLeads),
		{step: "allegation-not-referred", status: sg.ActionResolved, who: overseeing, when: managersReason("police")}},
	policy.DBSReferral: {done("dbs-referral", caseLeads),
		{step: "allegation-not-referred", status: sg.ActionResolved, who: overseeing, when: managersReason("dbs")}},
	policy.Age18Consent: {done("adult-consent", caseLeads)},
	// A concern the policy leaves the NRM request out for asks the Safeguarding Lead whether to
	// refer (docs/rules.md, "Which clocks a concern opens, by its kind"). Asking a First
	// Responder answers it (the request is then chased as any other), as does the referral
	// itself; either is a step for anyone on the staff, and the answer that refers the child
	// takes no more authority than the request does. Only the other answer, that the child is
	// not referred, is the Lead's or a manager's, with why.
	policy.NRMLeadDecision: {answers("nrm-request", staffOnly, "requested_at"), answers("nrm-referral", staffOnly, "submitted_at"),
		{step: "nrm-not-referred", status: sg.ActionResolved, who: overseeing, when: both(noteGives("reason"), answered("decided_at"))}},
	// The seed duties (docs/rules.md, "The seed duties"). "Telling the young person of each
	// outcome": young-person-told closes it, recorded by staff; "if the young person cannot be
	// told, a manager or the Safeguarding Lead ends it for a reason" (action-resolve).
	policy.TellYoungPerson: {{step: "young-person-told", status: sg.ActionDone, who: staffOnly, when: bodyNames("outcome_id")}},
	// "A police check under the Child Sex Offender Disclosure Scheme": by the social worker, a
	// manager or the Safeguarding Lead. A check requested closes the decision; a decision not to
	// request one, with the reason the timeline keeps, "closes only the decisions that began at
	// or before it". The police's answer closes the chase of that check.
	policy.CSODSDecision: {{step: "csods-request", status: sg.ActionDone, who: caseLeads, when: startedBy("requested_at")},
		{step: "csods-not-requested", status: sg.ActionDone, who: caseLeads, when: func(e ending) bool {
			return startedBy("decided_at")(e) && noteGives("reason")(e) && timelineGives(e, "reason")
		}}},
	policy.CSODSAnswer: {{step: "csods-answer", status: sg.ActionDone, who: caseLeads, when: bodyNames("request_id")}},
	// "Speaking with the child without the accompanying adult": spoken with alone closes it (by
	// staff); "a record of why not by a manager or the Safeguarding Lead ends the obligation for
	// that reason ... by anyone else it is kept and the clock runs on".
	policy.SpeakAlone: {{step: "spoke-alone", status: sg.ActionDone, who: staffOnly, when: func(e ending) bool {
		return bodyNames("contact_id")(e) && e.body["outcome"] == sg.SpokenAloneHeld && answered("at")(e)
	}}, {step: "spoke-alone", status: sg.ActionResolved, who: overseeing, when: func(e ending) bool {
		return bodyNames("contact_id")(e) && e.body["outcome"] == sg.SpokenAloneNot && noteGives("reason")(e) && timelineGives(e, "reason") && answered("at")(e)
	}}},
	// "Challenging a negative NRM decision": a challenge (by the social worker, a manager or the
	// Lead) or a reconsideration asked for closes it; "accepting the decision is a manager's or
	// the Safeguarding Lead's, with the reasons".
	policy.NRMChallenge: {{step: "nrm-challenge", status: sg.ActionDone, who: caseLeads, when: func(e ending) bool {
		return bodyNames("decision")(e) && e.body["outcome"] == sg.ChallengeDecision
	}}, {step: "nrm-challenge", status: sg.ActionDone, who: overseeing, when: func(e ending) bool {
		return bodyNames("decision")(e) && e.body["outcome"] == sg.AcceptDecision && noteGives("reason")(e) && timelineGives(e, "reason")
	}}, {step: "nrm-reconsideration", status: sg.ActionDone, who: caseLeads, when: bodyNames("decision")}},
	// "A staff member or carer who failed to act": conduct-decision, a manager's or the Lead's,
	// with the reason; "nobody decides about their own failure".
	policy.ConductReview: {{step: "conduct-decision", status: sg.ActionDone, who: overseeing, when: func(e ending) bool {
		return e.body["action_id"] == e.now.ID && noteGives("reason")(e) &&
			!slices.ContainsFunc(e.c.Duties.Conduct, func(r sg.ConductReview) bool { return r.ReviewID == e.now.ID && r.Subject.UserID == e.by.UserID })
	}}},
	// "Ending the agency's relationship after a substantiated allegation": "only a manager or
	// the Lead record the decision on the relationship", with why.
	policy.EndRelationship: {{step: "relationship-ended", status: sg.ActionDone, who: overseeing, when: func(e ending) bool {
		return bodyNames("allegation_id")(e) && noteGives("reason")(e)
	}}},
	// Records retention (docs/records-retention.md, "Review, legal hold and destruction"): the
	// review of a record whose retention date passed ends only by a decision of a manager or the
	// Safeguarding Lead, for a reason the timeline keeps: the approval of its destruction, or a
	// legal hold; or by reopening the case, which sets the date aside.
	// The reason is the timeline's, restricted: the review, seen by the whole team, never keeps it.
	policy.RetentionReview: {{step: sg.StepApproveDestruction, status: sg.ActionDone, who: overseeing, when: keptApart},
		{step: "legal-hold", status: sg.ActionResolved, who: overseeing, when: keptApart}, {step: "reopen", status: sg.ActionResolved, who: overseeing, when: reopened},
		// A further concern, or the child going missing, reopens a closed case, by whoever records it.
		{step: "concern", status: sg.ActionResolved, who: connected, when: reopened},
		{step: "missing-episode", status: sg.ActionResolved, who: connected, when: reopened}},
	// "Age is a decision, not an edit": the move to adulthood that the record proposes is
	// decided by the Safeguarding Lead or a manager, with the adulthood step.
	policy.ConfirmAdulthood: {done("adulthood", overseeing)},
	// An agreed action is marked done "only by its owner, the child's social worker, a manager or
	// the Safeguarding Lead".
	sg.MeetingAction: {{step: "action-done", status: sg.ActionDone, who: connected, when: func(e ending) bool {
		return (e.sight.Owns(e.was.Owner) || e.sight.Relation == sg.RelationSocialWorker || e.sight.Relation == sg.RelationOverseer) && answered("completed_at")(e)
	}}},
}

// resolutions end any obligation without its event: "a manager or the Safeguarding Lead can end
// one obligation for a reason at any time", and a manager's approval of closure resolves each
// open one with a reason. The timeline keeps the reason.
var resolutions = []closer{
	{step: "action-resolve", status: sg.ActionResolved, who: overseeing, when: func(e ending) bool {
		return e.body["action_id"] == e.now.ID && e.now.Note == e.body["reason"] && keepsReason(e)
	}},
	// "Merging two cases of one child is a manager's or the Safeguarding Lead's decision ...
	// Like closing, it needs each open obligation of the merged case done or resolved with a
	// reason" (docs/rules.md, "One case per child").
	{step: sg.StepMergeInto, status: sg.ActionResolved, who: overseeing, when: func(e ending) bool {
		list, _ := e.body["resolutions"].([]any)
		return e.now.EndedBy == "merge" && slices.ContainsFunc(list, func(r any) bool {
			m, _ := r.(map[string]any)
			return m["action_id"] == e.now.ID && m["reason"] == e.now.Note
		}) && keepsReason(e)
	}},
	{step: "closure-approval", status: sg.ActionResolved, who: overseeing, when: func(e ending) bool {
		if e.by.Role != sg.RoleManager || e.now.EndedBy != "closure" {
			return false
		}
		list, _ := e.body["resolutions"].([]any)
		return slices.ContainsFunc(list, func(r any) bool {
			m, _ := r.(map[string]any)
			return m["action_id"] == e.now.ID && m["reason"] == e.now.Note
		}) && keepsReason(e)
	}},
}

// confirmedAdult: "nothing else ends a child clock" than the Safeguarding Lead's or a manager's
// confirmation of the move to adulthood, for a reason, which the timeline keeps, naming each
// clock it ended (docs/rules.md, "Age is a decision, not an edit"); an ending the confirmation
// made is marked as such, so that a record making the young person a child again runs it again.
var confirmedAdult = closer{step: "adulthood", status: sg.ActionResolved, who: overseeing, when: func(e ending) bool {
	r, _ := e.body["reason"].(string)
	return slices.Contains(childClocks, e.now.Kind) && e.now.EndedBy == endedByAdulthood && noteGives("reason")(e) &&
		slices.ContainsFunc(e.entries, func(x sg.Entry) bool {
			return x.By == e.by && strings.Contains(x.Summary, r) && namesID(x.Summary, e.now.ID)
		})
}}

// endedByAdulthood marks an action the confirmed move to adulthood ended, as "closure" marks one
// a closure resolved.
const endedByAdulthood = "18th-birthday"

// childClocks are the clocks that protect a child as a child (children's social care, child
// protection, looked-after reviews and visits, the ICTG, the care plan).
var childClocks = []policy.RuleID{
	policy.CSCReferral, policy.CSCDecision, policy.NFAReview, policy.Assessment, policy.StrategyDiscussion,
	policy.StrategyMeeting, policy.ICPC, policy.RCPCFirst, policy.RCPCNext, policy.ICTGReferral,
	policy.ICTGAssignment, policy.CarePlan, policy.CarePlanReview, policy.LACReview, policy.SWVisit,
	policy.ReturnInterview,
}

// answers is a record that closes the obligations it answers: under the one-case rules
// (docs/rules.md, "Every record is checked against what it answers") only those that began at or
// before the time it records, and, when it names the actions it answers, only those.
func answers(step string, who []sg.Relation, field string) closer {
	return closer{step: step, status: sg.ActionDone, who: who, when: answered(field)}
}

// answered: the action began at or before the time the record gives, and is among those it
// names, if it names any.
func answered(field string) func(e ending) bool {
	return func(e ending) bool {
		named, _ := e.body["action_ids"].([]any)
		return startedBy(field)(e) && (len(named) == 0 || slices.Contains(named, any(e.now.ID)))
	}
}

func both(a, b func(e ending) bool) func(e ending) bool {
	return func(e ending) bool { return a(e) && b(e) }
}

func bodyIs(field, value string) func(e ending) bool {
	return func(e ending) bool { return e.body[field] == value }
}

func namesEpisode(e ending) bool { return e.body["episode_id"] == e.now.Ref }

// bodyNames: the step names what the action is about.
func bodyNames(field string) func(e ending) bool {
	return func(e ending) bool { return e.body[field] == e.now.Ref }
}

// startedBy: the action began at or before the time the step gives; a record closes only what
// it can answer.
func startedBy(field string) func(e ending) bool {
	return func(e ending) bool {
		at, err := time.Parse(time.RFC3339Nano, fmt.Sprint(e.body[field]))
		return err == nil && !e.was.StartedAt.After(at)
	}
}

// timelineGives: the timeline has an entry by who took the step, giving the reason it gave.
func timelineGives(e ending, field string) bool {
	r, _ := e.body[field].(string)
	return slices.ContainsFunc(e.entries, func(x sg.Entry) bool { return x.By == e.by && strings.Contains(x.Summary, r) })
}

// noteGives: the action keeps the reason the step gave.
func noteGives(field string) func(e ending) bool {
	return func(e ending) bool {
		r, _ := e.body[field].(string)
		return strings.TrimSpace(r) != "" && strings.Contains(e.now.Note, r)
	}
}

func managersReason(referral string) func(e ending) bool {
	return func(e ending) bool {
		return e.by.Role == sg.RoleManager && e.body["referral"] == referral && e.body["allegation_id"] == e.now.Ref && noteGives("reason")(e)
	}
}

// reopened: the step reopened the case, setting its retention date aside.
func reopened(e ending) bool { return !e.c.Closed() && e.c.Retention == nil }

// keptApart: the step gave a reason, which the timeline keeps and the action does not.
func keptApart(e ending) bool {
	r, _ := e.body["reason"].(string)
	return strings.TrimSpace(r) != "" && timelineGives(e, "reason") && !strings.Contains(e.now.Note, r)
}

// keepsReason: the timeline has an entry about the action, by who ended it, giving the reason.
func keepsReason(e ending) bool {
	return slices.ContainsFunc(e.entries, func(x sg.Entry) bool {
		return x.Ref == e.now.ID && x.By == e.by && strings.Contains(x.Summary, e.now.Note)
	})
}

// recordComplete: the record now lacks nothing the complete-record clock waits for: the local
// authority, team and social worker, no carer's placement awaiting confirmation, and for every
// concern the exploitation suspected and the signs seen.
func recordComplete(e ending) bool {
	c := e.c
	return c.LA != "" && c.Team != "" && c.SocialWorker != "" && len(c.Unconfirmed) == 0 && !slices.ContainsFunc(c.Concerns, func(k sg.Concern) bool {
		return len(k.ExploitationTypes) == 0 || len(k.Indicators) == 0
	})
}

// checkEndings classifies every action a move ended by the move and who took it, and fails on
// one no rule lets that person end that way, or whose ending the action and timeline do not keep.
func (w *world) checkEndings(t *rapid.T, step string, by sg.Actor, body map[string]any, before snapshot) {
	var added []sg.Entry
	if w.c.ArchivedThrough == before.archived && len(w.c.Timeline) >= before.entries {
		added = w.c.Timeline[before.entries:]
	}
	ids := make([]string, 0, len(before.open))
	for id := range before.open {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		a := w.action(id)
		if a == nil {
			t.Fatalf("%s by %s: open action %s (%s) is gone from the case", step, who(by), id, before.open[id].Kind)
		}
		if a.Open() {
			continue
		}
		e := ending{was: before.open[id], now: *a, step: step, by: by, sight: before.sight, body: body, entries: added, c: w.c}
		if why := w.refuseEnding(e); why != "" {
			t.Fatalf("%s by %s (%s) ended %s %s (%s, %q, ended by %q): %s", step, who(by), before.sight.Relation, a.ID, a.Kind, a.Status, a.Note, a.EndedBy, why)
		}
	}
	if step == "closure-approval" && w.c.Closed() && len(w.c.OpenActions()) > 0 {
		t.Fatalf("the case closed with obligations open: %v", w.c.OpenActions())
	}
}

// refuseEnding says why an ending breaks the rules, or "" when one rule allows it.
func (w *world) refuseEnding(e ending) string {
	a := e.now
	switch {
	case a.ClosedBy == nil || *a.ClosedBy != e.by:
		return "the action does not keep who ended it"
	case a.ClosedAt.IsZero():
		return "the action does not keep when it ended"
	case a.Status != sg.ActionDone && a.Status != sg.ActionResolved:
		return "ended as " + string(a.Status) + ": under the current rules an obligation is done or resolved, never cancelled"
	case a.Status == sg.ActionResolved && strings.TrimSpace(a.Note) == "":
		return "resolved without a reason"
	case !slices.ContainsFunc(e.entries, func(x sg.Entry) bool { return x.By == e.by }):
		return "the timeline keeps no entry by who ended it"
	case slices.Contains(restrictedKinds, a.Kind) && !seesAllegations(e.sight.Relation):
		return "ended by someone who may not see allegations"
	case slices.Contains(conductKinds, a.Kind) && !seesConduct(e.sight.Relation):
		return "ended by someone who may not see conduct reviews"
	}
	rules := append(append(slices.Clone(closers[a.Kind]), resolutions...), confirmedAdult)
	if a.Kind == policy.RetentionReview {
		// "It ends only by those decisions": not by a resolution of an obligation.
		rules = closers[a.Kind]
	}
	for _, r := range rules {
		if r.step == e.step && r.status == a.Status && slices.Contains(r.who, e.sight.Relation) && (r.when == nil || r.when(e)) {
			return ""
		}
	}
	return "no rule lets this step, by this person, end this obligation"
}

// --- Age is a decision, not an edit ---

// checkAge checks a move against the rules of the move to adulthood (docs/rules.md, "Age is a
// decision, not an edit"): it is confirmed only once, by the record's 18th birthday or after it,
// never while the young person's age is disputed; nothing proposes it while their age is disputed
// or before the record makes them 18; and a young person whose move was confirmed is not referred
// to children's social care by a further concern. A proposal is a new confirm-adulthood action:
// one re-armed (by a reopening) is the decision that was waiting, which "stays for the Lead or a
// manager to end" even when a later record makes the young person a child.
func (w *world) checkAge(t *rapid.T, step string, body map[string]any, res sg.Result, before snapshot) {
	if step == "adulthood" {
		birthday, known := before.child.DateOfBirth.Birthday(18)
		decided, _ := time.Parse(time.RFC3339, fmt.Sprint(body["decided_at"]))
		switch {
		case !before.turnedAdult.IsZero():
			t.Fatalf("the move to adulthood was confirmed again; it was confirmed as from %s", before.turnedAdult)
		case before.child.AgeDisputed:
			t.Fatalf("the move to adulthood was confirmed while the young person's age is disputed")
		case !known || decided.Before(birthday):
			t.Fatalf("the move to adulthood was confirmed at %s, before the 18th birthday the record gives (%q)", decided, before.child.DateOfBirth)
		}
	}
	for _, id := range res.Opened {
		a := w.action(id)
		switch {
		case a == nil:
			t.Fatalf("%s opened %s, which the case does not hold", step, id)
		case !slices.ContainsFunc(w.c.Actions[min(before.actions, len(w.c.Actions)):], func(n sg.Action) bool { return n.ID == id }):
			// re-armed, not opened anew
		case a.Kind == policy.ConfirmAdulthood:
			birthday, known := w.c.Child.DateOfBirth.Birthday(18)
			if w.c.Child.AgeDisputed || !known || w.env.now.Before(birthday) {
				t.Fatalf("%s proposed the move to adulthood of a young person the record does not make 18 (born %q, age disputed %v)",
					step, w.c.Child.DateOfBirth, w.c.Child.AgeDisputed)
			}
		case a.Kind == policy.CSCReferral && step == "concern" && !before.turnedAdult.IsZero():
			t.Fatalf("a further concern referred to children's social care a young person whose move to adulthood was confirmed")
		}
	}
	// "A correction that makes the young person a child again (their age disputed, a later date
	// of birth) runs again every child clock the confirmation ended."
	birthday, known := w.c.Child.DateOfBirth.Birthday(18)
	if w.c.Child.AgeDisputed || known && w.env.now.Before(birthday) {
		for _, a := range w.c.Actions {
			if !a.Open() && a.EndedBy == endedByAdulthood {
				t.Fatalf("after %s the record makes the young person a child (born %q, age disputed %v), but %s %s stays ended by the move to adulthood",
					step, w.c.Child.DateOfBirth, w.c.Child.AgeDisputed, a.ID, a.Kind)
			}
		}
	}
}

// --- Refused steps change nothing and tell nothing ---

// checkRefusal: a refused step leaves the case as it was; an outsider (a stranger or someone an
// allegation excluded) learns nothing of the case from the refusal; and nobody who may not see
// allegations learns of one, or of an action they may not see.
func (w *world) checkRefusal(t *rapid.T, step sg.Step, req sg.Request, err error, before snapshot) {
	if w.raw.json = nil; !bytes.Equal(before.raw, w.caseJSON()) {
		t.Fatalf("the refused %s changed the case", step.Name)
	}
	var e *sg.Error
	if !errors.As(err, &e) || e.Message == "" {
		t.Fatalf("%s was refused with %v, not a domain error a person can read", step.Name, err)
	}
	if step.BySystem() {
		return
	}
	rel := before.sight.Relation
	if rel != before.expected {
		t.Fatalf("%s stands to the case as %s", who(req.Actor), rel)
	}
	if rel == sg.RelationNone {
		if want := outsiderRefusal(step, req, w.env.now); err.Error() != want.Error() || sg.CodeOf(err) != sg.CodeOf(want) {
			t.Fatalf("%s, who stands in no relation to the case, was told %q; want %q, which says nothing of the case", who(req.Actor), err, want)
		}
		return
	}
	if !seesAllegations(rel) {
		if leak := w.leaks(err.Error(), req.Body, step.Restricted()); leak != "" {
			t.Fatalf("the refusal of %s told %s (%s) %s: %q", step.Name, who(req.Actor), rel, leak, err)
		}
	}
	w.checkUnseenIsUnknown(t, step, req, err, before)
}

// outsiderRefusal is all someone who stands in no relation to the case may be told: what is
// wrong with their request itself, that their role may never take the step, or that there is no
// such case.
func outsiderRefusal(step sg.Step, req sg.Request, now time.Time) error {
	cmd, err := step.Decode(req.Body)
	if err != nil {
		return err
	}
	if err := cmd.Validate(now); err != nil {
		return err
	}
	if !step.Allows(req.Actor.Role) {
		return sg.Errorf(sg.EForbidden, "Your role cannot %s.", strings.ToLower(step.Title[:1])+step.Title[1:])
	}
	return sg.NotFound()
}

// checkUnseenIsUnknown: a request naming an action the person may not see is refused exactly as
// one naming an action that does not exist.
func (w *world) checkUnseenIsUnknown(t *rapid.T, step sg.Step, req sg.Request, err error, before snapshot) {
	var body map[string]any
	_ = json.Unmarshal(req.Body, &body)
	id, _ := body["action_id"].(string)
	a := w.action(id)
	if a == nil || w.oracleSeesAction(before.sight, a) {
		return
	}
	body["action_id"] = "A9999"
	other := req
	other.RequestID += "-unknown"
	other.Body = mustJSON(body)
	unknown := w.c.Check(step, other, w.env.now, w.access)
	if unknown == nil || strings.ReplaceAll(err.Error(), id, "A9999") != unknown.Error() {
		t.Fatalf("%s naming %s, which %s may not see, was refused with %q; naming no action gives %q", step.Name, id, who(req.Actor), err, unknown)
	}
}

// oracleSeesAction: the restricted actions only to those who see allegations; a carer their own
// and the child's care at home; staff the rest.
func (w *world) oracleSeesAction(s sg.Sight, a *sg.Action) bool {
	switch {
	case !slices.Contains(connected, s.Relation):
		return false
	case slices.Contains(restrictedKinds, a.Kind):
		return seesAllegations(s.Relation)
	case slices.Contains(conductKinds, a.Kind):
		return seesConduct(s.Relation)
	case s.Relation == sg.RelationUnconfirmed:
		// "the actions they own", and no other.
		return ownedBy(a.Owner, s.Actor)
	case s.Relation == sg.RelationCarer:
		return slices.Contains(careKinds, a.Kind) || ownedBy(a.Owner, s.Actor)
	}
	return true
}

func ownedBy(o sg.Owner, p sg.Actor) bool {
	if o.UserID != "" {
		return o.UserID == p.UserID
	}
	return o.Role == p.Role
}

// leakWords are what tells of an allegation.
var leakWords = []string{"allegation", "lado", "designated officer", "disclosure and barring", "hush-"}

// leaks says what text tells someone who may not see allegations of one, or "": its words (unless
// the step they asked for is itself about an allegation, whose name they chose), an allegation's
// id, or the id of an action that follows one, unless their own request named it.
func (w *world) leaks(text string, request []byte, aboutAllegation bool) string {
	lower := strings.ToLower(text)
	for _, word := range leakWords {
		if strings.Contains(lower, word) && (!aboutAllegation || word == "hush-") {
			return "of an allegation (" + word + ")"
		}
	}
	for _, a := range w.c.Allegations {
		if namesID(text, a.ID) && !bytes.Contains(request, []byte(`"`+a.ID+`"`)) {
			return "an allegation's id " + a.ID
		}
	}
	for _, a := range w.c.Actions {
		if slices.Contains(restrictedKinds, a.Kind) && namesID(text, a.ID) && !bytes.Contains(request, []byte(`"`+a.ID+`"`)) {
			return "the id of an action that follows an allegation, " + a.ID
		}
	}
	return ""
}

// namesID reports whether text names the id as a word: A1 is not named by A12.
func namesID(text, id string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], id)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(id)
		if (start == 0 || !isWordByte(text[start-1])) && (end == len(text) || !isWordByte(text[end])) {
			return true
		}
		i = end
	}
}

func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// --- What each person sees ---

// checkState checks what must hold of the case at rest: deadlines, owners, closure, and what
// everyone in the cast sees through the view, the timeline and the read model's summary.
func (w *world) checkState(t *rapid.T) {
	w.checkDeadlines(t)
	if w.c.Closed() && slices.ContainsFunc(w.c.OpenActions(), func(a sg.Action) bool { return a.Kind != policy.RetentionReview }) {
		t.Fatalf("the case is closed with obligations open: %v", w.c.OpenActions())
	}
	w.checkRecordKept(t)
	sum := projection.Of(w.c)
	w.checkSummary(t, sum)
	for _, p := range w.inSight() {
		w.checkSight(t, p, sum)
	}
}

// inSight is the cast whose sight of the case is checked: everyone, but of two managers or two
// Safeguarding Leads whom no allegation excluded, who see the case alike, only the first.
func (w *world) inSight() []sg.Actor {
	var out []sg.Actor
	seen := map[sg.Role]bool{}
	for _, p := range cast {
		if p.Role.Oversees() && !w.accused[p.UserID] {
			if seen[p.Role] {
				continue
			}
			seen[p.Role] = true
		}
		out = append(out, p)
	}
	return out
}

// checkDeadlines: no deadline falls before the event that started it, no ladder runs backwards,
// and no open obligation is held by someone an allegation excluded.
func (w *world) checkDeadlines(t *rapid.T) {
	for _, a := range w.c.Actions {
		switch {
		case a.Due.Before(a.StartedAt):
			t.Fatalf("%s %s is due %s, before the event that started it (%s)", a.ID, a.Kind, a.Due, a.StartedAt)
		case !a.EscalateAt.IsZero() && a.EscalateAt.Before(a.Due):
			t.Fatalf("%s %s escalates at %s, before it is due (%s)", a.ID, a.Kind, a.EscalateAt, a.Due)
		case !a.EscalateAgainAt.IsZero() && a.EscalateAgainAt.Before(a.EscalateAt):
			t.Fatalf("%s %s escalates to the Lead at %s, before the manager (%s)", a.ID, a.Kind, a.EscalateAgainAt, a.EscalateAt)
		case a.Open() && w.accused[a.Owner.UserID]:
			t.Fatalf("%s %s is owned by %s, whom an allegation excluded", a.ID, a.Kind, a.Owner.UserID)
		}
	}
}

// checkChases: a chase goes to someone, never to a person an allegation excluded, and only
// about an open action.
func (w *world) checkChases(t *rapid.T, chases []sg.DueChase) {
	for _, ch := range chases {
		a := w.action(ch.ActionID)
		if a == nil || !a.Open() || len(ch.To) == 0 || ch.At.After(w.env.now) {
			t.Fatalf("chase %+v of %+v", ch, a)
		}
		for _, r := range ch.To {
			if r.UserID != "" && (w.accused[r.UserID] || slices.Contains(w.c.Excluded, r.UserID)) {
				t.Fatalf("the chase of %s %s goes to %s, whom an allegation excluded", a.ID, a.Kind, r.UserID)
			}
			// A conduct review's "chases go to the Lead (or the manager) only" (docs/rules.md).
			if slices.Contains(conductKinds, a.Kind) && !r.Role.Oversees() {
				t.Fatalf("the chase of conduct review %s goes to %+v", a.ID, r)
			}
		}
	}
}

// checkSummary: the read model gets no personal data and never the kind of an action that
// follows an allegation, and excludes whom the case excludes.
func (w *world) checkSummary(t *rapid.T, sum projection.Summary) {
	raw := string(mustJSON(sum))
	for _, secret := range []string{childName, "hush-", "working nights", "older men"} {
		if strings.Contains(raw, secret) {
			t.Fatalf("the read model's summary holds %q", secret)
		}
	}
	for _, a := range sum.Actions {
		if slices.Contains(restrictedKinds, policy.RuleID(a.Kind)) {
			t.Fatalf("the read model lists action %s as %s", a.ID, a.Kind)
		}
	}
	for user := range w.accused {
		if !slices.Contains(sum.Excluded, user) {
			t.Fatalf("the read model does not exclude %s, whom an allegation excluded", user)
		}
	}
	if sum.Closed && slices.ContainsFunc(sum.Actions, func(a projection.Action) bool { return a.Kind != string(policy.RetentionReview) }) {
		t.Fatalf("the read model lists open actions of a closed case other than its record's review")
	}
}

// checkSight checks one person's every view of the case against the oracle.
func (w *world) checkSight(t *rapid.T, p sg.Actor, sum projection.Summary) {
	rel := w.c.SightOf(p, w.access).Relation
	if want := w.expectRelation(p); rel != want {
		t.Fatalf("%s stands to the case as %s; the rules say %s", who(p), rel, want)
	}
	parties := sum.Parties()
	listSight := parties.SightOf(p, w.access)
	if listSight.Relation != rel {
		t.Fatalf("the read model puts %s as %s to the case, the case as %s", who(p), listSight.Relation, rel)
	}
	view, err := w.c.ViewFor(p, w.access, w.env.now)
	if rel == sg.RelationNone {
		_, terr := w.c.TimelineFor(p, w.access)
		if sg.CodeOf(err) != sg.ENotFound || sg.CodeOf(terr) != sg.ENotFound || err.Error() != sg.NotFound().Error() {
			t.Fatalf("%s, who stands in no relation to the case, gets its view or timeline: %v, %v", who(p), err, terr)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s (%s) cannot see the case: %v", who(p), rel, err)
	}
	sight := sg.Sight{Actor: p, Relation: rel}
	var want []string
	for i := range w.c.Actions {
		if w.oracleSeesAction(sight, &w.c.Actions[i]) {
			want = append(want, w.c.Actions[i].ID)
		}
	}
	var got []string
	for _, a := range view.Actions {
		got = append(got, a.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("%s (%s) sees actions %v; the rules say %v", who(p), rel, got, want)
	}
	var open, listed []string
	for _, a := range view.OpenActions {
		open = append(open, a.ID)
	}
	for _, a := range sum.Actions {
		if listSight.SeesAction(sg.Class(a.Class), sg.Owner{Role: sg.Role(a.OwnerRole), UserID: a.OwnerUser}) {
			listed = append(listed, a.ID)
		}
	}
	slices.Sort(open)
	slices.Sort(listed)
	if !slices.Equal(open, listed) {
		t.Fatalf("%s (%s) sees open actions %v on the case and %v in the lists", who(p), rel, open, listed)
	}
	for _, e := range view.Timeline {
		if why := w.hiddenEntry(sight, e); why != "" {
			t.Fatalf("%s (%s) sees timeline entry %d (%s, %q): %s", who(p), rel, e.Seq, e.Kind, e.Summary, why)
		}
	}
	if rel == sg.RelationUnconfirmed {
		w.checkUnconfirmedView(t, p, view)
	}
	if !seesAllegations(rel) {
		if len(view.Allegations)+len(view.Excluded)+len(view.Revoked)+len(view.Exclusions) > 0 {
			t.Fatalf("%s (%s) sees who an allegation excluded, or the allegation", who(p), rel)
		}
		if leak := w.leaks(string(mustJSON(view)), nil, false); leak != "" {
			t.Fatalf("the view of %s (%s) tells %s", who(p), rel, leak)
		}
	}
	if view.Retention != nil && rel != sg.RelationOverseer {
		t.Fatalf("%s (%s) sees the record's retention, which only managers and the Safeguarding Lead decide on", who(p), rel)
	}
	if !seesAllegations(rel) && strings.Contains(string(mustJSON(view)), "kept-") {
		t.Fatalf("the view of %s (%s) tells the reason of a decision on the record's retention, which the timeline keeps restricted", who(p), rel)
	}
	if !seesConduct(rel) {
		if leak := w.conductLeaks(string(mustJSON(view))); leak != "" {
			t.Fatalf("the view of %s (%s) tells %s", who(p), rel, leak)
		}
	}
}

// conductLeaks says what text tells someone who is not a manager or the Safeguarding Lead of a
// conduct review, or "": a decision's words, or a review's action id.
func (w *world) conductLeaks(text string) string {
	if strings.Contains(text, "staff-matter-") {
		return "the words of a conduct decision"
	}
	for _, a := range w.c.Actions {
		if slices.Contains(conductKinds, a.Kind) && namesID(text, a.ID) {
			return "the id of a conduct review, " + a.ID
		}
	}
	return ""
}

// carerEntries are what a carer sees of the timeline besides their own entries: the life of the
// child in their home.
var carerEntries = []string{"care-plan-agreed", "care-plan-review", "missing", "returned", "return-interview",
	"looked-after", "contact", "closure-approved", "reopened"}

// hiddenEntry says why the person may not see a timeline entry, or "".
func (w *world) hiddenEntry(s sg.Sight, e sg.Entry) string {
	restricted := e.Restricted || w.aboutAllegation(e.Ref)
	switch {
	case (slices.Contains(conductEntries, e.Kind) || w.aboutConduct(e.Ref)) && !seesConduct(s.Relation):
		return "it is about a conduct review"
	case restricted && !seesAllegations(s.Relation):
		return "it is about an allegation"
	case slices.Contains(retentionEntries, e.Kind) && !seesAllegations(s.Relation):
		return "a decision on the record's retention is restricted like an allegation"
	case s.Relation == sg.RelationUnconfirmed && !(e.By.UserID == s.Actor.UserID && e.By.Role == sg.RoleCarer):
		return "a carer whose placement awaits confirmation sees their own entries only"
	case s.Relation == sg.RelationCarer && !(e.By.UserID == s.Actor.UserID && e.By.Role == sg.RoleCarer) && !slices.Contains(carerEntries, e.Kind):
		return "a carer sees their own entries and the child's life at home"
	}
	return ""
}

// retentionEntries are the decisions on a record's retention, each with its reason: "the timeline
// keeps [it], restricted like an allegation" (docs/records-retention.md).
var retentionEntries = []string{"legal-hold", "legal-hold-lifted", "destruction-approved"}

// conductEntries are the entries of a conduct review: the Lead asked, and the decision.
var conductEntries = []string{"conduct-review", "conduct-decision"}

// aboutConduct: the reference names a conduct review's action.
func (w *world) aboutConduct(ref string) bool {
	a := w.action(ref)
	return ref != "" && a != nil && slices.Contains(conductKinds, a.Kind)
}

// aboutAllegation: the reference names an allegation or an action that follows one.
func (w *world) aboutAllegation(ref string) bool {
	if ref == "" {
		return false
	}
	if slices.ContainsFunc(w.c.Allegations, func(a sg.Allegation) bool { return a.ID == ref }) {
		return true
	}
	a := w.action(ref)
	return a != nil && slices.Contains(restrictedKinds, a.Kind)
}

// --- Compaction keeps every obligation and loses no entry ---

// checkCompaction compacts a copy of the case as continue-as-new does and checks what it kept
// and what it handed back for the archive; it returns the case the next run starts from.
func (w *world) checkCompaction(t *rapid.T) *sg.Case {
	orig := roundTrip(w.c)
	if !bytes.Equal(mustJSON(orig), mustJSON(w.c)) {
		t.Fatalf("the case does not survive JSON, as continue-as-new carries it")
	}
	next := roundTrip(w.c)
	archived := next.Compact()
	next = roundTrip(next)

	kept := map[string]sg.Action{}
	for _, a := range next.Actions {
		kept[a.ID] = a
	}
	for _, a := range orig.Actions {
		k, ok := kept[a.ID]
		undoable := a.EndedBy != "" || a.Status == sg.ActionCancelled
		if (a.Open() || undoable) && !ok {
			t.Fatalf("compaction dropped %s %s (%s, ended by %q), which is open or may be re-armed", a.ID, a.Kind, a.Status, a.EndedBy)
		}
		if a.Open() {
			a.Chases = a.Chases[max(0, len(a.Chases)-1):]
			k.Chases = k.Chases[max(0, len(k.Chases)-1):]
			if !bytes.Equal(mustJSON(a), mustJSON(k)) {
				t.Fatalf("compaction changed open action %s: %s became %s", a.ID, mustJSON(a), mustJSON(k))
			}
		}
	}
	whole := append(slices.Clone(archived), next.Timeline...)
	if len(whole) != len(orig.Timeline) {
		t.Fatalf("compaction kept %d and archived %d of %d entries", len(next.Timeline), len(archived), len(orig.Timeline))
	}
	for i, e := range orig.Timeline {
		got := whole[i]
		if e.Restricted && !got.Restricted {
			t.Fatalf("compaction unmarked restricted entry %d", e.Seq)
		}
		got.Restricted = e.Restricted
		if e.Conduct && !got.Conduct {
			t.Fatalf("compaction unmarked conduct entry %d", e.Seq)
		}
		got.Conduct = e.Conduct
		if !bytes.Equal(mustJSON(got), mustJSON(e)) {
			t.Fatalf("compaction changed entry %d: %+v became %+v", e.Seq, e, whole[i])
		}
	}
	if len(archived) > 0 && next.ArchivedThrough != archived[len(archived)-1].Seq {
		t.Fatalf("archived through %d, but the last entry archived is %d", next.ArchivedThrough, archived[len(archived)-1].Seq)
	}
	for _, e := range orig.Missing {
		if (e.ReturnedAt.IsZero() || slices.ContainsFunc(orig.Actions, func(a sg.Action) bool { return a.Open() && a.Ref == e.ID })) &&
			!slices.ContainsFunc(next.Missing, func(k sg.Episode) bool { return k.ID == e.ID }) {
			t.Fatalf("compaction dropped missing episode %s, which is still running", e.ID)
		}
	}
	if !orig.NextEventAt().Equal(next.NextEventAt()) || orig.Stage() != next.Stage() {
		t.Fatalf("compaction moved the next wake from %s to %s, or the stage from %s to %s", orig.NextEventAt(), next.NextEventAt(), orig.Stage(), next.Stage())
	}
	for _, p := range cast {
		w.checkArchiveSight(t, p, orig, next, archived)
	}
	return next
}

// checkArchiveSight: what the person sees of the timeline is the same before compaction as after
// it, reading the archived entries back through their sight as the API does.
func (w *world) checkArchiveSight(t *rapid.T, p sg.Actor, orig, next *sg.Case, archived []sg.Entry) {
	before, err := orig.TimelineFor(p, w.access)
	after, aerr := next.TimelineFor(p, w.access)
	if (err == nil) != (aerr == nil) {
		t.Fatalf("%s sees the case before compaction (%v) but not after (%v), or the other way", who(p), err, aerr)
	}
	if err != nil {
		return
	}
	sight := next.SightOf(p, w.access)
	var seqs []int
	for _, e := range archived {
		if sight.SeesEntry(e) {
			seqs = append(seqs, e.Seq)
		}
	}
	for _, e := range after {
		seqs = append(seqs, e.Seq)
	}
	var want, viewed []int
	for _, e := range before {
		want = append(want, e.Seq)
	}
	openBefore, _ := orig.ViewFor(p, w.access, w.env.now)
	for _, e := range openBefore.Timeline {
		viewed = append(viewed, e.Seq)
	}
	if !slices.Equal(viewed, want) {
		t.Fatalf("%s sees entries %v through the timeline, %v through the view", who(p), want, viewed)
	}
	if !slices.Equal(seqs, want) {
		t.Fatalf("%s sees entries %v after compaction (the archive read back through their sight), %v before", who(p), seqs, want)
	}
	openAfter, _ := next.ViewFor(p, w.access, w.env.now)
	if fmt.Sprint(ids(openBefore.OpenActions)) != fmt.Sprint(ids(openAfter.OpenActions)) {
		t.Fatalf("%s sees open actions %v after compaction, %v before", who(p), ids(openAfter.OpenActions), ids(openBefore.OpenActions))
	}
}

func ids(list []sg.ActionView) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.ID)
	}
	return out
}

// --- Records retention ---

// reviewDue is the oracle's word on whether the workflow must open the record's review now: the
// case is closed, its retention date has passed, no legal hold keeps it, no review is open and
// nobody approved its destruction.
func (w *world) reviewDue() bool {
	c := w.c
	return c.Closed() && c.Retention != nil && !w.env.now.Before(c.Retention.Until) && !c.OnHold() &&
		!c.DestructionApproved() && !slices.ContainsFunc(c.OpenActions(), func(a sg.Action) bool { return a.Kind == policy.RetentionReview })
}

// checkRecordKept: a closed case has a retention date and an open one none ("reopening sets the
// date aside"); its review is open only while the date has passed and nothing keeps the record.
func (w *world) checkRecordKept(t *rapid.T) {
	c := w.c
	switch {
	case c.Closed() && c.Retention == nil:
		t.Fatalf("the case is closed without a retention date")
	case !c.Closed() && c.Retention != nil:
		t.Fatalf("the case is open with a retention date (%s): reopening sets it aside", c.Retention.Until)
	}
	for _, a := range c.OpenActions() {
		if a.Kind == policy.RetentionReview && (!c.Closed() || c.OnHold() || c.DestructionApproved() || w.env.now.Before(c.Retention.Until)) {
			t.Fatalf("the record's review %s is open, but the case is open, held, its destruction approved, or its date (%s) to come", a.ID, c.Retention.Until)
		}
	}
}

// checkRetention checks a step against the rules of records retention: the date a closure sets,
// and who may approve a destruction, place a legal hold or lift it, when, and with what.
func (w *world) checkRetention(t *rapid.T, step string, by sg.Actor, body map[string]any, before snapshot) {
	c := w.c
	reason, _ := body["reason"].(string)
	decides := func(what string) {
		if before.sight.Relation != sg.RelationOverseer {
			t.Fatalf("%s by %s (%s): only a manager or the Safeguarding Lead %s", step, who(by), before.sight.Relation, what)
		}
		if strings.TrimSpace(reason) == "" || !slices.ContainsFunc(c.Timeline[min(before.entries, len(c.Timeline)):], func(e sg.Entry) bool {
			return e.By == by && e.Restricted && strings.Contains(e.Summary, reason)
		}) {
			t.Fatalf("%s by %s: the timeline keeps no restricted entry by them with the reason %q", step, who(by), reason)
		}
	}
	switch step {
	case "closure-approval":
		if c.Closed() {
			w.checkRetentionDate(t)
		}
	case "reopen", "concern", "missing-episode":
		if !c.Closed() && c.Retention != nil {
			t.Fatalf("the case was reopened and keeps its retention date")
		}
	case sg.StepApproveDestruction:
		decides("approves a record's destruction")
		switch d := c.Destruction; {
		case !before.closed || !before.reviewOpen:
			t.Fatalf("a destruction was approved before the record's retention date had passed (closed %v, review open %v)", before.closed, before.reviewOpen)
		case before.onHold:
			t.Fatalf("a destruction was approved under a legal hold")
		case len(before.estimated) > 0 && body["confirm_assumptions"] != true:
			t.Fatalf("a destruction was approved without confirming the dates its retention date assumed: %v", before.estimated)
		case d == nil || d.ApprovedBy != by || d.Reason != reason:
			t.Fatalf("the approval is not kept with who gave it and why: %+v", d)
		}
	case "legal-hold":
		decides("places a legal hold")
		if before.onHold || !c.OnHold() || c.LegalHolds[len(c.LegalHolds)-1].PlacedBy != by || c.LegalHolds[len(c.LegalHolds)-1].Reason != reason {
			t.Fatalf("the legal hold is not kept with who placed it and why (held before %v): %+v", before.onHold, c.LegalHolds)
		}
	case "legal-hold-lift":
		decides("lifts a legal hold")
		h := c.LegalHolds[len(c.LegalHolds)-1]
		if !before.onHold || c.OnHold() || h.LiftedBy == nil || *h.LiftedBy != by || h.LiftReason != reason {
			t.Fatalf("the lift is not kept with who lifted it and why (held before %v): %+v", before.onHold, h)
		}
	}
}

// checkRetentionDate checks a closed case's retention date against the rules of
// docs/records-retention.md ("The retention date"): the latest date any rule that applies gives;
// a looked-after child's record until their 75th birthday, another child's until their 25th and
// at least 6 years after closure, an allegation's until 10 years after it or the person's
// pension age (50 years when not recorded), whichever is later. What is not known never shortens
// a period: a child without a date of birth, or whose age is disputed, is taken as born the day
// the case opened. Dates are compared to the day.
func (w *world) checkRetentionDate(t *rapid.T) {
	c := w.c
	r := c.Retention
	if r == nil || !r.From.Equal(c.Closure.ClosedAt) {
		t.Fatalf("the case closed at %s with retention %+v, not counted from its closure", c.Closure.ClosedAt, r)
	}
	day := func(t time.Time) time.Time {
		l := t.In(policy.London)
		return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, policy.London)
	}
	born := day(c.OpenedAt)
	if dob, err := c.Child.DateOfBirth.Time(); err == nil && (!c.Child.AgeDisputed || dob.After(born)) {
		born = day(dob) // known, or disputed but later than the day the case opened
	}
	var want time.Time
	wantLatest := func(t time.Time) {
		if t.After(want) {
			want = t
		}
	}
	if c.LookedAfter != nil {
		wantLatest(born.AddDate(75, 0, 0))
	} else {
		wantLatest(born.AddDate(25, 0, 0))
		wantLatest(c.Closure.ClosedAt.AddDate(6, 0, 0))
	}
	for _, a := range c.Allegations {
		wantLatest(a.ReceivedAt.AddDate(10, 0, 0))
		if on, err := a.PensionAgeOn.Time(); err == nil {
			wantLatest(on)
		} else {
			wantLatest(a.ReceivedAt.AddDate(50, 0, 0))
		}
	}
	if gap := r.Until.Sub(want); gap < -36*time.Hour || gap > 36*time.Hour {
		t.Fatalf("the record is kept until %s; the rules say %s (born %s, looked after %v, %d allegations)",
			r.Until.Format(time.RFC3339), want.Format(time.RFC3339), born.Format("2006-01-02"), c.LookedAfter != nil, len(c.Allegations))
	}
}
