package workflows_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
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
	"github.com/catalyst-sbri/catalyst/ent/webhookdelivery"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/outbound"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/webhook"
	"github.com/catalyst-sbri/catalyst/worker"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// smtpServer is a real SMTP server for the test, and the sender that posts to it.
func smtpServer(t *testing.T) (*email.Sink, email.Sender) {
	t.Helper()
	sink, err := email.StartSink(t.TempDir(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	sender, err := email.ParseSMTP("smtp://"+sink.Addr()+"?tls=none", "catalyst@programme.example")
	if err != nil {
		t.Fatal(err)
	}
	return sink, sender
}

// The mail workflow sends what is waiting when it starts, and what is written later when the
// outbox wakes it, each email once, over SMTP to a real SMTP server.
func TestMailWorkflowSendsEachEmailOnce(t *testing.T) {
	db := testdb.Open(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	sink, sender := smtpServer(t)
	dana := db.Person.Create().SetName("Dana").SetEmail("dana@acme.example").SetRoles([]string{"supplier"}).SaveX(ctx)
	notify := func(tmpl domain.NoticeTemplate) {
		err := db.WithTx(ctx, func(tx *ent.Tx) error {
			return records.Notify(ctx, tx, dana.ID, tmpl, "contract", 1, map[string]string{"title": "Potholes"})
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

// After a deadline's rush, hundreds of receipts wait at once: the workflow sends them all
// without waiting for another wake or its poll (an hour here), a page at a time.
func TestMailWorkflowSendsAFullBacklogWithoutWaiting(t *testing.T) {
	db := testdb.Open(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	sink, sender := smtpServer(t)
	const backlog = 250 // two full pages and a part
	err := db.WithTx(ctx, func(tx *ent.Tx) error {
		for i := range backlog {
			p := tx.Person.Create().SetName(fmt.Sprint("Supplier ", i)).SetEmail(fmt.Sprintf("s%d@acme.example", i)).SetRoles([]string{"supplier"}).SaveX(ctx)
			if err := records.Notify(ctx, tx, p.ID, domain.NoticeBidReceived, "bid", i+1, map[string]string{"title": "Potholes", "receipt": fmt.Sprint("CAT-1-", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.MailWorkflowID})
	worker.Register(env, &activities.Activities{DB: db, Mail: sender, BaseURL: "https://catalyst.example"})
	env.RegisterDelayedCallback(func() {
		if n := db.Email.Query().Where(entemail.StateEQ(entemail.StateSent)).CountX(ctx); n != backlog {
			t.Errorf("%d of the %d waiting sent within a minute, with no wake", n, backlog)
		}
		env.CancelWorkflow()
	}, time.Minute)
	env.ExecuteWorkflow(workflows.MailWorkflow, workflows.MailInput{PollEvery: time.Hour})
	if ms, _ := sink.Messages(); len(ms) != backlog {
		t.Errorf("the SMTP server has %d messages, want %d", len(ms), backlog)
	}
}

// The webhook workflow delivers what is written; a receiver that never answers 2xx is tried
// WebhookAttempts times with backoff, then the delivery is failed for the programme to send
// again.
func TestWebhookWorkflowGivesUpAfterItsLimit(t *testing.T) {
	db := testdb.Open(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	var mu sync.Mutex
	calls := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls[r.URL.Path]++
		mu.Unlock()
		if r.URL.Path == "/down" {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	secrets := []domain.WebhookSecret{{Secret: webhook.NewSecret(), CreatedAt: time.Now()}}
	up := db.WebhookEndpoint.Create().SetURL(srv.URL + "/up").SetEvents([]string{"contract.awarded"}).SetSecrets(secrets).SaveX(ctx)
	down := db.WebhookEndpoint.Create().SetURL(srv.URL + "/down").SetEvents([]string{"contract.awarded"}).SetSecrets(secrets).SaveX(ctx)
	if err := db.WithTx(ctx, func(tx *ent.Tx) error {
		return records.Audit(ctx, tx, authz.Actor{Who: "person:1"}, "contract.awarded", "contract", 3, nil, nil)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := activities.ChainPending(ctx, db); err != nil { // as the log's sequencer does
		t.Fatal(err)
	}

	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflows.WebhookWorkflowID})
	worker.Register(env, &activities.Activities{DB: db, Webhooks: webhook.NewClient(outbound.NewPolicy(outbound.Loopback...))})
	env.RegisterDelayedCallback(env.CancelWorkflow, 48*time.Hour)
	env.ExecuteWorkflow(workflows.WebhookWorkflow, workflows.WebhookInput{PollEvery: 24 * time.Hour})

	ok := db.WebhookDelivery.Query().Where(webhookdelivery.EndpointID(up.ID)).OnlyX(ctx)
	failed := db.WebhookDelivery.Query().Where(webhookdelivery.EndpointID(down.ID)).OnlyX(ctx)
	if ok.State != webhookdelivery.StateDelivered || calls["/up"] != 1 {
		t.Errorf("the working receiver: %+v, %d calls", ok, calls["/up"])
	}
	if failed.State != webhookdelivery.StateFailed || failed.Attempts != int(activities.WebhookAttempts) || calls["/down"] != int(activities.WebhookAttempts) ||
		!strings.Contains(failed.LastError, "Given up after 10 attempts") {
		t.Errorf("the failing receiver: %+v, %d calls", failed, calls["/down"])
	}
}
