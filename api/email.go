package api

import (
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

// EmailChoicesViewOf is a person's email choices as the API shows them.
func EmailChoicesViewOf(choices []service.EmailChoice, allOff bool) EmailChoicesView {
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
	choices, allOff, err := s.Svc.EmailChoices(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, EmailChoicesViewOf(choices, allOff))
}

func (s *Server) setEmailChoices(c echo.Context) error {
	var req EmailChoicesRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Off == nil { // the document requires it: {} must not switch every email back on
		return domain.Problems{{Field: "off", Message: `List the kinds of email to turn off, as "off": [] for none`}}
	}
	if err := s.Svc.SetEmailChoices(c.Request().Context(), req.Off); err != nil {
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

// EmailViewOf is an email as the API shows it.
func EmailViewOf(e *ent.Email) EmailView {
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
	rows, counts, err := s.Svc.Emails(c.Request().Context(), service.EmailFilter{State: c.QueryParam("state"), Page: service.Page{After: after, Limit: limit}})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, EmailListView{Page: pageOf(rows, limit, func(e *ent.Email) int { return e.ID }, EmailViewOf), Counts: counts})
}

func (s *Server) sendEmailAgain(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	e, err := s.Svc.SendEmailAgain(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, EmailViewOf(e))
}
