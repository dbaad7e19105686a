package contacts

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/notify/directory"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
	"github.com/caseflow/caseflow/security/keyring"
)

var (
	sw7    = safeguarding.Actor{UserID: "sw-7", Role: safeguarding.RoleSocialWorker, Team: "north"}
	carer7 = safeguarding.Actor{UserID: "carer-7", Role: safeguarding.RoleCarer}
	// signedFrom is when the test API signs its first contact; each later one a minute after.
	signedFrom = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
)

// contactsEnv runs the contacts workflow in the test environment, its worker checking contacts
// against the API's keys, with an API signer whose clock the test moves.
type contactsEnv struct {
	t      *testing.T
	env    *testsuite.TestWorkflowEnvironment
	signer *identity.Signer
	clock  time.Time
	at     time.Duration
}

func newContactsEnv(t *testing.T) *contactsEnv {
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
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestWorkflowEnvironment()
	contacts := &Workflow{Callers: identity.NewVerifier(keys.VerifyOnly())}
	env.RegisterWorkflowWithOptions(contacts.Run, workflow.RegisterOptions{Name: WorkflowName})
	c := &contactsEnv{t: t, env: env, signer: signer, clock: signedFrom}
	signer.Now = func() time.Time { return c.clock }
	return c
}

// signed is c as the API signs it, a minute after the contact signed before.
func (c *contactsEnv) signed(contact Contact) SignedContact {
	sc := SignedContact{Contact: contact, Proof: c.signer.Sign(context.Background(), contactCall(contact))}
	c.clock = c.clock.Add(time.Minute)
	return sc
}

// send signals each of signals, a minute apart, after those sent before.
func (c *contactsEnv) send(signals ...any) {
	for _, s := range signals {
		c.at += time.Minute
		c.env.RegisterDelayedCallback(func() { c.env.SignalWorkflow(LearnSignal, s) }, c.at)
	}
}

// run starts the workflow with known, and returns the contacts it holds after the signals.
func (c *contactsEnv) run(known []Contact) []Contact {
	c.t.Helper()
	var got []Contact
	c.env.RegisterDelayedCallback(func() {
		v, err := c.env.QueryWorkflow(Query)
		if err != nil {
			c.t.Fatal(err)
		}
		if err := v.Get(&got); err != nil {
			c.t.Fatal(err)
		}
		c.env.CancelWorkflow()
	}, c.at+time.Minute)
	c.env.ExecuteWorkflow(WorkflowName, known)
	if !c.env.IsWorkflowCompleted() {
		c.t.Fatal("the contacts workflow did not stop when cancelled")
	}
	return got
}

// emails lists the address held for each person.
func emails(contacts []Contact) map[string]string {
	out := map[string]string{}
	for _, c := range contacts {
		out[c.Actor.UserID] = c.Email
	}
	return out
}

// TestContactsWorkflowKeepsTheLatest: each sign-in's contact replaces the person's previous one,
// and the query lists one contact a person.
func TestContactsWorkflowKeepsTheLatest(t *testing.T) {
	c := newContactsEnv(t)
	c.send(
		c.signed(Contact{Actor: sw7, Email: "old@agency.example", Name: "New Starter"}),
		c.signed(Contact{Actor: carer7, Email: "carer-7@home.example"}),
		c.signed(Contact{Actor: sw7, Email: "sw-7@agency.example", Name: "New Starter"}),
	)
	got := c.run(nil)
	if len(got) != 2 || got[0].Actor.UserID != "carer-7" || got[1].Email != "sw-7@agency.example" {
		t.Errorf("contacts %+v", got)
	}
	d := directory.Example()
	for _, k := range got {
		d.Learn(k.Actor, k.Email, k.Name)
	}
	if p, ok := d.Person("sw-7"); !ok || p.Email != "sw-7@agency.example" || p.Team != "north" {
		t.Errorf("sw-7 = %+v", p)
	}
}

// TestContactsWorkflowTakesOnlyWhatTheAPISigned: a contact with no proof (the learn signal as any
// client of the Temporal frontend can send it), one signed with another key, one whose address
// was changed after signing, one signed for another person, and a signal that cannot be read
// each leave the person's address as it was.
func TestContactsWorkflowTakesOnlyWhatTheAPISigned(t *testing.T) {
	c := newContactsEnv(t)
	keys, err := keyring.New()
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := identity.NewSigner(keys)
	if err != nil {
		t.Fatal(err)
	}
	attacker := Contact{Actor: sw7, Email: "attacker@evil.example", Name: "New Starter"}
	repointed := c.signed(Contact{Actor: sw7, Email: "sw-7@agency.example"})
	repointed.Email = attacker.Email
	forOther := c.signed(Contact{Actor: carer7, Email: attacker.Email})
	forOther.Actor = sw7
	c.send(
		c.signed(Contact{Actor: sw7, Email: "sw-7@agency.example", Name: "New Starter"}),
		attacker,
		SignedContact{Contact: attacker},
		SignedContact{Contact: attacker, Proof: stranger.Sign(context.Background(), contactCall(attacker))},
		repointed,
		forOther,
		"not a contact",
	)
	if got := emails(c.run(nil)); len(got) != 1 || got["sw-7"] != "sw-7@agency.example" {
		t.Errorf("contacts %v, want sw-7's signed address alone", got)
	}
}

// TestAnOldContactSentAgainDoesNotRollAnAddressBack: a copy of a signal the API signed before the
// person's latest contact (copied from history, say) is refused, and a copy of the latest
// changes nothing.
func TestAnOldContactSentAgainDoesNotRollAnAddressBack(t *testing.T) {
	c := newContactsEnv(t)
	old := c.signed(Contact{Actor: sw7, Email: "old@agency.example"})
	current := c.signed(Contact{Actor: sw7, Email: "sw-7@agency.example"})
	c.send(old, current, current, old)
	if got := emails(c.run(nil)); got["sw-7"] != "sw-7@agency.example" {
		t.Errorf("sw-7's address is %q after an old contact was sent again", got["sw-7"])
	}
}

// TestContactsAStartBringsAreIgnored: contacts in a client's start of the workflow are not
// taken, since the API signed none of them; those the workflow carried across its own
// continue-as-new are.
func TestContactsAStartBringsAreIgnored(t *testing.T) {
	known := []Contact{{Actor: sw7, Email: "attacker@evil.example", SignedAt: signedFrom.Add(time.Hour)}}
	if got := newContactsEnv(t).run(known); len(got) != 0 {
		t.Errorf("a client's start brought contacts %v", emails(got))
	}
	continued := newContactsEnv(t)
	continued.env.SetContinuedExecutionRunID("the-run-before")
	if got := emails(continued.run(known)); got["sw-7"] != "attacker@evil.example" {
		t.Errorf("the contacts carried across continue-as-new were lost: %v", got)
	}
}

// TestARunBeforeSignedContactsRenewsAtTheFirstSigned: a run begun before contacts were signed
// takes every contact as it did (so its history replays), until the first signed one, which it
// takes and then continues as new, carrying what it holds, into a run that takes signed ones only.
func TestARunBeforeSignedContactsRenewsAtTheFirstSigned(t *testing.T) {
	c := newContactsEnv(t)
	c.env.OnGetVersion(signedChange, workflow.DefaultVersion, signedCurrentVersion).Return(workflow.DefaultVersion)
	c.send(Contact{Actor: carer7, Email: "carer-7@home.example"}, c.signed(Contact{Actor: sw7, Email: "sw-7@agency.example"}))
	c.env.RegisterDelayedCallback(c.env.CancelWorkflow, time.Hour)
	c.env.ExecuteWorkflow(WorkflowName, []Contact(nil))
	var can *workflow.ContinueAsNewError
	if !errors.As(c.env.GetWorkflowError(), &can) {
		t.Fatalf("the run ended with %v, want continue-as-new at the first signed contact", c.env.GetWorkflowError())
	}
	var carried []Contact
	if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &carried); err != nil {
		t.Fatal(err)
	}
	if got := emails(carried); len(got) != 2 || got["carer-7"] != "carer-7@home.example" || got["sw-7"] != "sw-7@agency.example" {
		t.Errorf("carried %v, want both contacts", got)
	}
}
