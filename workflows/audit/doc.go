// Package audit records who accessed each case: every view, timeline, list or live update that
// names it, step and refusal, with who (user, role, team), what, when, the outcome and the API request id; and
// every decode of payloads by an operator through the codec endpoint.
//
// The record is kept in Temporal, not in the disposable Redis read model, as one audit workflow
// per case (AuditWorkflowID): each API replica appends records with signal-with-start, which
// returns once Temporal has stored them, and the workflow takes a batch into its records only
// if the API's signature on it checks, so nothing but caseflow's API can add to them, and
// nothing in caseflow can take away from them but the destruction of the case's whole record at
// the end of its retention period, which a person approves (workflows.DestroyRecord). The payloads are encrypted like every other (package
// encryption), and survive restarts as any workflow does.
//
// Temporal deletes a closed run's history once the namespace's retention has passed, so the
// records never depend on one: the audit workflow runs as long as the case is kept, carries its
// records across continue-as-new, and every ChunkSize records seals the oldest into a chunk
// workflow (AuditChunkID) that holds them as its input and waits, open, for ever. Reading the
// audit queries the head and each chunk.
package audit
