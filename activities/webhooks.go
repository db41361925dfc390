package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/webhookdelivery"
	"github.com/catalyst-sbri/catalyst/ent/webhookendpoint"
	"github.com/catalyst-sbri/catalyst/webhook"
)

// The webhook workflow's contract; the workflows package names them again for its callers.
const (
	// WebhookWorkflowID is the one workflow that delivers every webhook.
	WebhookWorkflowID = "webhooks"
	// SignalWebhookWaiting reaches it from the outbox when a delivery is written.
	SignalWebhookWaiting = "webhook_waiting"
	// WebhookAttempts is how often a delivery is tried, with the workflow's backoff (about a
	// day in all), before it is given up and shown with "send again".
	WebhookAttempts int32 = 10
)

const webhooksName = "webhooks"

// WebhookPayload is the body of every delivery: the event, when, and the record it is about.
// It carries no content of the record: the receiver reads that through the API.
type WebhookPayload struct {
	Type      string      `json:"type"`
	Timestamp time.Time   `json:"timestamp"`
	Data      WebhookData `json:"data"`
}

// WebhookData names the record.
type WebhookData struct {
	RecordType  string `json:"record_type"`
	RecordID    int    `json:"record_id"`
	ChallengeID int    `json:"challenge_id,omitempty"`
	Actor       string `json:"actor"`
	AuditSeq    int64  `json:"audit_seq"`
}

// queueWebhooks writes, in tx, a delivery of the audit event for each of the endpoints
// subscribed to its action; it reports whether it wrote any.
func queueWebhooks(ctx context.Context, tx *ent.Tx, endpoints []*ent.WebhookEndpoint, ev ChainedEvent) (bool, error) {
	if !domain.IsWebhookEvent(ev.Action) {
		return false, nil
	}
	ctx = authz.AsSystem(ctx, webhooksName)
	queued := false
	for _, e := range endpoints {
		if !slices.Contains(e.Events, ev.Action) {
			continue
		}
		body, err := json.Marshal(WebhookPayload{Type: ev.Action, Timestamp: ev.At, Data: WebhookData{
			RecordType: ev.RecordType, RecordID: ev.RecordID, ChallengeID: ev.ChallengeID, Actor: ev.Actor, AuditSeq: ev.Seq}})
		if err != nil {
			return queued, err
		}
		if err := tx.WebhookDelivery.Create().SetEndpointID(e.ID).SetMessageID(fmt.Sprintf("msg_%d_%d", ev.Seq, e.ID)).
			SetEvent(ev.Action).SetPayload(body).Exec(ctx); err != nil {
			return queued, err
		}
		queued = true
	}
	return queued, nil
}

// liveEndpoints are the webhook endpoints deliveries are queued for.
func liveEndpoints(ctx context.Context, tx *ent.Tx) ([]*ent.WebhookEndpoint, error) {
	return tx.WebhookEndpoint.Query().Where(webhookendpoint.DisabledAtIsNil()).All(authz.AsSystem(ctx, webhooksName))
}

// WebhooksWaiting writes, in tx, the signal that wakes the webhook workflow once tx commits.
func WebhooksWaiting(ctx context.Context, tx *ent.Tx) error {
	return tx.OutboxMessage.Create().SetWorkflowID(WebhookWorkflowID).SetSignal(SignalWebhookWaiting).SetPayload([]byte("{}")).Exec(ctx)
}

// WaitingWebhooks lists deliveries to make, oldest first, leaving out those in flight.
func (a *Activities) WaitingWebhooks(ctx context.Context, in WaitingInput) (WaitingResult, error) {
	ctx = authz.AsSystem(ctx, webhooksName)
	if in.Limit <= 0 {
		in.Limit = 50
	}
	q := a.DB.WebhookDelivery.Query().Where(webhookdelivery.StateEQ(webhookdelivery.StatePending)).
		Order(ent.Asc(webhookdelivery.FieldID)).Limit(in.Limit)
	if len(in.Skip) > 0 {
		q.Where(webhookdelivery.IDNotIn(in.Skip...))
	}
	ids, err := q.IDs(ctx)
	return WaitingResult{IDs: ids}, err
}

// DeliverWebhookInput names the delivery.
type DeliverWebhookInput struct{ DeliveryID int }

// DeliverWebhooks delivers a batch of webhook deliveries, each as DeliverWebhook does, a few at
// once.
func (a *Activities) DeliverWebhooks(ctx context.Context, in SendBatchInput) (SendBatchResult, error) {
	return sendEach(ctx, in.IDs, func(id int) error { return a.DeliverWebhook(ctx, DeliverWebhookInput{DeliveryID: id}) }), nil
}

// DeliverWebhook makes one attempt at a delivery, signed with the endpoint's secrets in use,
// and records it. A receiver that does not answer 2xx is tried again by the workflow with
// backoff; after WebhookAttempts the delivery is failed, to be sent again by the programme.
// Webhooks are delivered at least once: a receiver tells a repeat by its webhook-id.
func (a *Activities) DeliverWebhook(ctx context.Context, in DeliverWebhookInput) error {
	ctx = authz.AsSystem(ctx, webhooksName)
	d, err := a.DB.WebhookDelivery.Query().Where(webhookdelivery.ID(in.DeliveryID)).WithEndpoint().Only(ctx)
	if err != nil {
		return err
	}
	if d.State != webhookdelivery.StatePending {
		return nil
	}
	e := d.Edges.Endpoint
	now := time.Now().UTC()
	if e.DisabledAt != nil {
		return a.DB.WebhookDelivery.UpdateOne(d).SetState(webhookdelivery.StateFailed).
			SetLastError("The endpoint was disabled before this was delivered.").Exec(ctx)
	}
	client := a.Webhooks
	if client == nil {
		client = webhook.NewClient(nil)
	}
	res := client.Send(ctx, e.URL, d.MessageID, now, d.Payload, domain.SecretsInUse(e.Secrets, now))
	up := a.DB.WebhookDelivery.UpdateOne(d).AddAttempts(1).SetLastStatus(res.Status).SetLastAttemptAt(now).SetLastError(res.Error)
	switch {
	case res.Delivered():
		return up.SetState(webhookdelivery.StateDelivered).SetDeliveredAt(now).Exec(ctx)
	case res.Refused: // the same address again would be refused again
		return up.SetState(webhookdelivery.StateFailed).Exec(ctx)
	case d.Attempts+1 >= int(WebhookAttempts): // counted in the records: a batch's try and each retry's
		return up.SetState(webhookdelivery.StateFailed).SetLastError(fmt.Sprintf("Given up after %d attempts: %s", d.Attempts+1, res.Error)).Exec(ctx)
	}
	if err := up.Exec(ctx); err != nil {
		return err
	}
	return errors.New(res.Error)
}
