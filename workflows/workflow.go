package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/activities"
	"github.com/caseflow/caseflow/notify"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
)

// Input starts a case workflow, or continues one as new. A run of this release takes its case id
// and reference from its workflow id, and State and Archive only from its own continue-as-new
// (see trustedInput).
type Input struct {
	CaseID    string `json:"case_id"`
	Reference string `json:"reference"`
	// State is the case carried across continue-as-new; nil for a new case.
	State *safeguarding.Case `json:"state,omitempty"`
	// Archive is the page of timeline entries the previous run stopped carrying (see
	// safeguarding.Case.Compact), when it did not seal them into a record chunk (record.go): runs
	// before chunks, or a run that could not seal. It is not carried further: this run's history
	// keeps it until the next continue-as-new seals it.
	Archive []safeguarding.Entry `json:"archive,omitempty"`
	// ChunkStarts are the numbers of the first timeline entry of each of the case's record
	// chunks, in order, and SealedThrough the number of the last entry they hold (see record.go).
	ChunkStarts   []int `json:"chunk_starts,omitempty"`
	SealedThrough int   `json:"sealed_through,omitempty"`
	// MaxHistory continues the workflow as new once its history holds this many events, well
	// before Temporal's own limits; 0 uses DefaultMaxHistory.
	MaxHistory int `json:"max_history,omitempty"`
	// SweepAfter is how long the destruction of the case's record waits before it sweeps once
	// more; 0 uses sweepAfter (tests use a short one).
	SweepAfter time.Duration `json:"sweep_after,omitempty"`
}

// DefaultMaxHistory keeps each run's history small enough to replay in milliseconds.
const DefaultMaxHistory = 4000

// unopenedLifetime is how long a workflow waits for its first concern. Update-with-start
// starts the workflow even when the concern is then refused; such an empty run ends quietly.
const unopenedLifetime = 10 * time.Minute

// CaseWorkflow runs cases. Its fields are worker configuration, read only where Temporal allows
// non-determinism: in SideEffect, validators and queries.
type CaseWorkflow struct {
	// Policy returns the policy in force; deadlines it sets are recorded in history.
	Policy func() *policy.Policy
	// Access says what each role may see; read by validators and queries only.
	Access safeguarding.Access
	// Callers checks the API's proof of who calls each update and query; read by validators
	// and queries only. Without it every update and query is refused.
	Callers CallerVerifier
}

// access is the configured access with the policy's lists (local authorities, wording), which
// validators check steps against.
func (cw *CaseWorkflow) access() safeguarding.Access {
	a := cw.Access
	p := policy.Default()
	if cw.Policy != nil && cw.Policy() != nil {
		p = cw.Policy()
	}
	a.LAs, a.Wording = p, p
	return a
}

// Run is the workflow function, registered as WorkflowName.
func (cw *CaseWorkflow) Run(ctx workflow.Context, in Input) error {
	r := newRun(ctx, cw, in)
	r.moveToCurrentRules(ctx)
	steps := workflow.GetVersion(ctx, stepUpdateChange, workflow.DefaultVersion, stepUpdateCurrentVersion)
	if err := r.registerHandlers(ctx, steps); err != nil {
		return err
	}
	return r.loop(ctx)
}

// run is one run of a case workflow: the case, and the bookkeeping of its timers and
// activities.
type run struct {
	cw     *CaseWorkflow
	in     Input
	state  *safeguarding.Case
	logger log.Logger

	wake *wakeup
	// timer is the pending chase timer, due at timerAt.
	timer       workflow.Future
	timerAt     time.Time
	cancelTimer workflow.CancelFunc
	// inflight counts running notification and projection activities; continue-as-new waits
	// for them.
	inflight     int
	projecting   bool
	projectedRev int64
	attrs        attrValues
	// effects is the version of how side effects run: see sideEffectsChange.
	effects workflow.Version
	// email is the version of how chases are emailed (see emailChange), asked at the first
	// chase of the run; emailUnknown until then.
	email workflow.Version
	// retention is the version of records retention (see retentionChange), asked when the run
	// first needs it; retentionUnknown until then.
	retention workflow.Version
	// approval is the step that approved destroying the record, as the API vouched for it.
	approval *vouchedRequest
	// earlierPagesAsked: the run has looked for pages earlier runs kept (see record.go).
	earlierPagesAsked bool
	// start is the version of what the run took from its start (see startChange).
	start workflow.Version
	// renew continues the run as new at the next turn of the loop: see catchUp.
	renew bool
}

// sideEffectsChange versions how the workflow runs its side effects. Version 1 sends the chases
// of one wake-up in a single notification, and runs notifications and projections as local
// activities: each saves a round trip through the task queue, which is what limits how many
// chases a worker sends per second. Version 2 bounds the local attempts and hands a side effect
// that cannot finish in that time to a regular activity; one that can never succeed fails at
// once and is not tried again. Histories recorded before each replay their own way.
const (
	sideEffectsChange         = "local-side-effects"
	sideEffectsLocal          = 1
	sideEffectsBounded        = 2
	sideEffectsCurrentVersion = sideEffectsBounded
)

// stepUpdateChange versions how steps reach a run. The first release registered an Update per
// step, over forty handlers and their closures in every cached case: most of what a worker held
// for each. From version 1 a run registers one Update, UpdateStep, whose request names the step.
// A run begun before, and every recorded history, registers both: the per-step Updates it was
// sent, and UpdateStep, which adds nothing to its history. The version is asked before any
// handler is registered, so continuing as new moves an older case to the one Update.
const (
	stepUpdateChange         = "one-step-update"
	stepUpdateOne            = 1
	stepUpdateCurrentVersion = stepUpdateOne
)

// rulesChange records, when a new case starts, which safeguarding rules it follows: a case
// started before the fail-safe rules replays on the first release's (see
// safeguarding.RulesVersion); a continued case carries its rules in its state.
const rulesChange = "case-rules"

func newRun(ctx workflow.Context, cw *CaseWorkflow, in Input) *run {
	start := workflow.GetVersion(ctx, startChange, workflow.DefaultVersion, startCurrentVersion)
	if start >= startTrusted {
		in = trustedInput(ctx, in)
	}
	state := in.State
	if state == nil {
		rules := safeguarding.RulesFirst
		if v := workflow.GetVersion(ctx, rulesChange, workflow.DefaultVersion, workflow.Version(safeguarding.RulesCurrent)); v > 0 {
			rules = safeguarding.RulesVersion(v)
		}
		state = safeguarding.NewCase(in.CaseID, in.Reference, rules)
	}
	if in.MaxHistory == 0 {
		in.MaxHistory = DefaultMaxHistory
	}
	return &run{cw: cw, in: in, state: state, logger: workflow.GetLogger(ctx), wake: newWakeup(ctx), projectedRev: -1, email: emailUnknown, retention: retentionUnknown, start: start}
}

// loop sends due chases, keeps the read model and search attributes current, and sleeps until
// the next chase or the next change, whichever comes first.
func (r *run) loop(ctx workflow.Context) error {
	started := workflow.Now(ctx)
	r.effects = workflow.GetVersion(ctx, sideEffectsChange, workflow.DefaultVersion, sideEffectsCurrentVersion)
	for {
		now := workflow.Now(ctx)
		if !r.state.Opened() && now.Sub(started) >= unopenedLifetime && workflow.AllHandlersFinished(ctx) {
			return nil
		}
		if r.state.AdulthoodDue(now) {
			r.state.ActOnAdulthood(&workflowEnv{ctx: ctx, cw: r.cw})
		}
		if r.state.RetentionReviewDue(now) && r.retentionVersion(ctx) >= retentionReviews {
			r.state.OpenRetentionReview(&workflowEnv{ctx: ctx, cw: r.cw})
		}
		if r.state.DestructionApproved() && r.retentionVersion(ctx) >= retentionReviews {
			r.project(ctx)
			return r.destroy(ctx)
		}
		r.sealEarlierPagesSoon(ctx)
		chases := r.state.TakeDueChases(now)
		r.state.AfterChases(&workflowEnv{ctx: ctx, cw: r.cw}, chases)
		r.sendChases(ctx, chases)
		if r.state.Opened() {
			r.project(ctx)
			r.upsertSearchAttributes(ctx, now)
		}
		if r.shouldContinueAsNew(ctx) {
			return r.continueAsNew(ctx)
		}
		next := r.state.NextEventAt()
		if !r.state.Opened() {
			next = started.Add(unopenedLifetime)
		}
		if r.state.RetentionReviewDue(now) {
			// A run whose version does not review records (none was ever recorded so) must not
			// wake at once again for a date it will not act on.
			next = r.state.NextChaseAt()
		}
		r.armTimer(ctx, next, now)
		r.waitForChange(ctx)
		if err := ctx.Err(); err != nil {
			// Cancelled by an operator: the case stays as it is, queryable, with no clocks.
			return err
		}
	}
}

// armTimer keeps one timer, for the next chase. A timer already set for that instant is kept, so
// an update that does not move the next chase adds nothing to history.
func (r *run) armTimer(ctx workflow.Context, next, now time.Time) {
	if r.timer != nil && r.timerAt.Equal(next) {
		return
	}
	if r.cancelTimer != nil {
		r.cancelTimer()
		r.timer, r.cancelTimer = nil, nil
	}
	if next.IsZero() {
		return
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	r.timer = workflow.NewTimer(timerCtx, max(next.Sub(now), time.Millisecond))
	r.timerAt, r.cancelTimer = next, cancel
}

// waitForChange blocks until the chase timer fires or a handler or activity changes something.
func (r *run) waitForChange(ctx workflow.Context) {
	sel := workflow.NewSelector(ctx)
	if r.timer != nil {
		timer := r.timer
		sel.AddFuture(timer, func(workflow.Future) {
			if r.timer == timer {
				r.timer, r.cancelTimer = nil, nil
			}
		})
	}
	r.wake.addTo(sel)
	sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) {})
	sel.Select(ctx)
}

func (r *run) shouldContinueAsNew(ctx workflow.Context) bool {
	info := workflow.GetInfo(ctx)
	return r.renew || info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= r.in.MaxHistory
}

// continueAsNew hands the whole case to a fresh run once every handler and activity has
// finished. Open actions need no timers carried: the next run arms them from their due times.
func (r *run) continueAsNew(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) && r.inflight == 0 }); err != nil {
		return err
	}
	next := r.in
	archivedBefore := r.state.ArchivedThrough
	dropped := r.state.Compact()
	next.Archive = dropped
	if workflow.GetVersion(ctx, recordChunksChange, workflow.DefaultVersion, recordChunksCurrentVersion) >= recordChunksSealed &&
		r.sealRecord(ctx, &next, archivedBefore, dropped) {
		next.Archive = nil
	}
	next.State = r.state

	r.logger.Info("continuing case as new", "case", r.state.ID, "revision", r.state.Revision)
	return workflow.NewContinueAsNewError(ctx, WorkflowName, next)
}

// retryForever: a notification or projection that cannot be delivered now must be delivered
// later, and both are idempotent, so side effects are retried without limit.
var retryForever = &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute}

// activityOptions are those of the first release's side effects, kept for histories recorded
// then (see sideEffectsChange).
func activityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second, RetryPolicy: retryForever})
}

// localActivityOptions are those of version 1's local side effects, retried without limit.
func localActivityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 30 * time.Second, RetryPolicy: retryForever})
}

// Bounds of version 2's side effects. A side effect takes milliseconds; one that has not
// succeeded locally within localAttempts (Redis restarting, say) is handed to a regular
// activity, whose retries the server keeps without adding to the case's history, for up to
// handOverFor. What fails after that is logged and counted, not retried for ever.
const (
	localAttemptTimeout = 10 * time.Second
	localAttempts       = time.Minute
	handOverFor         = 24 * time.Hour
)

func boundedLocalActivityOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    localAttemptTimeout,
		ScheduleToCloseTimeout: localAttempts,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: localAttemptTimeout},
	})
}

func handOverOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: handOverFor,
		RetryPolicy:            retryForever,
	})
}

// runLocal runs a side effect in the worker as the run's version says: without limit (version
// 1), or bounded and then handed over to a regular activity of the same name (version 2).
func (r *run) runLocal(ctx workflow.Context, activity string, arg any) error {
	if r.effects == sideEffectsLocal {
		return workflow.ExecuteLocalActivity(localActivityOptions(ctx), activity, arg).Get(ctx, nil)
	}
	err := workflow.ExecuteLocalActivity(boundedLocalActivityOptions(ctx), activity, arg).Get(ctx, nil)
	if err == nil || temporal.IsCanceledError(err) || permanent(err) {
		return err
	}
	r.logger.Warn("side effect not done locally; handing it to a regular activity", "case", r.state.ID, "activity", activity, "error", err)
	return workflow.ExecuteActivity(handOverOptions(ctx), activity, arg).Get(ctx, nil)
}

// sendChases sends the chases of one wake-up in the background: a slow mail server must not
// hold up the next chase or a social worker's update.
func (r *run) sendChases(ctx workflow.Context, chases []safeguarding.DueChase) {
	if len(chases) == 0 {
		return
	}
	notices := make([]notify.Notice, len(chases))
	for i, chase := range chases {
		notices[i] = activities.NoticeFor(r.state, chase)
	}
	if r.effects == workflow.DefaultVersion {
		for _, notice := range notices {
			r.background(ctx, "chase notification", func(ctx workflow.Context) error {
				var a *activities.Activities
				return workflow.ExecuteActivity(activityOptions(ctx), a.Notify, notice).Get(ctx, nil)
			})
		}
	} else {
		r.background(ctx, "chase notification", func(ctx workflow.Context) error {
			return r.runLocal(ctx, activities.NotifyAllName, notices)
		})
	}
	r.emailChases(ctx, notices)
}

// emailChange versions emailing chases: from version 1, the chases of each wake-up are also
// emailed, by a regular activity after the in-app notification. The version is asked at a run's
// first chase, so a case already running when this release came starts emailing at its next
// chase, and histories recorded before replay without the activity.
const (
	emailChange         = "chase-email"
	emailChases         = 1
	emailUnknown        = workflow.Version(-2)
	emailCurrentVersion = emailChases
)

// emailOptions: a mail server may be down for a while. The delivery is retried with backoff for
// a day (its in-app notice stays, and the Safeguarding Lead is told after a few failed attempts);
// the heartbeat timeout hands the delivery of a worker that died to another within seconds.
func emailOptions(ctx workflow.Context) workflow.Context {
	return workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout:    5 * time.Minute,
		HeartbeatTimeout:       20 * time.Second,
		ScheduleToCloseTimeout: 24 * time.Hour,
		RetryPolicy:            &temporal.RetryPolicy{InitialInterval: 5 * time.Second, BackoffCoefficient: 2, MaximumInterval: 10 * time.Minute},
	})
}

// emailChases emails the notices of one wake-up in the background, when the run's version does.
func (r *run) emailChases(ctx workflow.Context, notices []notify.Notice) {
	if r.email == emailUnknown {
		r.email = workflow.GetVersion(ctx, emailChange, workflow.DefaultVersion, emailCurrentVersion)
	}
	if r.email < emailChases {
		return
	}
	r.background(ctx, "chase email", func(ctx workflow.Context) error {
		return workflow.ExecuteActivity(emailOptions(ctx), activities.EmailChasesName, notices).Get(ctx, nil)
	})
}

// background runs a side effect in its own coroutine, counted so continue-as-new waits for it.
func (r *run) background(ctx workflow.Context, what string, f func(workflow.Context) error) {
	r.inflight++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() { r.inflight--; r.wake.signal() }()
		if err := f(ctx); err != nil && !temporal.IsCanceledError(err) {
			r.logger.Error(what+" failed", "case", r.state.ID, "permanent", permanent(err), "error", err)
		}
	})
}

// project writes the case summary to the read model after a change. Bursts of changes coalesce:
// while one projection runs, later changes wait for it and go in the next one.
func (r *run) project(ctx workflow.Context) {
	if r.projecting || r.state.Revision == r.projectedRev {
		return
	}
	summary := projection.Of(r.state)
	summary.AsOf = workflow.Now(ctx)
	r.projecting = true
	r.background(ctx, "read model projection", func(ctx workflow.Context) error {
		defer func() { r.projecting = false }()
		var err error
		if r.effects == workflow.DefaultVersion {
			err = workflow.ExecuteActivity(activityOptions(ctx), projection.ProjectCaseName, summary).Get(ctx, nil)
		} else {
			err = r.runLocal(ctx, projection.ProjectCaseName, summary)
		}
		// A summary the read model can never hold is not tried again until the case changes:
		// the activity recorded the failure, and retrying the same revision would loop.
		if err == nil || permanent(err) {
			r.projectedRev = summary.Version
		}
		return err
	})
}

// permanent reports whether a side effect failed in a way no retry can mend.
func permanent(err error) bool {
	var app *temporal.ApplicationError
	return errors.As(err, &app) && app.NonRetryable()
}
