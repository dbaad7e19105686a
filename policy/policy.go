package policy

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"time"
)

// Policy is a loaded, validated set of rules. It is immutable and safe for concurrent use.
type Policy struct {
	version      string
	nation       Nation
	ladder       Ladder
	ictgDefault  bool
	missingCount int
	missingIn    Duration
	rules        map[RuleID]versionedRule
	las          map[string]localAuthority
	calendars    map[Nation]*Calendar
}

// versionedRule is a rule with the changes that take effect on later dates.
type versionedRule struct {
	base    Rule
	changes []change
}

// change patches a rule from a date on: a new limit, or a new ladder.
type change struct {
	from   time.Time
	limits []Duration
	ladder Ladder
}

func (c change) apply(r Rule) Rule {
	if len(c.limits) > 0 {
		r.Limits = c.limits
	}
	r.Ladder = mergeLadder(c.ladder, r.Ladder)
	return r
}

// mergeLadder takes each step from top when set there, else from base.
func mergeLadder(top, base Ladder) Ladder {
	pick := func(a, b Duration) Duration {
		if !a.IsZero() {
			return a
		}
		return b
	}
	return Ladder{
		RemindBefore:       pick(top.RemindBefore, base.RemindBefore),
		EscalateAfter:      pick(top.EscalateAfter, base.EscalateAfter),
		EscalateAgainAfter: pick(top.EscalateAgainAfter, base.EscalateAgainAfter),
		RechaseEvery:       pick(top.RechaseEvery, base.RechaseEvery),
	}
}

// localAuthority is an LA's own settings: its nation, whether it is an ICTG site, and its local
// timescales.
type localAuthority struct {
	code      string
	name      string
	nation    Nation
	ictgSite  bool
	overrides map[RuleID][]change
}

//go:embed default.yaml
var defaultFile []byte

var defaultPolicy = func() *Policy {
	p, err := Load("default.yaml", defaultFile)
	if err != nil {
		panic(fmt.Sprintf("the embedded default policy does not load: %v", err))
	}
	return p
}()

// Default is the policy built into caseflow, from policy/default.yaml.
func Default() *Policy { return defaultPolicy }

// DefaultFile is the text of the default policy: the starting point for an agency's own file.
func DefaultFile() []byte { return append([]byte(nil), defaultFile...) }

// LoadFile loads and validates a policy file.
func LoadFile(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read policy file: %w", err)
	}
	return Load(path, data)
}

// Version identifies the policy exactly: the file's version string and a hash of its content,
// so two files claiming one version are still told apart.
func (p *Policy) Version() string { return p.version }

func versionOf(declared string, data []byte) string {
	sum := sha256.Sum256(data)
	return declared + "+sha256:" + hex.EncodeToString(sum[:4])
}

// Rules lists the rules as in force now for no particular LA, in the timescales' order.
func (p *Policy) Rules() []Rule {
	out := make([]Rule, 0, len(RuleIDs))
	for _, id := range RuleIDs {
		r, _ := p.rule(id, time.Now(), "")
		out = append(out, r)
	}
	return out
}

// Rule returns a rule as in force now for no particular LA.
func (p *Policy) Rule(id RuleID) (Rule, bool) {
	return p.rule(id, time.Now(), "")
}

// rule resolves a rule at an instant for an LA: the national rule with every change dated on or
// before the instant, then the LA's own changes likewise.
func (p *Policy) rule(id RuleID, at time.Time, la string) (Rule, bool) {
	vr, ok := p.rules[id]
	if !ok {
		return Rule{}, false
	}
	r := vr.base
	for _, c := range vr.changes {
		if !c.from.After(at) {
			r = c.apply(r)
		}
	}
	if l, ok := p.las[la]; ok {
		for _, c := range l.overrides[id] {
			if !c.from.After(at) {
				r = c.apply(r)
			}
		}
	}
	return r, true
}

// KnowsLA reports whether the policy has settings for an LA. Unknown LAs use national rules.
func (p *Policy) KnowsLA(la string) bool {
	_, ok := p.las[la]
	return ok
}

// LAs lists the codes of the LAs with their own settings.
func (p *Policy) LAs() []string {
	out := make([]string, 0, len(p.las))
	for code := range p.las {
		out = append(out, code)
	}
	sort.Strings(out)
	return out
}

// Nation is the nation whose bank holidays an LA's working days skip.
func (p *Policy) Nation(la string) Nation {
	if l, ok := p.las[la]; ok && l.nation != "" {
		return l.nation
	}
	return p.nation
}

// Calendar is the working-day calendar of an LA.
func (p *Policy) Calendar(la string) *Calendar { return p.calendars[p.Nation(la)] }

// IsICTGSite reports whether an LA is served by the ICTG service.
func (p *Policy) IsICTGSite(la string) bool {
	if l, ok := p.las[la]; ok {
		return l.ictgSite
	}
	return p.ictgDefault
}

// RepeatMissing is the threshold of missing episodes that calls for a strategy discussion.
func (p *Policy) RepeatMissing() (count int, window Duration) { return p.missingCount, p.missingIn }

// Deadline applies a rule to the instant its starting event happened, for an LA ("" for the
// national rules), and for the nth occurrence of a repeating clock. It never reads the clock.
func (p *Policy) Deadline(id RuleID, start time.Time, la string, occurrence int) (Deadline, error) {
	r, ok := p.rule(id, start, la)
	if !ok {
		return Deadline{}, fmt.Errorf("policy %s has no rule %q", p.version, id)
	}
	cal := p.Calendar(la)
	limit := r.Limit(occurrence)
	d := Deadline{
		Rule: id, Title: r.Title, Kind: r.Kind, Start: start.UTC(), Limit: limit,
		Due: limit.AddTo(start, cal), PolicyVersion: p.version, LA: la, Nation: cal.Nation(),
	}
	if r.Kind == KindDeadline {
		d.RemindAt, d.EscalateAt, d.EscalateAgainAt = place(r.Ladder, start, d.Due, cal)
		d.RechaseEvery = r.Ladder.RechaseEvery
	}
	return d, nil
}

// Ladder places the policy's default chase ladder around a due time people agreed themselves
// (an action agreed at a strategy meeting).
func (p *Policy) Ladder(due time.Time, la string) Deadline {
	cal := p.Calendar(la)
	d := Deadline{Title: "Agreed action", Kind: KindDeadline, Due: due.UTC(), PolicyVersion: p.version, LA: la, Nation: cal.Nation()}
	d.RemindAt, d.EscalateAt, d.EscalateAgainAt = place(p.ladder, due, due, cal)
	return d
}
