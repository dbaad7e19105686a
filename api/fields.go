package api

import (
	"reflect"
	"strings"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// What the OpenAPI document says of each field a request sends: the label a form shows
// (the schema's title), what the field means (its description, which a form shows as the
// hint), whether the API refuses a request without it, and the codes it takes. The pages build
// their forms from it and integrators read it, so it is written for people.
//
// It lives here, in a table keyed by the Go type that declares each field, rather than in
// struct tags on the domain types: the wording is the API's, not the domain's, and one domain
// type serves several steps that must be worded differently (the social worker or the
// Safeguarding Lead was told). Code lists come from the domain's own lists, so they cannot
// differ from what the domain accepts. The tests in openapi_test.go keep the table exact: every
// field of every step body has a title and description, no entry names a field that does not
// exist, each field marked required is one the domain's validation refuses a request without,
// each optional one is not, and every field the domain checks against a list has that list as
// its enum.

// field documents one field of a request body.
type field struct {
	title       string
	description string
	required    bool
	// conditional says the field is required in some cases only; its description says which.
	conditional bool
	enum        []choice
}

// choice is one code a field takes, with the words people read for it.
type choice struct{ value, label string }

func req(title, description string) field {
	return field{title: title, description: description, required: true}
}
func opt(title, description string) field { return field{title: title, description: description} }

// when marks a field required in some cases only.
func (f field) when() field { f.conditional = true; return f }

// of gives the field its codes.
func (f field) of(c []choice) field { f.enum = c; return f }

// pairs builds choices from value, label pairs.
func pairs(vl ...string) []choice {
	out := make([]choice, 0, len(vl)/2)
	for i := 0; i+1 < len(vl); i += 2 {
		out = append(out, choice{vl[i], vl[i+1]})
	}
	return out
}

func codesOf(list []safeguarding.Code) []choice {
	out := make([]choice, len(list))
	for i, c := range list {
		out[i] = choice{c.Code, c.Label}
	}
	return out
}

// labelled gives each value of a domain list the label the table holds, or a label made from the
// code ("home-office" reads "Home office") when it has none.
func labelled(values []string, labels map[string]string) []choice {
	out := make([]choice, len(values))
	for i, v := range values {
		l := labels[v]
		if l == "" {
			l = strings.ToUpper(v[:1]) + strings.ReplaceAll(v[1:], "-", " ")
		}
		out[i] = choice{v, l}
	}
	return out
}

// The code lists of the API, in the agency policy's words.
var (
	exploitationTypes    = codesOf(safeguarding.ExploitationTypes)
	traffickingPurposes  = codesOf(safeguarding.TraffickingPurposes)
	indicators           = codesOf(safeguarding.Indicators)
	vulnerabilityFactors = codesOf(safeguarding.VulnerabilityFactors)
	firstResponders      = labelled(safeguarding.FirstResponders, map[string]string{
		"local-authority": "The local authority", "police": "The police", "home-office": "The Home Office",
		"border-force": "Border Force", "national-crime-agency": "The National Crime Agency",
		"gangmasters-labour-abuse-authority": "The Gangmasters and Labour Abuse Authority",
		"salvation-army":                     "The Salvation Army", "barnardos": "Barnardo's", "migrant-help": "Migrant Help",
		"medaille-trust": "Medaille Trust", "kalayaan": "Kalayaan", "other-first-responder": "Another First Responder",
	})
	closureReasons = labelled(safeguarding.ClosureReasons, map[string]string{
		"risk-resolved": "The risk is resolved", "moved-to-another-agency": "The child moved to another agency",
		"adult-services": "The young person moved to adult services", "other": "Another reason (say in the note)",
	})
	// actors are the roles of whoever did something: a person of any role (the data protection
	// officer reads the record of decryptions), or caseflow itself (the 18th birthday, for
	// instance). roles are those of people who work with a case, who own actions and may be
	// the subject of an allegation.
	actors         = append(roleChoices(safeguarding.Roles), choice{"system", "caseflow itself"})
	roles          = roleChoices(safeguarding.CaseRoles)
	policeChannels = pairs("101", "101: the police non-emergency number", "999", "999: an emergency, the child in immediate danger")
	cscDecisions   = pairs(safeguarding.DecisionS47, "Section 47 enquiry", safeguarding.DecisionChildInNeed, "Child in need",
		safeguarding.DecisionAssessment, "Assessment", safeguarding.DecisionNoFurtherAction, "No further action")
	nfaOutcomes    = pairs("agreed", "Agreed with the decision", "challenged", "Challenged with the local authority")
	nrmRequestedOf = pairs("local-authority", "The local authority", "police", "The police")
	nrmOutcomes    = pairs("positive", "Positive", "negative", "Negative")
	nrmDecisions   = pairs("reasonable-grounds", "Reasonable Grounds", "conclusive-grounds", "Conclusive Grounds")
	declinable     = pairs(safeguarding.ReferralPolice, "The police", safeguarding.ReferralDBS, "The Disclosure and Barring Service")
	consents       = pairs("given", "Given: stays in the NRM", "withdrawn", "Withdrawn: leaves the NRM")
	ageOutcomes    = pairs(safeguarding.AssessedChild, "A child: under 18 on the date of the assessment",
		safeguarding.AssessedAdult, "An adult: 18 or over on the date of the assessment")
	guardianTypes = pairs(safeguarding.GuardianDirectWorker, "Direct Worker", safeguarding.GuardianCoordinator, "Regional Practice Coordinator")
	prHolders     = pairs(safeguarding.PRInUK, "Someone in the UK", safeguarding.PRNoneInUK, "Nobody in the UK")
	// prKnown adds "not known yet" and, as the case view writes it for people who may not see
	// it, the empty string.
	prKnown          = append(append([]choice{}, prHolders...), choice{safeguarding.PRUnknown, "Not known yet"}, choice{"", "Not given, or not shown to you"})
	meetingFormats   = pairs(safeguarding.FormatMeeting, "A meeting", safeguarding.FormatPhone, "A phone discussion")
	conferenceKinds  = pairs("initial", "Initial conference", "review", "Review conference")
	interviewResults = pairs(safeguarding.InterviewHeld, "Held", safeguarding.InterviewDeclined, "Offered, and the child declined it")
	closureDecisions = pairs("approved", "Approved", "declined", "Declined", "reopened", "Reopened",
		safeguarding.ClosureMerged, "Merged into the child's other case, which continues")
	placements = pairs(safeguarding.PlacementConfirmed, "Confirmed: the child is placed with them",
		safeguarding.PlacementNotPlaced, "Not placed with them: they lose access to the case")
	stages = pairs(string(safeguarding.StageConcernRaised), "Concern raised", string(safeguarding.StageReported), "Reported",
		string(safeguarding.StageNRMReferred), "Referred to the NRM", string(safeguarding.StageRGDecided), "Reasonable Grounds decided",
		string(safeguarding.StageCGDecided), "Conclusive Grounds decided", string(safeguarding.StageClosureRequested), "Closure requested",
		string(safeguarding.StageClosed), "Closed")
	actionStatuses = pairs(string(safeguarding.ActionOpen), "Open", string(safeguarding.ActionDone), "Done",
		string(safeguarding.ActionResolved), "Ended without its event, for a reason", string(safeguarding.ActionCancelled), "Cancelled when the case closed (first release)")
	actionClasses = pairs(string(safeguarding.ClassRestricted), "Restricted: about an allegation", string(safeguarding.ClassCare), "Care: for the household",
		string(safeguarding.ClassCasework), "Casework", string(safeguarding.ClassConduct), "Conduct: for managers and the Safeguarding Lead")
)

// Fields several steps share.
var (
	concernIDs = opt("Which concerns does it answer?",
		"The ids of the concerns this record answers. Leave it out to answer every concern raised at or before the time of the record that you can see. Give concerns or a missing episode, not both.")
	episodeID = opt("Which missing episode does it answer?",
		"The id of the missing episode this record is about, instead of concerns.")
	actionIDs = opt("Which actions does it answer?",
		"The ids of the open actions this record answers. Leave it out to answer the open actions of its kind that began at or before the time of the record. "+
			"A record dated before an action began cannot answer it.")
	teamField   = opt("Team", "The team that holds the case (the identity provider's team code).")
	swField     = opt("The child's social worker", "The social worker's user id at the identity provider.")
	fswField    = opt("Fostering social worker", "The fostering social worker's user id at the identity provider.")
	laField     = opt("Local authority", "The code of the child's local authority (for example E08000025); it must be one the agency works with, and it selects the local timescales.")
	reasonField = req("Reason", "Why, in a sentence or two; the timeline keeps it with who gave it.")
	noteField   = opt("Note", "Anything the team should know about it.")
)

// typeFields documents the fields of every request type, by the Go type that declares them: a
// type embedded in a step body (the concern's details, what a report answers) is documented once
// for every step that embeds it.
var typeFields = map[reflect.Type]map[string]field{
	reflect.TypeFor[safeguarding.ConcernDetails](): {
		"observed_at": req("When did you see or hear it?", "When it happened, as best you know; not in the future."),
		"exploitation_types": opt("What kind of exploitation do you suspect?",
			"Tick any that apply, in the agency policy's words. If you are not sure, say so in what you saw or heard.").of(exploitationTypes),
		"trafficking_purposes": opt("What might the child have been trafficked for?",
			"Only when child trafficking is among the kinds of exploitation.").of(traffickingPurposes),
		"indicators": opt("Signs you noticed", "The agency policy's signs of trafficking or exploitation that you saw, each with what you saw."),
		"vulnerability_factors": opt("What makes the child more vulnerable?",
			"The agency policy's factors that heighten a child's vulnerability.").of(vulnerabilityFactors),
		"immediate_danger": opt("The child is in immediate danger",
			"Call 999 first. When true, caseflow asks for the 999 call to be recorded within 15 minutes; it is false when left out."),
		"account": req("What did you see or hear?", "In your own words, and the child's words where you can. Say who was there."),
	},
	reflect.TypeFor[safeguarding.Indicator](): {
		"code": req("Sign", "One of the agency policy's signs.").of(indicators),
		"note": opt("What you saw", "What exactly was seen; needed when the sign is \"other\".").when(),
	},
	reflect.TypeFor[safeguarding.RaiseConcern](): {
		"child": req("The child", "Who the concern is about. Only a name, or how the child is known, is needed now; staff complete the rest."),
		"la":    laField, "team": teamField, "social_worker": swField, "fostering_social_worker": fswField,
		"carers": opt("Foster carers the child is placed with",
			"Their user ids; only staff name them. A carer raising a concern about a child with no case of theirs is added, and staff confirm the placement."),
		"looked_after": opt("Newly looked after", "When the child became looked after and the placement began; starts the review and visit clocks."),
	},
	reflect.TypeFor[safeguarding.Child](): {
		"name":          req("Child's full name", "Or how the child is known, if their name is not known yet."),
		"date_of_birth": opt("Date of birth", "The child must be under 18 at the concern, unless their age is disputed."),
		"age_disputed":  opt("The child's age is disputed", "The child is treated as a child until their age is established."),
		"assessed_age":  opt("Assessed age", "The age an age assessment found, in years (0 to 25)."),
		"preferred_term": opt("How does the child want to be described?",
			"In the child's own words, for example \"young person\" or \"survivor\"; caseflow's own texts about the child use it."),
		"first_language":     opt("First language", "The child's first language."),
		"dialect":            opt("Dialect", "The dialect of the child's first language, for booking an interpreter."),
		"interpreter_needed": opt("The child needs an interpreter", "Meetings and interviews with the child then need an interpreter recorded."),
		"unaccompanied":      opt("The child arrived in the UK unaccompanied", "Arrived without a parent or carer."),
		"parental_responsibility": opt("Who holds parental responsibility?",
			"Decides the kind of ICTG guardian; not known yet when left out.").of(prKnown),
		"reference": opt("The local authority's reference for the child",
			"The child's number in their local authority's children's record; give the local authority too. A concern naming it goes to the child's case."),
	},
	reflect.TypeFor[safeguarding.ChildUpdate](): {
		"name":          opt("Child's full name", "The corrected name."),
		"date_of_birth": opt("Date of birth", "A corrected date of birth moves the clocks that depend on the child's age."),
		"age_disputed":  opt("The child's age is disputed", "True while the child's age is not established."),
		"assessed_age":  opt("Assessed age", "The age an age assessment found, in years (0 to 25)."),
		"preferred_term": opt("How does the child want to be described?",
			"In the child's own words, for example \"young person\" or \"survivor\"."),
		"first_language":     opt("First language", "The child's first language."),
		"dialect":            opt("Dialect", "The dialect of the child's first language."),
		"interpreter_needed": opt("The child needs an interpreter", "Meetings and interviews with the child then need an interpreter recorded."),
		"unaccompanied":      opt("The child arrived in the UK unaccompanied", "Arrived without a parent or carer."),
		"reference": opt("The local authority's reference for the child",
			"The child's number in their local authority's children's record; the case's local authority must be known."),
	},
	reflect.TypeFor[safeguarding.LookedAfterStart](): {
		"since":           req("Looked after since", "When the child became looked after."),
		"placement_start": req("Placement started", "When the current placement began."),
		"long_term_placement": opt("The placement is intended to last until the child is 18",
			"Visits after its first year are then at most three-monthly, rather than six-weekly (regulation 28(2)(c))."),
	},
	reflect.TypeFor[safeguarding.CaseDetails](): {
		"child": opt("The child's details", "Only the details given change. Give at least one detail to complete or correct, here or below.").when(),
		"la":    laField, "team": opt("Team", "The team that holds the case, when it was not known at intake."),
		"social_worker":           opt("The child's social worker", "Their user id, when no social worker was known at intake."),
		"fostering_social_worker": opt("Fostering social worker", "Their user id, when none was known at intake."),
		"concern_id": opt("Which concern do the signs complete?",
			"The id of the concern that the kinds of exploitation and signs below complete; required with them.").when(),
		"add_exploitation_types": opt("Kinds of exploitation to add", "In the agency policy's words.").of(exploitationTypes),
		"add_indicators":         opt("Signs to add", "The agency policy's signs seen, each with what was seen."),
		"long_term_placement": opt("The placement is intended to last until the child is 18",
			"Or no longer is; the child must be recorded as looked after. Visits after the first year are then at most three-monthly, otherwise six-weekly."),
		"reason": reasonField,
	},
	reflect.TypeFor[safeguarding.ConfirmPlacement](): {
		"carer":    req("Which carer?", "The user id of the carer who raised the concern."),
		"decision": req("Is the child placed with them?", "Confirmed, they see the case as the child's carer; not placed, their actions pass to the child's social worker.").of(placements),
		"reason":   req("How do you know?", "For example \"placed with them by Leeds on 3 March\"."),
	},
	reflect.TypeFor[safeguarding.MergeInto](): {
		"case_id": req("The case that continues", "The id of the child's other case, which you must be able to see; this case closes into it and its counts join the child's."),
		"reason":  req("How do you know it is the same child?", "For example \"the same name and date of birth, raised twice on the night of the missing episode\"."),
		"resolutions": opt("Open actions to end",
			"Every open action of this case, each with the reason it ends here (\"carried on the other case\"); the merge is not recorded while any is left without one, and caseflow names each."),
	},
	reflect.TypeFor[safeguarding.LinkCase](): {
		"case_id": req("The other case", "The id of the other case of the same child; you must be able to see it. The link is recorded on both cases."),
		"reason":  req("How do you know it is the same child?", "For example \"raised twice on the night of the missing episode\"."),
	},
	reflect.TypeFor[safeguarding.About]():   {"concern_ids": concernIDs, "episode_id": episodeID},
	reflect.TypeFor[safeguarding.Answers](): {"action_ids": actionIDs},
	reflect.TypeFor[safeguarding.RecordPoliceReport](): {
		"reported_at": req("When did you report it?", "When the police were told; not in the future."),
		"channel":     req("How did you report it?", "101, or 999 when the child was in immediate danger.").of(policeChannels),
		"reference":   req("Police reference number", "The incident, crime or CAD number the police gave you."),
	},
	reflect.TypeFor[safeguarding.RecordInformed](): {
		"informed_at": req("When did you tell them?", "When they were told; not in the future."),
		"method":      opt("How did you tell them?", "For example by phone, email or in person."),
	},
	reflect.TypeFor[safeguarding.ReferToCSC](): {
		"referred_at":      req("When was the referral made?", "When Children's Social Care received the referral."),
		"significant_harm": opt("There is reasonable cause to suspect significant harm", "Every referral starts the strategy discussion clock whatever this says."),
	},
	reflect.TypeFor[safeguarding.RecordCSCDecision](): {
		"decided_at": req("When was the decision made?", "When the local authority decided; not before the referral."),
		"decision": req("The local authority's decision",
			"No further action starts the Safeguarding Lead's review; a section 47 enquiry starts the conference clock.").of(cscDecisions),
		"note": noteField,
	},
	reflect.TypeFor[safeguarding.ReviewNFA](): {
		"reviewed_at": req("When was it reviewed?", "When the Safeguarding Lead reviewed the \"no further action\" decision."),
		"outcome":     req("Outcome of the review", "Agreed, or challenged with the local authority.").of(nfaOutcomes),
		"note":        req("Why", "Why it was agreed; for a challenge, how and with whom it was raised."),
		"referral_id": opt("Which referral?", "The id of the referral whose decision is reviewed. Required when several decisions are waiting for review.").when(),
	},
	reflect.TypeFor[safeguarding.RecordAssessment](): {
		"completed_at": req("When was the assessment completed?", "When the social-care assessment finished."),
		"late_reason":  opt("Why was it late?", "Required when the assessment finished after its deadline.").when(),
	},
	reflect.TypeFor[safeguarding.Attendee](): {
		"role":         req("Role", "What the attendee does, for example police, social worker, health."),
		"organisation": opt("Organisation", "Where they work."),
	},
	reflect.TypeFor[safeguarding.Interpreter](): {
		"language":           req("Interpreter's language", "The child's first language, which the interpreter speaks."),
		"dialect":            opt("Interpreter's dialect", "The dialect, when it matters."),
		"dbs_checked":        req("The interpreter is DBS-checked", "Must be true: the agency policy asks for a trained, DBS-checked interpreter."),
		"not_from_same_area": req("The interpreter is not from the child's area of origin", "Must be true, as the agency policy asks."),
	},
	reflect.TypeFor[safeguarding.ScheduleMeeting](): {
		"scheduled_for": req("When is it?", "When the meeting or discussion will take place."),
		"format":        req("Meeting or phone discussion", "A phone discussion must be followed by a meeting.").of(meetingFormats),
		"attendees":     opt("Who will attend", "Roles and organisations; names are not needed."),
		"interpreter":   opt("Interpreter", "The interpreter booked; required when the child needs one (trained, DBS-checked, not from the child's area of origin).").when(),
	},
	reflect.TypeFor[safeguarding.RecordMeeting](): {
		"meeting_id": opt("Which scheduled meeting was it?", "The id of the meeting scheduled earlier; leave it out for one held without being booked."),
		"held_at":    req("When was it held?", "When the meeting or discussion took place."),
		"format":     req("Meeting or phone discussion", "A phone discussion must be followed by a meeting.").of(meetingFormats),
		"attendees":  opt("Who attended", "Roles and organisations; names are not needed."),
		"outcome":    req("What was decided", "The outcome of the discussion, in a few sentences."),
		"s47_enquiry": opt("The meeting started a section 47 enquiry",
			"Starts the initial child protection conference clock."),
		"minutes_ref": opt("Minutes reference", "Where the minutes are kept."),
		"actions":     opt("Actions agreed", "Each is chased like any other action, to its owner, by its due time."),
	},
	reflect.TypeFor[safeguarding.AgreedAction](): {
		"title":      req("What must be done", "The action, in a short sentence."),
		"owner_role": req("Who must do it (role)", "The role of the person who owns the action.").of(roles),
		"owner_user": opt("Who must do it (user id)", "Their user id, when a person is named."),
		"due":        req("Due by", "When it must be done; after the meeting."),
	},
	reflect.TypeFor[safeguarding.RecordConference](): {
		"kind":                  req("Initial or review conference", "A review follows the initial conference.").of(conferenceKinds),
		"held_at":               req("When was it held?", "When the conference took place."),
		"child_protection_plan": opt("The child has a child protection plan", "Starts the clock of the next review conference."),
		"outcome":               opt("Outcome", "What the conference decided."),
	},
	reflect.TypeFor[safeguarding.CompleteAction](): {
		"action_id":    req("Which action", "The id of the action agreed at a meeting."),
		"completed_at": req("When was it done?", "When the action was completed."),
		"note":         noteField,
	},
	reflect.TypeFor[safeguarding.RequestNRMReferral](): {
		"requested_at": req("When did you ask?", "When the agency asked a First Responder to refer the child."),
		"requested_of": req("Who did you ask to refer the child?", "A fostering agency is not a First Responder.").of(nrmRequestedOf),
	},
	reflect.TypeFor[safeguarding.RecordNRMReferral](): {
		"submitted_at":    req("When was it submitted?", "When the First Responder submitted the NRM referral."),
		"reference":       req("NRM reference", "The reference the NRM gave the referral."),
		"first_responder": req("Which First Responder made the referral?", "The organisation that submitted it.").of(firstResponders),
		"referred_by":     opt("Who made it", "The person or team at the First Responder, when the agency did not ask them."),
	},
	reflect.TypeFor[safeguarding.RecordNotReferred](): {
		"decided_at": req("When was it decided?", "When the decision not to refer was made."),
		"reason":     req("Why is the child not referred?", "Every child suspected of being trafficked must be referred: say why this child is not."),
		"decided_by": req("Who decided?", "Their role and organisation, for example \"LA team manager\"."),
	},
	reflect.TypeFor[safeguarding.RecordDecision](): {
		"decided_at": req("When was the decision made?", "When the Single Competent Authority decided."),
		"outcome":    req("Decision", "Positive or negative.").of(nrmOutcomes),
	},
	reflect.TypeFor[safeguarding.RequestReconsideration](): {
		"decision":     req("Which decision?", "The negative decision to reconsider.").of(nrmDecisions),
		"requested_at": req("When was it requested?", "When the reconsideration was requested."),
		"reason":       req("Why?", "The grounds for reconsideration, such as new evidence."),
	},
	reflect.TypeFor[safeguarding.RecordAdultConsent](): {
		"recorded_at": req("When was it given?", "From 30 days before the 18th birthday."),
		"consent":     req("Consent to remain in the NRM", "The young person's own choice.").of(consents),
	},
	reflect.TypeFor[safeguarding.RecordAgeAssessment](): {
		"assessed_at": req("When was the age assessed?", "When the assessment was concluded; not in the future."),
		"assessed_by": req("Who carried out the assessment?", "The organisation and the assessors' roles, for example \"Croydon Children's Services, two qualified social workers\"."),
		"date_of_birth": req("Date of birth the assessment gives",
			"It replaces the recorded one and settles the dispute: a child keeps every child clock until 18 by it; an adult is put to the Safeguarding Lead or a manager to confirm the move to adulthood."),
		"note": opt("Note", "How the assessment was made, for example with an interpreter."),
	},
	reflect.TypeFor[safeguarding.ConfirmAdulthood](): {
		"decided_at": req("When was it decided?", "Not before the 18th birthday the record gives."),
		"reason": req("Why do the child clocks end?",
			"The case view lists the child clocks this ends (confirming_ends); the timeline keeps them with your reason. A young person whose age is disputed keeps them until an age assessment is recorded."),
	},
	reflect.TypeFor[safeguarding.RecordICTGReferral](): {
		"referred_at": req("When was the referral made?", "When the child was referred to the ICTG service."),
	},
	reflect.TypeFor[safeguarding.RecordICTGAssignment](): {
		"assigned_at": req("When was the guardian assigned?", "When the ICTG service assigned the guardian."),
		"guardian_type": req("Kind of guardian",
			"A Direct Worker when nobody in the UK holds parental responsibility, a Regional Practice Coordinator when someone does.").of(guardianTypes),
		"reference": opt("ICTG reference", "The reference the ICTG service gave."),
	},
	reflect.TypeFor[safeguarding.RecordParentalResponsibility](): {
		"holder": req("Who holds parental responsibility?", "Decides the kind of ICTG guardian.").of(prHolders),
	},
	reflect.TypeFor[safeguarding.AddContribution](): {
		"topic": opt("Topic", "For example school, health, friends."),
		"text":  req("What you want the team to know", "Kept as you write it; never edited."),
	},
	reflect.TypeFor[safeguarding.RecordViews](): {
		"recorded_at": req("When did they give their views?", "When the young person gave them."),
		"views":       req("The young person's views and wishes", "In their own words, as they gave them; never reworded."),
		"how":         opt("How were they given?", "To whom, in which language, with an interpreter or an advocate."),
	},
	reflect.TypeFor[safeguarding.AgreeCarePlan](): {
		"agreed_at": req("When was the plan agreed?", "When the team around the child agreed it."),
		"summary":   req("What the plan says", "A summary of the plan as agreed."),
		"no_contribution_reason": opt("Why is it agreed without a carer's or fostering social worker's contribution?",
			"Required when the carer or the fostering social worker has not contributed: they are key contributors.").when(),
		"next_review_by": opt("Next review by", "Only if the team agreed an earlier date than the policy's."),
	},
	reflect.TypeFor[safeguarding.RecordReview](): {
		"held_at":        req("When was the review held?", "When the care plan was reviewed."),
		"outcome":        req("Outcome", "What the review decided."),
		"next_review_by": opt("Next review by", "Only if the team agreed an earlier date than the policy's."),
	},
	reflect.TypeFor[safeguarding.RecordMissing](): {
		"went_missing_at": req("When did the child go missing?", "When the child was last seen or found to be missing."),
		"returned_at":     opt("When did the child come back?", "Only if the child is already back."),
		"reported_to_police": opt("I have reported it to the police",
			"Give the police reference too; left out, caseflow chases the report."),
		"police_reference": opt("Police reference number", "Required when it was reported to the police.").when(),
	},
	reflect.TypeFor[safeguarding.RecordReturn](): {
		"episode_id":  req("Which missing episode?", "The id of the episode the child came back from."),
		"returned_at": req("When did the child come back?", "Not before the child went missing."),
	},
	reflect.TypeFor[safeguarding.RecordReturnInterview](): {
		"episode_id": req("Which missing episode?", "The id of the episode the interview follows."),
		"outcome":    opt("Was the interview held?", "Held, or offered and declined by the child; held when left out.").of(interviewResults),
		"held_at":    req("When was it held or offered?", "When the interview took place, or was offered and declined."),
		"offered_by": opt("Who offered it?", "Their role and organisation; required when the child declined the interview.").when(),
		"interpreter": opt("Interpreter",
			"Required for an interview held with a child who needs one (trained, DBS-checked, not from the child's area of origin).").when(),
	},
	reflect.TypeFor[safeguarding.RecordAllegation](): {
		"received_at":  req("When was the allegation received?", "When the agency learned of it."),
		"against_user": req("Against whom (user id)", "The user id of the person the allegation is about; they lose access to the case at once."),
		"against_role": req("Their role", "The role of the person the allegation is about.").of(roles),
		"summary":      req("What is alleged", "A factual summary. Everything about an allegation is restricted."),
		"urgent":       opt("Urgent: the LADO must be told within the hour", "Otherwise within a working day."),
		"possible_offence": opt("It may be a criminal offence",
			"Recorded with the allegation. Every allegation starts the police report and the referral to the Disclosure and Barring Service; a manager may record why one is not made."),
		"pension_age_on": opt("When they reach their normal pension age",
			"A date like 2049-06-30, if known. The allegation's record is kept at least until then, or 10 years, whichever is later; if not known, for the policy's longer period."),
	},
	reflect.TypeFor[safeguarding.DeclineAllegationReferral](): {
		"allegation_id": req("Which allegation?", "The id of the allegation."),
		"referral":      req("Which referral is not made?", "The police, or the Disclosure and Barring Service.").of(declinable),
		"decided_at":    req("When was it decided?", "Not before the allegation was received."),
		"reason":        req("Why is it not made?", "The agency policy reports carers and staff involved in exploitation to the police and the DBS: say why this one is not."),
	},
	reflect.TypeFor[safeguarding.HouseholdExclusion](): {
		"against_user": req("Whom to exclude (user id)", "The user id of the person an allegation about another child of the household is about; they lose access to this case at once."),
		"against_role": req("Their role", "The role of the person excluded.").of(roles),
		"other_case":   opt("The other child's case", "The id of the other child's case with the allegation, when caseflow holds it."),
		"reason":       req("Why exclude them from this case too?", "For example \"the same carers look after both children\"."),
	},
	reflect.TypeFor[safeguarding.AllegationReferral](): {
		"allegation_id": req("Which allegation?", "The id of the allegation."),
		"informed_at":   req("When were they told?", "Not before the allegation was received."),
		"reference":     req("Their reference", "The reference they gave."),
	},
	reflect.TypeFor[safeguarding.RecordOffence](): {
		"suspected_at": req("When was the offence suspected?", "When it came to light."),
		"offence":      req("Offence", "What the child is suspected of."),
		"linked_to_exploitation": opt("The offence may be linked to the child's exploitation",
			"caseflow then prompts the statutory defence and the CPS guidance."),
	},
	reflect.TypeFor[safeguarding.RecordLACReview](): {
		"held_at": req("When was the review held?", "When the looked-after review took place."),
	},
	reflect.TypeFor[safeguarding.RecordVisit](): {
		"visited_at": req("When did you visit?", "When the social worker saw the child in placement."),
	},
	reflect.TypeFor[safeguarding.RecordContact](): {
		"name":         req("Name", "The contact's name, or how they are known."),
		"relationship": req("Relationship to the child", "As they describe it, for example \"says he is an uncle\"."),
		"restricted":   opt("Restricted: never contact or tell this person", "caseflow never notifies any contact."),
		"note":         noteField,
		"accompanying": opt("This adult accompanies the child",
			"They may not be a parent or have the authority to care for the child: the contact is restricted, and the child is spoken with without them."),
	},
	reflect.TypeFor[safeguarding.RecordWithdrawal](): {
		"withdrawn_at": req("When did the child withdraw it?", "Support and enquiries continue."),
		"note":         noteField,
	},
	reflect.TypeFor[safeguarding.ChangeDue](): {
		"action_id": req("Which action", "The id of the open action."),
		"due":       req("New due date", "A policy deadline can be moved later only by a manager or the Safeguarding Lead."),
		"reason":    reasonField,
	},
	reflect.TypeFor[safeguarding.Resolution](): {
		"action_id": req("Which action", "The id of the open action it ends."),
		"reason": req("Why it ends without its event",
			"For example \"handed over to Leeds on 3 January\"; the action and the timeline keep it."),
	},
	reflect.TypeFor[safeguarding.Reassign](): {
		"social_worker":           opt("New social worker", "Their user id. Give at least one change.").when(),
		"team":                    opt("New team", "The team code."),
		"fostering_social_worker": opt("New fostering social worker", "Their user id."),
		"add_carers":              opt("Carers to add", "Their user ids."),
		"remove_carers":           opt("Carers to remove", "Their user ids."),
		"reason":                  reasonField,
	},
	reflect.TypeFor[safeguarding.RequestClosure](): {
		"reason": req("Why should the case close?", "The reason, from the agency's list.").of(closureReasons),
		"note":   req("Note", "What was done and why the case can close. A withdrawn disclosure is never a reason on its own."),
	},
	reflect.TypeFor[safeguarding.DecideClosure](): {
		"note": opt("Note", "What the manager decided and why."),
		"resolutions": opt("Open actions to end",
			"Every open action of the case, each with the reason it ends without its event; the case does not close while any is left without one, and caseflow names each."),
	},
	reflect.TypeFor[safeguarding.ReopenCase](): {
		"reason": req("Why is the case reopened?", "Every obligation the closure ended opens again."),
	},
	reflect.TypeFor[safeguarding.ApproveDestruction](): {
		"reason": req("Why may the record be destroyed?",
			"For example \"retention period ended; no claim, inquiry or request outstanding\". The destruction register keeps it: do not name the child or anyone else."),
		"confirm_assumptions": opt("I have checked the assumed dates",
			"Required when the retention date rests on a date the case did not hold (a date of birth, a pension age): the review lists each.").when(),
	},
	reflect.TypeFor[safeguarding.PlaceLegalHold](): {
		"reason": req("Why must the record be kept?",
			"For example a claim, an inquiry or a subject access request in progress. Nothing is destroyed while the hold stands."),
	},
	reflect.TypeFor[safeguarding.LiftLegalHold](): {
		"reason": req("Why can the hold be lifted?", "Once lifted, a record whose retention period has ended is reviewed again."),
	},
}

// stepFields words a field for one step, where one type serves several steps.
var stepFields = map[string]map[string]field{
	"social-worker-informed": {
		"informed_at": req("When did you tell the child's social worker?", "When they were told; not in the future."),
	},
	"safeguarding-lead-informed": {
		"informed_at": req("When did you tell the Safeguarding Lead?", "When they were told; not in the future."),
	},
	"nrm-rg-decision": {
		"decided_at": req("When was the Reasonable Grounds decision made?", "Not before the NRM referral."),
		"outcome":    req("Reasonable Grounds decision", "A positive decision starts the recovery period and the Conclusive Grounds clock.").of(nrmOutcomes),
	},
	"nrm-cg-decision": {
		"decided_at": req("When was the Conclusive Grounds decision made?", "Not before the Reasonable Grounds decision."),
		"outcome":    req("Conclusive Grounds decision", "Positive or negative.").of(nrmOutcomes),
	},
	"lado-informed": {
		"informed_at": req("When was the LADO told?", "Not before the allegation was received."),
		"reference":   req("LADO reference", "The reference the LADO gave."),
	},
	"allegation-police-report": {
		"informed_at": req("When were the police told?", "Not before the allegation was received."),
		"reference":   req("Police reference", "The crime or incident number the police gave."),
	},
	"dbs-referral": {
		"informed_at": req("When was the referral made?", "Not before the allegation was received."),
		"reference":   req("DBS reference", "The reference the Disclosure and Barring Service gave."),
	},
	"closure-decline": {
		"note": req("Why is closure declined?", "What must happen before the case can close."),
	},
	"assessment": {
		"action_ids": opt("Which referral's assessment does it complete?",
			"The id of the open assessment action it completes. Required when several referrals' assessments are open; left out, the one that began at or before the assessment.").when(),
	},
	"action-resolve": {
		"reason": req("Why does it end without its event?",
			"For example \"referral made by the police, reference 123\"; the action and the timeline keep it."),
	},
}

// stepOmits are fields of a step's type that the step refuses, so its document leaves them out.
var stepOmits = map[string][]string{"closure-decline": {"resolutions"}}

// responseCodes are the code lists of fields only answers carry: the records steps made.
var responseCodes = map[reflect.Type]map[string][]choice{
	reflect.TypeFor[safeguarding.PoliceReport]():    {"channel": policeChannels},
	reflect.TypeFor[safeguarding.CSCDecision]():     {"decision": cscDecisions},
	reflect.TypeFor[safeguarding.Decision]():        {"kind": nrmDecisions, "outcome": nrmOutcomes},
	reflect.TypeFor[safeguarding.Reconsideration](): {"decision": nrmDecisions},
	reflect.TypeFor[safeguarding.NRMRequest]():      {"requested_of": nrmRequestedOf},
	reflect.TypeFor[safeguarding.NRMReferral]():     {"first_responder": firstResponders},
	reflect.TypeFor[safeguarding.AdultConsent]():    {"consent": consents},
	reflect.TypeFor[safeguarding.AgeAssessment]():   {"outcome": ageOutcomes},
	reflect.TypeFor[safeguarding.Guardian]():        {"type": guardianTypes},
	reflect.TypeFor[safeguarding.Meeting]():         {"format": meetingFormats},
	reflect.TypeFor[safeguarding.Conference]():      {"kind": conferenceKinds},
	reflect.TypeFor[safeguarding.Episode]():         {"return_interview": interviewResults},
	reflect.TypeFor[safeguarding.ClosureRequest]():  {"reason": closureReasons},
	reflect.TypeFor[safeguarding.ClosureDecision](): {"decision": closureDecisions},
}

// typeCodes are the code lists of named types, wherever they appear.
var typeCodes = map[reflect.Type][]choice{
	reflect.TypeFor[safeguarding.Role]():         actors,
	reflect.TypeFor[safeguarding.Stage]():        stages,
	reflect.TypeFor[safeguarding.ActionStatus](): actionStatuses,
	reflect.TypeFor[safeguarding.Class]():        actionClasses,
}

// closer is the step that records the event an action waits for. The pages open it from the
// action's button, pre-filled: Field takes the record the action is about (its ref) or, From
// "id", the action's own id; Fill holds the answers the action implies.
type closer struct {
	Step  string         `json:"-"`
	Kind  policy.RuleID  `json:"kind"`
	Field string         `json:"field,omitempty"`
	From  string         `json:"from,omitempty"`
	Fill  map[string]any `json:"fill,omitempty"`
}

// closers lists, for every kind of action, the step that closes it. The document carries them as
// each step's x-closes.
var closers = []closer{
	{Step: "police-report", Kind: policy.PoliceReport, Field: "concern_ids", From: "ref"},
	{Step: "police-report", Kind: policy.ImmediateDanger, Field: "concern_ids", From: "ref", Fill: map[string]any{"channel": "999"}},
	{Step: "police-report", Kind: policy.MissingPoliceReport, Field: "episode_id", From: "ref"},
	{Step: "social-worker-informed", Kind: policy.NotifySocialWorker, Field: "concern_ids", From: "ref"},
	{Step: "social-worker-informed", Kind: policy.MissingNotifySW, Field: "episode_id", From: "ref"},
	{Step: "safeguarding-lead-informed", Kind: policy.NotifySafeguardingLead, Field: "concern_ids", From: "ref"},
	{Step: "safeguarding-lead-informed", Kind: policy.MissingNotifyLead, Field: "episode_id", From: "ref"},
	{Step: "case-details", Kind: policy.CompleteRecord},
	{Step: "csc-referral", Kind: policy.CSCReferral, Field: "action_ids", From: "id"},
	{Step: "csc-decision", Kind: policy.CSCDecision},
	{Step: "nfa-review", Kind: policy.NFAReview, Field: "referral_id", From: "ref"},
	{Step: "assessment", Kind: policy.Assessment, Field: "action_ids", From: "id"},
	{Step: "strategy-meeting-held", Kind: policy.StrategyDiscussion, Field: "action_ids", From: "id"},
	{Step: "strategy-meeting-held", Kind: policy.StrategyMeeting, Field: "action_ids", From: "id", Fill: map[string]any{"format": safeguarding.FormatMeeting}},
	{Step: "conference", Kind: policy.ICPC, Field: "action_ids", From: "id", Fill: map[string]any{"kind": "initial"}},
	{Step: "conference", Kind: policy.RCPCFirst, Field: "action_ids", From: "id", Fill: map[string]any{"kind": "review"}},
	{Step: "conference", Kind: policy.RCPCNext, Field: "action_ids", From: "id", Fill: map[string]any{"kind": "review"}},
	{Step: "nrm-referral", Kind: policy.NRMRequest, Field: "action_ids", From: "id"},
	{Step: "nrm-rg-decision", Kind: policy.NRMRGDecision, Field: "action_ids", From: "id"},
	{Step: "nrm-cg-decision", Kind: policy.NRMCGDecision, Field: "action_ids", From: "id"},
	{Step: "ictg-referral", Kind: policy.ICTGReferral, Field: "action_ids", From: "id"},
	{Step: "ictg-assignment", Kind: policy.ICTGAssignment, Field: "action_ids", From: "id"},
	{Step: "care-plan-agreed", Kind: policy.CarePlan, Field: "action_ids", From: "id"},
	{Step: "care-plan-review", Kind: policy.CarePlanReview, Field: "action_ids", From: "id"},
	{Step: "lac-review", Kind: policy.LACReview, Field: "action_ids", From: "id"},
	{Step: "sw-visit", Kind: policy.SWVisit, Field: "action_ids", From: "id"},
	{Step: "missing-return", Kind: policy.MissingChild, Field: "episode_id", From: "ref"},
	{Step: "return-interview", Kind: policy.ReturnInterview, Field: "episode_id", From: "ref"},
	{Step: "lado-informed", Kind: policy.LADO, Field: "allegation_id", From: "ref"},
	{Step: "lado-informed", Kind: policy.LADOUrgent, Field: "allegation_id", From: "ref"},
	{Step: "allegation-police-report", Kind: policy.AllegationPolice, Field: "allegation_id", From: "ref"},
	{Step: "dbs-referral", Kind: policy.DBSReferral, Field: "allegation_id", From: "ref"},
	{Step: "adult-consent", Kind: policy.Age18Consent},
	{Step: "adulthood", Kind: policy.ConfirmAdulthood},
	// The Lead's decision whether to refer: asking a First Responder records it (nrm-not-referred
	// records the other answer).
	{Step: "nrm-request", Kind: policy.NRMLeadDecision},
	{Step: "action-done", Kind: safeguarding.MeetingAction, Field: "action_id", From: "id"},
	// The transition at 18 has no event of its own: a manager ends it once the young person is
	// settled with adult services.
	{Step: "action-resolve", Kind: policy.Transition, Field: "action_id", From: "id"},
	// The review of a record whose retention period ended: its destruction is approved, or a
	// legal hold keeps it.
	{Step: safeguarding.StepApproveDestruction, Kind: policy.RetentionReview},
}

// roleChoices are the roles as the API's fields list them.
func roleChoices(of []safeguarding.Role) []choice {
	names := map[safeguarding.Role]string{
		safeguarding.RoleCarer: "Foster carer", safeguarding.RoleSocialWorker: "Social worker",
		safeguarding.RoleFosteringSocialWorker: "Fostering social worker",
		safeguarding.RoleSafeguardingLead:      "Safeguarding Lead", safeguarding.RoleManager: "Manager",
		safeguarding.RoleDataProtectionOfficer: "Data protection officer",
	}
	out := make([]choice, len(of))
	for i, r := range of {
		out[i] = choice{string(r), names[r]}
	}
	return out
}
