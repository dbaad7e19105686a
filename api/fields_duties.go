package api

import (
	"fmt"
	"reflect"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// The wording, codes, closing steps and examples of the steps of the agency policy's seed duties
// (safeguarding/duties.go). They join the tables of fields.go and examples.go when the package
// starts, and the same tests keep them exact.

var (
	disclosureOutcomes = pairs(safeguarding.DisclosureMade, "The police disclosed information to the person best placed to protect the child",
		safeguarding.DisclosureNone, "The police had nothing to disclose", safeguarding.DisclosureDeclined, "The police did not take the application forward")
	spokenAloneOutcomes = pairs(safeguarding.SpokenAloneHeld, "Spoken with the child without the adult present",
		safeguarding.SpokenAloneNot, "Not spoken with the child without the adult (say why)")
	challengeOutcomes = pairs(safeguarding.ChallengeDecision, "Challenge it: ask for the decision to be reconsidered",
		safeguarding.AcceptDecision, "Accept it (a manager or the Safeguarding Lead only)")
	parentalViews = pairs(safeguarding.ParentAgrees, "Agrees with the referral", safeguarding.ParentObjects, "Objects to the referral",
		safeguarding.ParentNotAsked, "Not asked (say why)")
	conductOutcomes = pairs(safeguarding.ConductMatter, "A conduct matter: disciplinary procedures follow",
		safeguarding.NotConductMatter, "Not a conduct matter")
	allegationOutcomes = pairs(safeguarding.Substantiated, "Substantiated", "unsubstantiated", "Unsubstantiated", "unfounded", "Unfounded",
		"false", "False", "malicious", "Malicious")
	relationshipDecisions = pairs(safeguarding.RelationshipEnded, "The agency's relationship with them is ended",
		safeguarding.RelationshipContinued, "The agency's relationship with them continues (say why)")
)

var dutyTypeFields = map[reflect.Type]map[string]field{
	reflect.TypeFor[safeguarding.RecordTold](): {
		"outcome_id": req("Which outcome?", "The id of the outcome the child was told of."),
		"told_at":    req("When were they told?", "Not before the outcome."),
		"told_by":    req("Who told them?", "Their role, and their name if the agency records it, for example \"Social worker, Sam Patel\"."),
		"how":        req("How were they told?", "In person, by phone, with an interpreter or an advocate."),
		"response":   opt("What did they say?", "The young person's response, in their own words."),
	},
	reflect.TypeFor[safeguarding.RequestDisclosureCheck](): {
		"requested_at": req("When was the check requested?", "When the police were asked, under the Child Sex Offender Disclosure Scheme."),
		"adult":        req("Who is the check about?", "The adult in contact with the child: their name, or how they are known."),
		"contact_id":   opt("Which recorded contact is it?", "The id of the contact, when the adult is one of the child's recorded contacts."),
		"reason":       req("Why was it requested?", "The concern about the contact between the child and the adult."),
		"reference":    opt("Police reference", "The reference the police gave the application."),
	},
	reflect.TypeFor[safeguarding.DecideNoDisclosureCheck](): {
		"decided_at": req("When was it decided?", "Not before the concern that called for the decision."),
		"reason":     req("Why is no check requested?", "The policy leaves the check to the social worker's judgement: say what it rests on."),
	},
	reflect.TypeFor[safeguarding.RecordDisclosureAnswer](): {
		"request_id":  req("Which check?", "The id of the check requested of the police."),
		"answered_at": req("When did the police answer?", "Not before the check was requested."),
		"outcome":     req("The police's answer", "What the police decided on the application.").of(disclosureOutcomes),
		"note":        opt("Note", "What was disclosed, and to whom, as far as the team may record it."),
	},
	reflect.TypeFor[safeguarding.RecordSpokenAlone](): {
		"contact_id": req("Which accompanying adult?", "The id of the contact recorded as accompanying the child."),
		"at":         req("When?", "When the child was spoken with, or when it was tried."),
		"outcome":    req("Was the child spoken with without the adult?", "Without the adult present: they may not be a parent or have the authority to care for the child.").of(spokenAloneOutcomes),
		"reason": opt("Why not?",
			"Required when the child was not spoken with alone. A manager or the Safeguarding Lead ends the obligation with this reason; anyone else's record keeps it open.").when(),
		"interpreter": opt("Interpreter",
			"Required for a conversation with a child who needs one (trained, DBS-checked, not from the child's area of origin).").when(),
		"note": noteField,
	},
	reflect.TypeFor[safeguarding.DecideChallenge](): {
		"decision":   req("Which decision?", "The negative NRM decision.").of(nrmDecisions),
		"decided_at": req("When was it decided?", "Not before the NRM decision."),
		"outcome":    req("Challenge it?", "Challenging asks for a reconsideration; accepting is a manager's or the Safeguarding Lead's decision.").of(challengeOutcomes),
		"reason":     req("Why?", "The grounds for reconsideration, or why the decision is accepted."),
	},
	reflect.TypeFor[safeguarding.RecordParentalView](): {
		"recorded_at": req("When was their view given?", "Or when it was decided not to ask them."),
		"holder":      req("Who holds parental responsibility?", "For example \"Mother, in Eritrea\" or \"Leeds City Council (care order)\"."),
		"view": req("Their view on the NRM referral",
			"A child's referral needs no consent and never waits for it: the view is recorded, the referral goes ahead.").of(parentalViews),
		"reason": opt("Why, or what they said", "Required when they were not asked, for example because asking could put the child at risk.").when(),
	},
	reflect.TypeFor[safeguarding.DecideConduct](): {
		"action_id":  req("Which review?", "The id of the action asking whether a failure to act is a conduct matter."),
		"decided_at": req("When was it decided?", "Not before the Safeguarding Lead was told the action was late."),
		"outcome":    req("Is it a conduct matter?", "Staff and carers who fail to act when modern slavery is identified are subject to disciplinary procedures.").of(conductOutcomes),
		"reason":     req("Why?", "What the decision rests on; managers and the Safeguarding Lead alone see it."),
	},
	reflect.TypeFor[safeguarding.RecordExternalAllegation](): {
		"received_at":  req("When was the allegation received?", "When the agency learned of it."),
		"name":         req("Against whom?", "The name of the person the allegation is about, or how they are known."),
		"organisation": req("Their organisation", "Where they work: a school, a taxi firm, a supplier of the agency."),
		"role":         req("Their role", "What they do, for example teacher, driver, supply worker."),
		"supplier": opt("They are, or work for, a supplier of the agency",
			"The agency can then end its relationship with them, and refers them to the Disclosure and Barring Service; for anyone else, their employer refers."),
		"summary": req("What is alleged", "A factual summary. Everything about an allegation is restricted."),
		"urgent":  opt("Urgent: the LADO must be told within the hour", "Otherwise within a working day."),
		"possible_offence": opt("It may be a criminal offence",
			"Recorded with the allegation. Every allegation starts the police report; a manager may record why it is not made."),
	},
	reflect.TypeFor[safeguarding.RecordAllegationOutcome](): {
		"allegation_id": req("Which allegation?", "The id of the allegation."),
		"decided_at":    req("When was it concluded?", "Not before the allegation was received."),
		"outcome": req("Outcome",
			"As the LADO's process concluded it. A substantiated allegation against a carer, a member of staff or a supplier opens the decision on ending the agency's relationship with them.").of(allegationOutcomes),
		"decided_by": req("Who concluded it?", "For example \"LADO allegation management meeting\"."),
		"note":       noteField,
	},
	reflect.TypeFor[safeguarding.DecideRelationship](): {
		"allegation_id": req("Which allegation?", "The id of the substantiated allegation."),
		"decided_at":    req("When was it decided?", "Not before the allegation was substantiated."),
		"decision":      req("The decision", "The agency policy: the agency will terminate its relationship with them.").of(relationshipDecisions),
		"decided_by":    req("Who decided?", "Their role, for example \"Responsible Individual, after the fostering panel\"."),
		"reason":        req("Why?", "The reason the timeline keeps."),
	},
}

var dutyResponseCodes = map[reflect.Type]map[string][]choice{
	reflect.TypeFor[safeguarding.DisclosureAnswer]():     {"outcome": disclosureOutcomes},
	reflect.TypeFor[safeguarding.SpokenAlone]():          {"outcome": spokenAloneOutcomes},
	reflect.TypeFor[safeguarding.Challenge]():            {"decision": nrmDecisions, "outcome": challengeOutcomes},
	reflect.TypeFor[safeguarding.ParentalView]():         {"view": parentalViews},
	reflect.TypeFor[safeguarding.ConductDecision]():      {"outcome": conductOutcomes},
	reflect.TypeFor[safeguarding.AllegationOutcome]():    {"outcome": allegationOutcomes},
	reflect.TypeFor[safeguarding.RelationshipDecision](): {"decision": relationshipDecisions},
}

var dutyClosers = []closer{
	{Step: "young-person-told", Kind: policy.TellYoungPerson, Field: "outcome_id", From: "ref"},
	{Step: "csods-request", Kind: policy.CSODSDecision},
	{Step: "csods-answer", Kind: policy.CSODSAnswer, Field: "request_id", From: "ref"},
	{Step: "spoke-alone", Kind: policy.SpeakAlone, Field: "contact_id", From: "ref", Fill: map[string]any{"outcome": safeguarding.SpokenAloneHeld}},
	{Step: "nrm-challenge", Kind: policy.NRMChallenge, Field: "decision", From: "ref"},
	{Step: "conduct-decision", Kind: policy.ConductReview, Field: "action_id", From: "id"},
	{Step: "relationship-ended", Kind: policy.EndRelationship, Field: "allegation_id", From: "ref"},
}

var dutyExamples = map[string]map[string]any{
	"young-person-told": {"outcome_id": "Y21", "told_at": "2026-11-29T16:30:00Z", "told_by": "Social worker, Sam Patel",
		"how": "In person at home, with a Tigrinya interpreter", "response": "Asked whether he can stay at his school."},
	"csods-request": {"requested_at": "2026-11-28T11:00:00Z", "adult": "Man in a silver car who calls himself Dan", "contact_id": "P8",
		"reason": "Collects her from school most days; she says he is her boyfriend.", "reference": "CSODS-2026-31"},
	"csods-not-requested": {"decided_at": "2026-11-28T11:00:00Z", "reason": "The adult is her 17-year-old classmate, known to the school."},
	"csods-answer": {"request_id": "Q14", "answered_at": "2026-11-29T15:00:00Z", "outcome": safeguarding.DisclosureMade,
		"note": "Disclosed to the carer and the child's social worker."},
	"spoke-alone": {"contact_id": "P8", "at": "2026-11-27T10:30:00Z", "outcome": safeguarding.SpokenAloneHeld,
		"interpreter": map[string]any{"language": "Tigrinya", "dbs_checked": true, "not_from_same_area": true}, "note": "At school, in the nurse's room."},
	"nrm-challenge": {"decision": "reasonable-grounds", "decided_at": "2026-11-29T10:00:00Z", "outcome": safeguarding.ChallengeDecision,
		"reason": "The decision did not consider the account he gave the ICTG."},
	"nrm-parental-view": {"recorded_at": "2026-11-27T12:00:00Z", "holder": "Mother, by phone from Eritrea", "view": safeguarding.ParentObjects,
		"reason": "Worried what the family's village will hear."},
	"conduct-decision": {"action_id": "A31", "decided_at": "2026-11-29T12:00:00Z", "outcome": safeguarding.NotConductMatter,
		"reason": "The carer called 101 at once and recorded it the next morning."},
	"allegation-external": {"received_at": "2026-11-28T09:00:00Z", "name": "J. Smith", "organisation": "Northfield Academy", "role": "teacher",
		"summary": "Gives the child lifts and gifts after school.", "urgent": false, "possible_offence": true},
	"allegation-outcome": {"allegation_id": "L9", "decided_at": "2026-11-29T14:00:00Z", "outcome": safeguarding.Substantiated,
		"decided_by": "LADO allegation management meeting", "note": "Police investigation continues."},
	"relationship-ended": {"allegation_id": "L9", "decided_at": "2026-11-29T16:00:00Z", "decision": safeguarding.RelationshipEnded,
		"decided_by": "Responsible Individual, after the fostering panel", "reason": "Substantiated involvement in the child's exploitation."},
}

func init() {
	join(typeFields, dutyTypeFields)
	join(responseCodes, dutyResponseCodes)
	join(examples, dutyExamples)
	closers = append(closers, dutyClosers...)
}

// join adds the entries of extra to table; a key in both is a mistake in the tables.
func join[K comparable, V any](table, extra map[K]V) {
	for k, v := range extra {
		if _, dup := table[k]; dup {
			panic(fmt.Sprintf("api: %v is in two tables", k))
		}
		table[k] = v
	}
}
