// Package bench measures what caseflow adds on top of Temporal and Redis. Every figure is a
// ratio against a baseline measured in the same run, interleaved with caseflow's arm, because
// absolute numbers on a small shared machine say little. `make bench` runs it and writes a
// Markdown and a JSON report.
package bench
