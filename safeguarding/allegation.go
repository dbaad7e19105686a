package safeguarding

import (
	"slices"
	"time"

	"github.com/caseflow/caseflow/policy"
)

// Allegation is an allegation that a carer or staff member harmed a child or is involved in
// exploitation. The LADO must be told within a working day, and an accused carer loses access to
// the case at once.
type Allegation struct {
	ID          string    `json:"id"`
	ReceivedAt  time.Time `json:"received_at"`
	AgainstUser string    `json:"against_user"`
	AgainstRole Role      `json:"against_role"`
	Summary     string    `json:"summary"`
	Urgent      bool      `json:"urgent"`
	LADOAt      time.Time `json:"lado_informed_at,omitzero"`
	LADORef     string    `json:"lado_reference,omitempty"`
	By          Actor     `json:"by"`
}

// RecordAllegation records an allegation against a carer or member of staff.
type RecordAllegation struct {
	ReceivedAt  time.Time `json:"received_at"`
	AgainstUser string    `json:"against_user"`
	AgainstRole Role      `json:"against_role"`
	Summary     string    `json:"summary"`
	Urgent      bool      `json:"urgent"`
}

func (r *RecordAllegation) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("received_at", r.ReceivedAt, now)
	f.required("against_user", r.AgainstUser)
	if _, err := ParseRole(string(r.AgainstRole)); err != nil {
		f.add("against_role", "must be a caseflow role")
	}
	f.required("summary", r.Summary)
	f.text("summary", r.Summary, maxLongText)
	return f.err()
}

func (r *RecordAllegation) check(_ *Case, by Actor) error {
	if by.UserID == r.AgainstUser {
		return Errorf(EConflict, "An allegation about yourself must be recorded by someone else.")
	}
	return nil
}

func (r *RecordAllegation) apply(c *Case, by Actor, env Env) Result {
	al := Allegation{ID: c.newRef("L"), ReceivedAt: r.ReceivedAt, AgainstUser: r.AgainstUser, AgainstRole: r.AgainstRole, Summary: r.Summary, Urgent: r.Urgent, By: by}
	c.Allegations = append(c.Allegations, al)
	if i := slices.Index(c.Carers, r.AgainstUser); i >= 0 {
		c.Carers = slices.Delete(c.Carers, i, i+1)
		c.Revoked = append(c.Revoked, Revocation{UserID: r.AgainstUser, At: env.Now(), Reason: "allegation " + al.ID})
	}
	// Actions the accused person owns pass to the social worker: nobody chases them about the case.
	for i := range c.Actions {
		if a := &c.Actions[i]; a.Open() && a.Owner.UserID == r.AgainstUser {
			a.Owner = c.socialWorker()
		}
	}
	lado := c.openAction(env, policy.LADO, Owner{Role: RoleSafeguardingLead}, r.ReceivedAt, 0, al.ID)
	if r.Urgent {
		lado.Title += " (urgent: inform immediately)"
	}
	c.note(r.ReceivedAt, by, "allegation", "Allegation recorded against a "+string(r.AgainstRole), al.ID).Restricted = true
	return Result{Ref: al.ID, Opened: []string{lado.ID}}
}

// RecordLADOInformed records that the Local Authority Designated Officer was informed.
type RecordLADOInformed struct {
	AllegationID string    `json:"allegation_id"`
	InformedAt   time.Time `json:"informed_at"`
	Reference    string    `json:"reference,omitempty"`
}

func (r *RecordLADOInformed) Validate(now time.Time) error {
	f := fieldErrors{}
	f.required("allegation_id", r.AllegationID)
	f.happened("informed_at", r.InformedAt, now)
	f.text("reference", r.Reference, maxShortText)
	return f.err()
}

func (r *RecordLADOInformed) check(c *Case, _ Actor) error {
	al := c.allegation(r.AllegationID)
	switch {
	case al == nil:
		return invalid("allegation_id", "There is no allegation with this id.", "unknown allegation")
	case !al.LADOAt.IsZero():
		return Errorf(EConflict, "The LADO is already recorded as informed of this allegation.")
	}
	return nil
}

func (r *RecordLADOInformed) apply(c *Case, by Actor, env Env) Result {
	al := c.allegation(r.AllegationID)
	al.LADOAt, al.LADORef = r.InformedAt, r.Reference
	c.closeActions(policy.LADO, al.ID, ActionDone, r.InformedAt, by, "")
	c.note(r.InformedAt, by, "lado", "LADO informed", al.ID).Restricted = true
	return Result{Ref: al.ID}
}

func (c *Case) allegation(id string) *Allegation {
	for i := range c.Allegations {
		if c.Allegations[i].ID == id {
			return &c.Allegations[i]
		}
	}
	return nil
}
