package directory

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/safeguarding"
)

// What the identity provider says of people at sign-in (their email and name) is learned by the
// process that signs them in (serve) and needed by the one that emails them (the worker). It
// travels through a small workflow: Temporal keeps it with the other personal data caseflow
// holds, in workflow payloads, never in Redis. The directory file always wins (Learn).

// Names of the contacts workflow.
const (
	ContactsWorkflowName = "DirectoryContacts"
	ContactsWorkflowID   = "caseflow-directory-contacts"
	learnSignal          = "learn"
	contactsQuery        = "contacts"
	// contactsHistory continues the workflow as new well before its history grows slow to replay.
	contactsHistory = 2000
)

// Contact is what a sign-in told of a person.
type Contact struct {
	Actor safeguarding.Actor `json:"actor"`
	Email string             `json:"email"`
	Name  string             `json:"name,omitempty"`
}

// ContactsWorkflow keeps the latest contact of each person, answers the contacts query, and
// carries them across continue-as-new.
func ContactsWorkflow(ctx workflow.Context, known []Contact) error {
	contacts := map[string]Contact{}
	for _, c := range known {
		contacts[c.Actor.UserID] = c
	}
	list := func() []Contact {
		out := make([]Contact, 0, len(contacts))
		// Map order does not matter: the list is sorted below.
		//workflowcheck:ignore
		for _, c := range contacts {
			out = append(out, c)
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Actor.UserID < out[j].Actor.UserID })
		return out
	}
	if err := workflow.SetQueryHandler(ctx, contactsQuery, func() ([]Contact, error) { return list(), nil }); err != nil {
		return err
	}
	signals := workflow.GetSignalChannel(ctx, learnSignal)
	for {
		var c Contact
		signals.Receive(ctx, &c)
		contacts[c.Actor.UserID] = c
		info := workflow.GetInfo(ctx)
		if info.GetContinueAsNewSuggested() || info.GetCurrentHistoryLength() >= contactsHistory {
			for signals.ReceiveAsync(&c) {
				contacts[c.Actor.UserID] = c
			}
			return workflow.NewContinueAsNewError(ctx, ContactsWorkflowName, list())
		}
	}
}

// Teller passes on what sign-ins say of people, once per person and address per process.
type Teller struct {
	Client    client.Client
	TaskQueue string

	mu   sync.Mutex
	told map[string]Contact
}

// Tell passes on a signed-in person's address and name; an address that is not one is ignored.
func (t *Teller) Tell(ctx context.Context, a safeguarding.Actor, email, name string) error {
	if a.UserID == "" || !validEmail(email) {
		return nil
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
	_, err := t.Client.SignalWithStartWorkflow(ctx, ContactsWorkflowID, learnSignal, c,
		client.StartWorkflowOptions{ID: ContactsWorkflowID, TaskQueue: t.TaskQueue}, ContactsWorkflowName, []Contact(nil))
	if err != nil {
		t.mu.Lock()
		delete(t.told, a.UserID) // tell again at the next sign-in
		t.mu.Unlock()
		return fmt.Errorf("pass on what the sign-in says of %s: %w", a.UserID, err)
	}
	return nil
}

// Follow reads the contacts learned at sign-in into d every interval until ctx ends.
func Follow(ctx context.Context, c client.Client, d *Directory, every time.Duration, logger *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if err := d.readContacts(ctx, c); err != nil && ctx.Err() == nil {
			logger.Warn("contacts learned at sign-in not read", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (d *Directory) readContacts(ctx context.Context, c client.Client) error {
	v, err := c.QueryWorkflow(ctx, ContactsWorkflowID, "", contactsQuery)
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
