package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Records retention: how long a closed case's record is kept before a person may approve its
// destruction. The law sets a floor for some records (a looked-after child's case record is kept
// until their 75th birthday) and UK GDPR's storage limitation a ceiling (no longer than needed).
// The policy file holds one rule per record type, each with its source; a case's retention date
// is the latest date any rule that applies to it gives. Nothing here destroys anything: the
// date only makes a review fall due, and a manager or the Safeguarding Lead decides.
//
// Whatever a case does not hold (a date of birth, the accused's pension age) is never taken to
// be early: the rule assumes the latest date it could be, and says so, so that the person
// reviewing the record confirms it before approving.

// RecordType names a retention rule.
type RecordType string

// The record types. Ids never change once released: case histories hold them.
const (
	// RecordLookedAfter is the case record of a child who was looked after.
	RecordLookedAfter RecordType = "looked-after-child"
	// RecordAllegation is the record of an allegation against a carer or member of staff.
	RecordAllegation RecordType = "allegation"
	// RecordOther is the case record of a child who was not looked after.
	RecordOther RecordType = "other"
)

// RecordTypes lists every record type; a policy file must give a rule for each.
var RecordTypes = []RecordType{RecordLookedAfter, RecordAllegation, RecordOther}

// RetentionRule is how long one type of record is kept. The periods that apply all run, and the
// record is kept until the last of them ends.
type RetentionRule struct {
	Type   RecordType
	Title  string
	Source string
	// UntilBirthday keeps the record until the child's birthday of this age.
	UntilBirthday int
	// AfterClosure keeps the record this long after the case closed.
	AfterClosure Duration
	// AfterAllegation keeps an allegation's record this long after it was received, and
	// UntilPensionAge until the accused reaches their normal pension age; IfPensionAgeUnknown
	// is how long after the allegation the record is kept when that age is not recorded.
	AfterAllegation     Duration
	UntilPensionAge     bool
	IfPensionAgeUnknown Duration
}

// Describe says the rule in words, for setup's report and the case's review.
func (r RetentionRule) Describe() string {
	var parts []string
	if r.UntilBirthday > 0 {
		parts = append(parts, fmt.Sprintf("until the child's %s birthday", ordinal(r.UntilBirthday)))
	}
	if !r.AfterClosure.IsZero() {
		parts = append(parts, fmt.Sprintf("for %s after the case closed", words(r.AfterClosure)))
	}
	if r.UntilPensionAge {
		parts = append(parts, "until the person the allegation is about reaches their normal pension age")
	}
	if !r.AfterAllegation.IsZero() {
		parts = append(parts, fmt.Sprintf("for %s after the allegation", words(r.AfterAllegation)))
	}
	text := strings.Join(parts, ", and ")
	if len(parts) > 1 {
		text += ", whichever is later"
	}
	if r.UntilPensionAge {
		text += fmt.Sprintf(" (pension age not recorded: %s after the allegation)", words(r.IfPensionAgeUnknown))
	}
	return text
}

// RetentionRules lists the rules, in the order of RecordTypes.
func (p *Policy) RetentionRules() []RetentionRule {
	out := make([]RetentionRule, 0, len(RecordTypes))
	for _, t := range RecordTypes {
		out = append(out, p.retention[t])
	}
	return out
}

// RetentionFacts are what a case holds that its retention date depends on.
type RetentionFacts struct {
	OpenedAt time.Time
	ClosedAt time.Time
	// DateOfBirth is the start of the child's date of birth, UK time; zero when not known.
	DateOfBirth time.Time
	// BirthUncertain: the child's age is disputed, so the date of birth may be too early.
	BirthUncertain bool
	// LookedAfter: the child was looked after while the case was open.
	LookedAfter bool
	Allegations []AllegationFacts
}

// AllegationFacts are the dates of one allegation.
type AllegationFacts struct {
	ReceivedAt time.Time
	// PensionAgeOn is the start of the day the accused reaches their normal pension age, UK
	// time; zero when not recorded.
	PensionAgeOn time.Time
}

// RetentionDate is when a case's record may be destroyed, and why.
type RetentionDate struct {
	// Until is the first instant the record is no longer needed: the latest date any rule that
	// applies gives.
	Until time.Time `json:"until"`
	// Rule is the record type whose rule gave Until, and Title that rule's title.
	Rule  RecordType `json:"rule"`
	Title string     `json:"title"`
	// Basis says, for each rule that applies, the date it gives and why.
	Basis []string `json:"basis"`
	// Estimated says what a rule had to assume because the case does not hold it; the person
	// reviewing the record confirms each before approving its destruction.
	Estimated     []string `json:"estimated,omitempty"`
	PolicyVersion string   `json:"policy_version"`
}

// Retention computes a closed case's retention date from what it holds. It never reads the
// clock: the same facts always give the same date. An unknown or disputed date of birth is taken
// as the day the case opened (a child is born before their case opens, so no birthday can fall
// later), and an unrecorded pension age as the rule's if_pension_age_unknown after the
// allegation; either is reported in Estimated.
func (p *Policy) Retention(f RetentionFacts) RetentionDate {
	d := RetentionDate{PolicyVersion: p.version}
	consider := func(t RecordType, until time.Time, why string) {
		d.Basis = append(d.Basis, fmt.Sprintf("%s: %s (%s)", p.retention[t].Title, ukDate(until), why))
		if until.After(d.Until) {
			d.Until, d.Rule, d.Title = until, t, p.retention[t].Title
		}
	}
	child := RecordOther
	if f.LookedAfter {
		child = RecordLookedAfter
	}
	until, why, assumed := childRecordUntil(p.retention[child], f)
	consider(child, until, why)
	d.Estimated = append(d.Estimated, assumed...)
	rule := p.retention[RecordAllegation]
	for _, a := range f.Allegations {
		until, why, assumed := allegationUntil(rule, a)
		consider(RecordAllegation, until, why)
		d.Estimated = append(d.Estimated, assumed...)
	}
	return d
}

// childRecordUntil is the date a rule for a child's case record gives.
func childRecordUntil(r RetentionRule, f RetentionFacts) (until time.Time, why string, assumed []string) {
	var reasons []string
	if r.UntilBirthday > 0 {
		born := f.DateOfBirth
		switch {
		case born.IsZero():
			born = startOfDay(f.OpenedAt)
			assumed = append(assumed, "The child's date of birth is not recorded: the record is kept as if they were born the day the case opened, "+ukDate(born)+".")
		case f.BirthUncertain:
			born = later(born, startOfDay(f.OpenedAt))
			assumed = append(assumed, "The child's age is disputed: the record is kept as if they were born the day the case opened, "+ukDate(born)+".")
		}
		until = born.AddDate(r.UntilBirthday, 0, 0).UTC()
		reasons = append(reasons, fmt.Sprintf("the %s birthday", ordinal(r.UntilBirthday)))
	}
	if !r.AfterClosure.IsZero() {
		until = later(until, r.AfterClosure.AddTo(f.ClosedAt, nil))
		reasons = append(reasons, words(r.AfterClosure)+" after closure")
	}
	why = strings.Join(reasons, " or ")
	if len(reasons) > 1 {
		why += ", whichever is later"
	}
	return until, why, assumed
}

// allegationUntil is the date the allegation rule gives for one allegation.
func allegationUntil(r RetentionRule, a AllegationFacts) (until time.Time, why string, assumed []string) {
	until = r.AfterAllegation.AddTo(a.ReceivedAt, nil)
	why = words(r.AfterAllegation) + " after the allegation of " + ukDate(a.ReceivedAt)
	if !r.UntilPensionAge {
		return until, why, nil
	}
	pension := a.PensionAgeOn
	if pension.IsZero() {
		pension = r.IfPensionAgeUnknown.AddTo(a.ReceivedAt, nil)
		assumed = append(assumed, "The normal pension age of the person an allegation of "+ukDate(a.ReceivedAt)+
			" is about is not recorded: the record is kept "+words(r.IfPensionAgeUnknown)+" after the allegation, until "+ukDate(pension)+".")
	}
	return later(until, pension), why + ", or their normal pension age, whichever is later", assumed
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b.UTC()
	}
	return a.UTC()
}

// startOfDay is the start of t's UK date.
func startOfDay(t time.Time) time.Time {
	y, m, d := t.In(London).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, London)
}

// ukDate writes a date as people in the UK read it.
func ukDate(t time.Time) string { return t.In(London).Format("2 January 2006") }

// words writes a retention period in words: "10 years", "6 months".
func words(d Duration) string {
	names := map[Unit]string{Years: "year", Months: "month", Weeks: "week", CalendarDays: "day", WorkingDays: "working day", Hours: "hour", Minutes: "minute", Seconds: "second"}
	name := names[d.Unit]
	if d.N != 1 {
		name += "s"
	}
	return fmt.Sprintf("%d %s", d.N, name)
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// retentionFile is one retention rule as the policy file writes it.
type retentionFile struct {
	Title               string  `yaml:"title"`
	Source              string  `yaml:"source"`
	UntilBirthday       *int    `yaml:"until_birthday"`
	AfterClosure        *string `yaml:"after_closure"`
	AfterAllegation     *string `yaml:"after_allegation"`
	UntilPensionAge     bool    `yaml:"until_pension_age"`
	IfPensionAgeUnknown *string `yaml:"if_pension_age_unknown"`
}

// Bounds of a retention rule. A child's record is never destroyed while they are a child, and
// no rule keeps a record for longer than a life: a larger number is a slip.
const (
	minBirthday = 18
	maxBirthday = 120
)

// readRetention reads the retention rules: one for every record type, each with its title, its
// source and at least one period, and only the fields its type uses.
func readRetention(probs *problems, in map[string]retentionFile) map[RecordType]RetentionRule {
	out := map[RecordType]RetentionRule{}
	for _, name := range slices.Sorted(maps.Keys(in)) {
		at := path{"retention", name}
		t := RecordType(name)
		if !slices.Contains(RecordTypes, t) {
			probs.add(at, "unknown record type; the types are: %s", recordTypeList())
			continue
		}
		out[t] = readRetentionRule(probs, at, t, in[name])
	}
	var missing []string
	for _, t := range RecordTypes {
		if _, ok := in[string(t)]; !ok && !probs.found(path{"retention", string(t)}) {
			missing = append(missing, string(t))
		}
	}
	if len(missing) > 0 {
		probs.add(path{"retention"}, "every record type needs a retention rule; missing: %s (copy them from default.yaml)", strings.Join(missing, ", "))
	}
	return out
}

func readRetentionRule(probs *problems, at path, t RecordType, rf retentionFile) RetentionRule {
	r := RetentionRule{Type: t, Title: strings.TrimSpace(rf.Title), Source: strings.TrimSpace(rf.Source)}
	if r.Title == "" {
		probs.addMissing(at.With("title"), "is required: say which records the rule keeps")
	}
	if r.Source == "" {
		probs.addMissing(at.With("source"), "is required: name the law, guidance or agency decision the period comes from")
	}
	period := func(field string, s *string) Duration {
		if s == nil {
			return Duration{}
		}
		d, ok := readDuration(probs, at.With(field), *s)
		if ok && d.N == 0 {
			probs.add(at.With(field), "must be longer than zero")
		}
		return d
	}
	r.AfterClosure = period("after_closure", rf.AfterClosure)
	r.AfterAllegation = period("after_allegation", rf.AfterAllegation)
	r.IfPensionAgeUnknown = period("if_pension_age_unknown", rf.IfPensionAgeUnknown)
	r.UntilPensionAge = rf.UntilPensionAge
	if rf.UntilBirthday != nil {
		r.UntilBirthday = *rf.UntilBirthday
		if r.UntilBirthday < minBirthday || r.UntilBirthday > maxBirthday {
			probs.add(at.With("until_birthday"), "must be an age from %d to %d: a child's record is kept at least until they are an adult", minBirthday, maxBirthday)
		}
	}
	if t == RecordAllegation {
		checkAllegationRule(probs, at, r, rf)
	} else {
		checkChildRule(probs, at, rf)
	}
	return r
}

// checkChildRule: a child's record counts from the child's birthday or the case's closure.
func checkChildRule(probs *problems, at path, rf retentionFile) {
	for field, given := range map[string]bool{
		"after_allegation": rf.AfterAllegation != nil, "until_pension_age": rf.UntilPensionAge, "if_pension_age_unknown": rf.IfPensionAgeUnknown != nil,
	} {
		if given {
			probs.add(at.With(field), "is for the allegation rule only")
		}
	}
	if rf.UntilBirthday == nil && rf.AfterClosure == nil {
		probs.addMissing(at, "needs until_birthday (the child's age, e.g. 75) or after_closure (e.g. 6y), or both")
	}
}

// checkAllegationRule: an allegation's record counts from the allegation and the accused's
// pension age, and says how long to keep it when that age is not recorded.
func checkAllegationRule(probs *problems, at path, r RetentionRule, rf retentionFile) {
	if rf.UntilBirthday != nil {
		probs.add(at.With("until_birthday"), "is for a child's case record; an allegation counts from the allegation (after_allegation)")
	}
	if rf.AfterClosure != nil {
		probs.add(at.With("after_closure"), "is for a child's case record; an allegation counts from the allegation (after_allegation)")
	}
	if rf.AfterAllegation == nil {
		probs.addMissing(at.With("after_allegation"), "is required, e.g. 10y")
	}
	switch {
	case r.UntilPensionAge && rf.IfPensionAgeUnknown == nil:
		probs.addMissing(at.With("if_pension_age_unknown"), "is required with until_pension_age: how long after the allegation to keep the record when the person's pension age is not recorded, e.g. 50y")
	case !r.UntilPensionAge && rf.IfPensionAgeUnknown != nil:
		probs.add(at.With("if_pension_age_unknown"), "needs until_pension_age: true")
	case r.UntilPensionAge && !r.IfPensionAgeUnknown.IsZero() && !r.AfterAllegation.IsZero() &&
		r.IfPensionAgeUnknown.AddTo(epoch, nil).Before(r.AfterAllegation.AddTo(epoch, nil)):
		probs.add(at.With("if_pension_age_unknown"), "must be at least after_allegation: not knowing the pension age never shortens the period")
	}
}

// epoch is a fixed instant for comparing periods of different units.
var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func recordTypeList() string {
	names := make([]string, len(RecordTypes))
	for i, t := range RecordTypes {
		names[i] = string(t)
	}
	return strings.Join(names, ", ")
}
