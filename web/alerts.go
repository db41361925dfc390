package web

import (
	"errors"
	"net/http"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// alertsPageData is the alerts page.
type alertsPageData struct {
	Form    ui.Form
	Fields  []string
	Done    *ent.Alert
	Yours   *ent.Alert
	Notices []api.AlertNoticeView
}

func (s *Server) alertsData(c echo.Context, form ui.Form) (alertsPageData, error) {
	d := alertsPageData{Form: form}
	for _, f := range domain.Fields {
		d.Fields = append(d.Fields, string(f))
	}
	a, notices, err := s.Svc.YourAlert(c.Request().Context())
	if err != nil {
		return d, err
	}
	if a != nil {
		d.Yours = a
		d.Notices = api.AlertViewOf(a, notices).Notices
	}
	return d, nil
}

func (s *Server) alertsPage(c echo.Context) error {
	f := ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}
	if v, ok := api.CurrentViewer(c); ok {
		f.Values["email"] = v.Email
	}
	if field := c.QueryParam("field"); field != "" {
		f.Multi["fields"] = []string{field}
	}
	d, err := s.alertsData(c, f)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "alerts", "Alerts for new competitions", "competitions", d)
}

func (s *Server) subscribeForm(c echo.Context) error {
	form, _ := c.FormParams()
	f := ui.Form{Values: map[string]string{"email": c.FormValue("email")}, Multi: map[string][]string{"fields": form["fields"]}}
	a, err := s.Svc.Subscribe(c.Request().Context(), service.Subscribe{Email: f.Values["email"], Fields: form["fields"]})
	d, derr := s.alertsData(c, f)
	if derr != nil {
		return derr
	}
	if errors.As(err, &d.Form.Problems) {
		return s.render(c, http.StatusUnprocessableEntity, "alerts", "Error: Alerts for new competitions", "competitions", d)
	}
	if err != nil {
		return err
	}
	d.Done = a
	return s.render(c, http.StatusOK, "alerts", "You will hear of new competitions", "competitions", d)
}

type unsubscribeData struct {
	Alert   *ent.Alert
	Token   string
	Stopped bool
}

func (s *Server) unsubscribePage(c echo.Context) error {
	a, err := s.Svc.AlertByToken(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "alert_unsubscribe", "Stop alerts", "competitions", unsubscribeData{Alert: a, Token: c.Param("token")})
}

// unsubscribeForm stops the alert. It takes a one-click unsubscribe (RFC 8058) from a mail
// client the same way as the page's button.
func (s *Server) unsubscribeForm(c echo.Context) error {
	a, err := s.Svc.Unsubscribe(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "alert_unsubscribe", "Alerts stopped", "competitions", unsubscribeData{Alert: a, Token: c.Param("token"), Stopped: true})
}
