package workflows

import (
	"github.com/caseflow/caseflow/readmodel/projection"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
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
