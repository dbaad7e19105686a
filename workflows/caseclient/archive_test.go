package caseclient_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/mocks"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/stretchr/testify/mock"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/encryption"
	"github.com/caseflow/caseflow/security/keyring"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/caseclient"
)

// startedWith is a run's first event: its input, and the run it continues ("" for none).
func startedWith(t *testing.T, in workflows.Input, continues string) *mocks.HistoryEventIterator {
	t.Helper()
	return startedAt(t, time.Now(), converter.GetDefaultDataConverter(), in, continues)
}

// startedAt is a run's first event, at the time Temporal started the run, its input written
// with dc.
func startedAt(t *testing.T, at time.Time, dc converter.DataConverter, in workflows.Input, continues string) *mocks.HistoryEventIterator {
	t.Helper()
	payloads, err := dc.ToPayloads(in)
	if err != nil {
		t.Fatal(err)
	}
	iter := mocks.NewHistoryEventIterator(t)
	iter.On("HasNext").Return(true)
	iter.On("Next").Return(&historypb.HistoryEvent{
		EventTime: timestamppb.New(at),
		EventType: enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
		Attributes: &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{WorkflowExecutionStartedEventAttributes: &historypb.WorkflowExecutionStartedEventAttributes{
			Input: payloads, ContinuedExecutionRunId: continues,
		}},
	}, nil)
	return iter
}

// The timeline reads archived entries back from the runs Temporal links by continue-as-new only:
// an archive in the input of a run that continues none was written by whoever started it, and is
// not shown, as the workflow itself ignores it.
func TestTimelineReadsTheArchiveOfContinuedRunsOnly(t *testing.T) {
	manager := safeguarding.Actor{UserID: "mgr-1", Role: safeguarding.RoleManager, Team: "north"}
	carried := []safeguarding.Entry{{Seq: 3, Kind: "note"}, {Seq: 4, Kind: "note"}}
	archive := []safeguarding.Entry{{Seq: 1, Kind: "concern"}, {Seq: 2, Kind: "allegation-withdrawn"}}
	answer := workflows.TimelineAnswer{Entries: carried, ArchivedThrough: 2, Sight: &safeguarding.Sight{Actor: manager, Relation: safeguarding.RelationOverseer}}
	for _, tc := range []struct {
		name      string
		continues string
		want      []int
	}{
		{"a continued run", "the-run-before", []int{1, 2, 3, 4}},
		{"a fresh start", "", []int{3, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			temporalClient := mocks.NewClient(t)
			wid := workflows.WorkflowID(aCase)
			temporalClient.On("QueryWorkflow", anyCtx, wid, "", workflows.QueryTimeline, manager, mock.Anything).Return(answering(t, answer), nil)
			temporalClient.On("GetWorkflowHistory", anyCtx, wid, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT).
				Return(startedWith(t, workflows.Input{CaseID: aCase, Archive: archive}, tc.continues))
			if tc.continues != "" {
				temporalClient.On("GetWorkflowHistory", anyCtx, wid, tc.continues, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT).
					Return(startedWith(t, workflows.Input{CaseID: aCase}, ""))
			}
			page, err := caseclient.New(temporalClient, caseclient.Options{}).Timeline(context.Background(), aCase, manager, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []int
			for _, e := range page.Entries {
				seqs = append(seqs, e.Seq)
			}
			if fmt.Sprint(seqs) != fmt.Sprint(tc.want) {
				t.Errorf("timeline %v, want %v", seqs, tc.want)
			}
		})
	}
}

// After the migration from payloads in clear, the timeline still reads the archive of a run
// Temporal started before the migration ended, which caseflow may have written in clear; one in
// clear in a run started later is refused, not shown.
func TestTimelineReadsArchivesWrittenInClearBeforeTheMigrationEnded(t *testing.T) {
	keys, err := keyring.New()
	if err != nil {
		t.Fatal(err)
	}
	converters, err := encryption.NewConverters(keys)
	if err != nil {
		t.Fatal(err)
	}
	migrationEnd := time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC)
	manager := safeguarding.Actor{UserID: "mgr-1", Role: safeguarding.RoleManager, Team: "north"}
	answer := workflows.TimelineAnswer{Entries: []safeguarding.Entry{{Seq: 2, Kind: "note"}}, ArchivedThrough: 1,
		Sight: &safeguarding.Sight{Actor: manager, Relation: safeguarding.RelationOverseer}}
	for _, tc := range []struct {
		name     string
		started  time.Time
		readable bool
	}{
		{"started during the migration", migrationEnd.Add(-time.Hour), true},
		{"started after it", migrationEnd.Add(time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			temporalClient := mocks.NewClient(t)
			wid := workflows.WorkflowID(aCase)
			temporalClient.On("QueryWorkflow", anyCtx, wid, "", workflows.QueryTimeline, manager, mock.Anything).Return(answering(t, answer), nil)
			temporalClient.On("GetWorkflowHistory", anyCtx, wid, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT).
				Return(startedAt(t, tc.started, converter.GetDefaultDataConverter(), workflows.Input{CaseID: aCase, Archive: []safeguarding.Entry{{Seq: 1, Kind: "concern"}}}, "the-run-before"))
			if tc.readable {
				temporalClient.On("GetWorkflowHistory", anyCtx, wid, "the-run-before", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT).
					Return(startedAt(t, tc.started.Add(-time.Hour), converters.Data, workflows.Input{CaseID: aCase}, ""))
			}
			cases := caseclient.New(temporalClient, caseclient.Options{DataConverter: converters.Data, ClearBefore: migrationEnd})
			page, err := cases.Timeline(context.Background(), aCase, manager, 0, 10)
			if !tc.readable {
				if !errors.Is(err, encryption.ErrPlaintext) {
					t.Fatalf("an archive in clear in a run started after the migration: %v, want refused", err)
				}
				return
			}
			if err != nil || len(page.Entries) != 2 {
				t.Fatalf("timeline %+v, %v; want both entries", page.Entries, err)
			}
		})
	}
}
