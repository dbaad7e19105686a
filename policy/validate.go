package policy

import (
	"maps"
	"slices"
	"strings"
	"time"
)

const (
	// dateLayout is how a policy file writes dates: effective dates and extra bank holidays.
	dateLayout = "2006-01-02"
	// noStep in a ladder field removes a step a rule would otherwise inherit.
	noStep = "none"
	// minRepeatMissing: a single missing episode is handled by its return interview; only a
	// pattern of two or more calls for a strategy discussion.
	minRepeatMissing = 2
	// rechaseField is the ladder step that repeats. The case schedules each re-chase from the
	// last one without the child's calendar, so the step may not count working days.
	rechaseField = "rechase_every"
)

// build turns a decoded file into a Policy, recording every mistake in probs. The Policy is
// only used when probs stays empty.
func build(f *fileFormat, probs *problems) *Policy {
	p := &Policy{
		nation:       EnglandAndWales,
		ictgDefault:  f.ICTGSitesDefault,
		chaseAnyHour: f.ChaseAnyHour,
		rules:        map[RuleID]versionedRule{},
		las:          map[string]localAuthority{},
		calendars:    map[Nation]*Calendar{},
	}
	if strings.TrimSpace(f.Version) == "" {
		probs.addMissing(path{"version"}, "is required: name this version of the policy, e.g. \"agency-2026.12\"")
	}
	if f.Nation != "" {
		p.nation = readNation(probs, path{"nation"}, f.Nation)
	}
	p.defaultLadder = readPatch(probs, path{"default_ladder"}, f.DefaultLadder).applyTo(Ladder{})
	if p.defaultLadder.EscalateAfter.IsZero() {
		probs.addMissing(path{"default_ladder", "escalate_after"}, "is required: agreed actions must escalate when missed")
	}
	if p.defaultLadder.RechaseEvery.IsZero() && !probs.found(path{"default_ladder", rechaseField}) {
		probs.addMissing(path{"default_ladder", rechaseField}, "is required: no ladder ends in silence, so an agreed action still open is chased again this often")
	}
	p.missing.count, p.missing.window = readRepeatMissing(probs, path{"repeat_missing"}, f.RepeatMissing)
	p.hours = DefaultWorkingHours
	if f.WorkingHours != nil {
		p.hours = readHours(probs, path{"working_hours"}, *f.WorkingHours)
	}
	p.wording = readWording(probs, f.Wording)
	p.nationHours = map[Nation]WorkingHours{}
	for _, nation := range slices.Sorted(maps.Keys(f.NationHours)) {
		at := path{"working_hours_by_nation", nation}
		p.nationHours[readNation(probs, at, nation)] = readHours(probs, at, f.NationHours[nation])
	}
	extra := readExtraHolidays(probs, f.ExtraBankHolidays)
	for _, n := range Nations {
		p.calendars[n] = NewCalendar(n, extra[n])
	}
	for _, id := range slices.Sorted(maps.Keys(f.Rules)) {
		at := path{"rules", id}
		if !RuleID(id).valid() {
			probs.add(at, "unknown rule id; the rules are: %s", ruleList())
			continue
		}
		p.rules[RuleID(id)] = readRule(probs, at, RuleID(id), f.Rules[id])
	}
	// A rule the decoder dropped is already reported; a mistake in another rule does not hide
	// this one's absence.
	var missing []string
	for _, id := range RuleIDs {
		if _, ok := f.Rules[string(id)]; !ok && !probs.found(path{"rules", string(id)}) {
			missing = append(missing, string(id))
		}
	}
	if len(missing) > 0 {
		probs.add(path{"rules"}, "every rule must be defined; missing: %s (copy them from default.yaml)", strings.Join(missing, ", "))
	}
	var pilotLimit Duration
	if f.NRMPilotRGLimit != "" {
		pilotLimit, _ = readDuration(probs, path{"nrm_pilot_rg_limit"}, f.NRMPilotRGLimit)
	}
	p.pilotExcludes = defaultPilotExcludes
	if f.NRMPilotExcludesWithin != "" {
		p.pilotExcludes, _ = readDuration(probs, path{"nrm_pilot_excludes_within"}, f.NRMPilotExcludesWithin)
	}
	p.leftOut = readConcernTypes(probs, f.ConcernTypes)
	for _, code := range slices.Sorted(maps.Keys(f.LocalAuthorities)) {
		if la, ok := readLA(probs, code, f.LocalAuthorities[code], f.ICTGSitesDefault, pilotLimit); ok {
			p.las[code] = la
		}
	}
	p.retention = readRetention(probs, f.Retention)
	checkResolved(probs, p)
	return p
}

// defaultPilotExcludes: the devolved child decision pilot does not decide for a child referred
// within 100 days of their 18th birthday.
var defaultPilotExcludes = Duration{N: 100, Unit: CalendarDays}

// readConcernTypes reads which clocks a concern of each kind of exploitation leaves out. Only the
// rules of LeavesOut may be left out, each once.
func readConcernTypes(probs *problems, in map[string]concernTypeFile) map[string][]RuleID {
	out := map[string][]RuleID{}
	for _, kind := range slices.Sorted(maps.Keys(in)) {
		at := path{"concern_types", kind}
		if kind == "" || strings.ContainsFunc(kind, func(r rune) bool { return r <= ' ' || r == ',' }) {
			probs.add(at, "a kind of exploitation is one code without spaces, e.g. sexual-harassment")
			continue
		}
		without := in[kind].Without
		if len(without) == 0 {
			probs.addMissing(at.With("without"), "is required: the clocks a concern of this kind does not open (only %s)", leavesOutList())
		}
		for i, id := range without {
			switch {
			case !slices.Contains(LeavesOut, RuleID(id)):
				probs.add(at.With("without").At(i), "%q may not be left out: only %s may, and the Safeguarding Lead then decides", id, leavesOutList())
			case slices.Contains(out[kind], RuleID(id)):
				probs.add(at.With("without").At(i), "%q is listed twice", id)
			default:
				out[kind] = append(out[kind], RuleID(id))
			}
		}
	}
	return out
}

func leavesOutList() string {
	names := make([]string, len(LeavesOut))
	for i, id := range LeavesOut {
		names[i] = string(id)
	}
	return strings.Join(names, ", ")
}

func readNation(probs *problems, at path, s string) Nation {
	n := Nation(s)
	if !n.valid() {
		probs.add(at, "unknown nation %q; use england-and-wales, scotland or northern-ireland", s)
	}
	return n
}

func readRepeatMissing(probs *problems, at path, rf repeatFile) (int, Duration) {
	if rf.Count < minRepeatMissing {
		probs.addMissing(at.With("count"), "must be at least %d episodes", minRepeatMissing)
	}
	if rf.Window == "" {
		probs.addMissing(at.With("window"), "is required, e.g. 90CD")
		return rf.Count, Duration{}
	}
	window, ok := readDuration(probs, at.With("window"), rf.Window)
	if ok && window.N == 0 {
		probs.add(at.With("window"), "must be longer than zero")
	}
	return rf.Count, window
}

// readWording reads the list of phrases to avoid: each needs the wording to say instead, and a
// phrase is listed once.
func readWording(probs *problems, list []wordingFile) []wordingRule {
	var out []wordingRule
	seen := map[string]bool{}
	for i, w := range list {
		at := path{"wording"}.At(i)
		avoid, say := strings.ToLower(strings.TrimSpace(w.Avoid)), strings.TrimSpace(w.Say)
		switch {
		case avoid == "":
			probs.addMissing(at.With("avoid"), "is required: the phrase to avoid")
		case say == "":
			probs.addMissing(at.With("say"), "is required: what to say instead")
		case seen[avoid]:
			probs.add(at.With("avoid"), "%q is listed twice", avoid)
		default:
			seen[avoid] = true
			out = append(out, wordingRule{avoid: avoid, say: say})
		}
	}
	return out
}

// readHours reads office hours: both times required, the start before the end.

func readHours(probs *problems, at path, hf hoursFile) WorkingHours {
	h := DefaultWorkingHours
	for _, f := range []struct {
		field string
		text  string
		into  *int
	}{{"start", hf.Start, &h.Start}, {"end", hf.End, &h.End}} {
		if f.text == "" {
			probs.addMissing(at.With(f.field), "is required, a UK time of day like 09:00")
			continue
		}
		m, err := parseClock(f.text)
		if err != nil {
			probs.add(at.With(f.field), "%v", err)
			continue
		}
		*f.into = m
	}
	if h.Start >= h.End {
		probs.add(at, "the office must open before it closes (%s)", h)
	}
	return h
}

func readExtraHolidays(probs *problems, in map[string][]string) map[Nation][]time.Time {
	out := map[Nation][]time.Time{}
	for _, nation := range slices.Sorted(maps.Keys(in)) {
		at := path{"extra_bank_holidays", nation}
		n := readNation(probs, at, nation)
		for i, s := range in[nation] {
			t, ok := readDate(probs, at.At(i), s)
			switch {
			case !ok:
			case t.Weekday() == time.Saturday || t.Weekday() == time.Sunday:
				probs.add(at.At(i), "%s is a %s: a bank holiday is a weekday", s, t.Weekday())
			case slices.ContainsFunc(out[n], t.Equal):
				probs.add(at.At(i), "%s is listed twice", s)
			default:
				out[n] = append(out[n], t)
			}
		}
	}
	return out
}

func readRule(probs *problems, at path, id RuleID, rf ruleFile) versionedRule {
	r := Rule{ID: id, Title: strings.TrimSpace(rf.Title), Kind: Kind(rf.Kind), Source: strings.TrimSpace(rf.Source)}
	if r.Title == "" {
		probs.addMissing(at.With("title"), "is required: say in plain words what must be done")
	}
	switch r.Kind {
	case "":
		r.Kind = KindDeadline
	case KindDeadline, KindMinimum:
	default:
		probs.add(at.With("kind"), "must be %s or %s, not %q", KindDeadline, KindMinimum, rf.Kind)
	}
	r.Limits = readLimits(probs, at, rf.Limit, rf.Limits)
	// A limit given wrongly is reported at that limit; a mistake elsewhere in the rule does not
	// hide a missing one.
	if len(r.Limits) == 0 && !probs.found(at.With("limit")) && !probs.found(at.With("limits")) {
		probs.add(at, "needs a limit (limit: 15WD), or limits for a repeating clock (limits: [20WD, 3mo, 6mo])")
	}
	r.Ladder = readPatch(probs, at, rf.ladderFile).applyTo(Ladder{})
	return versionedRule{base: r, changes: readChanges(probs, at.With("changes"), rf.Changes, time.Time{})}
}

// readChanges reads dated changes, which must be in date order, each after notBefore.
func readChanges(probs *problems, at path, files []changeFile, notBefore time.Time) []change {
	var out []change
	last := notBefore
	for i, cf := range files {
		here := at.At(i)
		if cf.From == "" {
			probs.addMissing(here.With("from"), "is required: the date the change takes effect, e.g. \"2022-12-13\"")
			continue
		}
		c, ok := readChange(probs, here, cf, false)
		if !ok {
			continue
		}
		if !c.from.After(last) && !last.IsZero() {
			probs.add(here.With("from"), "%s must be after %s: effective dates go in order and each applies once",
				cf.From, last.Format(dateLayout))
			continue
		}
		last = c.from
		out = append(out, c)
	}
	return out
}

// readChange reads limits and ladder steps in force from an optional date. Unless mayBeEmpty,
// a change must change something.
func readChange(probs *problems, at path, cf changeFile, mayBeEmpty bool) (change, bool) {
	var c change
	if cf.From != "" {
		from, ok := readDate(probs, at.With("from"), cf.From)
		if !ok {
			return c, false
		}
		c.from = from
	}
	c.limits = readLimits(probs, at, cf.Limit, cf.Limits)
	c.ladder = readPatch(probs, at, cf.ladderFile)
	if !mayBeEmpty && len(c.limits) == 0 && c.ladder == (ladderPatch{}) {
		probs.addMissing(at, "changes nothing: give a limit, limits or a ladder step")
	}
	return c, true
}

func readLimits(probs *problems, at path, limit *string, limits []string) []Duration {
	if limit != nil && limits != nil {
		probs.add(at.With("limits"), "give limit or limits, not both")
		return nil
	}
	if limit != nil {
		if d, ok := readDuration(probs, at.With("limit"), *limit); ok {
			return []Duration{d}
		}
		return nil
	}
	var out []Duration
	for i, s := range limits {
		if d, ok := readDuration(probs, at.With("limits").At(i), s); ok {
			out = append(out, d)
		}
	}
	return out
}

// readPatch reads ladder steps. A reminder or re-chase of nothing is refused: it is always a
// slip for "none".
func readPatch(probs *problems, at path, lf ladderFile) ladderPatch {
	step := func(field string, s *string, mustBePositive bool) *Duration {
		if s == nil {
			return nil
		}
		if *s == noStep {
			return &Duration{}
		}
		d, ok := readDuration(probs, at.With(field), *s)
		if !ok {
			return nil
		}
		if mustBePositive && d.N == 0 {
			probs.add(at.With(field), "must be longer than zero; write %s for no such step", noStep)
			return nil
		}
		if field == rechaseField && d.Unit == WorkingDays {
			probs.add(at.With(field), "%q is in working days; write it in hours, calendar days, weeks or months: "+
				"a case re-chases on a fixed interval without the child's calendar", *s)
			return nil
		}
		return &d
	}
	return ladderPatch{
		remindBefore:       step("remind_before", lf.RemindBefore, true),
		escalateAfter:      step("escalate_after", lf.EscalateAfter, false),
		escalateAgainAfter: step("escalate_again_after", lf.EscalateAgainAfter, false),
		rechaseEvery:       step(rechaseField, lf.RechaseEvery, true),
	}
}

func readLA(probs *problems, code string, lf laFile, ictgDefault bool, pilotLimit Duration) (localAuthority, bool) {
	at := path{"local_authorities", code}
	if code == "" || strings.ContainsFunc(code, func(r rune) bool { return r <= ' ' || r == ',' }) {
		probs.add(at, "an LA code is one word without spaces, e.g. E08000025")
		return localAuthority{}, false
	}
	la := localAuthority{name: strings.TrimSpace(lf.Name), overrides: map[RuleID][]change{}}
	if lf.Nation != "" {
		la.nation = readNation(probs, at.With("nation"), lf.Nation)
	}
	la.ictgSite = ictgDefault
	if lf.ICTGSite != nil {
		la.ictgSite = *lf.ICTGSite
	}
	if lf.WorkingHours != nil {
		h := readHours(probs, at.With("working_hours"), *lf.WorkingHours)
		la.hours = &h
	}
	if lf.RepeatMissing != nil {
		count, window := readRepeatMissing(probs, at.With("repeat_missing"), *lf.RepeatMissing)
		la.missing = &repeatMissing{count: count, window: window}
	}
	for _, id := range slices.Sorted(maps.Keys(lf.Rules)) {
		rat := at.With("rules", id)
		if !RuleID(id).valid() {
			probs.add(rat, "unknown rule id; the rules are: %s", ruleList())
			continue
		}
		of := lf.Rules[id]
		// The override's own fields may be left out when it only lists dated changes.
		first, ok := readChange(probs, rat, of.changeFile, len(of.Changes) > 0)
		if !ok {
			continue
		}
		later := readChanges(probs, rat.With("changes"), of.Changes, first.from)
		la.overrides[RuleID(id)] = append([]change{first}, later...)
	}
	if lf.NRMPilotFrom != "" {
		la.pilot = readPilot(probs, at, lf, pilotLimit)
		if !la.pilot.IsZero() {
			la.overrides[NRMRGDecision] = []change{{from: la.pilot, limits: []Duration{pilotLimit}}}
		}
	}
	return la, true
}

// readPilot reads the date an LA joined the devolved child decision pilot. The pilot sets its
// Reasonable Grounds limit, so the LA may not also override that rule.
func readPilot(probs *problems, at path, lf laFile, limit Duration) time.Time {
	from, ok := readDate(probs, at.With("nrm_pilot_from"), lf.NRMPilotFrom)
	switch {
	case !ok:
		return time.Time{}
	case limit.IsZero():
		probs.add(at.With("nrm_pilot_from"), "needs nrm_pilot_rg_limit at the top of the file: the pilot's Reasonable Grounds limit")
		return time.Time{}
	case lf.Rules[string(NRMRGDecision)].From != "" || lf.Rules[string(NRMRGDecision)].Limit != nil:
		probs.add(at.With("rules", string(NRMRGDecision)), "give nrm_pilot_from or an override of nrm-rg-decision, not both")
		return time.Time{}
	}
	return from
}

func readDuration(probs *problems, at path, s string) (Duration, bool) {
	d, err := ParseDuration(s)
	if err != nil {
		probs.add(at, "%v", err)
		return Duration{}, false
	}
	return d, true
}

// readDate reads a UK date; it starts at midnight, London time.
func readDate(probs *problems, at path, s string) (time.Time, bool) {
	t, err := time.ParseInLocation(dateLayout, s, London)
	if err != nil {
		probs.add(at, "%q is not a date written like 2022-12-13", s)
		return time.Time{}, false
	}
	return t, true
}

// checkResolved checks each rule as it stands at every effective date, nationally and in each
// LA that changes it, since a dated change or an override can break what was valid alone.
func checkResolved(probs *problems, p *Policy) {
	for _, id := range RuleIDs {
		vr, ok := p.rules[id]
		if !ok {
			continue
		}
		national := []time.Time{{}}
		for _, c := range vr.changes {
			national = append(national, c.from)
		}
		checkAt(probs, p, id, "", path{"rules", string(id)}, national)
		for _, code := range p.LAs() {
			overrides := p.las[code].overrides[id]
			if len(overrides) == 0 {
				continue
			}
			instants := slices.Clone(national)
			for _, c := range overrides {
				instants = append(instants, c.from)
			}
			slices.SortFunc(instants, time.Time.Compare)
			checkAt(probs, p, id, code, path{"local_authorities", code, "rules", string(id)}, instants)
		}
	}
}

func checkAt(probs *problems, p *Policy, id RuleID, la string, at path, instants []time.Time) {
	seen := map[string]bool{}
	for _, t := range instants {
		r, _ := p.RuleAt(id, t, la)
		if len(r.Limits) == 0 {
			continue // reported where the limit is missing
		}
		var msgs []string
		if r.Kind == KindMinimum && r.Ladder != (Ladder{}) {
			msgs = append(msgs, "a minimum is never chased: give it no remind_before, escalate_after, escalate_again_after or rechase_every")
		}
		if !r.Ladder.EscalateAgainAfter.IsZero() && r.Ladder.EscalateAfter.IsZero() {
			msgs = append(msgs, "escalate_again_after needs escalate_after: the Safeguarding Lead is told after the manager")
		}
		if r.Kind == KindDeadline && r.Ladder.RechaseEvery.IsZero() && !probs.found(at.With(rechaseField)) {
			msgs = append(msgs, "needs rechase_every: no ladder ends in silence, so an overdue action is chased again "+
				"this often until it is done (e.g. 1h for a clock of hours, 1CD or 7CD for working-day clocks)")
		}
		for _, m := range msgs {
			if seen[m] {
				continue // reported where it first arises
			}
			seen[m] = true
			if !t.IsZero() {
				m += " (as in force from " + t.Format(dateLayout) + ")"
			}
			probs.add(at, "%s", m)
		}
	}
}

func ruleList() string {
	names := make([]string, len(RuleIDs))
	for i, id := range RuleIDs {
		names[i] = string(id)
	}
	return strings.Join(names, ", ")
}
