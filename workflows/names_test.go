package workflows_test

import (
	"testing"

	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/audit"
)

// TestCaseOfWorkflow: each workflow that holds a case's records (its own, its record chunks, its
// access audit and the audit's chunks) belongs to the case, and its payloads are bound to it; no
// other workflow belongs to a case.
func TestCaseOfWorkflow(t *testing.T) {
	const id = "abcdefghijklmnopqrstuvwx"
	for _, wf := range []string{workflows.WorkflowID(id), workflows.RecordChunkID(id, 0), workflows.RecordChunkID(id, 12),
		audit.AuditWorkflowID(audit.CaseStream(id)), audit.AuditChunkID(audit.CaseStream(id), 3)} {
		if got, ok := workflows.CaseOfWorkflow(wf); !ok || got != id {
			t.Errorf("%s: case %q (%v), want %s", wf, got, ok, id)
		}
	}
	for _, wf := range []string{"case-x", workflows.DestroyID(id), workflows.RegisterEntryID(id), "audit-codec", "case-" + id + "-chunk-0", "audit-case-" + id + "-record-0"} {
		if got, ok := workflows.CaseOfWorkflow(wf); ok {
			t.Errorf("%s: case %q, want none", wf, got)
		}
	}
}

// TestPayloadBindingOfEveryWorkflow: a case's workflows bind their payloads to the case, every
// other workflow to the agency; two cases never share a binding.
func TestPayloadBindingOfEveryWorkflow(t *testing.T) {
	const a, b = "abcdefghijklmnopqrstuvwx", "bcdefghijklmnopqrstuvwxy"
	if got := workflows.PayloadBinding(workflows.RecordChunkID(a, 2)); got != workflows.PayloadBinding(workflows.WorkflowID(a)) || got != "case:"+a {
		t.Errorf("a record chunk binds to %q", got)
	}
	if workflows.PayloadBinding(workflows.WorkflowID(a)) == workflows.PayloadBinding(workflows.WorkflowID(b)) {
		t.Error("two cases share a binding")
	}
	for _, wf := range []string{"caseflow-digest-2026-12-08T08:30:00Z", "audit-codec", workflows.RegisterEntryID(a)} {
		if got := workflows.PayloadBinding(wf); got != "agency" {
			t.Errorf("%s binds to %q, want the agency", wf, got)
		}
	}
}
