package directory

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/caseflow/caseflow/safeguarding"
)

// TestContactsWorkflowKeepsTheLatest: each sign-in's contact replaces the person's previous one,
// and the query lists one contact a person.
func TestContactsWorkflowKeepsTheLatest(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflowWithOptions(ContactsWorkflow, workflow.RegisterOptions{Name: ContactsWorkflowName})
	sw := safeguarding.Actor{UserID: "sw-7", Role: safeguarding.RoleSocialWorker, Team: "north"}
	carer := safeguarding.Actor{UserID: "carer-7", Role: safeguarding.RoleCarer}
	for i, c := range []Contact{
		{Actor: sw, Email: "old@agency.example", Name: "New Starter"},
		{Actor: carer, Email: "carer-7@home.example"},
		{Actor: sw, Email: "sw-7@agency.example", Name: "New Starter"},
	} {
		env.RegisterDelayedCallback(func() { env.SignalWorkflow(learnSignal, c) }, time.Duration(i+1)*time.Minute)
	}
	env.RegisterDelayedCallback(func() {
		v, err := env.QueryWorkflow(contactsQuery)
		if err != nil {
			t.Fatal(err)
		}
		var got []Contact
		if err := v.Get(&got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Actor.UserID != "carer-7" || got[1].Email != "sw-7@agency.example" {
			t.Errorf("contacts %+v", got)
		}
		d := Example()
		for _, c := range got {
			d.Learn(c.Actor, c.Email, c.Name)
		}
		if p, ok := d.Person("sw-7"); !ok || p.Email != "sw-7@agency.example" || p.Team != "north" {
			t.Errorf("sw-7 = %+v", p)
		}
		env.CancelWorkflow()
	}, 10*time.Minute)
	env.ExecuteWorkflow(ContactsWorkflowName, []Contact(nil))
	if !env.IsWorkflowCompleted() {
		t.Fatal("the contacts workflow did not stop when cancelled")
	}
}
