package caseclient

import (
	"context"
	"fmt"

	enumspb "go.temporal.io/api/enums/v1"
	taskqueuepb "go.temporal.io/api/taskqueue/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/caseflow/caseflow/workflows"
)

// ReadinessChecks are what a request needs of Temporal, by name, for the readiness probe:
// Temporal reachable, the namespace present, and a worker polling the case task queue (without
// one, updates would wait until they time out).
func ReadinessChecks(c client.Client, namespace string) map[string]func(context.Context) error {
	return map[string]func(context.Context) error{
		"temporal": func(ctx context.Context) error {
			_, err := c.CheckHealth(ctx, &client.CheckHealthRequest{})
			return err
		},
		"namespace": func(ctx context.Context) error {
			_, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
			return err
		},
		"worker": func(ctx context.Context) error { return workerPolling(ctx, c, namespace) },
	}
}

func workerPolling(ctx context.Context, c client.Client, namespace string) error {
	resp, err := c.WorkflowService().DescribeTaskQueue(ctx, &workflowservice.DescribeTaskQueueRequest{
		Namespace:     namespace,
		TaskQueue:     &taskqueuepb.TaskQueue{Name: workflows.TaskQueue, Kind: enumspb.TASK_QUEUE_KIND_NORMAL},
		TaskQueueType: enumspb.TASK_QUEUE_TYPE_WORKFLOW,
	})
	if err != nil {
		return err
	}
	if len(resp.GetPollers()) == 0 {
		return fmt.Errorf("no worker is polling task queue %q", workflows.TaskQueue)
	}
	return nil
}
