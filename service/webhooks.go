package service

import (
	"context"
	"net/url"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/webhookdelivery"
	"github.com/catalyst-sbri/catalyst/ent/webhookendpoint"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/webhook"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// The programme's webhook endpoints: registered with the events they choose from
// domain.WebhookEvents, a secret shown once, rotated with the old one signing beside the new for
// domain.SecretOverlap, disabled; each endpoint's delivery log, and a failed delivery sent again
// with its webhook-id.

// webhooksName is the identity webhook endpoints are written as, after the service's checks.
const webhooksName = "webhooks"

// RegisterWebhook is an endpoint the programme registers.
type RegisterWebhook struct {
	URL         string
	Description string
	Events      []string
}

// RegisterWebhook registers an endpoint and returns it with its signing secret, shown this
// once: only the receiver keeps it.
func (s *Service) RegisterWebhook(ctx context.Context, in RegisterWebhook) (*ent.WebhookEndpoint, string, error) {
	if err := requireProgramme(ctx); err != nil {
		return nil, "", err
	}
	e := domain.WebhookEndpoint{URL: in.URL, Description: in.Description, Events: in.Events}
	ps := e.Check()
	if u, err := url.Parse(e.URL); err == nil && ps.For("url") == "" {
		// Its host resolved now; each delivery's connection is checked again as it is dialled.
		if err := s.Outbound.CheckHost(ctx, u.Hostname()); err != nil {
			ps.Add("url", "Catalyst cannot send to this URL: %v", err)
		}
	}
	if err := ps.Err(); err != nil {
		return nil, "", err
	}
	secret := webhook.NewSecret()
	actor := authz.ActorOf(ctx, "")
	sys := authz.AsSystem(ctx, webhooksName)
	var out *ent.WebhookEndpoint
	err := s.DB.WithTx(sys, func(tx *ent.Tx) error {
		var err error
		out, err = tx.WebhookEndpoint.Create().SetURL(e.URL).SetDescription(e.Description).SetEvents(e.Events).
			SetSecrets([]domain.WebhookSecret{{Secret: secret, CreatedAt: time.Now().UTC()}}).SetCreatedBy(actor.Who).Save(sys)
		if err != nil {
			return err
		}
		return records.Audit(ctx, tx, actor, "webhook.registered", "webhook", out.ID, nil, map[string]any{"url": e.URL, "events": e.Events})
	})
	return out, secret, err
}

// Webhooks lists the endpoints, newest first.
func (s *Service) Webhooks(ctx context.Context) ([]*ent.WebhookEndpoint, error) {
	if err := requireProgramme(ctx); err != nil {
		return nil, err
	}
	return s.DB.WebhookEndpoint.Query().Order(ent.Desc(webhookendpoint.FieldID)).All(ctx)
}

// Webhook is one endpoint.
func (s *Service) Webhook(ctx context.Context, id int) (*ent.WebhookEndpoint, error) {
	if err := requireProgramme(ctx); err != nil {
		return nil, err
	}
	e, err := s.DB.WebhookEndpoint.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, notFound("webhook endpoint", id)
	}
	return e, err
}

// WebhookDeliveries is a page of an endpoint's delivery log, newest first: up to Limit+1 after
// the cursor (a delivery ID; 0 from the newest), and how many deliveries there are in all.
func (s *Service) WebhookDeliveries(ctx context.Context, id int, page Page) ([]*ent.WebhookDelivery, int, error) {
	if _, err := s.Webhook(ctx, id); err != nil {
		return nil, 0, err
	}
	q := s.DB.WebhookDelivery.Query().Where(webhookdelivery.EndpointID(id))
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, 0, err
	}
	if page.After != 0 {
		q.Where(webhookdelivery.IDLT(page.After))
	}
	ds, err := q.Order(ent.Desc(webhookdelivery.FieldID)).Offset(page.Offset).Limit(page.Limit + 1).All(ctx)
	return ds, total, err
}

// RotateWebhookSecret gives an endpoint a new secret, shown this once. The old ones keep
// signing for domain.SecretOverlap, so deliveries carry both signatures while the receiver
// changes over.
func (s *Service) RotateWebhookSecret(ctx context.Context, id int) (string, error) {
	e, err := s.Webhook(ctx, id)
	if err != nil {
		return "", err
	}
	if e.DisabledAt != nil {
		return "", conflict("endpoint-disabled", "the endpoint is disabled: register it again rather than give it a secret")
	}
	now := time.Now().UTC()
	ends := now.Add(domain.SecretOverlap)
	var secrets []domain.WebhookSecret
	for _, old := range e.Secrets {
		if old.EndsAt != nil && !now.Before(*old.EndsAt) {
			continue // ended: dropped
		}
		if old.EndsAt == nil {
			old.EndsAt = &ends
		}
		secrets = append(secrets, old)
	}
	secret := webhook.NewSecret()
	secrets = append(secrets, domain.WebhookSecret{Secret: secret, CreatedAt: now})
	sys := authz.AsSystem(ctx, webhooksName)
	return secret, s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if err := tx.WebhookEndpoint.UpdateOneID(id).SetSecrets(secrets).Exec(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "webhook.secret_rotated", "webhook", id, nil, map[string]any{"old_secrets_end": ends})
	})
}

// DisableWebhook stops deliveries to an endpoint; what is waiting is failed, not sent.
func (s *Service) DisableWebhook(ctx context.Context, id int) (*ent.WebhookEndpoint, error) {
	e, err := s.Webhook(ctx, id)
	if err != nil || e.DisabledAt != nil {
		return e, err
	}
	sys := authz.AsSystem(ctx, webhooksName)
	var out *ent.WebhookEndpoint
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if out, err = tx.WebhookEndpoint.UpdateOneID(id).SetDisabledAt(time.Now().UTC()).Save(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "webhook.disabled", "webhook", id, nil, nil)
	})
	return out, err
}

// SendWebhookAgain puts a failed delivery back in the queue from its first attempt, with the
// same webhook-id, once the receiver is mended.
func (s *Service) SendWebhookAgain(ctx context.Context, deliveryID int) (*ent.WebhookDelivery, error) {
	if err := requireProgramme(ctx); err != nil {
		return nil, err
	}
	d, err := s.DB.WebhookDelivery.Query().Where(webhookdelivery.ID(deliveryID)).WithEndpoint().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, notFound("webhook delivery", deliveryID)
	}
	if err != nil {
		return nil, err
	}
	if d.State != webhookdelivery.StateFailed {
		return nil, conflict("not-failed", "this delivery is %s: only a failed delivery is sent again", d.State)
	}
	if d.Edges.Endpoint.DisabledAt != nil {
		return nil, conflict("endpoint-disabled", "the endpoint is disabled: register it again to send to it")
	}
	sys := authz.AsSystem(ctx, webhooksName)
	var out *ent.WebhookDelivery
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if out, err = tx.WebhookDelivery.UpdateOneID(deliveryID).SetState(webhookdelivery.StatePending).SetAttempts(0).Save(sys); err != nil {
			return err
		}
		if err := (workflows.Outbox{Tx: tx}).WebhooksWaiting(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "webhook.send_again", "webhook", d.EndpointID, nil, map[string]any{"delivery": deliveryID})
	})
	return out, err
}
