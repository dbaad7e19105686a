// Command recordhistories runs case workflows on the embedded Temporal server and writes their
// histories to workflows/testdata/histories, for the replay test. Run it after a change to the
// workflow that is meant to be compatible, and keep the old files: every recorded history must
// go on replaying with the new code.
//
// Payloads are encrypted with the test keys of workflows/testdata/keys.json (made on first use),
// as caseflow encrypts them, so the replay test reads them with the same converter.
//
//	go run ./internal/recordhistories -out workflows/testdata/histories -name v1
package main
