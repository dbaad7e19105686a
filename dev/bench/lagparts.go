package bench

import (
	"context"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/caseflow/caseflow/workflows"
)

// lagParts splits the timer lag by where it was spent, read from the cases' histories: the
// server's timer queue (the instant a timer was set for to its TimerFired event), dispatch (that
// event to the start of the workflow task that handles it, which waits for any task of the case
// already running) and the worker (that task's start to its completion: the chase, the
// projection to Redis and the change published, all in the task). What remains of the lag is
// the board reading the case back.
func (r *run) lagParts(ctx context.Context, ids []string, from, to time.Time) ([]Arm, error) {
	var queue, dispatch, worker Sample
	for _, id := range ids {
		iter := r.temporal().GetWorkflowHistory(ctx, workflows.WorkflowID(id), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		var taskStarted, fired time.Time
		setFor := map[int64]time.Time{} // TimerStarted event id → the instant the timer was set for
		waiting, handling := false, false
		for iter.HasNext() {
			ev, err := iter.Next()
			if err != nil {
				return nil, fmt.Errorf("history of %s: %w", id, err)
			}
			at := ev.GetEventTime().AsTime()
			switch ev.GetEventType() {
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
				taskStarted = at
				if waiting {
					dispatch = append(dispatch, at.Sub(fired))
					waiting, handling = false, true
				}
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
				if handling {
					worker = append(worker, at.Sub(taskStarted))
					handling = false
				}
			case enumspb.EVENT_TYPE_TIMER_STARTED:
				// The workflow asks for the time from its task's start (workflow.Now) to the chase.
				setFor[ev.GetEventId()] = taskStarted.Add(ev.GetTimerStartedEventAttributes().GetStartToFireTimeout().AsDuration())
			case enumspb.EVENT_TYPE_TIMER_FIRED:
				due := setFor[ev.GetTimerFiredEventAttributes().GetStartedEventId()]
				if due.Before(from) || due.After(to) {
					continue
				}
				queue = append(queue, at.Sub(due))
				fired, waiting = at, true
			}
		}
	}
	return []Arm{
		summarise("due → timer fired (server timer queue)", queue, 1, false),
		summarise("timer fired → its workflow task started (dispatch)", dispatch, 1, false),
		summarise("workflow task started → completed (worker: chase, projection, publish)", worker, 1, false),
	}, nil
}
