package activities

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/webhookdelivery"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/outbound"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/webhook"
)

// receiver is a programme system that verifies each delivery as the Standard Webhooks
// specification's own library does, and answers with status.
type receiver struct {
	mu       sync.Mutex
	secret   string
	status   int
	verified []WebhookPayload
	refused  int
}

func (rx *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rx.mu.Lock()
	defer rx.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	wh, _ := standardwebhooks.NewWebhook(rx.secret)
	if err := wh.Verify(body, r.Header); err != nil {
		rx.refused++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var p WebhookPayload
	_ = json.Unmarshal(body, &p)
	rx.verified = append(rx.verified, p)
	w.WriteHeader(rx.status)
}

// A subscribed event is written as a delivery when the sequencer places it (so the payload
// carries its place in the trail), and delivered signed so the receiver verifies it; an event
// nobody chose writes nothing.
func TestAnAuditedEventIsDeliveredSigned(t *testing.T) {
	db := testdb.Open(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	rx := &receiver{secret: webhook.NewSecret(), status: http.StatusOK}
	srv := httptest.NewServer(rx)
	defer srv.Close()
	e := db.WebhookEndpoint.Create().SetURL(srv.URL).SetEvents([]string{"contract.gate_stop"}).
		SetSecrets([]domain.WebhookSecret{{Secret: rx.secret, CreatedAt: time.Now()}}).SaveX(ctx)
	audit := func(action string) {
		t.Helper()
		if err := db.WithTx(ctx, func(tx *ent.Tx) error {
			return records.Audit(ctx, tx, authz.Actor{Who: "person:1"}, action, "contract", 7, nil, nil)
		}); err != nil {
			t.Fatal(err)
		}
	}
	audit("contract.gate_continue") // not chosen
	audit("contract.gate_stop")
	if n := db.WebhookDelivery.Query().CountX(ctx); n != 0 {
		t.Fatalf("%d deliveries before the events were placed", n)
	}
	if _, err := ChainPending(ctx, db); err != nil {
		t.Fatal(err)
	}
	ds := db.WebhookDelivery.Query().AllX(ctx)
	if len(ds) != 1 || ds[0].Event != "contract.gate_stop" || ds[0].EndpointID != e.ID {
		t.Fatalf("deliveries %+v", ds)
	}
	acts := &Activities{DB: db, Webhooks: webhook.NewClient(outbound.NewPolicy(outbound.Loopback...))}
	for range 2 { // twice is once
		if err := acts.DeliverWebhook(ctx, DeliverWebhookInput{DeliveryID: ds[0].ID}); err != nil {
			t.Fatal(err)
		}
	}
	if len(rx.verified) != 1 || rx.refused != 0 {
		t.Fatalf("verified %d, refused %d", len(rx.verified), rx.refused)
	}
	if got := rx.verified[0].Data.AuditSeq; got != 2 {
		t.Errorf("the payload names audit event %d, want its place in the trail, 2", got)
	}
	if p := rx.verified[0]; p.Type != "contract.gate_stop" || p.Data.RecordType != "contract" || p.Data.RecordID != 7 {
		t.Errorf("payload %+v", p)
	}
	if d := db.WebhookDelivery.GetX(ctx, ds[0].ID); d.State != webhookdelivery.StateDelivered || d.LastStatus != 200 || d.Attempts != 1 {
		t.Errorf("after delivery %+v", d)
	}
}

// A receiver that fails keeps the delivery waiting, with why, for the workflow to retry.
func TestAFailingReceiverIsTriedAgain(t *testing.T) {
	db := testdb.Open(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	rx := &receiver{secret: webhook.NewSecret(), status: http.StatusServiceUnavailable}
	srv := httptest.NewServer(rx)
	defer srv.Close()
	e := db.WebhookEndpoint.Create().SetURL(srv.URL).SetEvents([]string{"milestone.paid"}).
		SetSecrets([]domain.WebhookSecret{{Secret: rx.secret, CreatedAt: time.Now()}}).SaveX(ctx)
	d := db.WebhookDelivery.Create().SetEndpointID(e.ID).SetMessageID("msg_1_1").SetEvent("milestone.paid").SetPayload([]byte(`{"type":"milestone.paid"}`)).SaveX(ctx)
	acts := &Activities{DB: db, Webhooks: webhook.NewClient(outbound.NewPolicy(outbound.Loopback...))}
	if err := acts.DeliverWebhook(ctx, DeliverWebhookInput{DeliveryID: d.ID}); err == nil {
		t.Fatal("a 503 returned no error to retry")
	}
	got := db.WebhookDelivery.GetX(ctx, d.ID)
	if got.State != webhookdelivery.StatePending || got.LastStatus != 503 || got.LastError == "" || got.Attempts != 1 {
		t.Errorf("%+v", got)
	}
	db.WebhookEndpoint.UpdateOne(e).SetDisabledAt(time.Now()).ExecX(ctx)
	if err := acts.DeliverWebhook(ctx, DeliverWebhookInput{DeliveryID: d.ID}); err != nil {
		t.Fatal(err)
	}
	if got := db.WebhookDelivery.GetX(ctx, d.ID); got.State != webhookdelivery.StateFailed {
		t.Errorf("to a disabled endpoint: %+v", got)
	}
}
