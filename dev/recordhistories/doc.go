// Command recordhistories runs caseflow's workflows on the embedded Temporal server and writes
// their histories for the replay tests: case workflows to workflows/testdata/histories, and
// the audit, contacts and digest workflows to their own packages'
// testdata/histories. Run it after a change to a workflow that is meant to be compatible, and
// keep the old files: every recorded history must go on replaying with the new code.
//
// Payloads are encrypted with the test keys of workflows/testdata/keys.json (made on first use),
// as caseflow encrypts them, so the replay tests read them with the same converter.
//
//	go run ./dev/recordhistories -out workflows/testdata/histories -name v1
//	go run ./dev/recordhistories -workflows audit -name v2
package main
