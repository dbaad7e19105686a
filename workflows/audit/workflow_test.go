package audit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/security/keyring"
)

type update struct {
	rejected func(error)
	done     func()
}

func (u *update) Accept()             {}
func (u *update) Reject(err error)    { u.rejected(err) }
func (u *update) Complete(any, error) { u.done() }

// streamEnv runs a stream head whose worker checks proofs, with n appends of one record each,
// one a minute, the first unsigned, each sent as the API sends them (a signal) or as the
// previous release did (an update, legacy true). accepted counts the appends that reached the
// head (signals are taken without an answer), rejected the updates refused.
func streamEnv(t *testing.T, in Input, n int, legacy bool) (*testsuite.TestWorkflowEnvironment, *identity.Signer, *int, *int) {
	t.Helper()
	keys, err := keyring.New()
	if err != nil {
		t.Fatal(err)
	}
	signer, err := identity.NewSigner(keys)
	if err != nil {
		t.Fatal(err)
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	w := &Workflows{Callers: identity.NewVerifier(keys.VerifyOnly())}
	env.RegisterWorkflowWithOptions(w.Stream, workflow.RegisterOptions{Name: WorkflowName})
	env.RegisterWorkflowWithOptions(w.Chunk, workflow.RegisterOptions{Name: ChunkWorkflowName})
	accepted, rejected := new(int), new(int)
	send := func(i int, signed bool) {
		b := Batch{Records: []Record{{At: time.Date(2026, 12, 1, 10, i, 0, 0, time.UTC), UserID: fmt.Sprint("u", i), Role: safeguarding.RoleManager, Action: "getCase", Outcome: Allowed}}}
		proof := signedProof(t, signer, in.Stream, b, signed)
		if !legacy {
			env.SignalWorkflow(SignalAppend, SignedBatch{Batch: b, Proof: proof})
			if signed {
				*accepted++
			}
			return
		}
		env.UpdateWorkflow(UpdateAppend, fmt.Sprint("a", i, signed), &update{
			rejected: func(error) { *rejected++ },
			done:     func() { *accepted++ },
		}, b, proof)
	}
	env.RegisterDelayedCallback(func() { send(0, false) }, time.Second)
	for i := range n {
		env.RegisterDelayedCallback(func() { send(i, true) }, time.Duration(i+1)*time.Minute)
	}
	return env, signer, accepted, rejected
}

func signedProof(t *testing.T, signer *identity.Signer, s Stream, b Batch, signed bool) identity.Proof {
	t.Helper()
	if !signed {
		return identity.Proof{}
	}
	call, err := appendCall(s, b)
	if err != nil {
		t.Fatal(err)
	}
	return signer.Sign(context.Background(), call)
}

// readAll reads the head's records as the Safeguarding Lead, and tries an unsigned read.
func readAll(t *testing.T, env *testsuite.TestWorkflowEnvironment, signer *identity.Signer, s Stream) (page Page, unsignedRead error) {
	t.Helper()
	reader := safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}
	v, err := env.QueryWorkflow(QueryRecords, reader, signer.Sign(context.Background(), readCall(s, reader)))
	if err != nil {
		t.Errorf("read: %v", err)
		return page, nil
	}
	if err := v.Get(&page); err != nil {
		t.Error(err)
	}
	_, unsignedRead = env.QueryWorkflow(QueryRecords, reader)
	return page, unsignedRead
}

func TestAppendsAreSignedAndSealedInChunks(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		t.Run(map[bool]string{false: "signalled", true: "legacy update"}[legacy], func(t *testing.T) {
			in := Input{Stream: CaseStream("c1"), ChunkSize: 3}
			env, signer, accepted, rejected := streamEnv(t, in, 7, legacy)
			var page Page
			var unsignedRead error
			env.RegisterDelayedCallback(func() { page, unsignedRead = readAll(t, env, signer, in.Stream) }, 30*time.Minute)
			env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
			env.ExecuteWorkflow(WorkflowName, in)

			if legacy && (*accepted != 7 || *rejected != 1) {
				t.Fatalf("%d appends accepted and %d refused, want 7 signed accepted and the unsigned one refused", *accepted, *rejected)
			}
			if page.Sealed != 2 || len(page.Records) != 1 || page.Records[0].UserID != "u6" {
				t.Errorf("after 7 signed records in chunks of 3: %d chunks sealed and %+v at the head, want 2 and the 7th (the unsigned one dropped)", page.Sealed, page.Records)
			}
			if unsignedRead == nil {
				t.Error("an unsigned read was answered")
			}
		})
	}
}

// TestABatchSignalledTwiceIsStoredOnce: the API sends a batch again when its first call timed
// out, though Temporal may have stored it.
func TestABatchSignalledTwiceIsStoredOnce(t *testing.T) {
	in := Input{Stream: CaseStream("c1")}
	env, signer, _, _ := streamEnv(t, in, 2, false)
	b := Batch{Records: []Record{{At: time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC), UserID: "again", Role: safeguarding.RoleManager, Action: "getCase", Outcome: Allowed}}}
	for _, at := range []time.Duration{5 * time.Minute, 6 * time.Minute} {
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(SignalAppend, SignedBatch{Batch: b, Proof: signedProof(t, signer, in.Stream, b, true)})
		}, at)
	}
	var page Page
	env.RegisterDelayedCallback(func() { page, _ = readAll(t, env, signer, in.Stream) }, 30*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
	env.ExecuteWorkflow(WorkflowName, in)
	var users []string
	for _, r := range page.Records {
		users = append(users, r.UserID)
	}
	if !slices.Equal(users, []string{"u0", "u1", "again"}) {
		t.Errorf("records of %v, want u0, u1 and the batch sent twice once", users)
	}
}

func TestRecordsCarriedAcrossContinueAsNew(t *testing.T) {
	in := Input{Stream: CaseStream("c1"), MaxHistory: 5000}
	env, _, accepted, _ := streamEnv(t, in, 12, false)
	env.RegisterDelayedCallback(func() { env.SetContinueAsNewSuggested(true) }, 6*time.Minute+30*time.Second)
	env.ExecuteWorkflow(WorkflowName, in)
	var can *workflow.ContinueAsNewError
	if !errors.As(env.GetWorkflowError(), &can) {
		t.Fatalf("the head ended with %v, want continue-as-new", env.GetWorkflowError())
	}
	var next Input
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
		t.Fatal(err)
	}
	if *accepted < 6 || len(next.Records) != *accepted || next.Stream != in.Stream || next.MaxHistory != in.MaxHistory {
		t.Errorf("continued with %d records of %s (max history %d), want the %d accepted", len(next.Records), next.Stream, next.MaxHistory, *accepted)
	}
	if len(next.Taken) != len(next.Records) {
		t.Errorf("continued remembering %d batches, want the %d taken, so that one sent again is still known", len(next.Taken), len(next.Records))
	}
}

// TestBatchesTakenLateAreKept: a worker that was down for ten minutes, or a week, takes the
// batches signalled meanwhile; none is dropped for being late. One taken more than a week after
// it was signed is marked Late (it cannot be told from a copy of one already taken), and a copy
// of a batch taken recently is stored once, however late it comes.
func TestBatchesTakenLateAreKept(t *testing.T) {
	in := Input{Stream: CaseStream("c1")}
	env, signer, _, _ := streamEnv(t, in, 0, false)
	record := func(user string) Batch {
		return Batch{Records: []Record{{At: time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC), UserID: user, Role: safeguarding.RoleSocialWorker, Action: "getCase", Outcome: Allowed}}}
	}
	signedAgo := func(b Batch, ago time.Duration) SignedBatch {
		at := signer.Now
		defer func() { signer.Now = at }()
		signer.Now = func() time.Time { return at().Add(-ago) }
		return SignedBatch{Batch: b, Proof: signedProof(t, signer, in.Stream, b, true)}
	}
	tenMinutes := signedAgo(record("ten-minutes-late"), 10*time.Minute)
	for i, sb := range []SignedBatch{tenMinutes, signedAgo(record("eight-days-late"), 8*24*time.Hour), tenMinutes} {
		env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalAppend, sb) }, time.Duration(i+2)*time.Minute)
	}
	var page Page
	env.RegisterDelayedCallback(func() { page, _ = readAll(t, env, signer, in.Stream) }, 30*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
	env.ExecuteWorkflow(WorkflowName, in)
	var got []string
	for _, r := range page.Records {
		got = append(got, fmt.Sprintf("%s late=%v", r.UserID, r.Late))
	}
	want := []string{"ten-minutes-late late=false", "eight-days-late late=true"}
	if !slices.Equal(got, want) {
		t.Errorf("records %v, want %v", got, want)
	}
}

// TestAStartCannotBringRecords: only a head's own continue-as-new carries records. A client that
// starts a head with records, chunks or remembered batches of its own gets a head holding none of
// them, and one naming another stream gets the head of the stream its id names.
func TestAStartCannotBringRecords(t *testing.T) {
	forged := Input{Stream: CaseStream("other"), Sealed: 3, Records: []Record{{UserID: "forged", Action: "getCase", Outcome: Allowed}},
		Taken: []TakenBatch{{Digest: "x"}}}
	env, signer, _, _ := streamEnv(t, forged, 1, false)
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: AuditWorkflowID(CaseStream("c1"))})
	var page Page
	env.RegisterDelayedCallback(func() { page, _ = readAll(t, env, signer, CaseStream("c1")) }, 30*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
	env.ExecuteWorkflow(WorkflowName, forged)
	if page.Sealed != 0 || len(page.Records) != 0 {
		t.Errorf("the head holds %+v and %d chunks, want nothing of the forged start", page.Records, page.Sealed)
	}
}

// TestAChunkIsStartedOnlyByItsHead: a chunk started by a client, not as the child of its
// stream's head, holds nothing and ends at once.
func TestAChunkIsStartedOnlyByItsHead(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	w := &Workflows{}
	env.RegisterWorkflowWithOptions(w.Chunk, workflow.RegisterOptions{Name: ChunkWorkflowName})
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: AuditChunkID(CaseStream("c1"), 0)})
	env.ExecuteWorkflow(ChunkWorkflowName, ChunkInput{Stream: CaseStream("c1"), Records: []Record{{UserID: "forged"}}})
	if err := env.GetWorkflowError(); err == nil || !strings.Contains(err.Error(), "only by the head") {
		t.Errorf("a chunk started by a client ended with %v, want refused", err)
	}
}

// TestTheFirstReleasesMemoryIsKept: a head continued from a run of the first release brings the
// digests it remembered without their times; a copy of one of those batches is still stored once.
func TestTheFirstReleasesMemoryIsKept(t *testing.T) {
	in := Input{Stream: CaseStream("c1")}
	env, signer, _, _ := streamEnv(t, in, 0, false)
	b := Batch{Records: []Record{{At: time.Date(2026, 12, 1, 11, 0, 0, 0, time.UTC), UserID: "taken-before", Role: safeguarding.RoleManager, Action: "getCase", Outcome: Allowed}}}
	in.Recent = []string{batchDigest(b)}
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: AuditWorkflowID(in.Stream)})
	env.SetContinuedExecutionRunID("run-of-the-first-release")
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalAppend, SignedBatch{Batch: b, Proof: signedProof(t, signer, in.Stream, b, true)})
	}, 2*time.Minute)
	var page Page
	env.RegisterDelayedCallback(func() { page, _ = readAll(t, env, signer, in.Stream) }, 30*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, time.Hour)
	env.ExecuteWorkflow(WorkflowName, in)
	if len(page.Records) != 0 {
		t.Errorf("records %+v, want none: the batch was taken by the run before", page.Records)
	}
}
