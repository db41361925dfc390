package api

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// WebhookView is a registered endpoint; its secrets are never shown again after they are made.
type WebhookView struct {
	ID          int        `json:"id"`
	URL         string     `json:"url"`
	Description string     `json:"description"`
	Events      []string   `json:"events"`
	Secrets     []string   `json:"secrets"` // when each secret in use was made, and when it ends
	CreatedAt   time.Time  `json:"created_at"`
	DisabledAt  *time.Time `json:"disabled_at,omitempty"`
}

// WebhookViewOf is a webhook endpoint as the API shows it.
func WebhookViewOf(e *ent.WebhookEndpoint) WebhookView {
	v := WebhookView{ID: e.ID, URL: e.URL, Description: e.Description, Events: e.Events, CreatedAt: e.CreatedAt, DisabledAt: e.DisabledAt, Secrets: []string{}}
	for _, s := range e.Secrets {
		line := "made " + s.CreatedAt.In(domain.London).Format("2 January 2006 3:04pm")
		if s.EndsAt != nil {
			line += ", ends " + s.EndsAt.In(domain.London).Format("2 January 2006 3:04pm")
		}
		v.Secrets = append(v.Secrets, line)
	}
	return v
}

// WebhookDeliveryView is one delivery in an endpoint's log.
type WebhookDeliveryView struct {
	ID          int             `json:"id"`
	MessageID   string          `json:"message_id"`
	Event       string          `json:"event"`
	State       string          `json:"state"`
	Attempts    int             `json:"attempts"`
	LastStatus  int             `json:"last_status,omitempty"`
	LastError   string          `json:"last_error,omitempty"`
	Payload     json.RawMessage `json:"payload"`
	WrittenAt   time.Time       `json:"written_at"`
	DeliveredAt *time.Time      `json:"delivered_at,omitempty"`
}

// WebhookDeliveryViewOf is a webhook delivery as the API shows it.
func WebhookDeliveryViewOf(d *ent.WebhookDelivery) WebhookDeliveryView {
	return WebhookDeliveryView{ID: d.ID, MessageID: d.MessageID, Event: d.Event, State: string(d.State), Attempts: d.Attempts,
		LastStatus: d.LastStatus, LastError: d.LastError, Payload: d.Payload, WrittenAt: d.CreatedAt, DeliveredAt: d.DeliveredAt}
}

// RegisterWebhookRequest registers an endpoint.
type RegisterWebhookRequest struct {
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Events      []string `json:"events"`
}

// WebhookSecretView is a new secret, shown once.
type WebhookSecretView struct {
	Endpoint WebhookView `json:"endpoint"`
	Secret   string      `json:"secret"`
}

func (s *Server) listWebhooks(c echo.Context) error {
	es, err := s.Svc.Webhooks(c.Request().Context())
	if err != nil {
		return err
	}
	out := struct {
		Items []WebhookView `json:"items"`
	}{Items: []WebhookView{}}
	for _, e := range es {
		out.Items = append(out.Items, WebhookViewOf(e))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) registerWebhook(c echo.Context) error {
	var req RegisterWebhookRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	e, secret, err := s.Svc.RegisterWebhook(c.Request().Context(), service.RegisterWebhook{URL: req.URL, Description: req.Description, Events: req.Events})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, WebhookSecretView{Endpoint: WebhookViewOf(e), Secret: secret})
}

func (s *Server) webhookDeliveries(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	after, limit, err := pageArgs(c)
	if err != nil {
		return err
	}
	ds, _, err := s.Svc.WebhookDeliveries(c.Request().Context(), id, service.Page{After: after, Limit: limit})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(ds, limit, func(d *ent.WebhookDelivery) int { return d.ID }, WebhookDeliveryViewOf))
}

func (s *Server) rotateWebhookSecret(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	secret, err := s.Svc.RotateWebhookSecret(ctx, id)
	if err != nil {
		return err
	}
	e, err := s.Svc.Webhook(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, WebhookSecretView{Endpoint: WebhookViewOf(e), Secret: secret})
}

func (s *Server) disableWebhook(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	e, err := s.Svc.DisableWebhook(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, WebhookViewOf(e))
}

func (s *Server) sendWebhookAgain(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	d, err := s.Svc.SendWebhookAgain(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, WebhookDeliveryViewOf(d))
}
