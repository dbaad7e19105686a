package policy

import (
	"crypto/sha256"
	"encoding/hex"
)

// The policy file format, as YAML. default.yaml is the reference and uses every field. Durations
// and dates are read as text here and parsed while validating, where the field they came from is
// known, so that every mistake is reported with its place.
type fileFormat struct {
	Version          string               `yaml:"version"`
	Nation           string               `yaml:"nation"`
	DefaultLadder    ladderFile           `yaml:"default_ladder"`
	ICTGSitesDefault bool                 `yaml:"ictg_sites_default"`
	RepeatMissing    repeatFile           `yaml:"repeat_missing"`
	WorkingHours     *hoursFile           `yaml:"working_hours"`
	ChaseAnyHour     bool                 `yaml:"chase_at_any_hour"`
	NationHours      map[string]hoursFile `yaml:"working_hours_by_nation"`
	NRMPilotRGLimit  string               `yaml:"nrm_pilot_rg_limit"`
	// NRMPilotExcludesWithin: a child referred this close to their 18th birthday keeps the
	// national Reasonable Grounds limit in a pilot area.
	NRMPilotExcludesWithin string                     `yaml:"nrm_pilot_excludes_within"`
	ConcernTypes           map[string]concernTypeFile `yaml:"concern_types"`
	Wording                []wordingFile              `yaml:"wording"`
	ExtraBankHolidays      map[string][]string        `yaml:"extra_bank_holidays"`
	Rules                  map[string]ruleFile        `yaml:"rules"`
	LocalAuthorities       map[string]laFile          `yaml:"local_authorities"`
	// Retention is how long each type of closed record is kept (see retention.go).
	Retention map[string]retentionFile `yaml:"retention"`
}

// concernTypeFile says which clocks a concern of one kind of exploitation leaves out.
type concernTypeFile struct {
	Without []string `yaml:"without"`
}

// ladderFile holds the chase steps; nil means not given, "none" removes an inherited step.
type ladderFile struct {
	RemindBefore       *string `yaml:"remind_before"`
	EscalateAfter      *string `yaml:"escalate_after"`
	EscalateAgainAfter *string `yaml:"escalate_again_after"`
	RechaseEvery       *string `yaml:"rechase_every"`
}

// wordingFile is one phrase to avoid and the wording to use instead.
type wordingFile struct {
	Avoid string `yaml:"avoid"`
	Say   string `yaml:"say"`
}

// hoursFile is a span of office hours, as UK clock times written 09:00.

type hoursFile struct {
	Start string `yaml:"start"`
	End   string `yaml:"end"`
}

type repeatFile struct {
	Count  int    `yaml:"count"`
	Window string `yaml:"window"`
}

type ruleFile struct {
	Title      string   `yaml:"title"`
	Kind       string   `yaml:"kind"`
	Source     string   `yaml:"source"`
	Limit      *string  `yaml:"limit"`
	Limits     []string `yaml:"limits"`
	ladderFile `yaml:",inline"`
	Changes    []changeFile `yaml:"changes"`
}

// changeFile is a dated change to a rule: new limits and/or ladder steps.
type changeFile struct {
	From       string   `yaml:"from"`
	Limit      *string  `yaml:"limit"`
	Limits     []string `yaml:"limits"`
	ladderFile `yaml:",inline"`
}

type laFile struct {
	Name     string `yaml:"name"`
	Nation   string `yaml:"nation"`
	ICTGSite *bool  `yaml:"ictg_site"`
	// RepeatMissing, when given, replaces the national threshold for this LA's children.
	RepeatMissing *repeatFile `yaml:"repeat_missing"`
	// WorkingHours, when given, replaces the national (or nation's) office hours for this LA.
	WorkingHours *hoursFile `yaml:"working_hours"`
	// NRMPilotFrom is the date the LA joined the devolved child decision pilot: from then on its
	// Reasonable Grounds decisions have the policy's nrm_pilot_rg_limit.
	NRMPilotFrom string                  `yaml:"nrm_pilot_from"`
	Rules        map[string]overrideFile `yaml:"rules"`
}

// overrideFile is an LA's change to a rule, in force from its optional date, with later changes.
type overrideFile struct {
	changeFile `yaml:",inline"`
	Changes    []changeFile `yaml:"changes"`
}

// Load parses and validates a policy file; name (usually its path) starts every error message.
// Every mistake found is reported, joined, each with its line and field.
func Load(name string, data []byte) (*Policy, error) {
	var f fileFormat
	file, err := policyFile.Read(name, data, &f)
	if err != nil {
		return nil, err
	}
	probs := &problems{file}
	p := build(&f, probs)
	if err := probs.Err(); err != nil {
		return nil, err
	}
	p.version = versionOf(f.Version, data)
	return p, nil
}

// versionOf appends the first bytes of the content's SHA-256 to the declared version.
func versionOf(declared string, data []byte) string {
	const hashBytes = 4
	sum := sha256.Sum256(data)
	return declared + "+sha256:" + hex.EncodeToString(sum[:hashBytes])
}
