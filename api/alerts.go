package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// Alerts: anyone with an email address asks to hear when a competition opens in their fields,
// and stops from the link every notice carries, without signing in.

// PerAddress limits a public form to perMinute requests from one address: sign-in, so passwords
// elsewhere and codes here cannot be hammered through Catalyst; alerts, so they cannot fill the
// database or, once email goes out, someone's inbox.
func PerAddress(perMinute int, kind, title string) echo.MiddlewareFunc {
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
			Rate: rate.Limit(float64(perMinute) / 60), Burst: perMinute, ExpiresIn: 10 * time.Minute}),
		ErrorHandler: func(c echo.Context, err error) error { return err },
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			return NewProblem(http.StatusTooManyRequests, kind, title, "wait a minute, then try again")
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

// AlertViewOf is an alert as the API shows it.
func AlertViewOf(a *ent.Alert, notices []*ent.AlertNotice) AlertView {
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
	a, err := s.Svc.Subscribe(c.Request().Context(), service.Subscribe{Email: req.Email, Fields: req.Fields})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, AlertViewOf(a, nil))
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
	a, err := s.Svc.Unsubscribe(c.Request().Context(), req.Token)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, AlertViewOf(a, nil))
}

func (s *Server) yourAlert(c echo.Context) error {
	a, notices, err := s.Svc.YourAlert(c.Request().Context())
	if err != nil {
		return err
	}
	if a == nil { // none yet: an empty alert for the person's address
		v, _ := CurrentViewer(c)
		return c.JSON(http.StatusOK, AlertView{Email: v.Email, Fields: []string{}})
	}
	return c.JSON(http.StatusOK, AlertViewOf(a, notices))
}
