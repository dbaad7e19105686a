package safeguarding

import "github.com/caseflow/caseflow/policy"

// Who may take which step. A role outside a step's list is refused before the case is read.
var (
	everyone     = CaseRoles
	staff        = []Role{RoleSocialWorker, RoleFosteringSocialWorker, RoleSafeguardingLead, RoleManager}
	caseLeads    = []Role{RoleSocialWorker, RoleSafeguardingLead, RoleManager}
	socialWorker = []Role{RoleSocialWorker}
	managers     = []Role{RoleManager}
	overseers    = Overseers
	contributors = []Role{RoleCarer, RoleFosteringSocialWorker, RoleSocialWorker}
	households   = []Role{RoleCarer, RoleSocialWorker, RoleFosteringSocialWorker, RoleSafeguardingLead}
	leads        = []Role{RoleSafeguardingLead}
	caseflow     = []Role{RoleSystem}
)

func informed(rule policy.RuleID) func() Command {
	return func() Command { return &RecordInformed{rule: rule} }
}

func decision(kind string) func() Command {
	return func() Command { return &RecordDecision{kind: kind} }
}

func closureDecision(approve bool) func() Command {
	return func() Command { return &DecideClosure{approve: approve} }
}

func referral(to referralTo) func() Command {
	return func() Command { return &AllegationReferral{to: to} }
}

var steps = []Step{
	{Name: StepRaiseConcern, Title: "Raise a concern", Roles: everyone, newCommand: func() Command { return &RaiseConcern{} }},
	{Name: "concern", Title: "Record a further concern", Roles: everyone, OnClosed: true, newCommand: func() Command { return &RecordConcern{} }},
	{Name: "case-details", Title: "Complete or correct the record and the child's details", Roles: staff, newCommand: func() Command { return &CaseDetails{} }},
	{Name: StepLinkCase, Title: "Link another case of the same child", Roles: staff, newCommand: func() Command { return &LinkCase{} }},
	{Name: StepConfirmPlacement, Title: "Confirm whether the child is placed with the carer who raised the concern", Roles: staff, newCommand: func() Command { return &ConfirmPlacement{} }},
	{Name: StepMergeInto, Title: "Merge this case into another case of the same child, which continues", Roles: overseers, OnClosed: true, newCommand: func() Command { return &MergeInto{} }},
	{Name: StepMergedFrom, Title: "Record a case of the same child merged into this one", Roles: caseflow, newCommand: func() Command { return &MergedFrom{} }},

	{Name: "police-report", Title: "Record the police report", Roles: everyone, newCommand: func() Command { return &RecordPoliceReport{} }},
	{Name: "social-worker-informed", Title: "Record that the child's social worker was informed", Roles: everyone, newCommand: informed(policy.NotifySocialWorker)},
	{Name: "safeguarding-lead-informed", Title: "Record that the Safeguarding Lead was informed", Roles: everyone, newCommand: informed(policy.NotifySafeguardingLead)},
	{Name: "csc-referral", Title: "Record the referral to Children's Social Care", Roles: staff, newCommand: func() Command { return &ReferToCSC{} }},
	{Name: "csc-decision", Title: "Record the local authority's decision", Roles: staff, newCommand: func() Command { return &RecordCSCDecision{} }},
	{Name: "nfa-review", Title: "Review a \"no further action\" decision, agreeing or challenging it", Roles: overseers, newCommand: func() Command { return &ReviewNFA{} }},
	{Name: "assessment", Title: "Record the completed assessment", Roles: caseLeads, newCommand: func() Command { return &RecordAssessment{} }},
	{Name: "strategy-meeting-scheduled", Title: "Schedule a strategy meeting", Roles: staff, newCommand: func() Command { return &ScheduleMeeting{} }},
	{Name: "strategy-meeting-held", Title: "Record a strategy discussion or meeting", Roles: staff, newCommand: func() Command { return &RecordMeeting{} }},
	{Name: "conference", Title: "Record a child protection conference", Roles: caseLeads, newCommand: func() Command { return &RecordConference{} }},
	{Name: "action-done", Title: "Complete an action agreed at a meeting", Roles: everyone, newCommand: func() Command { return &CompleteAction{} }},
	{Name: "nrm-request", Title: "Record asking the LA or police to refer to the NRM", Roles: staff, newCommand: func() Command { return &RequestNRMReferral{} }},
	{Name: "nrm-referral", Title: "Record the NRM referral", Roles: staff, newCommand: func() Command { return &RecordNRMReferral{} }},
	{Name: "nrm-not-referred", Title: "Record a decision not to refer to the NRM", Roles: overseers, newCommand: func() Command { return &RecordNotReferred{} }},
	{Name: "nrm-rg-decision", Title: "Record the Reasonable Grounds decision", Roles: caseLeads, newCommand: decision(decisionRG)},
	{Name: "nrm-cg-decision", Title: "Record the Conclusive Grounds decision", Roles: caseLeads, newCommand: decision(decisionCG)},
	{Name: "nrm-reconsideration", Title: "Request reconsideration of an NRM decision", Roles: caseLeads, newCommand: func() Command { return &RequestReconsideration{} }},
	{Name: "adult-consent", Title: "Record consent to remain in the NRM at 18", Roles: caseLeads, newCommand: func() Command { return &RecordAdultConsent{} }},
	{Name: "age-assessment", Title: "Record an age assessment", Roles: caseLeads, newCommand: func() Command { return &RecordAgeAssessment{} }},
	{Name: "adulthood", Title: "Confirm the young person's move to adulthood, ending their child clocks", Roles: overseers, newCommand: func() Command { return &ConfirmAdulthood{} }},
	{Name: "ictg-referral", Title: "Record the ICTG referral", Roles: staff, newCommand: func() Command { return &RecordICTGReferral{} }},
	{Name: "ictg-assignment", Title: "Record the ICTG guardian assigned", Roles: staff, newCommand: func() Command { return &RecordICTGAssignment{} }},
	{Name: "parental-responsibility", Title: "Record who holds parental responsibility", Roles: caseLeads, newCommand: func() Command { return &RecordParentalResponsibility{} }},
	{Name: "care-plan-contribution", Title: "Add a care plan contribution", Roles: contributors, newCommand: func() Command { return &AddContribution{} }},
	{Name: "young-person-views", Title: "Record the young person's views and wishes", Roles: contributors, newCommand: func() Command { return &RecordViews{} }},
	{Name: "care-plan-agreed", Title: "Agree the care plan", Roles: socialWorker, newCommand: func() Command { return &AgreeCarePlan{} }},

	{Name: "care-plan-review", Title: "Record a care plan review", Roles: socialWorker, newCommand: func() Command { return &RecordReview{} }},
	{Name: "missing-episode", Title: "Record a missing episode", Roles: households, OnClosed: true, newCommand: func() Command { return &RecordMissing{} }},
	{Name: "missing-return", Title: "Record the child's return", Roles: households, newCommand: func() Command { return &RecordReturn{} }},
	{Name: "return-interview", Title: "Record the return home interview", Roles: staff, newCommand: func() Command { return &RecordReturnInterview{} }},
	{Name: "allegation", Title: "Record an allegation against a carer or staff member", Roles: staff, newCommand: func() Command { return &RecordAllegation{} }},
	{Name: "lado-informed", Title: "Record that the LADO was informed", Roles: caseLeads, newCommand: referral(toLADO)},
	{Name: "allegation-police-report", Title: "Record that the police were told of an allegation", Roles: caseLeads, newCommand: referral(toPolice)},
	{Name: "dbs-referral", Title: "Record the referral to the Disclosure and Barring Service", Roles: caseLeads, newCommand: referral(toDBS)},
	{Name: "allegation-not-referred", Title: "Record a decision not to tell the police or the DBS of an allegation, and why", Roles: managers, newCommand: func() Command { return &DeclineAllegationReferral{} }},
	{Name: StepHouseholdExclusion, Title: "Exclude someone an allegation about another child of the household is about", Roles: leads, OnClosed: true, newCommand: func() Command { return &HouseholdExclusion{} }},
	{Name: StepLinkedExclusion, Title: "Exclude someone an allegation on a linked case of the same child is about", Roles: caseflow, OnClosed: true, newCommand: func() Command { return &LinkedExclusion{} }},
	{Name: "suspected-offence", Title: "Record an offence the child is suspected of", Roles: staff, newCommand: func() Command { return &RecordOffence{} }},
	{Name: "looked-after", Title: "Record that the child is newly looked after", Roles: socialWorker, newCommand: func() Command { return &RecordLookedAfter{} }},
	{Name: "lac-review", Title: "Record a looked-after review", Roles: socialWorker, newCommand: func() Command { return &RecordLACReview{} }},
	{Name: "sw-visit", Title: "Record a social worker visit", Roles: socialWorker, newCommand: func() Command { return &RecordVisit{} }},
	{Name: "contact", Title: "Record a contact of the child", Roles: staff, newCommand: func() Command { return &RecordContact{} }},
	{Name: "disclosure-withdrawn", Title: "Record a withdrawn disclosure", Roles: everyone, newCommand: func() Command { return &RecordWithdrawal{} }},

	// The agency policy's seed duties (duties.go).
	{Name: "young-person-told", Title: "Record telling the child of an outcome: who told them, when and how", Roles: staff, newCommand: func() Command { return &RecordTold{} }},
	{Name: "csods-request", Title: "Record a police check requested under the Child Sex Offender Disclosure Scheme", Roles: caseLeads, newCommand: func() Command { return &RequestDisclosureCheck{} }},
	{Name: "csods-not-requested", Title: "Record a decision not to request a Child Sex Offender Disclosure Scheme check, with why", Roles: caseLeads, newCommand: func() Command { return &DecideNoDisclosureCheck{} }},
	{Name: "csods-answer", Title: "Record the police's answer to a Child Sex Offender Disclosure Scheme check", Roles: caseLeads, newCommand: func() Command { return &RecordDisclosureAnswer{} }},
	{Name: "spoke-alone", Title: "Record speaking with the child without the accompanying adult, or why not", Roles: staff, newCommand: func() Command { return &RecordSpokenAlone{} }},
	{Name: "nrm-challenge", Title: "Decide whether to challenge a negative NRM decision", Roles: caseLeads, newCommand: func() Command { return &DecideChallenge{} }},
	{Name: "nrm-parental-view", Title: "Record the view on the NRM referral of whoever holds parental responsibility", Roles: caseLeads, newCommand: func() Command { return &RecordParentalView{} }},
	{Name: "conduct-decision", Title: "Decide whether a failure to act is a conduct matter", Roles: overseers, newCommand: func() Command { return &DecideConduct{} }},
	{Name: "allegation-external", Title: "Record an allegation against someone outside caseflow: a supplier, a teacher, a driver", Roles: staff, newCommand: func() Command { return &RecordExternalAllegation{} }},
	{Name: "allegation-outcome", Title: "Record the outcome of an allegation", Roles: caseLeads, newCommand: func() Command { return &RecordAllegationOutcome{} }},
	{Name: "relationship-ended", Title: "Record the decision on ending the agency's relationship with the person a substantiated allegation is about", Roles: overseers, newCommand: func() Command { return &DecideRelationship{} }},
	{Name: "due-date", Title: "Change an action's due date", Roles: caseLeads, newCommand: func() Command { return &ChangeDue{} }},
	{Name: "action-resolve", Title: "End an obligation without its event, for a reason", Roles: overseers, newCommand: func() Command { return &ResolveAction{} }},
	{Name: "team", Title: "Change the team around the child", Roles: overseers, newCommand: func() Command { return &Reassign{} }},
	{Name: "closure-request", Title: "Request closure", Roles: socialWorker, newCommand: func() Command { return &RequestClosure{} }},
	{Name: "closure-approval", Title: "Approve closure", Roles: managers, newCommand: closureDecision(true)},
	{Name: "closure-decline", Title: "Decline closure", Roles: managers, newCommand: closureDecision(false)},
	{Name: "reopen", Title: "Reopen a closed case", Roles: overseers, OnClosed: true, newCommand: func() Command { return &ReopenCase{} }},

	{Name: StepApproveDestruction, Title: "Approve destroying the closed case's record, its retention period ended", Roles: overseers, OnClosed: true, newCommand: func() Command { return &ApproveDestruction{} }},
	{Name: "legal-hold", Title: "Place a legal hold on the record", Roles: overseers, OnClosed: true, newCommand: func() Command { return &PlaceLegalHold{} }},
	{Name: "legal-hold-lift", Title: "Lift the legal hold on the record", Roles: overseers, OnClosed: true, newCommand: func() Command { return &LiftLegalHold{} }},
}

// StepApproveDestruction is the step after which the workflow destroys the case's record.
const StepApproveDestruction = "destruction-approval"
