package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/activities"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/security/keyring"
)

// The retention date of the harness's closed case: the child, born 1 January 2010 and not
// looked after, turns 25 on 1 January 2035 (a bank holiday), later than 6 years after closure.
var retainedUntil = time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC)

// since is the offset from the harness's start to t.
func since(t time.Time) time.Duration { return t.Sub(testStart) }

// closeCase raises the case at 0 and closes it a few minutes later, every obligation resolved.
func (h *harness) closeCase() {
	h.step(0, safeguarding.StepRaiseConcern, carer, raise("2010-01-01"))
	var open []safeguarding.ActionView
	h.view(5*m, manager, func(v safeguarding.View) { open = v.OpenActions })
	h.step(6*m, "closure-request", sw, map[string]any{"reason": "risk-resolved", "note": "Settled."})
	h.step(7*m, "closure-approval", manager, func() any {
		var resolutions []map[string]string
		for _, a := range open {
			resolutions = append(resolutions, map[string]string{"action_id": a.ID, "reason": "Done elsewhere."})
		}
		return map[string]any{"resolutions": resolutions}
	})
}

// refused sends a step at d that must be refused, and keeps the refusal.
func (h *harness) refused(d time.Duration, name string, by safeguarding.Actor, body map[string]any, got *error) {
	h.env.RegisterDelayedCallback(func() {
		raw := mustJSON(h.t, body)
		h.env.UpdateWorkflow(UpdateStep, "refused-"+name, &testUpdate{
			reject:   func(err error) { *got = FromApplicationError(err) },
			complete: func(any, error) { *got = errors.New("accepted") },
		}, safeguarding.Request{Step: name, RequestID: "refused-" + name, Actor: by, Body: raw})
	}, d)
}

// TestTheRecordIsReviewedWhenItsRetentionDatePasses runs a closed case for eight years with time
// skipping: the workflow sleeps on a durable timer until the record's retention date, opens the
// review then (not a moment before), owned by the Safeguarding Lead, and chases it like any other
// action, in office hours, up to the Safeguarding Lead and again every week until someone decides.
func TestTheRecordIsReviewedWhenItsRetentionDatePasses(t *testing.T) {
	h := newHarness(t, nil)
	h.closeCase()
	h.view(since(retainedUntil)-time.Minute, lead, func(v safeguarding.View) {
		if _, open := openAction(v, policy.RetentionReview); open || v.Retention == nil || !v.Retention.Until.Equal(retainedUntil) {
			t.Errorf("a minute before the date: review open %v, retention %+v", open, v.Retention)
		}
	})
	var review safeguarding.ActionView
	h.view(since(retainedUntil)+time.Minute, lead, func(v safeguarding.View) {
		review, _ = openAction(v, policy.RetentionReview)
	})
	h.run(since(retainedUntil) + 90*24*time.Hour)

	if review.ID == "" || review.Owner != (safeguarding.Owner{Role: safeguarding.RoleSafeguardingLead}) || !review.StartedAt.Equal(retainedUntil) {
		t.Fatalf("review at the retention date: %+v; want one owned by the Safeguarding Lead from that moment", review)
	}
	notices := h.sent.forAction(review.ID)
	var levels []int
	for _, n := range notices {
		levels = append(levels, n.Level)
		uk := n.SentAt.In(policy.London)
		if hour := uk.Hour(); hour < 9 || hour >= 17 || uk.Weekday() == time.Saturday || uk.Weekday() == time.Sunday {
			t.Errorf("chase %s sent at %s, out of office hours", n.LevelName, uk)
		}
	}
	for _, want := range []int{int(safeguarding.LevelReminded), int(safeguarding.LevelOverdue), int(safeguarding.LevelManager), int(safeguarding.LevelLead)} {
		if !slices.Contains(levels, want) {
			t.Errorf("the review was chased at levels %v; want every level of its ladder", levels)
			break
		}
	}
	if len(notices) < 6 {
		t.Errorf("%d chases in 90 days; want it chased again every week once overdue", len(notices))
	}
}

// TestALegalHoldKeepsTheRecordFromReview: a hold placed before the retention date keeps the
// review from ever opening; the approval is refused while it stands; once lifted, the review
// opens at once.
func TestALegalHoldKeepsTheRecordFromReview(t *testing.T) {
	h := newHarness(t, nil)
	h.closeCase()
	h.step(10*m, "legal-hold", lead, map[string]any{"reason": "Civil claim notified by solicitors."})
	h.view(since(retainedUntil)+30*24*time.Hour, lead, func(v safeguarding.View) {
		if _, open := openAction(v, policy.RetentionReview); open || v.Retention == nil || !v.Retention.OnHold {
			t.Errorf("a month after the date, on hold: review open %v, retention %+v", open, v.Retention)
		}
	})
	var refusal error
	h.refused(since(retainedUntil)+30*24*time.Hour+m, safeguarding.StepApproveDestruction, manager, map[string]any{"reason": "Period ended."}, &refusal)
	lifted := since(retainedUntil) + 31*24*time.Hour
	h.step(lifted, "legal-hold-lift", manager, map[string]any{"reason": "Claim settled."})
	var review safeguarding.ActionView
	h.view(lifted+m, lead, func(v safeguarding.View) { review, _ = openAction(v, policy.RetentionReview) })
	h.run(lifted + 2*m)

	if safeguarding.CodeOf(refusal) != safeguarding.EConflict || !strings.Contains(refusal.Error(), "legal hold") {
		t.Errorf("approving destruction under a hold: %v", refusal)
	}
	if review.ID == "" || !review.StartedAt.Equal(testStart.Add(lifted)) {
		t.Errorf("the review after the hold was lifted: %+v", review)
	}
}

// TestApprovedDestructionHandsTheRecordToItsDestruction: once approved, the case starts the
// destruction of its record, with the approval, and refuses every step, a carer's concern
// included, saying why.
func TestApprovedDestructionHandsTheRecordToItsDestruction(t *testing.T) {
	h := newHarness(t, nil)
	h.input = Input{CaseID: "c1", Reference: "CF-TEST01"}
	var started []DestroyInput
	h.env.OnWorkflow(DestroyWorkflowName, mock.Anything, mock.Anything).Return(func(ctx workflow.Context, in DestroyInput) error {
		if id := workflow.GetInfo(ctx).WorkflowExecution.ID; id != DestroyID("c1") {
			t.Errorf("the destruction runs as %s", id)
		}
		started = append(started, in)
		return nil
	})
	h.closeCase()
	approved := since(retainedUntil) + 26*time.Hour
	h.step(approved, safeguarding.StepApproveDestruction, manager, map[string]any{"reason": "Retention period ended; nothing outstanding."})
	var refusal error
	h.refused(approved+m, "concern", carer, map[string]any{"observed_at": at(approved), "account": "Seen again."}, &refusal)
	h.run(approved + 2*m)

	if len(started) != 1 {
		t.Fatalf("the destruction started %d times", len(started))
	}
	in := started[0]
	if in.CaseID != "c1" || in.Reference != "CF-TEST01" || in.Approval.ApprovedBy != manager || in.Approval.Rule != policy.RecordOther ||
		in.Approval.Reason != "Retention period ended; nothing outstanding." || in.RuleTitle != "Case record of a child who was not looked after" {
		t.Errorf("the destruction was given %+v", in)
	}
	if safeguarding.CodeOf(refusal) != safeguarding.EConflict || !strings.Contains(refusal.Error(), "being destroyed") {
		t.Errorf("a concern while the record is destroyed: %v", refusal)
	}
}

// TestCasesContinuedBeforeChunksSealTheirEarlierPages: a run that began before record chunks
// (its input carries the page its predecessor dropped, and earlier runs hold older pages) seals,
// at its continue-as-new, every page the earlier runs still hold, oldest first, then its own.
func TestCasesContinuedBeforeChunksSealTheirEarlierPages(t *testing.T) {
	h := newHarness(t, nil)
	state := safeguarding.NewCase("c1", "CF-TEST01", safeguarding.RulesCurrent)
	pages := [][]safeguarding.Entry{entries(1, 50), entries(51, 120)}
	state.ArchivedThrough = 120
	h.continueFrom(Input{CaseID: "c1", Reference: "CF-TEST01", State: state, Archive: pages[1]})
	var asked []ArchivedPagesRequest
	h.env.OnActivity(ArchivedPagesName, mock.Anything, mock.Anything).Return(func(_ context.Context, req ArchivedPagesRequest) (ArchivedPages, error) {
		asked = append(asked, req)
		return ArchivedPages{Pages: pages}, nil
	})
	var sealed []RecordChunkInput
	h.env.OnWorkflow(RecordChunkWorkflowName, mock.Anything, mock.Anything).Return(func(_ workflow.Context, c RecordChunkInput) error {
		sealed = append(sealed, c)
		return nil
	})
	h.step(0, safeguarding.StepRaiseConcern, carer, raise("2010-01-01"))
	for i := range 100 {
		h.step(time.Duration(i+1)*time.Second, "care-plan-contribution", carer, map[string]any{"text": "note"})
	}
	next := h.continuedAsNew(5 * m)

	if len(asked) != 1 || asked[0].After != 0 || asked[0].CaseID != "c1" {
		t.Fatalf("earlier pages asked for %+v; want once, after nothing sealed", asked)
	}
	if len(sealed) != 3 || sealed[0].Entries[0].Seq != 1 || sealed[1].Entries[0].Seq != 51 || sealed[2].Entries[0].Seq != 121 {
		t.Fatalf("sealed %d chunks: want the two earlier pages, oldest first, then the run's own from entry 121", len(sealed))
	}
	for i, c := range sealed {
		if c.Index != i || c.CaseID != "c1" {
			t.Errorf("chunk %d sealed as %d of %s", i, c.Index, c.CaseID)
		}
	}
	if len(next.Archive) != 0 || !slices.Equal(next.ChunkStarts, []int{1, 51, 121}) || next.SealedThrough != sealed[2].Entries[len(sealed[2].Entries)-1].Seq {
		t.Errorf("the next run carries archive %d, chunks %v through %d", len(next.Archive), next.ChunkStarts, next.SealedThrough)
	}
}

// TestAPageThatCannotBeSealedIsCarriedAsBefore: when the earlier pages cannot be read, the run
// continues as runs did before chunks, its page in the next run's input, which tries again.
func TestAPageThatCannotBeSealedIsCarriedAsBefore(t *testing.T) {
	h := newHarness(t, nil)
	state := safeguarding.NewCase("c1", "CF-TEST01", safeguarding.RulesCurrent)
	state.ArchivedThrough = 50
	h.continueFrom(Input{CaseID: "c1", Reference: "CF-TEST01", State: state, Archive: entries(1, 50)})
	h.env.OnActivity(ArchivedPagesName, mock.Anything, mock.Anything).Return(ArchivedPages{}, errors.New("history unavailable"))
	h.step(0, safeguarding.StepRaiseConcern, carer, raise("2010-01-01"))
	for i := range 100 {
		h.step(time.Duration(i+1)*time.Second, "care-plan-contribution", carer, map[string]any{"text": "note"})
	}
	next := h.continuedAsNew(5 * m)
	if len(next.Archive) == 0 || next.Archive[0].Seq != 51 || len(next.ChunkStarts) != 0 || next.SealedThrough != 0 {
		t.Errorf("next input: archive from %v, chunks %v: want the run's page carried, nothing sealed", next.Archive[:min(1, len(next.Archive))], next.ChunkStarts)
	}
}

func entries(from, to int) []safeguarding.Entry {
	var out []safeguarding.Entry
	for seq := from; seq <= to; seq++ {
		out = append(out, safeguarding.Entry{Seq: seq, At: testStart, RecordedAt: testStart, By: carer, Kind: "care-plan-contribution", Summary: "earlier"})
	}
	return out
}

// TestARecordChunkAnswersOnlyTheAPIAndOnlyWhatTheSightShows: a chunk started by its case answers
// a query the API vouched for, with the entries the sight the case gave shows; a forged proof,
// or a sight not vouched for, gets nothing. A chunk started by anyone else holds nothing.
func TestARecordChunkAnswersOnlyTheAPIAndOnlyWhatTheSightShows(t *testing.T) {
	keys, err := keyring.New()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := identity.NewSigner(keys)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, nil)
	cw := &CaseWorkflow{Callers: identity.NewVerifier(keys)}
	h.env.RegisterWorkflowWithOptions(cw.RecordChunk, workflow.RegisterOptions{Name: "VerifyingChunk"})
	chunk := []safeguarding.Entry{
		{Seq: 1, Kind: "concern-raised", Summary: "Concern", By: carer},
		{Seq: 2, Kind: "allegation", Summary: "Allegation", By: lead, Restricted: true},
	}
	h.env.RegisterWorkflowWithOptions(func(ctx workflow.Context) error {
		cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: RecordChunkID("c1", 0)})
		if err := workflow.ExecuteChildWorkflow(cctx, "VerifyingChunk", RecordChunkInput{CaseID: "c1", Index: 0, Entries: chunk}).GetChildWorkflowExecution().Get(ctx, nil); err != nil {
			return err
		}
		return workflow.Sleep(ctx, time.Hour)
	}, workflow.RegisterOptions{Name: "SealingCase"})
	h.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: WorkflowID("c1")})

	fsw := safeguarding.Actor{UserID: "fsw-1", Role: safeguarding.RoleFosteringSocialWorker}
	query := func(actor safeguarding.Actor, sight safeguarding.Sight, proof identity.Proof) RecordChunkAnswer {
		v, err := h.env.QueryWorkflowByID(RecordChunkID("c1", 0), QueryRecordChunk, actor, sight, proof)
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		var a RecordChunkAnswer
		if err := v.Get(&a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	vouched := func(actor safeguarding.Actor, sight safeguarding.Sight) identity.Proof {
		return signer.Sign(context.Background(), identity.Call{Operation: QueryRecordChunk, Subject: "c1", Actor: actor, Body: SightProofBody(sight)})
	}
	h.env.RegisterDelayedCallback(func() {
		leadSight := safeguarding.Sight{Actor: lead, Relation: safeguarding.RelationOverseer}
		if a := query(lead, leadSight, vouched(lead, leadSight)); len(a.Entries) != 2 || a.Refused != nil {
			t.Errorf("the Safeguarding Lead read %+v", a)
		}
		fswSight := safeguarding.Sight{Actor: fsw, Relation: safeguarding.RelationFostering}
		if a := query(fsw, fswSight, vouched(fsw, fswSight)); len(a.Entries) != 1 || a.Entries[0].Restricted {
			t.Errorf("the fostering social worker read %+v; want the concern only", a)
		}
		if a := query(fsw, leadSight, vouched(fsw, fswSight)); a.Refused == nil || len(a.Entries) != 0 {
			t.Errorf("a sight not the caller's was answered: %+v", a)
		}
		promoted := safeguarding.Sight{Actor: fsw, Relation: safeguarding.RelationOverseer}
		if a := query(fsw, promoted, vouched(fsw, fswSight)); a.Refused == nil || len(a.Entries) != 0 {
			t.Errorf("a sight the API did not vouch for was answered: %+v", a)
		}
		if a := query(lead, leadSight, identity.Proof{}); a.Refused == nil || a.Refused.Code != safeguarding.EForbidden {
			t.Errorf("a query without the API's proof was answered: %+v", a)
		}
	}, m)
	h.env.ExecuteWorkflow("SealingCase")
	if err := h.env.GetWorkflowError(); err != nil {
		t.Fatal(err)
	}

	other := newHarness(t, nil)
	other.env.ExecuteWorkflow(RecordChunkWorkflowName, RecordChunkInput{CaseID: "c1", Index: 0, Entries: chunk})
	if err := other.env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), "started only by its case") {
		t.Errorf("a chunk no case started: %v", err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestADestructionErasesOnlyWhatTheAPIApproved runs the destruction of a record as its case
// starts it: with the API's proof of the approval it erases, in order, the case, its chunks,
// its audit and the audit's chunks, and the read model, sweeps once more a while later, and
// writes the register entry with what both passes erased; with a proof the API did not make (a
// case workflow started with a made-up state by someone with access to the cluster) it erases
// nothing and writes nothing.
func TestADestructionErasesOnlyWhatTheAPIApproved(t *testing.T) {
	keys, err := keyring.New()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := identity.NewSigner(keys)
	if err != nil {
		t.Fatal(err)
	}
	body := mustJSON(t, map[string]any{"reason": "Retention period ended."})
	req := safeguarding.Request{Step: safeguarding.StepApproveDestruction, RequestID: "approve-1", Actor: manager, Body: body}
	vouched := signer.Sign(context.Background(), identity.Call{Operation: safeguarding.StepApproveDestruction, Subject: "c1", Actor: manager, StepID: "approve-1", Body: body})
	forged := vouched
	forged.Signature = append([]byte(nil), vouched.Signature...)
	forged.Signature[0] ^= 1

	for _, tt := range []struct {
		name    string
		proof   identity.Proof
		erasing bool
	}{{"vouched for", vouched, true}, {"forged", forged, false}} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, nil)
			cw := &CaseWorkflow{Callers: identity.NewVerifier(keys)}
			h.env.RegisterWorkflowWithOptions(cw.DestroyRecord, workflow.RegisterOptions{Name: "VerifyingDestroy"})
			var entries []RegisterEntry
			h.env.RegisterWorkflowWithOptions(func(_ workflow.Context, e RegisterEntry) error {
				entries = append(entries, e)
				return nil
			}, workflow.RegisterOptions{Name: RegisterEntryWorkflowName})
			var calls []string
			erase := func(name string, n int) {
				h.env.RegisterActivityWithOptions(func(_ context.Context, arg any) (activities.Erased, error) {
					calls = append(calls, name+" "+fmt.Sprint(arg))
					return activities.Erased{Workflows: n}, nil
				}, activity.RegisterOptions{Name: name})
			}
			erase(activities.EraseWorkflowName, 2)
			erase(activities.EraseSeriesName, 3)
			h.env.RegisterActivityWithOptions(func(_ context.Context, caseID string) error {
				calls = append(calls, activities.EraseCaseReadModelName+" "+caseID)
				return nil
			}, activity.RegisterOptions{Name: activities.EraseCaseReadModelName})
			in := DestroyInput{CaseID: "c1", Reference: "CF-TEST01", RuleTitle: "Case record of a child who was not looked after",
				Approval: safeguarding.Destruction{ApprovedBy: manager, Reason: "Retention period ended.", Rule: policy.RecordOther},
				Approved: vouchedRequest{Request: req, Proof: tt.proof}}
			h.env.RegisterWorkflowWithOptions(func(ctx workflow.Context) error {
				cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{WorkflowID: DestroyID("c1")})
				return workflow.ExecuteChildWorkflow(cctx, "VerifyingDestroy", in).Get(ctx, nil)
			}, workflow.RegisterOptions{Name: "ApprovingCase"})
			h.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: WorkflowID("c1")})
			h.env.ExecuteWorkflow("ApprovingCase")
			err := h.env.GetWorkflowError()

			if !tt.erasing {
				if err == nil || !strings.Contains(err.Error(), "did not come through caseflow's API") || len(calls) != 0 || len(entries) != 0 {
					t.Fatalf("a forged approval: %v; erased %q, wrote %d entries", err, calls, len(entries))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			pass := []string{
				activities.EraseWorkflowName + " map[workflow_id:case-c1]",
				activities.EraseSeriesName + " map[prefix:case-c1-record-]",
				activities.EraseWorkflowName + " map[workflow_id:audit-case-c1]",
				activities.EraseSeriesName + " map[prefix:audit-case-c1-chunk-]",
				activities.EraseCaseReadModelName + " c1",
			}
			if want := append(slices.Clone(pass), pass...); !slices.Equal(calls, want) {
				t.Errorf("erased\n%q\nwant, twice over,\n%q", calls, pass)
			}
			if len(entries) != 1 || entries[0].ApprovedBy != manager || entries[0].Reference != "CF-TEST01" ||
				!slices.Equal(entries[0].Destroyed[:3], []string{
					"the case's workflow: 4 runs, with every step, chase and record in their histories",
					"the case's timeline chunks: 6", "the case's access log: 4 runs and 6 chunks"}) {
				t.Errorf("register entries %+v", entries)
			}
		})
	}
}

// TestAnOldCaseSealsItsEarlierPagesWhenUpgraded: a case that continued before record chunks, and
// may not continue as new again for years (closed and idle, say), seals the pages its earlier
// runs kept as soon as it follows the current rules, without waiting for a continue-as-new: the
// namespace's retention would delete those runs first. Its run of an earlier release takes the
// catch-up, and the run of this release that follows moves the case to the current rules as it
// begins, then seals.
func TestAnOldCaseSealsItsEarlierPagesWhenUpgraded(t *testing.T) {
	h := newHarness(t, nil)
	state := safeguarding.NewCase("c1", "CF-TEST01", safeguarding.RulesFailSafe)
	pages := [][]safeguarding.Entry{entries(1, 40), entries(41, 80)}
	state.ArchivedThrough = 80
	h.continueFrom(Input{CaseID: "c1", Reference: "CF-TEST01", State: state, Archive: pages[1]})
	// The run of the earlier release continues as new as runs did before record chunks.
	h.env.OnGetVersion(recordChunksChange, workflow.DefaultVersion, recordChunksCurrentVersion).Return(workflow.DefaultVersion)
	var sealed []RecordChunkInput
	h.env.OnWorkflow(RecordChunkWorkflowName, mock.Anything, mock.Anything).Return(func(_ workflow.Context, c RecordChunkInput) error {
		sealed = append(sealed, c)
		return nil
	})
	h.step(0, safeguarding.StepRaiseConcern, carer, raise("2010-01-01"))
	catchUp := errNotSent
	h.sendBare(m, UpdateCatchUp, "catch-up", &catchUp)
	next := h.runUntilContinued(time.Hour)
	if catchUp != nil {
		t.Fatalf("the catch-up of a case on older rules: %v", catchUp)
	}
	if len(sealed) != 0 || next.State.Rules != safeguarding.RulesFailSafe || next.SealedThrough != 0 {
		t.Fatalf("sealed %d chunks (through %d) on rules %d before the case follows records retention", len(sealed), next.SealedThrough, next.State.Rules)
	}

	h2 := newHarness(t, nil)
	h2.continueFrom(next)
	h2.env.OnActivity(ArchivedPagesName, mock.Anything, mock.Anything).Return(ArchivedPages{Pages: pages}, nil)
	h2.env.OnWorkflow(RecordChunkWorkflowName, mock.Anything, mock.Anything).Return(func(_ workflow.Context, c RecordChunkInput) error {
		sealed = append(sealed, c)
		return nil
	})
	var timeline TimelineAnswer
	h2.env.RegisterDelayedCallback(func() {
		v, err := h2.env.QueryWorkflow(QueryTimeline, manager, identity.Proof{})
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Get(&timeline); err != nil {
			t.Fatal(err)
		}
	}, m)
	h2.run(2 * m)
	if len(sealed) != 2 || sealed[0].Entries[0].Seq != 1 || sealed[1].Entries[0].Seq != 41 {
		t.Fatalf("sealed %d chunks once the case moved to the current rules; want the two earlier pages, oldest first", len(sealed))
	}
	if !slices.Equal(timeline.ChunkStarts, []int{1, 41}) || timeline.SealedThrough != 80 {
		t.Errorf("the timeline reads chunks %v through %d", timeline.ChunkStarts, timeline.SealedThrough)
	}
}
