package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/safeguarding"
)

// TestValidatorsRejectBeforeHistory sends impossible and malformed steps: each is refused with a
// reason the API can show, and the case is exactly as it was (same revision, same timeline).
func TestValidatorsRejectBeforeHistory(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	var before safeguarding.View
	h.view(m, manager, func(v safeguarding.View) { before = v })

	refused := []struct {
		name string
		by   safeguarding.Actor
		body any
		code safeguarding.ErrorCode
	}{
		{"nrm-cg-decision", sw, map[string]any{"decided_at": at(0), "outcome": "positive"}, safeguarding.EConflict},
		{"closure-approval", carer, map[string]any{}, safeguarding.EForbidden},
		{"closure-approval", manager, map[string]any{}, safeguarding.EConflict},
		{"police-report", carer, map[string]any{"reported_at": at(0), "channel": "112", "reference": ""}, safeguarding.EInvalid},
		{"police-report", carer, map[string]any{"reported_at": at(48 * time.Hour), "channel": "101", "reference": "P"}, safeguarding.EInvalid},
		{"police-report", safeguarding.Actor{UserID: "carer-2", Role: safeguarding.RoleCarer}, map[string]any{"reported_at": at(0), "channel": "101", "reference": "P"}, safeguarding.ENotFound},
		{"nrm-referral", sw, map[string]any{"submitted_at": at(0), "reference": "N", "first_responder": "fostering-agency"}, safeguarding.EInvalid},
		{"care-plan-agreed", carer, map[string]any{"agreed_at": at(0), "summary": "x"}, safeguarding.EForbidden},
		{"police-report", carer, map[string]any{"reported_at": at(0), "channel": "101", "reference": "P", "unknown": 1}, safeguarding.EInvalid},
		{safeguarding.StepRaiseConcern, carer, raise(""), safeguarding.EConflict},
		{"", carer, map[string]any{"text": "x"}, safeguarding.EInvalid},
		{"no-such-step", manager, map[string]any{}, safeguarding.EInvalid},
		{safeguarding.UpgradeRulesStep, manager, map[string]any{}, safeguarding.EInvalid},
	}
	got := make([]error, len(refused))
	for i, r := range refused {
		raw, _ := json.Marshal(r.body)
		id := "bad-" + string(rune('a'+i))
		h.env.RegisterDelayedCallback(func() {
			h.env.UpdateWorkflow(UpdateStep, id, &testUpdate{
				reject:   func(err error) { got[i] = FromApplicationError(err) },
				complete: func(any, error) { got[i] = errors.New("accepted: " + r.name) },
			}, safeguarding.Request{Step: r.name, RequestID: id, Actor: r.by, Body: raw})
		}, 2*m+time.Duration(i)*time.Second)
	}
	h.view(3*m, manager, func(after safeguarding.View) {
		if after.Revision != before.Revision || len(after.Timeline) != len(before.Timeline) {
			t.Errorf("refused steps changed the case: revision %d -> %d, timeline %d -> %d",
				before.Revision, after.Revision, len(before.Timeline), len(after.Timeline))
		}
	})
	h.run(4 * m)
	for i, err := range got {
		if code := safeguarding.CodeOf(err); code != refused[i].code {
			t.Errorf("%s by %s: %v (code %q), want code %q", refused[i].name, refused[i].by.Role, err, code, refused[i].code)
		}
		if err == nil || strings.TrimSpace(err.Error()) == "" {
			t.Errorf("%s: refused without a reason", refused[i].name)
		}
	}
}

// testUpdate is an update callback that may be accepted or rejected.
type testUpdate struct {
	reject   func(error)
	complete func(any, error)
}

func (u *testUpdate) Accept()                   {}
func (u *testUpdate) Reject(err error)          { u.reject(err) }
func (u *testUpdate) Complete(v any, err error) { u.complete(v, err) }

// TestRetriedRequestAppliesOnce sends one request twice under different update ids (as after a
// continue-as-new, when Temporal no longer remembers the first): the second returns the first
// result, marked replayed, and changes nothing.
func TestRetriedRequestAppliesOnce(t *testing.T) {
	h := newHarness(t, nil)
	h.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	body, _ := json.Marshal(map[string]any{"text": "He is calmer after football.", "topic": "routine"})
	req := safeguarding.Request{Step: "care-plan-contribution", RequestID: "same", Actor: carer, Body: body}
	var results []safeguarding.Result
	for i, id := range []string{"first", "second"} {
		h.env.RegisterDelayedCallback(func() {
			h.env.UpdateWorkflow(UpdateStep, id, &testUpdate{
				reject:   func(err error) { t.Errorf("refused: %v", err) },
				complete: func(v any, err error) { results = append(results, v.(safeguarding.Result)) },
			}, req)
		}, time.Duration(i+1)*m)
	}
	h.view(5*m, manager, func(v safeguarding.View) {
		if n := len(v.CarePlan.Contributions); n != 1 {
			t.Errorf("%d contributions, want 1", n)
		}
	})
	h.run(6 * m)
	if len(results) != 2 || results[0].Revision != results[1].Revision || results[0].Replayed || !results[1].Replayed {
		t.Fatalf("results %+v: want the same revision twice, the second marked replayed", results)
	}
}

// TestContinueAsNewKeepsActionsAndTimers makes a run continue as new once its history is long:
// the next run holds every open action and fires their chases at the same times.
func TestContinueAsNewKeepsActionsAndTimers(t *testing.T) {
	first := newHarness(t, nil)
	first.step(0, safeguarding.StepRaiseConcern, carer, raise(""))
	for i := range 3 {
		first.step(time.Duration(i+1)*time.Second, "care-plan-contribution", carer, map[string]any{"text": "note"})
	}
	first.env.RegisterDelayedCallback(func() { first.env.SetCurrentHistoryLength(DefaultMaxHistory) }, 40*time.Second)
	first.step(50*time.Second, "care-plan-contribution", carer, map[string]any{"text": "the step after which the run continues as new"})
	var before safeguarding.View
	first.view(30*time.Second, manager, func(v safeguarding.View) { before = v })
	first.env.RegisterDelayedCallback(first.env.CancelWorkflow, 20*m) // only if it never continues
	first.env.ExecuteWorkflow(WorkflowName, first.input)
	var can *workflow.ContinueAsNewError
	if !errors.As(first.env.GetWorkflowError(), &can) {
		t.Fatalf("the run ended with %v, want continue-as-new", first.env.GetWorkflowError())
	}
	var next Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if next.State == nil || len(next.State.OpenActions()) != len(before.OpenActions) || next.State.Revision <= before.Revision || len(next.State.CarePlan.Contributions) != 4 {
		t.Fatalf("carried state: %d open actions (had %d)", len(next.State.OpenActions()), len(before.OpenActions))
	}

	second := newHarness(t, nil)
	second.continueFrom(next)
	// The police report was due an hour after the concern; the new run must still chase it.
	police, _ := openAction(before, "police-report")
	second.run(4 * time.Hour)
	chases := second.sent.forAction(police.ID)
	overdueOnTime := false
	for _, c := range chases {
		overdueOnTime = overdueOnTime || (c.Level == int(safeguarding.LevelOverdue) && c.SentAt.Equal(police.Due))
	}
	if len(chases) < 3 || !overdueOnTime {
		t.Fatalf("after continue-as-new the police report was chased %v, want overdue at %v and escalations", describe(chases), police.Due)
	}
}

// TestReadModelHoldsNoPersonalData runs a case and then reads every key and value the projection
// wrote: neither the child's name nor anything from the concern's account is there.
func TestReadModelHoldsNoPersonalData(t *testing.T) {
	h := newHarness(t, nil)
	concern := raise("")
	concern["child"].(map[string]any)["name"] = "Zelda Privatechild"
	concern["account"] = "Secretnote about the uncle"
	h.step(0, safeguarding.StepRaiseConcern, carer, concern)
	h.step(m, "contact", sw, map[string]any{"name": "Uncle Privateperson", "relationship": "accompanying adult", "restricted": true})
	h.run(3 * time.Hour)
	ctx := context.Background()
	rdb := h.store.Redis()
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("read model keys: %v %v", keys, err)
	}
	for _, k := range keys {
		var dump string
		switch rdb.Type(ctx, k).Val() {
		case "string":
			dump = rdb.Get(ctx, k).Val()
		case "hash":
			b, _ := json.Marshal(rdb.HGetAll(ctx, k).Val())
			dump = string(b)
		case "zset":
			b, _ := json.Marshal(rdb.ZRange(ctx, k, 0, -1).Val())
			dump = string(b)
		case "set":
			b, _ := json.Marshal(rdb.SMembers(ctx, k).Val())
			dump = string(b)
		}
		for _, secret := range []string{"Zelda", "Privatechild", "Secretnote", "Privateperson"} {
			if strings.Contains(k+dump, secret) {
				t.Errorf("key %s holds %q", k, secret)
			}
		}
	}
}
