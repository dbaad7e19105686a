package workflows

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/activities"
	"github.com/caseflow/caseflow/policy"
	"github.com/caseflow/caseflow/readmodel"
	"github.com/caseflow/caseflow/readmodel/projection"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/security/keyring"
	"github.com/caseflow/caseflow/security/pseudonym"
)

// trustEveryCaller lets the domain tests send updates and queries without proofs; the tests
// below check the proofs themselves.
type trustEveryCaller struct{}

func (trustEveryCaller) Verify(identity.Call, identity.Proof) error { return nil }

var testPseudonyms = func() pseudonym.Key {
	k, err := pseudonym.New(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		panic(err)
	}
	return k
}()

// TestCallsWithoutTheAPIsProofAreRefused runs a case whose worker checks proofs, and calls it
// as a raw client would: without a proof, with a proof made for someone else, for another case,
// or too old. Each is refused before it reaches history; the API's own calls go through.
func TestCallsWithoutTheAPIsProofAreRefused(t *testing.T) {
	keys, err := keyring.New()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := identity.NewSigner(keys)
	if err != nil {
		t.Fatal(err)
	}
	env := newTestEnv()
	mr := miniredis.RunT(t)
	rdb := redis.NewClient(&redis.Options{Addr: mr.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	cw := &CaseWorkflow{Policy: policy.Default, Callers: identity.NewVerifier(keys.VerifyOnly())}
	env.RegisterWorkflowWithOptions(cw.Run, workflow.RegisterOptions{Name: WorkflowName})
	env.RegisterActivity(&activities.Activities{Notifier: &recorder{}})
	env.RegisterActivity(&projection.Activity{ReadModel: readmodel.New(rdb, testPseudonyms)})

	const caseID = "c1"
	ctx := context.Background()
	proofFor := func(step string, req safeguarding.Request) identity.Proof {
		return signer.Sign(ctx, identity.Call{Operation: step, Subject: caseID, Actor: req.Actor, StepID: req.RequestID, Body: req.Body})
	}
	body := func(v any) json.RawMessage { b, _ := json.Marshal(v); return b }
	concern := safeguarding.Request{RequestID: "r0", Actor: carer, Body: body(raise(""))}
	contribution := safeguarding.Request{RequestID: "r1", Actor: carer, Body: body(map[string]any{"text": "Settled well."})}
	forgedManager := safeguarding.Request{RequestID: "r2", Actor: manager, Body: body(map[string]any{"note": "Closing."})}

	stale := *signer
	stale.Now = func() time.Time { return time.Now().Add(-10 * time.Minute) }
	attempts := []struct {
		name  string
		step  string
		req   safeguarding.Request
		proof identity.Proof
	}{
		{"no proof", "care-plan-contribution", contribution, identity.Proof{}},
		{"a carer's proof, sent as the manager", "closure-request", forgedManager, proofFor("closure-request", safeguarding.Request{RequestID: "r2", Actor: carer, Body: forgedManager.Body})},
		{"a proof for another case", "care-plan-contribution", contribution, signer.Sign(ctx, identity.Call{Operation: "care-plan-contribution", Subject: "c2", Actor: carer, StepID: "r1", Body: contribution.Body})},
		{"a proof for another step", "care-plan-contribution", contribution, proofFor("missing-episode", contribution)},
		{"a stale proof", "care-plan-contribution", contribution, stale.Sign(ctx, identity.Call{Operation: "care-plan-contribution", Subject: caseID, Actor: carer, StepID: "r1", Body: contribution.Body})},
	}
	refusals := make([]error, len(attempts))
	var accepted []string
	send := func(at time.Duration, name, step string, req safeguarding.Request, proof identity.Proof, refused *error) {
		req.Step = step
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(UpdateStep, name, &testUpdate{
				reject:   func(err error) { *refused = FromApplicationError(err) },
				complete: func(any, error) { accepted = append(accepted, name) },
			}, req, proof)
		}, at)
	}
	var concernRefused error
	send(time.Minute, "concern", safeguarding.StepRaiseConcern, concern, proofFor(safeguarding.StepRaiseConcern, concern), &concernRefused)
	for i, a := range attempts {
		send(2*time.Minute+time.Duration(i)*time.Second, a.name, a.step, a.req, a.proof, &refusals[i])
	}
	var unsignedView, signedView CaseAnswer
	env.RegisterDelayedCallback(func() {
		if v, err := env.QueryWorkflow(QueryCase, manager); err == nil {
			_ = v.Get(&unsignedView)
		}
		proof := signer.Sign(ctx, identity.Call{Operation: QueryCase, Subject: caseID, Actor: manager})
		if v, err := env.QueryWorkflow(QueryCase, manager, proof); err == nil {
			_ = v.Get(&signedView)
		}
	}, 3*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, 4*time.Minute)
	env.ExecuteWorkflow(WorkflowName, Input{CaseID: caseID, Reference: "CF-TEST01"})

	if concernRefused != nil || len(accepted) != 1 || accepted[0] != "concern" {
		t.Fatalf("accepted %v (concern refused: %v); want the API's concern alone", accepted, concernRefused)
	}
	for i, err := range refusals {
		if safeguarding.CodeOf(err) != safeguarding.EForbidden {
			t.Errorf("%s: %v, want refused as forbidden", attempts[i].name, err)
		}
	}
	if unsignedView.View != nil || safeguarding.CodeOf(unsignedView.Refused) != safeguarding.EForbidden {
		t.Errorf("a query without a proof answered %+v", unsignedView)
	}
	if signedView.View == nil {
		t.Fatalf("the API's query was refused: %+v", signedView.Refused)
	}
	if signedView.View.Revision != 1 || len(signedView.View.CarePlan.Contributions) != 0 {
		t.Errorf("refused updates changed the case: revision %d, %d contributions", signedView.View.Revision, len(signedView.View.CarePlan.Contributions))
	}
}
