package setup

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/digest"
)

// Target is the cluster and namespace being prepared.
type Target struct {
	Client    client.Client
	Namespace string
}

// Task is one idempotent step of the setup.
type Task interface {
	// Name is what the report calls the task.
	Name() string
	// Run brings the cluster to what the task wants and says, in a few words, what it did.
	Run(ctx context.Context, t Target) (string, error)
}

// Options are what an operator may choose about the setup.
type Options struct {
	// Retention is how long Temporal keeps the history of a closed workflow run: a case's
	// earlier runs after it continued as new, and concerns that never opened a case. It applies
	// when the namespace is created; an existing namespace keeps its own.
	Retention time.Duration
	// DigestAt is the time of the morning digest on working days, UK time ("08:30"; empty is
	// digest.DefaultAt). Without email the digest runs and sends nothing, so the schedule is
	// always there for the day email is turned on.
	DigestAt string
	// Policy holds the records retention rules setup reports; nil is the built-in policy.
	Policy *policy.Policy
}

// DefaultRetention keeps closed runs long enough to investigate a case's earlier runs. Nothing
// caseflow needs lives only in a closed run: each case carries its state from run to run, seals
// the timeline entries it stops carrying into record chunks that never close, and its access
// log does the same, so a record is kept until a person approves its destruction, whatever this
// period.
const DefaultRetention = 90 * 24 * time.Hour

// Tasks is caseflow's setup, in order: the namespace first, since everything else lives in it.
func Tasks(opts Options) []Task {
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.Policy == nil {
		opts.Policy = policy.Default()
	}
	return []Task{
		Namespace{Retention: opts.Retention},
		SearchAttributes{Wanted: workflows.SearchAttributes()},
		DigestSchedule{At: opts.DigestAt},
		RecordsRetention{Policy: opts.Policy},
	}
}

// RecordsRetention reports the records retention rules in force: how long caseflow keeps each
// type of closed record before a person may approve its destruction. It changes nothing on the
// cluster: the rules live in the policy file, and the records in workflows that never close.
type RecordsRetention struct{ Policy *policy.Policy }

func (RecordsRetention) Name() string { return "records retention" }

func (r RecordsRetention) Run(context.Context, Target) (string, error) {
	lines := []string{"a closed record is kept until its retention date, then reviewed; only a manager or the Safeguarding Lead approves its destruction (policy " + r.Policy.Version() + "):"}
	for _, rule := range r.Policy.RetentionRules() {
		lines = append(lines, fmt.Sprintf("%s: %s. Source: %s", rule.Title, rule.Describe(), rule.Source))
	}
	return strings.Join(lines, "\n    "), nil
}

// closedRunsNote says what the namespace's retention does to caseflow, and what it does not.
func closedRunsNote(retention time.Duration) string {
	return fmt.Sprintf("Temporal deletes a closed run's history %s after it closes: a case's earlier runs (continued as new), "+
		"concerns that never opened a case, finished digests and destructions. Nothing caseflow needs lives only there: "+
		"cases, their record chunks, access logs and the destruction register stay in workflows that do not close, "+
		"so the records retention below decides how long a record is kept", days(retention))
}

// Result is what one task did.
type Result struct {
	Task    string
	Outcome string
}

// Run runs the tasks in order and reports each as it finishes; it stops at the first that fails.
func Run(ctx context.Context, t Target, tasks []Task, report func(Result)) error {
	for _, task := range tasks {
		outcome, err := task.Run(ctx, t)
		if err != nil {
			return fmt.Errorf("%s: %w", task.Name(), err)
		}
		if report != nil {
			report(Result{Task: task.Name(), Outcome: outcome})
		}
	}
	return nil
}

// DigestSchedule creates the morning digest's schedule, or brings it to the time At.
type DigestSchedule struct{ At string }

func (DigestSchedule) Name() string { return "morning digest schedule" }

func (d DigestSchedule) Run(ctx context.Context, t Target) (string, error) {
	return digest.EnsureSchedule(ctx, t.Client, workflows.TaskQueue, d.At)
}

// Namespace makes sure the namespace exists, registering it with Retention when it does not and
// the cluster lets caseflow register namespaces. It waits until the namespace is served.
type Namespace struct{ Retention time.Duration }

func (Namespace) Name() string { return "namespace" }

func (n Namespace) Run(ctx context.Context, t Target) (string, error) {
	svc := t.Client.WorkflowService()
	desc, err := svc.DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: t.Namespace})
	if err == nil {
		retention := desc.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration()
		return fmt.Sprintf("%s exists (retention %s, left as it is). %s", t.Namespace, days(retention), closedRunsNote(retention)), nil
	}
	var notFound *serviceerror.NamespaceNotFound
	if !errors.As(err, &notFound) {
		return "", fmt.Errorf("describe %s: %w", t.Namespace, err)
	}
	_, err = svc.RegisterNamespace(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace:                        t.Namespace,
		Description:                      "caseflow: one workflow per safeguarding case",
		WorkflowExecutionRetentionPeriod: durationpb.New(n.Retention),
	})
	var exists *serviceerror.NamespaceAlreadyExists
	var denied *serviceerror.PermissionDenied
	switch {
	case errors.As(err, &exists):
		// Another setup registered it a moment ago.
	case errors.As(err, &denied):
		return "", fmt.Errorf("%s does not exist and this identity may not register it: ask the cluster's operator to create it (%v)", t.Namespace, err)
	case err != nil:
		return "", fmt.Errorf("register %s: %w", t.Namespace, err)
	}
	if err := waitUntilServed(ctx, t); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s created (retention %s). %s", t.Namespace, days(n.Retention), closedRunsNote(n.Retention)), nil
}

// SearchAttributes registers the custom search attributes the namespace lacks, and waits until
// the cluster accepts them in queries.
type SearchAttributes struct {
	Wanted map[string]enumspb.IndexedValueType
}

func (SearchAttributes) Name() string { return "search attributes" }

func (s SearchAttributes) Run(ctx context.Context, t Target) (string, error) {
	missing, err := Missing(ctx, t.Client, t.Namespace, s.Wanted)
	if err != nil {
		return "", err
	}
	if len(missing) == 0 {
		return fmt.Sprintf("all %d present", len(s.Wanted)), nil
	}
	add := make(map[string]enumspb.IndexedValueType, len(missing))
	for _, name := range missing {
		add[name] = s.Wanted[name]
	}
	_, err = t.Client.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        t.Namespace,
		SearchAttributes: add,
	})
	var exists *serviceerror.AlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return "", fmt.Errorf("register %s: %w", strings.Join(missing, ", "), err)
	}
	if err := waitUntilServed(ctx, t, missing...); err != nil {
		return "", err
	}
	return fmt.Sprintf("registered %s (%d already present)", strings.Join(missing, ", "), len(s.Wanted)-len(missing)), nil
}

// Missing lists, sorted, the wanted search attributes the namespace does not have.
func Missing(ctx context.Context, c client.Client, namespace string, wanted map[string]enumspb.IndexedValueType) ([]string, error) {
	have, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("list the search attributes of %s: %w", namespace, err)
	}
	var missing []string
	for name, kind := range wanted {
		if have.GetCustomAttributes()[name] != kind {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	return missing, nil
}

// NotSetUpError says the namespace does not exist, or lacks search attributes that the case
// workflows write: without them the first case fails. Its message names what is missing and the
// command that fixes it.
type NotSetUpError struct {
	Namespace string
	// NoNamespace is set when the namespace itself does not exist.
	NoNamespace bool
	Missing     []string
}

func (e *NotSetUpError) Error() string {
	const fix = "run `caseflow setup` with the same Temporal settings"
	if e.NoNamespace {
		return fmt.Sprintf("Temporal namespace %q does not exist; %s", e.Namespace, fix)
	}
	return fmt.Sprintf("Temporal namespace %q lacks the search attributes %s; %s", e.Namespace, strings.Join(e.Missing, ", "), fix)
}

// Check returns a *NotSetUpError when the namespace does not exist or lacks any of caseflow's
// search attributes.
func Check(ctx context.Context, c client.Client, namespace string) error {
	_, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	var notFound *serviceerror.NamespaceNotFound
	if errors.As(err, &notFound) {
		return &NotSetUpError{Namespace: namespace, NoNamespace: true}
	}
	missing, err := Missing(ctx, c, namespace, workflows.SearchAttributes())
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return &NotSetUpError{Namespace: namespace, Missing: missing}
	}
	return nil
}

// servedWithin bounds the wait for a new namespace or attribute: a cluster picks up namespace
// changes at its namespace cache refresh, every 10 seconds by default.
const servedWithin = time.Minute

// waitUntilServed polls until a visibility query naming the attributes is accepted: the
// frontend then serves the namespace from its cache with the attributes mapped, which is what
// starting a workflow needs.
func waitUntilServed(ctx context.Context, t Target, attributes ...string) error {
	ctx, cancel := context.WithTimeout(ctx, servedWithin)
	defer cancel()
	query := "WorkflowType = 'caseflow-setup-probe'"
	for _, name := range attributes {
		query += fmt.Sprintf(" AND %s IS NULL", name)
	}
	for {
		_, err := t.Client.WorkflowService().CountWorkflowExecutions(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: t.Namespace, Query: query})
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not served within %s: %w", t.Namespace, servedWithin, err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// days writes a retention period the way operators think of it.
func days(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
