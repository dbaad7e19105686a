package contacts

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/notify/directory"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/security/identity"
)

// Names of the contacts workflow.
const (
	WorkflowName = "DirectoryContacts"
	WorkflowID   = "caseflow-directory-contacts"
	// LearnSignal carries a SignedContact.
	LearnSignal = "learn"
	// ContactsQuery answers the contacts held, one a person.
	Query = "contacts"
	// contactsHistory continues the workflow as new well before its history grows slow to replay.
	historyLimit = 2000
)

// Contact is what a sign-in told of a person.
type Contact struct {
	Actor safeguarding.Actor `json:"actor"`
	Email string             `json:"email"`
	Name  string             `json:"name,omitempty"`
	// SignedAt is when the API signed the contact (its proof's time): a contact signed before
	// the one taken for the same person is refused. Zero for one taken before contacts were
	// signed.
	SignedAt time.Time `json:"signed_at,omitzero"`
}

// SignedContact is what the learn signal carries: a contact and the API's proof of it. The
// release before sent the contact alone, which reads as one with no proof.
type SignedContact struct {
	Contact
	Proof identity.Proof `json:"proof"`
}

// contactCall is what the API's proof of a contact vouches for: this person's address and name,
// for the contacts workflow.
func contactCall(c Contact) identity.Call {
	body, err := json.Marshal(struct {
		Email string `json:"email"`
		Name  string `json:"name"`
	}{c.Email, c.Name})
	if err != nil {
		panic(err) // two strings always encode
	}
	return identity.Call{Operation: LearnSignal, Subject: WorkflowID, Actor: c.Actor, Body: body}
}

// Verifier checks the API's proofs (identity.Verifier in the worker).
type Verifier interface {
	Authentic(identity.Call, identity.Proof) error
}

// Workflow is the contacts workflow as the worker registers it.
type Workflow struct {
	// Callers checks that the API signed each contact. Without it no contact is taken.
	Callers Verifier
}

// signedChange versions which contacts the workflow takes. The first release took every learn
// signal, so anyone with access to the Temporal frontend could repoint a person's chase email.
// From version 1 it takes a contact only if the API signed it, judged once and recorded (a side
// effect: a replay takes what the first run took, whatever keys the worker then holds), and only
// if it was signed after the contact it holds for that person, so that a copy of an old signal
// cannot roll an address back. The signing time is the proof's, which the signature covers: no
// clock is read. A run begun before keeps taking every signal until the first signed contact
// reaches it (sent by an API of this release), then continues as new (renewChange), so that
// from then on only signed contacts are taken.
const (
	signedChange         = "signed-contacts"
	signedContacts       = 1
	signedCurrentVersion = signedContacts
	renewChange          = "signed-contacts-renew"
	renewAtSigned        = 1
)

// book is what a run of the contacts workflow holds.
type book struct {
	contacts map[string]Contact
	signed   workflow.Version
	// renew continues the run as new at once: see signedChange.
	renew bool
}

// Run keeps the latest contact of each person, answers the contacts query, and carries them
// across continue-as-new. The contacts of its input are taken only from its own continue-as-new
// (identity.ContinuedByItself): what a client's start brings was not signed by the API.
func (w *Workflow) Run(ctx workflow.Context, known []Contact) error {
	info := workflow.GetInfo(ctx)
	b := &book{contacts: map[string]Contact{}}
	if identity.ContinuedByItself(info) {
		for _, c := range known {
			b.contacts[c.Actor.UserID] = c
		}
	} else if len(known) > 0 {
		workflow.GetLogger(ctx).Warn("contacts workflow started with contacts it did not take: they are ignored", "contacts", len(known))
	}
	if err := workflow.SetQueryHandler(ctx, Query, func() ([]Contact, error) { return b.list(), nil }); err != nil {
		return err
	}
	b.signed = workflow.GetVersion(ctx, signedChange, workflow.DefaultVersion, signedCurrentVersion)
	signals := workflow.GetSignalChannel(ctx, LearnSignal)
	for {
		w.take(ctx, b, receive(ctx, signals, true))
		info := workflow.GetInfo(ctx)
		if b.renew || info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= historyLimit {
			if rest := receive(ctx, signals, false); len(rest) > 0 {
				w.take(ctx, b, rest)
			}
			return workflow.NewContinueAsNewError(ctx, WorkflowName, b.list())
		}
	}
}

// receive takes every learn signal pending, waiting for the first when wait is set.
func receive(ctx workflow.Context, signals workflow.ReceiveChannel, wait bool) []SignedContact {
	var batch []SignedContact
	if wait {
		var sc SignedContact
		signals.Receive(ctx, &sc)
		batch = append(batch, sc)
	}
	for {
		var sc SignedContact
		if !signals.ReceiveAsync(&sc) {
			return batch
		}
		batch = append(batch, sc)
	}
}

// take takes the contacts of a batch as the run's version says.
func (w *Workflow) take(ctx workflow.Context, b *book, batch []SignedContact) {
	if b.signed == workflow.DefaultVersion {
		b.takeAsFirstRelease(ctx, batch)
		return
	}
	authentic := w.judge(ctx, batch)
	logger := workflow.GetLogger(ctx)
	for i, sc := range batch {
		held, ok := b.contacts[sc.Actor.UserID]
		switch {
		case !authentic[i]:
			logger.Warn("contact dropped: not signed by caseflow's API")
		case ok && !sc.Proof.IssuedAt.After(held.SignedAt):
			logger.Warn("contact dropped: signed before the one held for the person")
		default:
			c := sc.Contact
			c.SignedAt = sc.Proof.IssuedAt
			b.contacts[c.Actor.UserID] = c
		}
	}
}

// takeAsFirstRelease takes every contact, as the first release did, for the runs it began. The
// first signed contact shows that the API signs them: the run then continues as new.
func (b *book) takeAsFirstRelease(ctx workflow.Context, batch []SignedContact) {
	for _, sc := range batch {
		b.contacts[sc.Actor.UserID] = sc.Contact
		if len(sc.Proof.Signature) > 0 && !b.renew {
			b.renew = workflow.GetVersion(ctx, renewChange, workflow.DefaultVersion, renewAtSigned) >= renewAtSigned
		}
	}
}

// judge says of each contact whether the API signed it, once: the verdicts are recorded.
func (w *Workflow) judge(ctx workflow.Context, batch []SignedContact) []bool {
	var authentic []bool
	err := workflow.SideEffect(ctx, func(workflow.Context) any {
		out := make([]bool, len(batch))
		for i, sc := range batch {
			out[i] = w.Callers != nil && w.Callers.Authentic(contactCall(sc.Contact), sc.Proof) == nil
		}
		return out
	}).Get(&authentic)
	if err != nil || len(authentic) != len(batch) {
		// A recorded verdict that cannot be read is a fault of this worker, not of the contacts:
		// failing the task keeps them for a worker that can.
		panic("directory: the recorded verdicts of learned contacts cannot be read")
	}
	return authentic
}

// list is the contacts held, one a person, in the order of their user ids.
func (b *book) list() []Contact {
	out := make([]Contact, 0, len(b.contacts))
	// Map order does not matter: the list is sorted below.
	//workflowcheck:ignore
	for _, c := range b.contacts {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Actor.UserID < out[j].Actor.UserID })
	return out
}

// Teller passes on what sign-ins say of people, once per person and address per process.
type Teller struct {
	Client    client.Client
	TaskQueue string
	// Signer vouches for each contact: the contacts workflow takes no other.
	Signer *identity.Signer

	mu   sync.Mutex
	told map[string]Contact
}

// Tell passes on a signed-in person's address and name, signed; an address that is not one is
// ignored.
func (t *Teller) Tell(ctx context.Context, a safeguarding.Actor, email, name string) error {
	if a.UserID == "" || !directory.ValidEmail(email) {
		return nil
	}
	if t.Signer == nil {
		return errors.New("pass on a sign-in's contact: this process cannot sign it")
	}
	c := Contact{Actor: a, Email: email, Name: name}
	t.mu.Lock()
	if t.told == nil {
		t.told = map[string]Contact{}
	}
	seen := t.told[a.UserID] == c
	t.told[a.UserID] = c
	t.mu.Unlock()
	if seen {
		return nil
	}
	signed := SignedContact{Contact: c, Proof: t.Signer.Sign(ctx, contactCall(c))}
	_, err := t.Client.SignalWithStartWorkflow(ctx, WorkflowID, LearnSignal, signed,
		client.StartWorkflowOptions{ID: WorkflowID, TaskQueue: t.TaskQueue}, WorkflowName, []Contact(nil))
	if err != nil {
		t.mu.Lock()
		delete(t.told, a.UserID) // tell again at the next sign-in
		t.mu.Unlock()
		return fmt.Errorf("pass on what the sign-in says of %s: %w", a.UserID, err)
	}
	return nil
}

// Follow reads the contacts learned at sign-in into d every interval until ctx ends.
func Follow(ctx context.Context, c client.Client, d *directory.Directory, every time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if err := learn(ctx, c, d); err != nil && ctx.Err() == nil {
			logger.Warn("contacts learned at sign-in not read", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// learn takes into d the contacts the workflow holds.
func learn(ctx context.Context, c client.Client, d *directory.Directory) error {
	v, err := c.QueryWorkflow(ctx, WorkflowID, "", Query)
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return nil // nobody has signed in with an address yet
	}
	if err != nil {
		return err
	}
	var contacts []Contact
	if err := v.Get(&contacts); err != nil {
		return err
	}
	for _, k := range contacts {
		d.Learn(k.Actor, k.Email, k.Name)
	}
	return nil
}
