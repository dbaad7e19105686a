package policy

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// The policy file format. policy/default.yaml is the reference: every field is used there.
type fileFormat struct {
	Version           string              `yaml:"version"`
	Nation            Nation              `yaml:"nation"`
	DefaultLadder     Ladder              `yaml:"default_ladder"`
	ICTGSitesDefault  bool                `yaml:"ictg_sites_default"`
	RepeatMissing     repeatFile          `yaml:"repeat_missing"`
	ExtraBankHolidays map[Nation][]string `yaml:"extra_bank_holidays"`
	Rules             map[RuleID]ruleFile `yaml:"rules"`
	LocalAuthorities  map[string]laFile   `yaml:"local_authorities"`
}

type repeatFile struct {
	Count  int      `yaml:"count"`
	Window Duration `yaml:"window"`
}

type ruleFile struct {
	Title   string       `yaml:"title"`
	Kind    Kind         `yaml:"kind"`
	Source  string       `yaml:"source"`
	Limit   Duration     `yaml:"limit"`
	Limits  []Duration   `yaml:"limits"`
	Ladder  Ladder       `yaml:",inline"`
	Changes []changeFile `yaml:"changes"`
}

type changeFile struct {
	From   string     `yaml:"from"`
	Limit  Duration   `yaml:"limit"`
	Limits []Duration `yaml:"limits"`
	Ladder Ladder     `yaml:",inline"`
}

type laFile struct {
	Name     string                `yaml:"name"`
	Nation   Nation                `yaml:"nation"`
	ICTGSite *bool                 `yaml:"ictg_site"`
	Rules    map[RuleID]changeFile `yaml:"rules"`
}

// problems collects every mistake in a file, each with its line, so an operator fixes them in
// one pass.
type problems struct {
	name string
	root *yaml.Node
	list []string
}

func (p *problems) add(path []string, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	where := strings.Join(path, ".")
	if line := lineOf(p.root, path); line > 0 {
		p.list = append(p.list, fmt.Sprintf("line %d: %s: %s", line, where, msg))
		return
	}
	p.list = append(p.list, where+": "+msg)
}

func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	errs := make([]error, len(p.list))
	for i, m := range p.list {
		errs[i] = fmt.Errorf("policy file %s: %s", p.name, m)
	}
	return errors.Join(errs...)
}

// lineOf finds the line of a dotted path in the YAML tree, for error messages.
func lineOf(n *yaml.Node, path []string) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

const dateLayout = "2006-01-02"

// Load parses and validates a policy file; name is used in error messages.
func Load(name string, data []byte) (*Policy, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("policy file %s: %w", name, err)
	}
	var f fileFormat
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	probs := &problems{name: name, root: &root}
	if err := dec.Decode(&f); err != nil {
		var typeErr *yaml.TypeError
		if !errors.As(err, &typeErr) {
			return nil, fmt.Errorf("policy file %s: %w", name, err)
		}
		probs.list = append(probs.list, typeErr.Errors...)
	}
	p := build(&f, probs)
	p.version = versionOf(f.Version, data)
	if err := probs.err(); err != nil {
		return nil, err
	}
	return p, nil
}

func build(f *fileFormat, probs *problems) *Policy {
	p := &Policy{
		ladder: f.DefaultLadder, ictgDefault: f.ICTGSitesDefault,
		missingCount: f.RepeatMissing.Count, missingIn: f.RepeatMissing.Window,
		rules: map[RuleID]versionedRule{}, las: map[string]localAuthority{}, calendars: map[Nation]*Calendar{},
	}
	if strings.TrimSpace(f.Version) == "" {
		probs.add([]string{"version"}, "is required: name this version of the policy, e.g. \"agency-2026.12\"")
	}
	p.nation = f.Nation
	if p.nation == "" {
		p.nation = EnglandAndWales
	}
	checkNation(probs, []string{"nation"}, p.nation)
	checkLadder(probs, []string{"default_ladder"}, f.DefaultLadder)
	if f.DefaultLadder.EscalateAfter.IsZero() {
		probs.add([]string{"default_ladder", "escalate_after"}, "is required: agreed actions escalate on the default ladder")
	}
	if f.RepeatMissing.Count < 2 {
		probs.add([]string{"repeat_missing", "count"}, "must be at least 2")
	}
	if f.RepeatMissing.Window.IsZero() {
		probs.add([]string{"repeat_missing", "window"}, "is required, e.g. 90CD")
	}
	for nation, dates := range f.ExtraBankHolidays {
		path := []string{"extra_bank_holidays", string(nation)}
		checkNation(probs, path, nation)
		for _, s := range dates {
			if _, err := time.ParseInLocation(dateLayout, s, London); err != nil {
				probs.add(path, "%q is not a date like 2027-06-07", s)
			}
		}
	}
	for _, n := range Nations {
		var extra []time.Time
		for _, s := range f.ExtraBankHolidays[n] {
			if t, err := time.ParseInLocation(dateLayout, s, London); err == nil {
				extra = append(extra, t)
			}
		}
		p.calendars[n] = NewCalendar(n, extra)
	}
	for id, rf := range f.Rules {
		path := []string{"rules", string(id)}
		if !slices.Contains(RuleIDs, id) {
			probs.add(path, "unknown rule id; the rules are: %s", joinIDs())
			continue
		}
		p.rules[id] = buildRule(id, rf, probs, path)
	}
	for _, id := range RuleIDs {
		if _, ok := f.Rules[id]; !ok {
			probs.add([]string{"rules"}, "rule %q is missing: every rule must be defined", id)
		}
	}
	for code, lf := range f.LocalAuthorities {
		p.las[code] = buildLA(code, lf, f.ICTGSitesDefault, probs)
	}
	return p
}

func buildRule(id RuleID, rf ruleFile, probs *problems, path []string) versionedRule {
	r := Rule{ID: id, Title: rf.Title, Kind: rf.Kind, Source: rf.Source, Ladder: rf.Ladder}
	if strings.TrimSpace(r.Title) == "" {
		probs.add(append(path, "title"), "is required")
	}
	if r.Kind == "" {
		r.Kind = KindDeadline
	}
	if r.Kind != KindDeadline && r.Kind != KindMinimum {
		probs.add(append(path, "kind"), "must be %q or %q", KindDeadline, KindMinimum)
	}
	r.Limits = limitsOf(rf.Limit, rf.Limits, probs, path, true)
	checkLadder(probs, path, rf.Ladder)
	vr := versionedRule{base: r}
	vr.changes = buildChanges(rf.Changes, probs, append(path, "changes"))
	return vr
}

func buildChanges(files []changeFile, probs *problems, path []string) []change {
	var out []change
	for _, cf := range files {
		c, ok := buildChange(cf, probs, path, true)
		if !ok {
			continue
		}
		if n := len(out); n > 0 && !c.from.After(out[n-1].from) {
			probs.add(path, "change from %s must come after the change from %s (dates in order, each once)",
				c.from.Format(dateLayout), out[n-1].from.Format(dateLayout))
			continue
		}
		out = append(out, c)
	}
	return out
}

// buildChange reads a dated patch; an LA override may omit the date (in force from the start).
func buildChange(cf changeFile, probs *problems, path []string, needFrom bool) (change, bool) {
	c := change{ladder: cf.Ladder}
	switch {
	case cf.From != "":
		t, err := time.ParseInLocation(dateLayout, cf.From, London)
		if err != nil {
			probs.add(append(path, "from"), "%q is not a date like 2022-12-13", cf.From)
			return c, false
		}
		c.from = t
	case needFrom:
		probs.add(path, "each change needs a from date")
		return c, false
	}
	c.limits = limitsOf(cf.Limit, cf.Limits, probs, path, false)
	checkLadder(probs, path, cf.Ladder)
	return c, true
}

func limitsOf(limit Duration, limits []Duration, probs *problems, path []string, required bool) []Duration {
	switch {
	case !limit.IsZero() && len(limits) > 0:
		probs.add(append(path, "limit"), "give either limit or limits, not both")
	case !limit.IsZero():
		return []Duration{limit}
	case len(limits) > 0:
		return limits
	case required:
		probs.add(path, "a limit is required (limit: 15WD, or limits: [20WD, 3mo, 6mo] for a repeating clock)")
	}
	return nil
}

func checkLadder(probs *problems, path []string, l Ladder) {
	if l.RechaseEvery.Unit == WorkingDays {
		probs.add(append(path, "rechase_every"), "must be in calendar units (CD, w, mo, h, m), not working days")
	}
	if !l.RechaseEvery.IsZero() && l.RechaseEvery.N == 0 {
		probs.add(append(path, "rechase_every"), "must be longer than zero")
	}
	if !l.EscalateAgainAfter.IsZero() && l.EscalateAfter.IsZero() {
		probs.add(append(path, "escalate_again_after"), "needs escalate_after: the Safeguarding Lead is told after the manager")
	}
}

func buildLA(code string, lf laFile, ictgDefault bool, probs *problems) localAuthority {
	path := []string{"local_authorities", code}
	la := localAuthority{code: code, name: lf.Name, nation: lf.Nation, ictgSite: ictgDefault, overrides: map[RuleID][]change{}}
	if strings.TrimSpace(code) == "" {
		probs.add([]string{"local_authorities"}, "an LA code is empty")
	}
	if lf.Nation != "" {
		checkNation(probs, append(path, "nation"), lf.Nation)
	}
	if lf.ICTGSite != nil {
		la.ictgSite = *lf.ICTGSite
	}
	for id, cf := range lf.Rules {
		rpath := append(slices.Clone(path), "rules", string(id))
		if !slices.Contains(RuleIDs, id) {
			probs.add(rpath, "unknown rule id; the rules are: %s", joinIDs())
			continue
		}
		if c, ok := buildChange(cf, probs, rpath, false); ok {
			la.overrides[id] = []change{c}
		}
	}
	return la
}

func checkNation(probs *problems, path []string, n Nation) {
	if !slices.Contains(Nations, n) {
		probs.add(path, "unknown nation %q; use england-and-wales, scotland or northern-ireland", n)
	}
}

func joinIDs() string {
	s := make([]string, len(RuleIDs))
	for i, id := range RuleIDs {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}
