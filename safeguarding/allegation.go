package safeguarding

import (
	"slices"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Allegations protect the child, not the accused. An allegation that a carer or member of staff
// harmed a child or is involved in exploitation at once removes that person's access to the case
// (whatever their role) and to every other case of the child (see exclusion.go), hands every
// action they own to their manager (or, for a manager, to the Safeguarding Lead), and starts the
// LADO clock: an hour when urgent, a working day otherwise, and the police and DBS referrals,
// which a manager may end only by recording why not (before RulesAllegationReferrals, only an
// allegation of a possible offence started those). Everything about an allegation is restricted
// (see the visibility policy).

// Allegation is an allegation against a carer or member of staff.
type Allegation struct {
	ID          string    `json:"id"`
	ReceivedAt  time.Time `json:"received_at"`
	AgainstUser string    `json:"against_user"`
	AgainstRole Role      `json:"against_role"`
	Summary     string    `json:"summary"`
	Urgent      bool      `json:"urgent"`
	// PossibleOffence: the allegation describes a possible criminal offence.
	PossibleOffence bool      `json:"possible_offence,omitempty"`
	LADOAt          time.Time `json:"lado_informed_at,omitzero"`
	LADORef         string    `json:"lado_reference,omitempty"`
	PoliceAt        time.Time `json:"police_informed_at,omitzero"`
	PoliceRef       string    `json:"police_reference,omitempty"`
	DBSAt           time.Time `json:"dbs_referred_at,omitzero"`
	DBSRef          string    `json:"dbs_reference,omitempty"`
	// NotReferred are a manager's decisions not to tell the police or the DBS, with why.
	NotReferred []ReferralDeclined `json:"not_referred,omitempty"`
	By          Actor              `json:"by"`
	// PensionAgeOn is when the person reaches their normal pension age, when known: the record
	// of the allegation is kept at least until then.
	PensionAgeOn Date `json:"pension_age_on,omitempty"`
	// External names the person the allegation is about when they are not a caseflow user (a
	// supplier, a teacher, a driver); AgainstUser and AgainstRole are then empty.
	External *ExternalSubject `json:"external,omitempty"`
	// Outcome is how the allegation was concluded, and Relationship the decision on ending the
	// agency's relationship with the person after a substantiated one (see external.go).
	Outcome      *AllegationOutcome    `json:"outcome,omitempty"`
	Relationship *RelationshipDecision `json:"relationship,omitempty"`
}

// RecordAllegation records an allegation against a carer or member of staff.
type RecordAllegation struct {
	ReceivedAt      time.Time `json:"received_at"`
	AgainstUser     string    `json:"against_user"`
	AgainstRole     Role      `json:"against_role"`
	Summary         string    `json:"summary"`
	Urgent          bool      `json:"urgent"`
	PossibleOffence bool      `json:"possible_offence,omitempty"`
	PensionAgeOn    Date      `json:"pension_age_on,omitempty"`
}

func (*RecordAllegation) aboutAllegation() {}

func (r *RecordAllegation) Validate(now time.Time) error {
	f := fieldErrors{}
	if _, err := r.PensionAgeOn.Time(); r.PensionAgeOn != "" && err != nil {
		f.add("pension_age_on", "must be a date like 2049-06-30")
	}
	f.happened("received_at", r.ReceivedAt, now)
	f.requiredID("against_user", r.AgainstUser)
	if _, err := ParseRole(string(r.AgainstRole)); err != nil {
		f.add("against_role", "must be a caseflow role")
	}
	f.required("summary", r.Summary)
	f.text("summary", r.Summary, maxLongText)
	return f.err()
}

func (r *RecordAllegation) check(_ *Case, s Sight) error {
	if s.Actor.UserID == r.AgainstUser {
		return Errorf(EConflict, "An allegation about yourself must be recorded by someone else.")
	}
	return nil
}

func (r *RecordAllegation) apply(c *Case, by Actor, env Env) Result {
	al := Allegation{
		ID: c.newRef("L"), ReceivedAt: r.ReceivedAt, AgainstUser: r.AgainstUser, AgainstRole: r.AgainstRole,
		Summary: r.Summary, Urgent: r.Urgent, PossibleOffence: r.PossibleOffence, By: by, PensionAgeOn: r.PensionAgeOn,
	}
	c.Allegations = append(c.Allegations, al)
	c.exclude(r.AgainstUser, r.AgainstRole, env.Now(), al.ID)
	res := Result{Ref: al.ID}
	lead := Owner{Role: RoleSafeguardingLead}
	if !c.failSafe() {
		lado := c.openAction(env, policy.LADO, lead, r.ReceivedAt, 0, al.ID)
		if r.Urgent {
			lado.Title += " (urgent: inform immediately)"
		}
		res.Opened = []string{lado.ID}
	} else {
		rule := policy.LADO
		if r.Urgent {
			rule = policy.LADOUrgent
		}
		res.Opened = append(res.Opened, c.openAction(env, rule, lead, r.ReceivedAt, 0, al.ID).ID)
		if c.Rules >= RulesAllegationReferrals {
			// Carers or staff involved in exploitation, or failing to act, are reported "to the
			// police and to the local authority designated officer and DBS": every allegation
			// opens both referrals, which only a manager's recorded reason ends without them.
			for _, rule := range allegationReferrals {
				res.Opened = append(res.Opened, c.openAction(env, rule, lead, r.ReceivedAt, 0, al.ID).ID)
			}
		} else if r.PossibleOffence {
			res.Opened = append(res.Opened,
				c.openAction(env, policy.AllegationPolice, lead, r.ReceivedAt, 0, al.ID).ID,
				c.openAction(env, policy.DBSReferral, lead, r.ReceivedAt, 0, al.ID).ID)
		}
	}
	c.note(r.ReceivedAt, by, "allegation", "Allegation recorded against a "+roleName(r.AgainstRole), al.ID).Restricted = true
	return res
}

// exclude removes a person's access to the case because of an allegation on it (see excludeWith).
func (c *Case) exclude(user string, role Role, at time.Time, allegationID string) {
	c.excludeWith(user, role, at, "allegation "+allegationID)
}

// excludeWith removes a person's access to the case and hands their actions on. A carer leaves the
// household's list; a social worker's or fostering social worker's post on the case falls vacant
// until a manager assigns someone else.
func (c *Case) excludeWith(user string, role Role, at time.Time, reason string) {
	if !slices.Contains(c.Excluded, user) {
		c.Excluded = append(c.Excluded, user)
	}
	if i := slices.Index(c.Carers, user); i >= 0 {
		c.Carers = slices.Delete(c.Carers, i, i+1)
		c.Revoked = append(c.Revoked, Revocation{UserID: user, At: at, Reason: reason})
	}
	if c.SocialWorker == user {
		c.SocialWorker = ""
	}
	if c.FosteringSocialWorker == user {
		c.FosteringSocialWorker = ""
	}
	to := Owner{Role: RoleManager}
	if role == RoleManager {
		to = Owner{Role: RoleSafeguardingLead}
	}
	// An obligation a later step may re-arm (one the case's closure or the 18th birthday ended)
	// is handed on too, so that re-arming it never gives it back to the accused.
	for i := range c.Actions {
		if a := &c.Actions[i]; (a.Open() || a.rearmable()) && a.Owner.UserID == user {
			was := a.Owner
			a.HandedFrom, a.Owner = &was, to
		}
	}
}

// rearmable reports whether the action was ended by something a later step undoes: the case's
// closure (reopening re-arms it) or the 18th birthday (a corrected date of birth re-arms it).
func (a *Action) rearmable() bool {
	return a.EndedBy != "" || (a.Status == ActionCancelled && a.Note == cancelledByClosure)
}

// isExcluded reports whether an allegation removed user from the case.
func (c *Case) isExcluded(user string) bool { return slices.Contains(c.Excluded, user) }

// assigned names the people a request field gives work on the case to.
type assigned struct {
	field string
	users []string
}

// excludedAmong is the first field, in the order given, that names someone an allegation
// excluded from the case, or "" when none does.
func (c *Case) excludedAmong(fields ...assigned) string {
	for _, f := range fields {
		if slices.ContainsFunc(f.users, func(u string) bool { return u != "" && c.isExcluded(u) }) {
			return f.field
		}
	}
	return ""
}

// notAssignable refuses to give work on the case to someone an allegation excluded from it. Only
// those who may see allegations are told why: to anyone else the refusal names no allegation, as
// the visibility policy hides every allegation from them.
func notAssignable(s Sight, field string) *Error {
	msg := "This person cannot be given work on this case. Ask a manager or the Safeguarding Lead who to name instead."
	reason := "cannot be given work on this case"
	if s.SeesRestricted() {
		msg = "This person lost access to the case after an allegation and cannot be given work on it."
		reason = "excluded after an allegation"
	}
	if field == "" {
		return Errorf(EConflict, "%s", msg)
	}
	return &Error{Code: EConflict, Message: msg, Fields: map[string]string{field: reason}}
}

func (c *Case) allegation(id string) *Allegation {
	for i := range c.Allegations {
		if c.Allegations[i].ID == id {
			return &c.Allegations[i]
		}
	}
	return nil
}

// AllegationReferral records that an allegation was passed to the LADO, the police or the DBS,
// with the reference they gave.
type AllegationReferral struct {
	AllegationID string    `json:"allegation_id"`
	InformedAt   time.Time `json:"informed_at"`
	Reference    string    `json:"reference"`
	to           referralTo
}

// referralTo is who an allegation is referred to: the action it closes and where the record goes.
type referralTo struct {
	name  string
	rules []policy.RuleID
	kind  string
	field func(*Allegation) (*time.Time, *string)
}

var (
	toLADO = referralTo{name: "the LADO", rules: []policy.RuleID{policy.LADO, policy.LADOUrgent}, kind: "lado",
		field: func(a *Allegation) (*time.Time, *string) { return &a.LADOAt, &a.LADORef }}
	toPolice = referralTo{name: "the police", rules: []policy.RuleID{policy.AllegationPolice}, kind: "allegation-police-report",
		field: func(a *Allegation) (*time.Time, *string) { return &a.PoliceAt, &a.PoliceRef }}
	toDBS = referralTo{name: "the DBS", rules: []policy.RuleID{policy.DBSReferral}, kind: "dbs-referral",
		field: func(a *Allegation) (*time.Time, *string) { return &a.DBSAt, &a.DBSRef }}
)

func (*AllegationReferral) aboutAllegation() {}

func (r *AllegationReferral) Validate(now time.Time) error {
	f := fieldErrors{}
	f.requiredID("allegation_id", r.AllegationID)
	f.happened("informed_at", r.InformedAt, now)
	f.required("reference", r.Reference)
	f.text("reference", r.Reference, maxShortText)
	return f.err()
}

func (r *AllegationReferral) check(c *Case, s Sight) error {
	al := c.allegation(r.AllegationID)
	switch {
	case al == nil || !s.SeesRestricted():
		return invalid("allegation_id", "There is no allegation with this id.", "unknown allegation")
	case r.InformedAt.Before(al.ReceivedAt):
		return invalid("informed_at", "They cannot have been told before the allegation was received.", "is before the allegation")
	}
	if at, _ := r.to.field(al); !at.IsZero() {
		return Errorf(EConflict, "%s is already recorded as told of this allegation.", upperFirst(r.to.name))
	}
	return nil
}

func (r *AllegationReferral) apply(c *Case, by Actor, env Env) Result {
	al := c.allegation(r.AllegationID)
	at, ref := r.to.field(al)
	*at, *ref = r.InformedAt, r.Reference
	res := Result{Ref: al.ID}
	for _, rule := range r.to.rules {
		c.closeActions(rule, al.ID, ActionDone, r.InformedAt, by, "")
	}
	c.note(r.InformedAt, by, r.to.kind, upperFirst(r.to.name)+" told, reference "+r.Reference, al.ID).Restricted = true
	return res
}
