// Package policy holds the clocks of caseflow: the statutory and agency timescales for a child
// suspected of being a victim of modern slavery or exploitation, as rules with effective dates
// and per-local-authority overrides, and the working-day calendars they count in.
//
// It is pure Go with no Temporal import. Given a rule, the instant its starting event happened,
// a local authority and an occurrence, [Policy.Deadline] always returns the same answer and never
// reads the clock. The workflow records each answer in its history, so a new policy file changes
// clocks started after it is deployed, never clocks already running.
//
// The rules come from a YAML policy file. The built-in one, default.yaml, is loaded through the
// same strict parser as an operator's file and documents the format.
package policy
