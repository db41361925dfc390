package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
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

func webhookView(e *ent.WebhookEndpoint) WebhookView {
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

func webhookDeliveryView(d *ent.WebhookDelivery) WebhookDeliveryView {
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
	es, err := s.svc.Webhooks(c.Request().Context())
	if err != nil {
		return err
	}
	out := struct {
		Items []WebhookView `json:"items"`
	}{Items: []WebhookView{}}
	for _, e := range es {
		out.Items = append(out.Items, webhookView(e))
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) registerWebhook(c echo.Context) error {
	var req RegisterWebhookRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	e, secret, err := s.svc.RegisterWebhook(c.Request().Context(), service.RegisterWebhook{URL: req.URL, Description: req.Description, Events: req.Events})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, WebhookSecretView{Endpoint: webhookView(e), Secret: secret})
}

func (s *Server) webhookDeliveries(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	after, limit, err := pageArgs(c)
	if err != nil {
		return err
	}
	ds, _, err := s.svc.WebhookDeliveries(c.Request().Context(), id, service.Page{After: after, Limit: limit})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(ds, limit, func(d *ent.WebhookDelivery) int { return d.ID }, webhookDeliveryView))
}

func (s *Server) rotateWebhookSecret(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	secret, err := s.svc.RotateWebhookSecret(ctx, id)
	if err != nil {
		return err
	}
	e, err := s.svc.Webhook(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, WebhookSecretView{Endpoint: webhookView(e), Secret: secret})
}

func (s *Server) disableWebhook(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := s.svc.DisableWebhook(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, webhookView(e))
}

func (s *Server) sendWebhookAgain(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.svc.SendWebhookAgain(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, webhookDeliveryView(d))
}

// The pages.

type webhooksPage struct {
	Endpoints []WebhookView
	Form      ui.Form
	Events    []ui.Option
}

func (s *Server) webhooksPage(c echo.Context) error {
	return s.renderWebhooks(c, http.StatusOK, ui.Form{Values: map[string]string{}, Multi: map[string][]string{}})
}

func (s *Server) renderWebhooks(c echo.Context, status int, form ui.Form) error {
	es, err := s.svc.Webhooks(c.Request().Context())
	if err != nil {
		return err
	}
	p := webhooksPage{Form: form}
	for _, e := range es {
		p.Endpoints = append(p.Endpoints, webhookView(e))
	}
	for _, ev := range domain.WebhookEvents {
		checked := false
		for _, v := range form.Multi["events"] {
			checked = checked || v == ev.Type
		}
		p.Events = append(p.Events, ui.Option{Value: ev.Type, Label: ev.Label + " (" + ev.Type + ")", Checked: checked})
	}
	return s.render(c, status, "webhooks", form.Title("Webhooks"), "webhooks", p)
}

func (s *Server) registerWebhookForm(c echo.Context) error {
	form := ui.Form{Values: map[string]string{"url": c.FormValue("url"), "description": c.FormValue("description")},
		Multi: map[string][]string{"events": c.Request().Form["events"]}}
	e, secret, err := s.svc.RegisterWebhook(c.Request().Context(), service.RegisterWebhook{URL: form.Values["url"],
		Description: form.Values["description"], Events: form.Multi["events"]})
	if err != nil {
		if form.Problems, err = fieldProblems(err, "url", ""); err != nil {
			return err
		}
		return s.renderWebhooks(c, http.StatusUnprocessableEntity, form)
	}
	// The secret is shown on this answer alone: it is in no URL and no later page.
	return s.renderWebhook(c, e.ID, secret, "")
}

type webhookPage struct {
	Endpoint   WebhookView
	Deliveries []WebhookDeliveryView
	Secret     string
	Done       string
	Pager      pager
}

func (s *Server) webhookPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderWebhook(c, id, "", c.QueryParam("done"))
}

// deliveriesPerPage is how many deliveries a page of an endpoint's log shows.
const deliveriesPerPage = 100

func (s *Server) renderWebhook(c echo.Context, id int, secret, done string) error {
	ctx := c.Request().Context()
	e, err := s.svc.Webhook(ctx, id)
	if err != nil {
		return err
	}
	n := pageNumber(c)
	ds, total, err := s.svc.WebhookDeliveries(ctx, id, service.Page{Limit: deliveriesPerPage, Offset: (n - 1) * deliveriesPerPage})
	if err != nil {
		return err
	}
	p := webhookPage{Endpoint: webhookView(e), Secret: secret, Done: done}
	for _, d := range ds[:min(len(ds), deliveriesPerPage)] {
		p.Deliveries = append(p.Deliveries, webhookDeliveryView(d))
	}
	p.Pager = newPager(c, n, deliveriesPerPage, total, len(p.Deliveries), "deliveries")
	return s.render(c, http.StatusOK, "webhook", e.URL, "webhooks", p)
}

func (s *Server) rotateWebhookSecretForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	secret, err := s.svc.RotateWebhookSecret(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderWebhook(c, id, secret, "")
}

func (s *Server) disableWebhookForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.DisableWebhook(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/webhooks/%d?done=disabled", id))
}

func (s *Server) sendWebhookAgainForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.svc.SendWebhookAgain(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/webhooks/%d?done=again", d.EndpointID))
}
