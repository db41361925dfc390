package workflows_test

import (
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/testsuite"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/email"
	"github.com/catalyst-sbri/catalyst/ent"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/worker"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// The mail workflow sends what is waiting when it starts, and what is written later when the
// outbox wakes it, each email once, over SMTP to a real SMTP server.
func TestMailWorkflowSendsEachEmailOnce(t *testing.T) {
	db := testdb.Open(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	sink, err := email.StartSink(t.TempDir(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	sender, _ := email.ParseSMTP("smtp://"+sink.Addr()+"?tls=none", "catalyst@programme.example")
	dana := db.Person.Create().SetName("Dana").SetEmail("dana@acme.example").SetRoles([]string{"supplier"}).SaveX(ctx)
	notify := func(tmpl domain.NoticeTemplate) {
		err := db.WithTx(ctx, func(tx *ent.Tx) error {
			return activities.Notify(ctx, tx, dana.ID, tmpl, "contract", 1, map[string]string{"title": "Potholes"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	notify(domain.NoticeGateDecided)
	notify(domain.NoticePaymentMade)

	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.MailWorkflowID})
	worker.Register(env, &activities.Activities{DB: db, Mail: sender, BaseURL: "https://catalyst.example"})
	env.RegisterDelayedCallback(func() {
		if ms, _ := sink.Messages(); len(ms) != 2 {
			t.Errorf("%d sent at the start, want the 2 waiting", len(ms))
		}
		notify(domain.NoticeReportDue)
		env.SignalWorkflow(workflows.SignalMailWaiting, nil)
	}, time.Second)
	env.RegisterDelayedCallback(func() {
		if ms, _ := sink.Messages(); len(ms) != 3 {
			t.Errorf("%d sent after the wake, want 3", len(ms))
		}
		env.CancelWorkflow()
	}, 2*time.Second)
	env.ExecuteWorkflow(workflows.MailWorkflow, workflows.MailInput{PollEvery: time.Hour})
	if n := db.Email.Query().Where(entemail.StateEQ(entemail.StateSent)).CountX(ctx); n != 3 {
		t.Errorf("%d emails recorded sent, want 3", n)
	}
	ms, _ := sink.Messages()
	seen := map[string]bool{}
	for _, m := range ms {
		if seen[m.Reference] {
			t.Errorf("%s sent twice", m.Reference)
		}
		seen[m.Reference] = true
	}
}
