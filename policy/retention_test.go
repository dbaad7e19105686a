package policy

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// ukDay is the start of a UK date.
func ukDay(s string) time.Time {
	t, err := time.ParseInLocation(dateLayout, s, London)
	if err != nil {
		panic(err)
	}
	return t
}

// TestRetentionDatePerRule: the date each rule of the default policy gives, the latest of the
// rules that apply, and the assumptions made where the case does not hold a date, which always
// keep the record at least as long as the true date would.
func TestRetentionDatePerRule(t *testing.T) {
	opened := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	closed := time.Date(2028, 6, 30, 15, 0, 0, 0, time.UTC)
	received := time.Date(2027, 1, 12, 11, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		facts     RetentionFacts
		until     time.Time
		rule      RecordType
		estimated int
	}{
		{"looked-after child: the 75th birthday",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed, DateOfBirth: ukDay("2011-05-01"), LookedAfter: true},
			ukDay("2086-05-01"), RecordLookedAfter, 0},
		{"looked-after child born on 29 February: kept until 1 March",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed, DateOfBirth: ukDay("2012-02-29"), LookedAfter: true},
			ukDay("2087-03-01"), RecordLookedAfter, 0},
		{"looked-after child, date of birth unknown: as if born the day the case opened",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed, LookedAfter: true},
			ukDay("2101-03-02"), RecordLookedAfter, 1},
		{"looked-after child, age disputed: as if born the day the case opened",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed, DateOfBirth: ukDay("2009-01-01"), BirthUncertain: true, LookedAfter: true},
			ukDay("2101-03-02"), RecordLookedAfter, 1},
		{"other: the 25th birthday when it is later than 6 years after closure",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed, DateOfBirth: ukDay("2011-05-01")},
			ukDay("2036-05-01"), RecordOther, 0},
		{"other: 6 years after closure when that is later",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed, DateOfBirth: ukDay("2008-07-01")},
			time.Date(2034, 6, 30, 15, 0, 0, 0, time.UTC), RecordOther, 0},
		{"other, date of birth unknown: the 25th birthday as if born the day the case opened",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed},
			ukDay("2051-03-02"), RecordOther, 1},
		{"allegation: the accused's pension age when later than 10 years",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed, DateOfBirth: ukDay("2008-07-01"),
				Allegations: []AllegationFacts{{ReceivedAt: received, PensionAgeOn: ukDay("2052-09-14")}}},
			ukDay("2052-09-14"), RecordAllegation, 0},
		{"allegation: 10 years when later than the pension age",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed, DateOfBirth: ukDay("2008-07-01"),
				Allegations: []AllegationFacts{{ReceivedAt: received, PensionAgeOn: ukDay("2030-01-01")}}},
			received.AddDate(10, 0, 0), RecordAllegation, 0},
		{"allegation, pension age not recorded: 50 years after the allegation",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed, DateOfBirth: ukDay("2008-07-01"),
				Allegations: []AllegationFacts{{ReceivedAt: received}}},
			received.AddDate(50, 0, 0), RecordAllegation, 1},
		{"a looked-after child's 75th birthday outlasts an allegation",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed, DateOfBirth: ukDay("2011-05-01"), LookedAfter: true,
				Allegations: []AllegationFacts{{ReceivedAt: received, PensionAgeOn: ukDay("2052-09-14")}}},
			ukDay("2086-05-01"), RecordLookedAfter, 0},
		{"the latest of several allegations",
			RetentionFacts{OpenedAt: opened, ClosedAt: closed, DateOfBirth: ukDay("2008-07-01"),
				Allegations: []AllegationFacts{{ReceivedAt: received, PensionAgeOn: ukDay("2052-09-14")}, {ReceivedAt: received, PensionAgeOn: ukDay("2061-02-03")}}},
			ukDay("2061-02-03"), RecordAllegation, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Default().Retention(tt.facts)
			if !d.Until.Equal(tt.until) || d.Rule != tt.rule {
				t.Errorf("kept until %s under %s; want %s under %s", d.Until.In(London), d.Rule, tt.until.In(London), tt.rule)
			}
			if len(d.Estimated) != tt.estimated {
				t.Errorf("assumptions %q; want %d", d.Estimated, tt.estimated)
			}
			if len(d.Basis) != 1+len(tt.facts.Allegations) || d.PolicyVersion != Default().Version() {
				t.Errorf("basis %q, version %s; want one line per rule applied and the policy's version", d.Basis, d.PolicyVersion)
			}
		})
	}
}

// TestRetentionNeverEarlierForWhatIsUnknown: for any true date of birth before the case opened,
// the date kept without it, or with the age disputed, is never earlier than the true one.
func TestRetentionNeverEarlierForWhatIsUnknown(t *testing.T) {
	opened := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	closed := opened.AddDate(1, 0, 0)
	for _, lookedAfter := range []bool{true, false} {
		unknown := Default().Retention(RetentionFacts{OpenedAt: opened, ClosedAt: closed, LookedAfter: lookedAfter})
		for born := ukDay("2008-03-03"); born.Before(opened); born = born.AddDate(0, 0, 97) {
			truth := Default().Retention(RetentionFacts{OpenedAt: opened, ClosedAt: closed, LookedAfter: lookedAfter, DateOfBirth: born})
			disputed := Default().Retention(RetentionFacts{OpenedAt: opened, ClosedAt: closed, LookedAfter: lookedAfter, DateOfBirth: born, BirthUncertain: true})
			if unknown.Until.Before(truth.Until) || disputed.Until.Before(truth.Until) {
				t.Fatalf("born %s: kept until %s without the date of birth and %s disputed, before the true %s",
					ukDate(born), ukDate(unknown.Until), ukDate(disputed.Until), ukDate(truth.Until))
			}
		}
	}
}

func TestDefaultRetentionRules(t *testing.T) {
	rules := Default().RetentionRules()
	if len(rules) != len(RecordTypes) {
		t.Fatalf("%d retention rules; want one per record type", len(rules))
	}
	want := map[RecordType]string{
		RecordLookedAfter: "until the child's 75th birthday",
		RecordAllegation:  "until the person the allegation is about reaches their normal pension age, and for 10 years after the allegation, whichever is later (pension age not recorded: 50 years after the allegation)",
		RecordOther:       "until the child's 25th birthday, and for 6 years after the case closed, whichever is later",
	}
	for i, r := range rules {
		if r.Type != RecordTypes[i] || r.Title == "" || r.Source == "" {
			t.Errorf("rule %d = %+v; want %s with a title and a source", i, r, RecordTypes[i])
		}
		if got := r.Describe(); got != want[r.Type] {
			t.Errorf("%s reads %q; want %q", r.Type, got, want[r.Type])
		}
	}
	if !strings.Contains(rules[0].Source, "reg 50") {
		t.Errorf("the looked-after child rule does not name its regulation: %q", rules[0].Source)
	}
}

// TestRetentionMistakes: the retention section is checked as strictly as the rest of the file,
// each mistake reported with its line and field.
func TestRetentionMistakes(t *testing.T) {
	const section = "retention:\n"
	tests := []struct {
		name     string
		old, new string
		at       string
		want     []string
	}{
		{"unknown record type", "  other:\n", "  others:\n", "others:", []string{"retention.others", "unknown record type"}},
		{"missing record type", "  other:\n    title: Case record of a child who was not looked after\n", "  zzz:\n    title: x\n",
			"retention:\n  looked-after-child:", []string{"retention", "missing: other"}},
		{"unknown field", "    until_birthday: 75\n", "    until_birthday: 75\n    until: 75\n", "until: 75", []string{"retention.looked-after-child", `unknown field "until"`}},
		{"a child's record destroyed before they are an adult", "    until_birthday: 25\n", "    until_birthday: 16\n",
			"until_birthday: 16", []string{"retention.other.until_birthday", "from 18 to 120"}},
		{"a period that is not a duration", "    after_closure: 6y\n", "    after_closure: 6 years\n",
			"after_closure: 6 years", []string{"retention.other.after_closure", "is not a duration"}},
		{"a zero period", "    after_allegation: 10y\n", "    after_allegation: 0y\n",
			"after_allegation: 0y", []string{"retention.allegation.after_allegation", "longer than zero"}},
		{"an allegation field on a child's record", "    until_birthday: 75\n", "    until_birthday: 75\n    until_pension_age: true\n",
			"until_pension_age: true\n  allegation", []string{"retention.looked-after-child.until_pension_age", "allegation rule only"}},
		{"a child's record without a period", "    until_birthday: 75\n", "", "  looked-after-child:", []string{"retention.looked-after-child", "needs until_birthday"}},
		{"pension age without what to do when it is unknown", "    if_pension_age_unknown: 50y\n", "",
			"  allegation:", []string{"retention.allegation.if_pension_age_unknown", "is required with until_pension_age"}},
		{"not knowing the pension age shortens the period", "    if_pension_age_unknown: 50y\n", "    if_pension_age_unknown: 5y\n",
			"if_pension_age_unknown: 5y", []string{"retention.allegation.if_pension_age_unknown", "at least after_allegation"}},
		{"a birthday on an allegation", "    after_allegation: 10y\n", "    after_allegation: 10y\n    until_birthday: 75\n",
			"until_birthday: 75\n    until_pension_age", []string{"retention.allegation.until_birthday", "counts from the allegation"}},
		{"no source", "    source: \"Care Planning", "    sauce: \"Care Planning", "sauce:", []string{"retention.looked-after-child", `unknown field "sauce"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := replaceIn(t, string(defaultFile), section, tt.old, tt.new)
			_, err := Load("custom.yaml", []byte(text))
			if err == nil {
				t.Fatal("Load accepted the mistake")
			}
			wantLine := fmt.Sprintf("policy file custom.yaml, line %d: ", lineOfText(t, text, tt.at))
			for _, msg := range strings.Split(err.Error(), "\n") {
				if strings.HasPrefix(msg, wantLine) && !slices.ContainsFunc(tt.want, func(w string) bool { return !strings.Contains(msg, w) }) {
					return
				}
			}
			t.Errorf("no error on line %d says %q:\n%v", lineOfText(t, text, tt.at), tt.want, err)
		})
	}
	if _, err := Load("custom.yaml", []byte(strings.Replace(string(defaultFile), section, "retired:\n", 1))); err == nil ||
		!strings.Contains(err.Error(), "every record type needs a retention rule; missing: looked-after-child, allegation, other") {
		t.Errorf("a file without a retention section: %v", err)
	}
}

func TestYearsAreCalendarYears(t *testing.T) {
	d := MustParseDuration("10y")
	if got := d.AddTo(time.Date(2028, 2, 29, 12, 0, 0, 0, time.UTC), nil); !got.Equal(time.Date(2038, 3, 1, 12, 0, 0, 0, time.UTC)) {
		t.Errorf("29 February 2028 plus 10y = %s; want 1 March 2038 (the later day)", got)
	}
	if d.String() != "10y" || words(d) != "10 years" || words(MustParseDuration("1y")) != "1 year" {
		t.Errorf("10y prints as %s, %q", d, words(d))
	}
}
