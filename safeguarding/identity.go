package safeguarding

import (
	"strconv"
	"time"
)

// Child holds the child's details. They stay inside the workflow: the read model, search
// attributes and logs carry only the case's pseudonymous reference. At intake only a name (or
// how the child is known) is needed; staff complete and correct the rest with the case-details
// step, which the timeline keeps with who and why.
type Child struct {
	Name        string `json:"name"`
	DateOfBirth Date   `json:"date_of_birth,omitempty"`
	// AgeDisputed: the child's age is not established (common for unaccompanied children); the
	// child is treated as a child until it is.
	AgeDisputed bool `json:"age_disputed,omitempty"`
	// AssessedAge is the age an age assessment found, when there was one.
	AssessedAge int `json:"assessed_age,omitempty"`
	// PreferredTerm is how the child wants to be described, in their own words ("young
	// person", "survivor"); caseflow's own texts about them use it.
	PreferredTerm string `json:"preferred_term,omitempty"`
	FirstLanguage string `json:"first_language,omitempty"`
	Dialect       string `json:"dialect,omitempty"`
	// InterpreterNeeded: the policy asks for a trained, DBS-checked interpreter in the child's
	// first language and dialect, not from the same area of origin; meetings and interviews
	// booked for the child prompt for one.
	InterpreterNeeded bool `json:"interpreter_needed,omitempty"`
	Unaccompanied     bool `json:"unaccompanied,omitempty"`
	// ParentalResponsibility decides the ICTG service: a Direct Worker when nobody in the UK
	// holds it, a Regional Practice Coordinator when someone does.
	ParentalResponsibility string `json:"parental_responsibility"`
}

// Who holds parental responsibility for the child.
const (
	PRInUK     = "in-uk"
	PRNoneInUK = "none-in-uk"
	PRUnknown  = "unknown"
)

// adulthood is the age at which a child's clocks stop.
const adulthood = 18

// validate checks the child's details as written.
func (ch *Child) validate(f fieldErrors, prefix string, now time.Time) {
	f.text(prefix+"name", ch.Name, maxShortText)
	f.text(prefix+"preferred_term", ch.PreferredTerm, maxShortText)
	f.text(prefix+"first_language", ch.FirstLanguage, maxShortText)
	f.text(prefix+"dialect", ch.Dialect, maxShortText)
	if ch.ParentalResponsibility != "" {
		f.oneOf(prefix+"parental_responsibility", ch.ParentalResponsibility, PRInUK, PRNoneInUK, PRUnknown)
	}
	if ch.AssessedAge < 0 || ch.AssessedAge > 25 {
		f.add(prefix+"assessed_age", "must be an age from 0 to 25")
	}
	if ch.DateOfBirth == "" {
		return
	}
	dob, err := ch.DateOfBirth.Time()
	switch {
	case err != nil:
		f.add(prefix+"date_of_birth", "must be a date like 2010-04-23")
	case dob.After(now):
		f.add(prefix+"date_of_birth", "cannot be in the future")
	}
}

// checkAge refuses a date of birth that makes the young person an adult when the concern was
// raised, unless their age is disputed: caseflow keeps children's clocks.
func (ch *Child) checkAge(f fieldErrors, prefix string, at time.Time) {
	dob, err := ch.DateOfBirth.Time()
	if err != nil || ch.AgeDisputed {
		return
	}
	if age := ageAt(dob, at); age >= adulthood {
		f.add(prefix+"date_of_birth", "makes the young person "+strconv.Itoa(age)+
			" at the concern: caseflow is for children under 18; if their age is disputed, say so (age_disputed)")
	}
}

// ageAt is the age in whole years at t of someone born at the start of dob (UK dates).
func ageAt(dob, t time.Time) int {
	b, n := dob.In(london), t.In(london)
	age := n.Year() - b.Year()
	if n.Month() < b.Month() || (n.Month() == b.Month() && n.Day() < b.Day()) {
		age--
	}
	return age
}

// adultAt is when the child turns 18, or zero when their date of birth is not known.
func (c *Case) adultAt() time.Time {
	at, ok := c.Child.DateOfBirth.Birthday(adulthood)
	if !ok {
		return time.Time{}
	}
	return at
}

// ChildUpdate corrects or completes the child's details; only the fields given change.
type ChildUpdate struct {
	Name              *string `json:"name,omitempty"`
	DateOfBirth       *Date   `json:"date_of_birth,omitempty"`
	AgeDisputed       *bool   `json:"age_disputed,omitempty"`
	AssessedAge       *int    `json:"assessed_age,omitempty"`
	PreferredTerm     *string `json:"preferred_term,omitempty"`
	FirstLanguage     *string `json:"first_language,omitempty"`
	Dialect           *string `json:"dialect,omitempty"`
	InterpreterNeeded *bool   `json:"interpreter_needed,omitempty"`
	Unaccompanied     *bool   `json:"unaccompanied,omitempty"`
}

// changesAge reports whether the update gives a date of birth or says whether the age is disputed.
func (u *ChildUpdate) changesAge() bool { return u.DateOfBirth != nil || u.AgeDisputed != nil }

// applyTo returns the child with the update applied and the names of the fields it changed.
func (u *ChildUpdate) applyTo(ch Child) (Child, []string) {
	var changed []string
	take := func(name string, given bool, apply func()) {
		if given {
			apply()
			changed = append(changed, name)
		}
	}
	take("name", u.Name != nil, func() { ch.Name = *u.Name })
	take("date of birth", u.DateOfBirth != nil, func() { ch.DateOfBirth = *u.DateOfBirth })
	take("age disputed", u.AgeDisputed != nil, func() { ch.AgeDisputed = *u.AgeDisputed })
	take("assessed age", u.AssessedAge != nil, func() { ch.AssessedAge = *u.AssessedAge })
	take("preferred term", u.PreferredTerm != nil, func() { ch.PreferredTerm = *u.PreferredTerm })
	take("first language", u.FirstLanguage != nil, func() { ch.FirstLanguage = *u.FirstLanguage })
	take("dialect", u.Dialect != nil, func() { ch.Dialect = *u.Dialect })
	take("interpreter", u.InterpreterNeeded != nil, func() { ch.InterpreterNeeded = *u.InterpreterNeeded })
	take("unaccompanied", u.Unaccompanied != nil, func() { ch.Unaccompanied = *u.Unaccompanied })
	return ch, changed
}
