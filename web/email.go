package web

import (
	"fmt"
	"net/http"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
)

// UnsubscribeEmailView says what an email's unsubscribe link stopped.
type UnsubscribeEmailView struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Stopped bool   `json:"stopped"`
}

type emailChoicesPage struct {
	Kinds  []api.EmailKindView
	AllOff bool
	Saved  bool
}

func (s *Server) emailChoicesPage(c echo.Context) error {
	choices, allOff, err := s.Svc.EmailChoices(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "email_choices", "Choose your emails", "notices",
		emailChoicesPage{Kinds: api.EmailChoicesViewOf(choices, allOff).Kinds, AllOff: allOff, Saved: c.QueryParam("saved") == "1"})
}

// emailChoicesForm saves the page's choices: each kind ticked is on, the rest off, and "stop
// all" turns every email off whatever is ticked.
func (s *Server) emailChoicesForm(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	on := map[string]bool{}
	for _, k := range form["on"] {
		on[k] = true
	}
	var off []string
	for _, t := range domain.NoticeTemplates {
		if !on[string(t)] {
			off = append(off, string(t))
		}
	}
	if c.FormValue("stop_all") == "yes" {
		off = append(off, domain.EmailAll)
	}
	if err := s.Svc.SetEmailChoices(c.Request().Context(), off); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, service.EmailChoicesPath+"?saved=1")
}

type unsubscribePage struct {
	service.Unsubscription
	Token string
	Done  bool
}

func (s *Server) emailUnsubscribePage(c echo.Context) error {
	u, err := s.Svc.UnsubscribeLink(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "email_unsubscribe", "Stop these emails", "", unsubscribePage{Unsubscription: u, Token: c.Param("token")})
}

// emailUnsubscribeForm stops the emails, from the page's button or a mail program's one-click
// unsubscribe (RFC 8058), which posts List-Unsubscribe=One-Click with no session.
func (s *Server) emailUnsubscribeForm(c echo.Context) error {
	u, err := s.Svc.UnsubscribeEmail(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	if c.FormValue("List-Unsubscribe") == "One-Click" {
		return c.JSON(http.StatusOK, UnsubscribeEmailView{Kind: string(u.Kind), Subject: u.Subject, Stopped: true})
	}
	return s.render(c, http.StatusOK, "email_unsubscribe", "Emails stopped", "", unsubscribePage{Unsubscription: u, Token: c.Param("token"), Done: true})
}

type emailsPage struct {
	Emails []api.EmailView
	Counts map[string]int
	State  string
	States []string
	Again  string // the email just put back in the queue
	Pager  pager
}

// emailsPerPage is how many emails a page of the list shows.
const emailsPerPage = 100

func (s *Server) emailsPage(c echo.Context) error {
	state := c.QueryParam("state")
	n := pageNumber(c)
	rows, counts, err := s.Svc.Emails(c.Request().Context(), service.EmailFilter{State: state,
		Page: service.Page{Limit: emailsPerPage, Offset: (n - 1) * emailsPerPage}})
	if err != nil {
		return err
	}
	data := emailsPage{Counts: counts, State: state, States: []string{"failed", "pending", "sending", "sent"}, Again: c.QueryParam("again")}
	for i, r := range rows {
		if i == emailsPerPage {
			break
		}
		data.Emails = append(data.Emails, api.EmailViewOf(r))
	}
	total := counts[state]
	if state == "" {
		total = 0
		for _, n := range counts {
			total += n
		}
	}
	data.Pager = newPager(c, n, emailsPerPage, total, len(data.Emails), "emails")
	return s.render(c, http.StatusOK, "emails", "Emails", "emails", data)
}

func (s *Server) sendEmailAgainForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	e, err := s.Svc.SendEmailAgain(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/emails?again=%d", e.ID))
}
