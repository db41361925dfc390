package web

import (
	"fmt"
	"net/http"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

type webhooksPage struct {
	Endpoints []api.WebhookView
	Form      ui.Form
	Events    []ui.Option
}

func (s *Server) webhooksPage(c echo.Context) error {
	return s.renderWebhooks(c, http.StatusOK, ui.Form{Values: map[string]string{}, Multi: map[string][]string{}})
}

func (s *Server) renderWebhooks(c echo.Context, status int, form ui.Form) error {
	es, err := s.Svc.Webhooks(c.Request().Context())
	if err != nil {
		return err
	}
	p := webhooksPage{Form: form}
	for _, e := range es {
		p.Endpoints = append(p.Endpoints, api.WebhookViewOf(e))
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
	e, secret, err := s.Svc.RegisterWebhook(c.Request().Context(), service.RegisterWebhook{URL: form.Values["url"],
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
	Endpoint   api.WebhookView
	Deliveries []api.WebhookDeliveryView
	Secret     string
	Done       string
	Pager      pager
}

func (s *Server) webhookPage(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	return s.renderWebhook(c, id, "", c.QueryParam("done"))
}

// deliveriesPerPage is how many deliveries a page of an endpoint's log shows.
const deliveriesPerPage = 100

func (s *Server) renderWebhook(c echo.Context, id int, secret, done string) error {
	ctx := c.Request().Context()
	e, err := s.Svc.Webhook(ctx, id)
	if err != nil {
		return err
	}
	n := pageNumber(c)
	ds, total, err := s.Svc.WebhookDeliveries(ctx, id, service.Page{Limit: deliveriesPerPage, Offset: (n - 1) * deliveriesPerPage})
	if err != nil {
		return err
	}
	p := webhookPage{Endpoint: api.WebhookViewOf(e), Secret: secret, Done: done}
	for _, d := range ds[:min(len(ds), deliveriesPerPage)] {
		p.Deliveries = append(p.Deliveries, api.WebhookDeliveryViewOf(d))
	}
	p.Pager = newPager(c, n, deliveriesPerPage, total, len(p.Deliveries), "deliveries")
	return s.render(c, http.StatusOK, "webhook", e.URL, "webhooks", p)
}

func (s *Server) rotateWebhookSecretForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	secret, err := s.Svc.RotateWebhookSecret(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderWebhook(c, id, secret, "")
}

func (s *Server) disableWebhookForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.DisableWebhook(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/webhooks/%d?done=disabled", id))
}

func (s *Server) sendWebhookAgainForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	d, err := s.Svc.SendWebhookAgain(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/webhooks/%d?done=again", d.EndpointID))
}
