package policy

import (
	_ "embed"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"time"
)

// Policy is a loaded, validated set of rules. It is immutable and safe for concurrent use.
type Policy struct {
	version       string
	nation        Nation
	defaultLadder Ladder
	ictgDefault   bool
	missing       repeatMissing
	hours         WorkingHours
	// chaseAnyHour delivers every chase when it falls due, office hours or not.
	chaseAnyHour bool
	wording      []wordingRule
	// pilotExcludes: a child referred within this long of their 18th birthday keeps the national
	// Reasonable Grounds limit in a devolved child decision pilot area.
	pilotExcludes Duration
	// leftOut lists, per kind of exploitation, the clocks a concern of that kind alone does not
	// open.
	leftOut map[string][]RuleID

	nationHours map[Nation]WorkingHours
	rules       map[RuleID]versionedRule
	las         map[string]localAuthority
	calendars   map[Nation]*Calendar
	retention   map[RecordType]RetentionRule
}

// versionedRule is a rule as first written, with the changes that take effect on later dates.
type versionedRule struct {
	base    Rule
	changes []change
}

// change patches a rule from a date on (from the beginning when from is zero): new limits and
// any ladder steps it names.
type change struct {
	from   time.Time
	limits []Duration
	ladder ladderPatch
}

// ladderPatch sets the ladder steps that are not nil; a step set to the zero Duration is removed.
type ladderPatch struct {
	remindBefore, escalateAfter, escalateAgainAfter, rechaseEvery *Duration
}

func (c change) apply(r Rule) Rule {
	if len(c.limits) > 0 {
		r.Limits = c.limits
	}
	r.Ladder = c.ladder.applyTo(r.Ladder)
	return r
}

func (p ladderPatch) applyTo(l Ladder) Ladder {
	set := func(step *Duration, to *Duration) {
		if to != nil {
			*step = *to
		}
	}
	set(&l.RemindBefore, p.remindBefore)
	set(&l.EscalateAfter, p.escalateAfter)
	set(&l.EscalateAgainAfter, p.escalateAgainAfter)
	set(&l.RechaseEvery, p.rechaseEvery)
	return l
}

// localAuthority is an LA's own settings: its nation, whether it is an ICTG site, and its local
// timescales.
type localAuthority struct {
	name     string
	nation   Nation
	ictgSite bool
	// missing is the LA's own repeat-missing threshold, nil for the national one.
	missing *repeatMissing
	// hours are the LA's own working hours, nil for its nation's.
	hours *WorkingHours
	// pilot is when the LA joined the devolved child decision pilot, zero if it has not.
	pilot     time.Time
	overrides map[RuleID][]change
}

// repeatMissing is how many missing episodes within how long call for a strategy discussion.
type repeatMissing struct {
	count  int
	window Duration
}

//go:embed default.yaml
var defaultFile []byte

var defaultPolicy = mustLoad("default.yaml", defaultFile)

// mustLoad loads a policy that is part of the program; a mistake in it is a bug in the release.
func mustLoad(name string, data []byte) *Policy {
	p, err := Load(name, data)
	if err != nil {
		panic(fmt.Sprintf("the built-in policy does not load: %v", err))
	}
	return p
}

// Default is the policy built into caseflow, from policy/default.yaml.
func Default() *Policy { return defaultPolicy }

// DefaultFile is the text of the default policy: the starting point for an agency's own file.
func DefaultFile() []byte { return slices.Clone(defaultFile) }

// LoadFile reads, parses and validates an operator's policy file.
func LoadFile(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read policy file: %w", err)
	}
	return Load(path, data)
}

// Version identifies the policy exactly: the file's version string and a short hash of its
// content, so two files claiming one version are still told apart. Cases record it with every
// deadline.
func (p *Policy) Version() string { return p.version }

// Rules lists the rules in force now for no particular LA, in the timescales' order. It is for
// display: deadlines use the rules in force when their clock started.
func (p *Policy) Rules() []Rule {
	now := time.Now()
	out := make([]Rule, 0, len(RuleIDs))
	for _, id := range RuleIDs {
		r, _ := p.RuleAt(id, now, "")
		out = append(out, r)
	}
	return out
}

// Rule returns a rule in force now for no particular LA.
func (p *Policy) Rule(id RuleID) (Rule, bool) { return p.RuleAt(id, time.Now(), "") }

// RuleAt returns a rule as in force at an instant for an LA: the national rule with every change
// dated on or before the instant, then the LA's own changes likewise. An LA the policy does not
// list uses the national rule.
func (p *Policy) RuleAt(id RuleID, at time.Time, la string) (Rule, bool) {
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
	for _, c := range p.las[la].overrides[id] {
		if !c.from.After(at) {
			r = c.apply(r)
		}
	}
	// The caller gets its own limits: changing them must not change the policy.
	r.Limits = slices.Clone(r.Limits)
	return r, true
}

// KnowsLA reports whether the policy lists an LA.
func (p *Policy) KnowsLA(la string) bool {
	_, ok := p.las[la]
	return ok
}

// CheckLA refuses an LA code the policy does not list, naming the ones it does, so a typing
// mistake can never give a child the national timescales where local ones apply. A policy that
// lists no LA accepts any code.
func (p *Policy) CheckLA(la string) error {
	if len(p.las) == 0 || p.KnowsLA(la) {
		return nil
	}
	names := make([]string, 0, len(p.las))
	for _, code := range p.LAs() {
		if name := p.las[code].name; name != "" {
			names = append(names, name+" ("+code+")")
		} else {
			names = append(names, code)
		}
	}
	return fmt.Errorf("%q is not a local authority the agency works with; the policy lists %s", la, strings.Join(names, ", "))
}

// InNRMPilot reports whether an LA makes its own Reasonable Grounds decisions, as a devolved
// child decision pilot site, at an instant.
func (p *Policy) InNRMPilot(la string, at time.Time) bool {
	pilot := p.las[la].pilot
	return !pilot.IsZero() && !at.Before(pilot)
}

// ClocksLeftOut lists the clocks a concern of these kinds of exploitation does not open: those
// that every one of its kinds leaves out. A concern whose kinds are not known yet opens every
// clock.
func (p *Policy) ClocksLeftOut(types []string) []RuleID {
	if len(types) == 0 {
		return nil
	}
	var out []RuleID
	for _, id := range p.leftOut[types[0]] {
		if !slices.ContainsFunc(types[1:], func(t string) bool { return !slices.Contains(p.leftOut[t], id) }) {
			out = append(out, id)
		}
	}
	return out
}

// ConcernTypes lists the kinds of exploitation the policy gives clocks of their own, sorted.
func (p *Policy) ConcernTypes() []string { return slices.Sorted(maps.Keys(p.leftOut)) }

// LeavesOut are the rules a concern type may leave out: the Safeguarding Lead then decides
// (nrm-lead-decision). Every other clock of a concern is an obligation whatever its kind.
var LeavesOut = []RuleID{NRMRequest}

// LAs lists the codes of the LAs the policy lists, sorted.
func (p *Policy) LAs() []string {
	out := make([]string, 0, len(p.las))
	for code := range p.las {
		out = append(out, code)
	}
	slices.Sort(out)
	return out
}

// LAName is the name the policy gives an LA, or "" when it gives none.
func (p *Policy) LAName(la string) string { return p.las[la].name }

// Nation is the nation whose bank holidays an LA's working days skip: the LA's own, else the
// policy's.
func (p *Policy) Nation(la string) Nation {
	if n := p.las[la].nation; n != "" {
		return n
	}
	return p.nation
}

// Calendar is the working-day calendar of an LA, with the policy's extra bank holidays.
func (p *Policy) Calendar(la string) *Calendar { return p.calendars[p.Nation(la)] }

// IsICTGSite reports whether an LA is served by the Independent Child Trafficking Guardian
// service: the LA's own setting, else the policy-wide default.
func (p *Policy) IsICTGSite(la string) bool {
	if l, ok := p.las[la]; ok {
		return l.ictgSite
	}
	return p.ictgDefault
}

// RepeatMissing is the threshold of missing episodes that calls for a strategy discussion for a
// child of an LA: count episodes within window. An LA without its own threshold, or not listed,
// uses the national one.
func (p *Policy) RepeatMissing(la string) (count int, window Duration) {
	if m := p.las[la].missing; m != nil {
		return m.count, m.window
	}
	return p.missing.count, p.missing.window
}
