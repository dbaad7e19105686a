package safeguarding

import "time"

// Offence is an offence the child is suspected of that may be linked to their exploitation.
// Child victims must not be criminalised: recording one prompts the statutory defence and the
// CPS guidance, and keeps the child's NRM status as it stood, which the defence relies on.
type Offence struct {
	ID                   string    `json:"id"`
	SuspectedAt          time.Time `json:"suspected_at"`
	Offence              string    `json:"offence"`
	LinkedToExploitation bool      `json:"linked_to_exploitation"`
	NRMStatus            string    `json:"nrm_status"`
	Prompts              []string  `json:"prompts"`
	By                   Actor     `json:"by"`
}

// The prompts shown when a child is suspected of an offence linked to exploitation.
const (
	PromptSection45 = "Consider the Section 45 statutory defence (Modern Slavery Act 2015) for offences committed as a result of exploitation; make sure the child's solicitor knows of it."
	PromptCPS       = "Draw the CPS guidance on the non-prosecution of child victims of trafficking to the attention of the police and the CPS: the offence may be a manifestation of the exploitation."
)

// RecordOffence records a suspected offence.
type RecordOffence struct {
	SuspectedAt          time.Time `json:"suspected_at"`
	Offence              string    `json:"offence"`
	LinkedToExploitation bool      `json:"linked_to_exploitation"`
}

func (r *RecordOffence) Validate(now time.Time) error {
	f := fieldErrors{}
	f.happened("suspected_at", r.SuspectedAt, now)
	f.required("offence", r.Offence)
	f.text("offence", r.Offence, maxShortText)
	return f.err()
}

func (r *RecordOffence) check(*Case, Sight) error { return nil }

func (r *RecordOffence) apply(c *Case, by Actor, env Env) Result {
	o := Offence{ID: c.newRef("O"), SuspectedAt: r.SuspectedAt, Offence: r.Offence, LinkedToExploitation: r.LinkedToExploitation, NRMStatus: c.NRM.Status(), By: by}
	if r.LinkedToExploitation {
		o.Prompts = []string{PromptSection45, PromptCPS}
	}
	c.Offences = append(c.Offences, o)
	c.note(r.SuspectedAt, by, "offence", "Suspected offence recorded; NRM status: "+o.NRMStatus, o.ID)
	return Result{Ref: o.ID}
}

// Status describes where the NRM stands, in the words a defence solicitor needs.
func (n *NRM) Status() string {
	switch {
	case n.CG != nil:
		return "conclusive grounds decision: " + n.CG.Outcome
	case n.RG != nil:
		return "reasonable grounds decision: " + n.RG.Outcome
	case n.Referral != nil:
		return "referred (reference " + n.Referral.Reference + "), awaiting reasonable grounds decision"
	case len(n.Requests) > 0:
		return "referral requested from the " + n.Requests[len(n.Requests)-1].RequestedOf
	default:
		return "not yet referred"
	}
}
