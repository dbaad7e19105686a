package mailtests

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/caseflow/caseflow/notify/directory"
	"github.com/caseflow/caseflow/safeguarding"
	"github.com/caseflow/caseflow/test/testenv"
	"github.com/caseflow/caseflow/workflows"
	"github.com/caseflow/caseflow/workflows/contacts"
)

// TestAddressLearnedAtSignIn: the directory file gives carer-1 no address; their sign-in says
// it (as the pages' sign-in passes on the ID token's email claim), and the worker, in its own
// right, emails their chases there. A sign-in never overrides an address the file gives.
func TestAddressLearnedAtSignIn(t *testing.T) {
	srv := startSMTP(t)
	cfg := mailConfig(srv.Addr(), srv.ClientTLS)
	d, err := directory.Load("people.yaml", []byte(strings.Replace(people, "email: carer-1@agency.example, ", "", 1)))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Directory, cfg.FollowEvery = d, 200*time.Millisecond
	env := testenv.Start(t, testenv.Options{RedisDB: redisDB + 4, Policy: shortClocks(), Mail: cfg})

	teller := &contacts.Teller{Client: env.App.Temporal, TaskQueue: workflows.TaskQueue, Signer: env.App.Signer()}
	ctx := context.Background()
	carer := safeguarding.Actor{UserID: "carer-1", Role: safeguarding.RoleCarer}
	lead := safeguarding.Actor{UserID: "lead-1", Role: safeguarding.RoleSafeguardingLead}
	for _, tell := range []struct {
		who   safeguarding.Actor
		email string
	}{{carer, "carer-1@home.example"}, {lead, "lead-elsewhere@example.org"}} {
		if err := teller.Tell(ctx, tell.who, tell.email, "Someone"); err != nil {
			t.Fatal(err)
		}
	}
	testenv.Eventually(t, 30*time.Second, "the worker to learn carer-1's address", func() bool {
		p, _ := d.Person("carer-1")
		return p.Email == "carer-1@home.example"
	})
	raise(t, env)
	testenv.Eventually(t, 60*time.Second, "the escalation to the Lead", func() bool {
		return slices.Contains(chases(srv), "lead-1@agency.example escalated to Safeguarding Lead")
	})
	got := chases(srv)
	if !slices.Contains(got, "carer-1@home.example overdue") {
		t.Errorf("carer-1's chase did not go to the address their sign-in gave: %v", got)
	}
	for _, m := range srv.Messages() {
		if slices.Contains(m.To, "lead-elsewhere@example.org") {
			t.Errorf("a sign-in overrode the directory file's address: %s", m.Subject)
		}
		if strings.HasPrefix(m.Subject, "Not emailed") {
			t.Errorf("reported as unaddressed although learned:\n%s", m.Body)
		}
	}
}
