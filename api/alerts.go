package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/time/rate"

	"github.com/catalyst-sbri/catalyst/domain"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// Alerts: anyone with an email address asks to hear when a competition opens in their fields,
// and stops from the link every notice carries, without signing in.

// PerAddress limits a public form to perMinute requests from one address: sign-in, so passwords
// elsewhere and codes here cannot be hammered through Catalyst; alerts, so they cannot fill the
// database or, once email goes out, someone's inbox. Every answer says the policy and what is
// left of it (the RateLimit-Policy and RateLimit fields of the IETF httpapi draft), and a 429
// says when to try again (Retry-After), so a client need not guess.
func PerAddress(perMinute int, kind, title string) echo.MiddlewareFunc {
	store := &addressLimits{rate: rate.Limit(float64(perMinute) / 60), burst: perMinute, limits: map[string]*addressLimit{}}
	policy := fmt.Sprintf(`"per-address";q=%d;w=60`, perMinute)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			allowed, left, full, retry := store.take(c.RealIP(), time.Now())
			h := c.Response().Header()
			h.Set("RateLimit-Policy", policy)
			h.Set("RateLimit", fmt.Sprintf(`"per-address";r=%d;t=%d`, left, full))
			if !allowed {
				h.Set("Retry-After", strconv.Itoa(retry))
				return NewProblem(http.StatusTooManyRequests, kind, title,
					fmt.Sprintf("wait %s, then try again", domain.Plural(retry, "second", "seconds")))
			}
			return next(c)
		}
	}
}

// addressLimits is a token bucket per address (golang.org/x/time/rate), forgotten once full and
// unused for ten minutes.
type addressLimits struct {
	mu     sync.Mutex
	rate   rate.Limit
	burst  int
	limits map[string]*addressLimit
	swept  time.Time
}

type addressLimit struct {
	*rate.Limiter
	used time.Time
}

// take spends one request of the address's quota if it can. It says what is left, the seconds
// until the quota is whole again, and when refused, the seconds until one request is allowed.
func (s *addressLimits) take(address string, now time.Time) (allowed bool, left, full, retry int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.swept) > time.Minute {
		for a, l := range s.limits {
			if now.Sub(l.used) > 10*time.Minute {
				delete(s.limits, a)
			}
		}
		s.swept = now
	}
	l := s.limits[address]
	if l == nil {
		l = &addressLimit{Limiter: rate.NewLimiter(s.rate, s.burst)}
		s.limits[address] = l
	}
	l.used = now
	allowed = l.AllowN(now, 1)
	tokens := l.TokensAt(now)
	seconds := func(missing float64) int { return int(math.Ceil(missing / float64(s.rate))) }
	full = seconds(float64(s.burst) - tokens)
	if !allowed {
		retry = max(seconds(1-tokens), 1)
	}
	return allowed, max(int(tokens), 0), full, retry
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
