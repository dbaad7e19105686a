package workflows

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/safeguarding"
)

// maxCarriedState is the bound on what a case carries into each new run, whatever its age.
const maxCarriedState = 64 << 10

// TestAFiveYearCaseCarriesABoundedState runs a case for five years with time skipping, in eleven runs of
// six months each ended by continue-as-new: the Conclusive Grounds decision is chased every
// month, and the care plan reviews, looked-after reviews and social worker visits are recorded as
// they fall due, every week's worth of work done by its end. What each run carries into the next
// stays under maxCarriedState, and the timeline entries it stops carrying are sealed, once and in
// order, into a record chunk of the case, numbered after the chunks before it.
func TestAFiveYearCaseCarriesABoundedState(t *testing.T) {
	start := testStart
	in := Input{CaseID: "c1", Reference: "CF-LONG"}
	var largest int
	archived := 0
	for run := 0; run < 11; run++ {

		h := newHarnessAt(t, start)
		var sealed []RecordChunkInput
		h.env.OnWorkflow(RecordChunkWorkflowName, mock.Anything, mock.Anything).Return(func(_ workflow.Context, c RecordChunkInput) error {
			sealed = append(sealed, c)
			return nil
		})
		if run == 0 {
			h.input = in
			h.openLongCase()
		} else {
			h.continueFrom(in)
		}
		h.keepUp(7*24*time.Hour, 26)
		next := h.continuedAsNew(26*7*24*time.Hour + time.Hour)
		size := jsonSize(t, next.State)
		largest = max(largest, size)
		if size > maxCarriedState {
			t.Fatalf("run %d carried %d bytes into the next; the bound is %d", run+1, size, maxCarriedState)
		}
		if len(next.Archive) > 0 {
			t.Fatalf("run %d carried %d entries in the next run's input instead of sealing them", run+1, len(next.Archive))
		}
		for _, c := range sealed {
			if c.CaseID != "c1" || c.Index != len(in.ChunkStarts) || len(c.Entries) == 0 || c.Entries[0].Seq != archived+1 {
				t.Fatalf("run %d sealed chunk %d of %s from entry %d; want chunk %d from entry %d", run+1, c.Index, c.CaseID, c.Entries[0].Seq, len(in.ChunkStarts), archived+1)
			}
			archived = c.Entries[len(c.Entries)-1].Seq
			in.ChunkStarts = append(in.ChunkStarts, c.Entries[0].Seq)
		}
		if next.SealedThrough != archived || !slices.Equal(next.ChunkStarts, in.ChunkStarts) || next.State.ArchivedThrough != archived {
			t.Fatalf("run %d carried chunks %v through %d (archived through %d); it sealed %v through %d",
				run+1, next.ChunkStarts, next.SealedThrough, next.State.ArchivedThrough, in.ChunkStarts, archived)
		}
		in, start = next, h.env.Now()
	}
	if start.Before(testStart.AddDate(5, 0, 0)) {
		t.Fatalf("the case ran until %v, not five years", start)
	}
	if archived == 0 {
		t.Fatal("nothing was ever archived: the timeline was carried whole")
	}
	// The Conclusive Grounds decision was still chased every month at the end.
	for _, a := range in.State.OpenActions() {
		if a.Kind == policy.NRMCGDecision && (len(a.Chases) != 1 || start.Sub(a.Chases[0].At) > 32*24*time.Hour) {
			t.Errorf("the Conclusive Grounds decision was last chased %+v, before %v", a.Chases, start)
		}
	}
	t.Logf(
		"largest carried state %d bytes (bound %d); %d timeline entries sealed in %d chunks; last run carried %d", largest, maxCarriedState, archived, len(in.ChunkStarts), len(in.State.Timeline))
}

// newHarnessAt is a harness whose clock starts at start.
func newHarnessAt(t *testing.T, start time.Time) *harness {
	h := newHarness(t, nil)
	h.env.SetStartTime(start)
	return h
}

// openLongCase raises the case and takes the steps that leave only the long clocks running: the
// Conclusive Grounds decision (chased monthly), the care plan's reviews, the looked-after reviews
// and the social worker's visits.
func (h *harness) openLongCase() {
	h.step(0, safeguarding.StepRaiseConcern, carer, raise("2016-06-01"))
	steps := []struct {
		by   safeguarding.Actor
		name string
		body map[string]any
	}{
		{carer, "police-report", map[string]any{"reported_at": at(m), "channel": "101", "reference": "P-1"}},
		// The carer's concern opened the case: staff confirm the child is placed with them, or the
		// Safeguarding Lead is chased about it for five years.
		{sw, safeguarding.StepConfirmPlacement, map[string]any{"carer": carer.UserID, "decision": safeguarding.PlacementConfirmed, "reason": "Placed with them."}},
		{carer, "social-worker-informed", map[string]any{"informed_at": at(m)}},
		{carer, "safeguarding-lead-informed", map[string]any{"informed_at": at(m)}},
		{sw, "nrm-referral", map[string]any{"submitted_at": at(m), "reference": "NRM-1", "first_responder": "police"}},
		{sw, "nrm-rg-decision", map[string]any{"decided_at": at(m), "outcome": "positive"}},
		{sw, "ictg-referral", map[string]any{"referred_at": at(m)}},
		{sw, "ictg-assignment", map[string]any{"assigned_at": at(m), "guardian_type": "direct-worker"}},
		{sw, "csc-referral", map[string]any{"referred_at": at(m)}},
		{sw, "csc-decision", map[string]any{"decided_at": at(m), "decision": "child-in-need"}},
		{sw, "assessment", map[string]any{"completed_at": at(m)}},
		{sw, "strategy-meeting-held", map[string]any{"held_at": at(m), "format": "meeting", "outcome": "Plan agreed."}},
		{sw, "care-plan-agreed", map[string]any{"agreed_at": at(m), "summary": "Plan.", "no_contribution_reason": "Carers contribute at reviews."}},
		{sw, "looked-after", map[string]any{"since": at(m), "placement_start": at(m)}},
	}
	for i, s := range steps {
		h.step(time.Duration(i+1)*time.Second, s.name, s.by, s.body)
	}
	h.env.RegisterDelayedCallback(func() { h.tellTheYoungPerson("opening") }, time.Minute)
}

// tellTheYoungPerson records that the young person was told of every outcome still to tell them
// of, as the social worker does the same day.
func (h *harness) tellTheYoungPerson(round string) {
	v, err := h.env.QueryWorkflow(QueryCase, sw)
	var a CaseAnswer
	if err == nil {
		err = v.Get(&a)
	}
	if err != nil || a.View == nil {
		h.t.Errorf("query case: %v", err)
		return
	}
	now := h.env.Now().Format(time.RFC3339)
	for _, action := range a.View.OpenActions {
		if action.Kind != policy.TellYoungPerson {
			continue
		}
		raw, _ := json.Marshal(map[string]any{"outcome_id": action.Ref, "told_at": now, "told_by": "Social worker", "how": "In person"})
		id := "told-" + round + "-" + action.Ref
		h.env.UpdateWorkflow(UpdateStep, id, &testUpdate{
			reject:   func(err error) { h.t.Errorf("telling the young person refused: %v", FromApplicationError(err)) },
			complete: func(any, error) {},
		}, safeguarding.Request{Step: "young-person-told", RequestID: id, Actor: sw, Body: raw})
	}
}

// keepUp records, every period for n periods, the reviews and visits falling due within the next
// period, and tells the young person of their outcomes, as the social worker does.
func (h *harness) keepUp(period time.Duration, n int) {
	recurring := map[policy.RuleID]string{
		policy.CarePlanReview: "care-plan-review", policy.LACReview: "lac-review", policy.SWVisit: "sw-visit",
	}
	for i := 1; i <= n; i++ {
		h.env.RegisterDelayedCallback(func() {
			v, err := h.env.QueryWorkflow(QueryCase, sw)
			if err != nil {
				h.t.Errorf("query case: %v", err)
				return
			}
			var a CaseAnswer
			if err := v.Get(&a); err != nil || a.View == nil {
				h.t.Errorf("decode case: %v", err)
				return
			}
			now := h.env.Now()
			for _, action := range a.View.OpenActions {
				name, ok := recurring[action.Kind]
				if !ok || action.Due.After(now.Add(period)) {
					continue
				}
				body := map[string]any{"held_at": now.Format(time.RFC3339)}
				switch name {
				case "sw-visit":
					body = map[string]any{"visited_at": now.Format(time.RFC3339)}
				case "care-plan-review":
					body["outcome"] = "Reviewed."
				}
				raw, _ := json.Marshal(body)
				id := fmt.Sprintf("%s-%d-%s", name, i, now.Format("20060102"))
				h.env.UpdateWorkflow(UpdateStep, id, &testUpdate{
					reject:   func(err error) { h.t.Errorf("%s refused: %v", name, FromApplicationError(err)) },
					complete: func(any, error) {},
				}, safeguarding.Request{Step: name, RequestID: id, Actor: sw, Body: raw})
			}
		}, time.Duration(i)*period-time.Hour)
		// The outcomes of the reviews just recorded are told to the young person the same day.
		h.env.RegisterDelayedCallback(func() { h.tellTheYoungPerson(fmt.Sprint(i)) }, time.Duration(i)*period-30*time.Minute)
	}
}

func jsonSize(t *testing.T, v any) int {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return len(raw)
}
