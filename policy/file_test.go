package policy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestDefault(t *testing.T) {
	p := Default()
	if !regexp.MustCompile(`^caseflow-default-2026\.11\+sha256:[0-9a-f]{8}$`).MatchString(p.Version()) {
		t.Errorf("Version() = %q; want the declared version and a short hash", p.Version())
	}
	rules := p.Rules()
	if len(rules) != len(RuleIDs) {
		t.Fatalf("Rules() has %d rules; want %d", len(rules), len(RuleIDs))
	}
	for i, r := range rules {
		if r.ID != RuleIDs[i] || r.Title == "" || r.Source == "" || len(r.Limits) == 0 {
			t.Errorf("rule %d = %+v; want %s, with a title, a source and a limit", i, r, RuleIDs[i])
		}
		if wantKind := KindDeadline; r.ID == NRMRecovery && r.Kind != KindMinimum || r.ID != NRMRecovery && r.Kind != wantKind {
			t.Errorf("%s is a %s", r.ID, r.Kind)
		}
	}
	if r, ok := p.Rule(ICPC); !ok || r.Title != "Initial child protection conference" || r.Limit(0) != MustParseDuration("15WD") {
		t.Errorf("Rule(icpc) = %+v, %v", r, ok)
	}
	if _, ok := p.Rule("meeting-action"); ok {
		t.Error("Rule found a rule that does not exist")
	}
	if n, window := p.RepeatMissing(""); n != 3 || window != MustParseDuration("90CD") {
		t.Errorf("RepeatMissing() = %d, %s; want 3 within 90CD", n, window)
	}
	if !p.IsICTGSite("any-la") || p.Nation("any-la") != EnglandAndWales || p.KnowsLA("any-la") {
		t.Error("an LA the default policy does not list should be an English ICTG site on national rules")
	}
	if string(DefaultFile()) != string(defaultFile) {
		t.Error("DefaultFile() is not the embedded file")
	}
}

func TestVersionHashFollowsContent(t *testing.T) {
	a, errA := Load("a.yaml", defaultFile)
	b, errB := Load("b.yaml", append(DefaultFile(), "\n# a local note\n"...))
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if a.Version() != Default().Version() {
		t.Errorf("the same content gave %s and %s", a.Version(), Default().Version())
	}
	if a.Version() == b.Version() || !strings.HasPrefix(b.Version(), "caseflow-default-2026.11+sha256:") {
		t.Errorf("edited content kept version %s (was %s)", b.Version(), a.Version())
	}
}

func TestBrokenBuiltInPolicyPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "built-in.yaml") {
			t.Errorf("mustLoad of a broken file recovered %v; want a panic naming the file", r)
		}
	}()
	mustLoad("built-in.yaml", []byte("version: x\n"))
}

// lineOfText is the 1-based line of the first occurrence of s in text.
func lineOfText(t *testing.T, text, s string) int {
	t.Helper()
	i := strings.Index(text, s)
	if i < 0 {
		t.Fatalf("%q is not in the text", s)
	}
	return strings.Count(text[:i], "\n") + 1
}

const laBlock = "\nlocal_authorities:\n"

func TestLoadReportsMistakes(t *testing.T) {
	tests := []struct {
		name     string
		marker   string // where to edit: the rule or section heading
		old, new string
		at       string // text on the line the error must name
		want     []string
	}{
		{"unknown field", "  icpc:\n", "    limit: 15WD\n", "    limit: 15WD\n    deadline: 15WD\n",
			"deadline: 15WD", []string{"rules.icpc", `unknown field "deadline"`, "remind_before"}},
		{"unknown rule", "rules:\n", "  lado:\n", "  ladoo:\n",
			"ladoo:", []string{"rules.ladoo", "unknown rule id"}},
		{"bad unit", "  icpc:\n", "limit: 15WD", "limit: 15 WD",
			"limit: 15 WD", []string{"rules.icpc.limit", `"15 WD" is not a duration`}},
		{"negative duration", "  police-report:\n", "limit: 1h", "limit: -1h",
			"limit: -1h", []string{"rules.police-report.limit", `"-1h" is not a duration`}},
		{"list for a single value", "  police-report:\n", "limit: 1h", "limit: [1h]",
			"limit: [1h]", []string{"rules.police-report.limit", "expected a single value, found a list"}},
		{"limit and limits", "  sw-visit:\n", "    limits: [7CD, 6w, 6w, 3mo]\n", "    limits: [7CD, 6w, 6w, 3mo]\n    limit: 7CD\n",
			"limits: [7CD, 6w, 6w, 3mo]", []string{"rules.sw-visit.limits", "limit or limits, not both"}},
		{"no limit", "  care-plan:\n", "    limit: 10WD\n", "",
			"  care-plan:", []string{"rules.care-plan", "needs a limit"}},
		{"overlapping effective dates", "  nrm-recovery:\n", "        limit: 30CD\n", "        limit: 30CD\n      - from: \"2022-12-13\"\n        limit: 31CD\n",
			`from: "2022-12-13"` + "\n        limit: 31CD", []string{"rules.nrm-recovery.changes[1].from", "must be after 2022-12-13"}},
		{"effective dates out of order", "  nrm-recovery:\n", "        limit: 30CD\n", "        limit: 30CD\n      - from: \"2021-01-01\"\n        limit: 31CD\n",
			`from: "2021-01-01"`, []string{"rules.nrm-recovery.changes[1].from", "2021-01-01 must be after 2022-12-13"}},
		{"bad date", "  nrm-recovery:\n", `"2022-12-13"`, `"13/12/2022"`,
			`"13/12/2022"`, []string{"rules.nrm-recovery.changes[0].from", `"13/12/2022" is not a date`}},
		{"change without a date", "  nrm-recovery:\n", `      - from: "2022-12-13"` + "\n        limit: 30CD", "      - limit: 30CD",
			"      - limit: 30CD", []string{"rules.nrm-recovery.changes[0].from", "is required"}},
		{"a minimum with a ladder", "  nrm-recovery:\n", "    kind: minimum\n", "    kind: minimum\n    escalate_after: 1WD\n",
			"  nrm-recovery:", []string{"rules.nrm-recovery", "a minimum is never chased"}},
		{"second escalation without a first", "  nrm-cg-decision:\n", "    rechase_every: 1mo\n", "    rechase_every: 1mo\n    escalate_again_after: 1mo\n",
			"  nrm-cg-decision:", []string{"rules.nrm-cg-decision", "escalate_again_after needs escalate_after"}},
		{"a ladder that ends in silence", "  police-report:\n", "    rechase_every: 1h\n", "",
			"  police-report:", []string{"rules.police-report", "needs rechase_every", "no ladder ends in silence"}},
		{"an LA that silences a ladder", "", laBlock, "\nlocal_authorities:\n  la-1:\n    rules:\n      icpc:\n        from: \"2027-01-01\"\n        rechase_every: none\n",
			"      icpc:", []string{"local_authorities.la-1.rules.icpc", "needs rechase_every", "as in force from 2027-01-01"}},
		{"repeat missing of an LA", "", laBlock, "\nlocal_authorities:\n  la-1:\n    repeat_missing: {count: 1, window: 30CD}\n",
			"repeat_missing: {count: 1", []string{"local_authorities.la-1.repeat_missing.count", "at least 2"}},
		{"zero reminder", "  icpc:\n", "remind_before: 3WD", "remind_before: 0WD",
			"remind_before: 0WD", []string{"rules.icpc.remind_before", "must be longer than zero"}},
		{"unknown kind", "  icpc:\n", "    limit: 15WD\n", "    limit: 15WD\n    kind: target\n",
			"kind: target", []string{"rules.icpc.kind", `not "target"`}},
		{"no title", "  lado:\n", "    title: Tell the Local Authority Designated Officer (LADO)\n", "",
			"  lado:", []string{"rules.lado.title", "is required"}},
		{"no version", "", "version: caseflow-default-2026.11\n", "",
			"nation: england", []string{"version", "is required"}},
		{"unknown nation", "", "nation: england-and-wales", "nation: wales",
			"nation: wales", []string{"nation", `unknown nation "wales"`}},
		{"repeat count", "repeat_missing:\n", "count: 3", "count: 1",
			"count: 1", []string{"repeat_missing.count", "at least 2"}},
		{"weekend extra holiday", "", "extra_bank_holidays: {}", "extra_bank_holidays:\n  scotland: [\"2027-06-05\"]",
			`["2027-06-05"]`, []string{"extra_bank_holidays.scotland[0]", "is a Saturday"}},
		{"duplicate rule", "rules:\n", "  lado:\n", "  icpc:\n    title: again\n    limit: 1WD\n  lado:\n",
			"  icpc:\n    title: again", []string{"rules", `"icpc" is given twice`}},
		{"duplicate LA", "", laBlock, "\nlocal_authorities:\n  la-1: {name: One}\n  la-1: {name: Two}\n",
			"la-1: {name: Two}", []string{"local_authorities", `"la-1" is given twice`}},
		{"LA with an unknown rule", "", laBlock, "\nlocal_authorities:\n  la-1:\n    rules:\n      icpc-review: {limit: 3mo}\n",
			"icpc-review", []string{"local_authorities.la-1.rules.icpc-review", "unknown rule id"}},
		{"LA override that changes nothing", "", laBlock, "\nlocal_authorities:\n  la-1:\n    rules:\n      icpc: {from: \"2027-01-01\"}\n",
			"icpc: {from", []string{"local_authorities.la-1.rules.icpc", "changes nothing"}},
		{"LA unknown field", "", laBlock, "\nlocal_authorities:\n  la-1:\n    ictg: true\n",
			"ictg: true", []string{"local_authorities.la-1", `unknown field "ictg"`, "ictg_site"}},
		{"LA with a minimum made chased", "", laBlock, "\nlocal_authorities:\n  la-1:\n    rules:\n      nrm-recovery: {remind_before: 1WD}\n",
			"nrm-recovery: {remind_before", []string{"local_authorities.la-1.rules.nrm-recovery", "a minimum is never chased"}},
		{"LA changes out of order", "", laBlock, "\nlocal_authorities:\n  la-1:\n    rules:\n      icpc:\n        from: \"2027-01-01\"\n        limit: 10WD\n        changes:\n          - {from: \"2026-06-01\", limit: 12WD}\n",
			`{from: "2026-06-01"`, []string{"local_authorities.la-1.rules.icpc.changes[0].from", "must be after 2027-01-01"}},
		{"re-chase in working days", "  nrm-cg-decision:\n", "rechase_every: 1mo", "rechase_every: 2WD",
			"rechase_every: 2WD", []string{"rules.nrm-cg-decision.rechase_every", `"2WD" is in working days`}},
		{"default ladder re-chase in working days", "default_ladder:\n", "  rechase_every: 7CD\n", "  rechase_every: 1WD\n",
			"  rechase_every: 1WD", []string{"default_ladder.rechase_every", "working days"}},
		{"default ladder that ends in silence", "default_ladder:\n", "  rechase_every: 7CD\n", "",
			"default_ladder:", []string{"default_ladder.rechase_every", "no ladder ends in silence"}},
		{"LA re-chase in working days", "", laBlock, "\nlocal_authorities:\n  la-1:\n    rules:\n      nrm-cg-decision:\n        from: \"2027-01-01\"\n        rechase_every: 5WD\n",
			"rechase_every: 5WD", []string{"local_authorities.la-1.rules.nrm-cg-decision.rechase_every", "working days"}},
		{"re-chase in working days in a change", "  nrm-cg-decision:\n", "        limit: 30CD\n", "        limit: 30CD\n        rechase_every: 1WD\n",
			"rechase_every: 1WD", []string{"rules.nrm-cg-decision.changes[0].rechase_every", "working days"}},
		{"LA nation", "", laBlock, "\nlocal_authorities:\n  la-1: {nation: wales}\n",
			"la-1: {nation: wales}", []string{"local_authorities.la-1.nation", `unknown nation "wales"`}},
		{"extra holidays for an unknown nation", "", "extra_bank_holidays: {}", "extra_bank_holidays:\n  wales: [\"2027-06-08\"]",
			`wales: ["2027-06-08"]`, []string{"extra_bank_holidays.wales", `unknown nation "wales"`}},
		{"extra holiday listed twice", "", "extra_bank_holidays: {}", "extra_bank_holidays:\n  scotland: [\"2027-06-07\", \"2027-06-07\"]",
			"scotland: [", []string{"extra_bank_holidays.scotland[1]", "listed twice"}},
		{"bad unit in a change", "  nrm-recovery:\n", "        limit: 30CD\n", "        limit: 30 CD\n",
			"limit: 30 CD", []string{"rules.nrm-recovery.changes[0].limit", `"30 CD" is not a duration`}},
		{"bad unit in a list of limits", "  lac-review:\n", "limits: [20WD, 3mo, 6mo]", "limits: [20WD, 3 months, 6mo]",
			"limits: [20WD, 3 months", []string{"rules.lac-review.limits[1]", `"3 months" is not a duration`}},
		{"days are not a unit", "  lado:\n", "limit: 1WD", "limit: 1d",
			"limit: 1d", []string{"rules.lado.limit", `"1d" is not a duration`}},
		{"bad unit in the default ladder", "default_ladder:\n", "escalate_after: 1WD", "escalate_after: 1 day",
			"escalate_after: 1 day", []string{"default_ladder.escalate_after", `"1 day" is not a duration`}},
		{"no repeat window", "repeat_missing:\n", "  window: 90CD\n", "",
			"repeat_missing:", []string{"repeat_missing.window", "is required"}},
		{"unknown top-level field", "", "ictg_sites_default: true", "ictg_sites_default: true\nictg_default: true",
			"ictg_default: true", []string{`unknown field "ictg_default"`, "ictg_sites_default", "local_authorities"}},
		{"unknown field in a change", "  nrm-recovery:\n", "        limit: 30CD\n", "        limit: 30CD\n        until: \"2030-01-01\"\n",
			"until:", []string{"rules.nrm-recovery.changes[0]", `unknown field "until"`}},
		{"duplicate change dates in an LA", "", laBlock, "\nlocal_authorities:\n  la-1:\n    rules:\n      icpc:\n        from: \"2027-01-01\"\n        limit: 10WD\n        changes:\n          - {from: \"2027-01-01\", limit: 12WD}\n",
			`{from: "2027-01-01", limit: 12WD}`, []string{"local_authorities.la-1.rules.icpc.changes[0].from", "must be after 2027-01-01"}},
		{"LA code with a space", "", laBlock, "\nlocal_authorities:\n  \"la 1\": {name: One}\n",
			`"la 1"`, []string{"local_authorities.la 1", "without spaces"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := replaceIn(t, string(defaultFile), tt.marker, tt.old, tt.new)
			_, err := Load("custom.yaml", []byte(text))
			if err == nil {
				t.Fatal("Load accepted the mistake")
			}
			wantLine := fmt.Sprintf("policy file custom.yaml, line %d: ", lineOfText(t, text, tt.at))
			for _, msg := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(msg, wantLine) {
					continue
				}
				for _, w := range tt.want {
					if !strings.Contains(msg, w) {
						t.Errorf("error %q does not say %q", msg, w)
					}
				}
				return
			}
			t.Errorf("no error starts %q:\n%v", wantLine, err)
		})
	}
}

func TestLoadCollectsEveryMistake(t *testing.T) {
	text := replaceIn(t, string(defaultFile), "  icpc:\n", "limit: 15WD", "limit: 15 days")
	text = replaceIn(t, text, "  lado:\n", "limit: 1WD", "limit: soon")
	text = replaceIn(t, text, "", "nation: england-and-wales", "nation: wales")
	_, err := Load("custom.yaml", []byte(text))
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 3 {
		t.Fatalf("want three errors, joined; got %v", err)
	}
	msgs := joined.Unwrap()
	for i, want := range []string{"nation", "rules.icpc.limit", "rules.lado.limit"} {
		if !strings.Contains(msgs[i].Error(), want) {
			t.Errorf("error %d is %q; want it about %s (errors in file order)", i, msgs[i], want)
		}
	}
}

// TestLoadReportsEachMistakeOnce edits several mistakes into one file: each is reported, with its
// line and field, in file order, and nothing is reported twice or about a value the decoder
// could not read.
func TestLoadReportsEachMistakeOnce(t *testing.T) {
	type edit struct{ marker, old, new string }
	type report struct{ at, field, says string } // at: text on the line the error names
	rules := "rules:\n"
	tests := []struct {
		name  string
		edits []edit
		want  []report
	}{
		{"a bad limit does not hide a missing rule",
			[]edit{{"  icpc:\n", "limit: 15WD", "limit: 15 WD"}, {rules, "  lado:\n", "  ladoo:\n"}},
			[]report{{rules, "rules", "missing: lado ("}, {"limit: 15 WD", "rules.icpc.limit", "not a duration"}, {"ladoo:", "rules.ladoo", "unknown rule id"}}},
		{"a missing title does not hide a missing limit",
			[]edit{{"  care-plan:\n", "    title: Agree the care plan with the team around the child\n", ""}, {"  care-plan:\n", "    limit: 10WD\n", ""}},
			[]report{{"  care-plan:", "rules.care-plan.title", "is required"}, {"  care-plan:", "rules.care-plan", "needs a limit"}}},
		{"an unknown field does not hide a missing limit",
			[]edit{{"  care-plan:\n", "    limit: 10WD\n", "    limt: 10WD\n"}},
			[]report{{"limt: 10WD", "rules.care-plan", `unknown field "limt"`}, {"  care-plan:", "rules.care-plan", "needs a limit"}}},
		{"a rule that is not a mapping is not also missing",
			[]edit{{rules, "  icpc:\n", "  icpc: [15WD]\n  icpc-old:\n"}},
			[]report{{"icpc: [15WD]", "rules.icpc", "expected a mapping of fields, found a list"}, {"icpc-old:", "rules.icpc-old", "unknown rule id"}}},
		{"a repeated rule does not make every rule missing",
			[]edit{{"", "nation: england-and-wales", "nation: wales"}, {rules, "  lado:\n", "  icpc:\n    title: again\n    limit: 1WD\n  lado:\n"}},
			[]report{{"nation: wales", "nation", "unknown nation"}, {"  icpc:\n    title: again", "rules", `"icpc" is given twice`}}},
		{"a long unreadable value is found by its first characters",
			[]edit{{"", laBlock, "\nlocal_authorities:\n  la-1: {ictg_site: not-yet-known, nation: scotland}\n"}},
			[]report{{"la-1: {ictg_site", "local_authorities.la-1.ictg_site", "expected true or false"}}},
		{"an unreadable value in a flow mapping is found by its kind",
			[]edit{{"", laBlock, "\nlocal_authorities:\n  la-1: {name: [One], nation: scotland}\n"}},
			[]report{{"la-1: {name: [One]", "local_authorities.la-1.name", "expected a single value, found a list"}}},
		{"an unreadable limit is reported once",
			[]edit{{"  police-report:\n", "limit: 1h", "limit: {n: 1}"}},
			[]report{{"limit: {n: 1}", "rules.police-report.limit", "expected a single value, found a mapping of fields"}}},
		{"mistakes in every section",
			[]edit{
				{"", "version: caseflow-default-2026.11\n", ""},
				{"", "nation: england-and-wales", "nation: england"},
				{"repeat_missing:\n", "count: 3", "count: three"},
				{"  nrm-cg-decision:\n", "rechase_every: 1mo", "rechase_every: 1WD"},
				{"", laBlock, "\nlocal_authorities:\n  la-1:\n    nation: wales\n    rules:\n      icpc-review: {limit: 3mo}\n"},
			},
			[]report{
				{"nation: england", "version", "is required"},
				{"nation: england", "nation", `unknown nation "england"`},
				{"count: three", "repeat_missing.count", "expected a whole number"},
				{"rechase_every: 1WD", "rules.nrm-cg-decision.rechase_every", "working days"},
				{"nation: wales", "local_authorities.la-1.nation", `unknown nation "wales"`},
				{"icpc-review:", "local_authorities.la-1.rules.icpc-review", "unknown rule id"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := string(defaultFile)
			for _, e := range tt.edits {
				text = replaceIn(t, text, e.marker, e.old, e.new)
			}
			_, err := Load("custom.yaml", []byte(text))
			var joined interface{ Unwrap() []error }
			if !errors.As(err, &joined) {
				t.Fatalf("Load = %v; want joined errors", err)
			}
			got := joined.Unwrap()
			if len(got) != len(tt.want) {
				t.Errorf("%d errors; want %d:\n%v", len(got), len(tt.want), err)
			}
			for _, w := range tt.want {
				prefix := fmt.Sprintf("policy file custom.yaml, line %d: %s: ", lineOfText(t, text, w.at), w.field)
				if !slices.ContainsFunc(got, func(e error) bool {
					return strings.HasPrefix(e.Error(), prefix) && strings.Contains(e.Error(), w.says)
				}) {
					t.Errorf("no error %q...%q in:\n%v", prefix, w.says, err)
				}
			}
			lines := make([]int, len(got))
			for i, e := range got {
				fmt.Sscanf(strings.TrimPrefix(e.Error(), "policy file custom.yaml, line "), "%d", &lines[i])
			}
			if !slices.IsSorted(lines) {
				t.Errorf("errors not in file order: lines %v", lines)
			}
		})
	}
}

func TestLoadMissingRule(t *testing.T) {
	block := regexp.MustCompile(`(?m)^  lado:\n(    .*\n)+`)
	text := block.ReplaceAllString(string(defaultFile), "")
	if text == string(defaultFile) {
		t.Fatal("the lado rule was not found")
	}
	_, err := Load("custom.yaml", []byte(text))
	want := fmt.Sprintf("line %d: rules: every rule must be defined; missing: lado (", lineOfText(t, text, "rules:\n"))
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("a missing rule: %v", err)
	}
}

func TestLoadRefusesWholeFile(t *testing.T) {
	tests := map[string]struct {
		data string
		want string
	}{
		"empty":          {"", "custom.yaml is empty"},
		"two documents":  {string(defaultFile) + "---\nversion: two\n", "more than one YAML document"},
		"syntax":         {"version: [x\n", "custom.yaml"},
		"not a mapping":  {"- version\n", "line 1: expected a mapping of fields, found a list"},
		"only a version": {"version: x\n", "missing: police-report, immediate-danger, notify-social-worker,"},
	}
	for name, tt := range tests {
		_, err := Load("custom.yaml", []byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v; want an error containing %q", name, err, tt.want)
		}
	}
}

func TestLoadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agency.yaml")
	text := strings.Replace(string(defaultFile), "version: caseflow-default-2026.11", "version: agency-2026.12", 1)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadFile(path)
	if err != nil || !strings.HasPrefix(p.Version(), "agency-2026.12+sha256:") {
		t.Fatalf("LoadFile = %v, %v", p, err)
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadFile of a missing file: %v", err)
	}
}

func TestLoadReportsAnUnreadableFieldOnce(t *testing.T) {
	text := replaceIn(t, string(defaultFile), "  police-report:\n", "limit: 1h", "limit: [1h]")
	_, err := Load("custom.yaml", []byte(text))
	if err == nil || strings.Count(err.Error(), "rules.police-report.limit") != 1 {
		t.Errorf("want one error about rules.police-report.limit; got %v", err)
	}
}

func TestExtraBankHolidaysFromFile(t *testing.T) {
	text := replaceIn(t, string(defaultFile), "", "extra_bank_holidays: {}", `extra_bank_holidays:
  england-and-wales: ["2027-06-07"]`)
	p, err := Load("custom.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	start := utc("2027-06-04T09:00:00Z") // a Friday
	d, _ := p.Deadline(CSCDecision, start, "", 0)
	if !d.Due.Equal(utc("2027-06-08T09:00:00Z")) {
		t.Errorf("due %s; want Tuesday, after the extra holiday on Monday", d.Due)
	}
	if !p.calendars[Scotland].IsWorkingDay(utc("2027-06-07T09:00:00Z")) {
		t.Error("an England and Wales holiday was added to Scotland")
	}
}
