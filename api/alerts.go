package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// Alerts: anyone with an email address asks to hear when a competition opens in their fields,
// and stops from the link every notice carries, without signing in.

// perAddress limits a public form to perMinute requests from one address: sign-in, so passwords
// elsewhere and codes here cannot be hammered through Catalyst; alerts, so they cannot fill the
// database or, once email goes out, someone's inbox.
func perAddress(perMinute int, kind, title string) echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(float64(perMinute) / 60), Burst: perMinute, ExpiresIn: 10 * time.Minute}),
		ErrorHandler: func(c echo.Context, err error) error { return err },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			return newProblem(http.StatusTooManyRequests, kind, title, "wait a minute, then try again")
		},
	})
}

// AlertRequest asks for alerts for fields; the email defaults to the signed-in person's.
type AlertRequest struct {
	Email  string   `json:"email"`
	Fields []string `json:"fields"`
}

// AlertView is an alert as its owner sees it. The unsubscribe link is only ever in the notices.
type AlertView struct {
	Email   string            `json:"email"`
	Fields  []string          `json:"fields"`
	Active  bool              `json:"active"`
	Notices []AlertNoticeView `json:"notices,omitempty"`
}

// AlertNoticeView is one notice an alert sent.
type AlertNoticeView struct {
	CompetitionID int       `json:"competition_id"`
	Text          string    `json:"text"`
	SentAt        time.Time `json:"sent_at"`
}

func alertView(a *ent.Alert, notices []*ent.AlertNotice) AlertView {
	v := AlertView{Email: a.Email, Fields: a.Fields, Active: a.UnsubscribedAt == nil}
	for _, n := range notices {
		v.Notices = append(v.Notices, AlertNoticeView{CompetitionID: n.CompetitionID, Text: service.AlertText(n), SentAt: n.CreatedAt})
	}
	return v
}

func (s *Server) subscribe(c echo.Context) error {
	var req AlertRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	a, err := s.svc.Subscribe(c.Request().Context(), service.Subscribe{Email: req.Email, Fields: req.Fields})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, alertView(a, nil))
}

// UnsubscribeRequest stops an alert: the token is the last part of the notice's link.
type UnsubscribeRequest struct {
	Token string `json:"token"`
}

func (s *Server) unsubscribe(c echo.Context) error {
	var req UnsubscribeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	a, err := s.svc.Unsubscribe(c.Request().Context(), req.Token)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, alertView(a, nil))
}

func (s *Server) yourAlert(c echo.Context) error {
	a, notices, err := s.svc.YourAlert(c.Request().Context())
	if err != nil {
		return err
	}
	if a == nil { // none yet: an empty alert for the person's address
		v, _ := currentViewer(c)
		return c.JSON(http.StatusOK, AlertView{Email: v.Email, Fields: []string{}})
	}
	return c.JSON(http.StatusOK, alertView(a, notices))
}

// alertsPageData is the alerts page.
type alertsPageData struct {
	Form    ui.Form
	Fields  []string
	Done    *ent.Alert
	Yours   *ent.Alert
	Notices []AlertNoticeView
}

func (s *Server) alertsData(c echo.Context, form ui.Form) (alertsPageData, error) {
	d := alertsPageData{Form: form}
	for _, f := range domain.Fields {
		d.Fields = append(d.Fields, string(f))
	}
	a, notices, err := s.svc.YourAlert(c.Request().Context())
	if err != nil {
		return d, err
	}
	if a != nil {
		d.Yours = a
		d.Notices = alertView(a, notices).Notices
	}
	return d, nil
}

func (s *Server) alertsPage(c echo.Context) error {
	f := ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}
	if v, ok := currentViewer(c); ok {
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
	a, err := s.svc.Subscribe(c.Request().Context(), service.Subscribe{Email: f.Values["email"], Fields: form["fields"]})
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
	a, err := s.svc.AlertByToken(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "alert_unsubscribe", "Stop alerts", "competitions", unsubscribeData{Alert: a, Token: c.Param("token")})
}

// unsubscribeForm stops the alert. It takes a one-click unsubscribe (RFC 8058) from a mail
// client the same way as the page's button.
func (s *Server) unsubscribeForm(c echo.Context) error {
	a, err := s.svc.Unsubscribe(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "alert_unsubscribe", "Alerts stopped", "competitions", unsubscribeData{Alert: a, Token: c.Param("token"), Stopped: true})
}
