package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// EmailKindView is one kind of notice and whether the person gets it by email.
type EmailKindView struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	On      bool   `json:"on"`
}

// EmailChoicesView is a person's email choices.
type EmailChoicesView struct {
	// Off lists the kinds turned off; "all" turns every email off.
	Off   []string        `json:"off"`
	Kinds []EmailKindView `json:"kinds"`
}

// EmailChoicesRequest sets which kinds of notice the person does not want by email.
type EmailChoicesRequest struct {
	Off []string `json:"off"`
}

func emailChoicesView(choices []service.EmailChoice, allOff bool) EmailChoicesView {
	v := EmailChoicesView{Off: []string{}, Kinds: make([]EmailKindView, len(choices))}
	if allOff {
		v.Off = append(v.Off, domain.EmailAll)
	}
	for i, c := range choices {
		v.Kinds[i] = EmailKindView{Kind: string(c.Kind), Subject: c.Subject, On: c.On}
		if !c.On {
			v.Off = append(v.Off, string(c.Kind))
		}
	}
	return v
}

func (s *Server) getEmailChoices(c echo.Context) error {
	choices, allOff, err := s.svc.EmailChoices(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, emailChoicesView(choices, allOff))
}

func (s *Server) setEmailChoices(c echo.Context) error {
	var req EmailChoicesRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Off == nil { // the document requires it: {} must not switch every email back on
		return domain.Problems{{Field: "off", Message: `List the kinds of email to turn off, as "off": [] for none`}}
	}
	if err := s.svc.SetEmailChoices(c.Request().Context(), req.Off); err != nil {
		return err
	}
	return s.getEmailChoices(c)
}

// EmailView is one email Catalyst wrote, as the programme team sees it.
type EmailView struct {
	ID        int        `json:"id"`
	To        string     `json:"to"`
	Kind      string     `json:"kind"`
	Subject   string     `json:"subject"`
	Reference string     `json:"reference"`
	State     string     `json:"state"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	WrittenAt time.Time  `json:"written_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

func emailView(e *ent.Email) EmailView {
	return EmailView{ID: e.ID, To: e.To, Kind: e.Template, Subject: domain.NoticeTemplate(e.Template).Subject(nil),
		Reference: service.EmailReference(e), State: string(e.State), Attempts: e.Attempts,
		LastError: e.LastError, WrittenAt: e.CreatedAt, SentAt: e.SentAt}
}

// EmailListView is a page of emails with how many are in each state.
type EmailListView struct {
	Page[EmailView]
	Counts map[string]int `json:"counts"`
}

func (s *Server) listEmails(c echo.Context) error {
	after, limit, err := pageArgs(c)
	if err != nil {
		return err
	}
	rows, counts, err := s.svc.Emails(c.Request().Context(), service.EmailFilter{State: c.QueryParam("state"), Page: service.Page{After: after, Limit: limit}})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, EmailListView{Page: pageOf(rows, limit, func(e *ent.Email) int { return e.ID }, emailView), Counts: counts})
}

func (s *Server) sendEmailAgain(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := s.svc.SendEmailAgain(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, emailView(e))
}

// UnsubscribeEmailView says what an email's unsubscribe link stopped.
type UnsubscribeEmailView struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Stopped bool   `json:"stopped"`
}

// The pages.

type emailChoicesPage struct {
	Kinds  []EmailKindView
	AllOff bool
	Saved  bool
}

func (s *Server) emailChoicesPage(c echo.Context) error {
	choices, allOff, err := s.svc.EmailChoices(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "email_choices", "Choose your emails", "notices",
		emailChoicesPage{Kinds: emailChoicesView(choices, allOff).Kinds, AllOff: allOff, Saved: c.QueryParam("saved") == "1"})
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
	if err := s.svc.SetEmailChoices(c.Request().Context(), off); err != nil {
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
	u, err := s.svc.UnsubscribeLink(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "email_unsubscribe", "Stop these emails", "", unsubscribePage{Unsubscription: u, Token: c.Param("token")})
}

// emailUnsubscribeForm stops the emails, from the page's button or a mail program's one-click
// unsubscribe (RFC 8058), which posts List-Unsubscribe=One-Click with no session.
func (s *Server) emailUnsubscribeForm(c echo.Context) error {
	u, err := s.svc.UnsubscribeEmail(c.Request().Context(), c.Param("token"))
	if err != nil {
		return err
	}
	if c.FormValue("List-Unsubscribe") == "One-Click" {
		return c.JSON(http.StatusOK, UnsubscribeEmailView{Kind: string(u.Kind), Subject: u.Subject, Stopped: true})
	}
	return s.render(c, http.StatusOK, "email_unsubscribe", "Emails stopped", "", unsubscribePage{Unsubscription: u, Token: c.Param("token"), Done: true})
}

type emailsPage struct {
	Emails []EmailView
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
	rows, counts, err := s.svc.Emails(c.Request().Context(), service.EmailFilter{State: state,
		Page: service.Page{Limit: emailsPerPage, Offset: (n - 1) * emailsPerPage}})
	if err != nil {
		return err
	}
	data := emailsPage{Counts: counts, State: state, States: []string{"failed", "pending", "sending", "sent"}, Again: c.QueryParam("again")}
	for i, r := range rows {
		if i == emailsPerPage {
			break
		}
		data.Emails = append(data.Emails, emailView(r))
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
	id, err := pathID(c)
	if err != nil {
		return err
	}
	e, err := s.svc.SendEmailAgain(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/emails?again=%d", e.ID))
}
