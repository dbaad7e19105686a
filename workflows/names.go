package workflows

import (
	"strings"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/caseflow/caseflow/readmodel/projection"
)

// Names shared by the worker, the API and operators.
const (
	// TaskQueue is where case workflows and their activities run.
	TaskQueue = "caseflow"
	// WorkflowName is the registered name of CaseWorkflow.
	WorkflowName = "CaseWorkflow"
	// UpdateStep applies one step to a case: its safeguarding.Request names the step. Cases
	// begun before it also take each step as an Update named after the step (see
	// stepUpdateChange).
	UpdateStep = "step"
	// UpdateCatchUp makes a case still running in a run begun by an earlier release continue as
	// new, in a run of the worker's release; it carries nothing, and a run of the current
	// release refuses it (see startChange). The worker sends it to every running case when it
	// starts.
	UpdateCatchUp = "catch-up"
	// QueryCase returns the case as the querying actor may see it (safeguarding.View).
	QueryCase = "case"
	// QueryTimeline returns the timeline entries the actor may see.
	QueryTimeline = "timeline"
	// QuerySight returns how the querying actor stands to the case (SightAnswer), for the doors
	// that show something of a case without showing the case: its access log, the codec.
	QuerySight = "sight"
	// QueryExclusions returns who the case excludes and the cases linked to it
	// (ExclusionsAnswer), for the API to exclude the same people from every case of the child.
	// It shows the API, never a person: the API asks as caseflow itself (RoleSystem).
	QueryExclusions = "exclusions"
	// QuerySummary returns the read-model summary (no personal data), for rebuilding the read model.
	QuerySummary = "summary"
)

// WorkflowID is the workflow id of a case.
func WorkflowID(caseID string) string { return "case-" + caseID }

// CaseOfWorkflow is the case a workflow id belongs to: the case's own workflow, case-<id>, its
// record chunks, case-<id>-record-<n>, or its access audit's, audit-case-<id> and its chunks,
// audit-case-<id>-chunk-<n>.
func CaseOfWorkflow(workflowID string) (string, bool) {
	id, audited := strings.CutPrefix(workflowID, "audit-")
	id, ok := strings.CutPrefix(id, "case-")
	if !ok {
		return "", false
	}
	if head, _, chunk := strings.Cut(id, "-chunk-"); chunk && audited {
		id = head
	} else if head, _, record := strings.Cut(id, "-record-"); record && !audited {
		id = head
	}
	return id, ValidCaseID(id)
}

// PayloadBinding is what the encrypted payloads of a workflow are bound to
// (encryption.Codec.BoundBy): its case, so that one case's records can be neither read nor
// replayed in another's workflows; the agency for every other workflow (the digest, the
// directory's contacts, the destruction register, the record of decryptions).
func PayloadBinding(workflowID string) string {
	if id, ok := CaseOfWorkflow(workflowID); ok {
		return "case:" + id
	}
	return "agency"
}

// Search attributes: no personal data, only what lets an operator find cases with the temporal
// CLI (e.g. temporal workflow list --query 'CaseOverdueCount > 0').
var (
	AttrStage        = temporal.NewSearchAttributeKeyKeyword("CaseStage")
	AttrTeam         = temporal.NewSearchAttributeKeyKeyword("CaseTeam")
	AttrLA           = temporal.NewSearchAttributeKeyKeyword("CaseLA")
	AttrNextDue      = temporal.NewSearchAttributeKeyTime("CaseNextDue")
	AttrOverdueCount = temporal.NewSearchAttributeKeyInt64("CaseOverdueCount")
	AttrEscalation   = temporal.NewSearchAttributeKeyInt64("CaseEscalation")
	AttrClosed       = temporal.NewSearchAttributeKeyBool("CaseClosed")
)

// SearchAttributes lists the custom search attributes the namespace must have, for registration.
func SearchAttributes() map[string]enumspb.IndexedValueType {
	return map[string]enumspb.IndexedValueType{
		AttrStage.GetName():        enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		AttrTeam.GetName():         enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		AttrLA.GetName():           enumspb.INDEXED_VALUE_TYPE_KEYWORD,
		AttrNextDue.GetName():      enumspb.INDEXED_VALUE_TYPE_DATETIME,
		AttrOverdueCount.GetName(): enumspb.INDEXED_VALUE_TYPE_INT,
		AttrEscalation.GetName():   enumspb.INDEXED_VALUE_TYPE_INT,
		AttrClosed.GetName():       enumspb.INDEXED_VALUE_TYPE_BOOL,
	}
}

// Summary is the read-model summary the summary query returns.
type Summary = projection.Summary
