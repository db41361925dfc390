package web

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// A person's own data: the page that shows it, the same document as a download, the person's
// own corrections, and their requests to the programme; and the programme's answers to those,
// on the person's record.

type yourDataPage struct {
	Data api.YourDataView
	Form ui.Form
	Done string
	// ThisSession is the session this page is drawn for, told apart from the person's others.
	ThisSession int
	MaxSessions int
}

func (s *Server) renderYourData(c echo.Context, status int, form ui.Form) error {
	ctx := c.Request().Context()
	d, err := s.Svc.YourData(ctx)
	if err != nil {
		return err
	}
	if form.Values["name"] == "" && len(form.Problems) == 0 {
		form.Values["name"] = d.Person.Name
	}
	p := yourDataPage{Data: api.YourDataViewOf(ctx, d), Form: form, Done: c.QueryParam("done")}
	if sess := api.CurrentSession(c); sess != nil {
		p.ThisSession = sess.ID
	}
	p.MaxSessions = service.MaxSessions
	return s.render(c, status, "your_data", form.Title("Your data"), "your-data", p)
}

func (s *Server) yourDataPage(c echo.Context) error {
	return s.renderYourData(c, http.StatusOK, ui.Form{Values: map[string]string{}})
}

// yourDataDownload is the page's data as one JSON file: the API's document, byte for byte.
func (s *Server) yourDataDownload(c echo.Context) error {
	ctx := c.Request().Context()
	d, err := s.Svc.YourData(ctx)
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(api.YourDataViewOf(ctx, d), "", "  ")
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentDisposition,
		fmt.Sprintf(`attachment; filename="catalyst-your-data-%s.json"`, d.At.In(domain.London).Format("2006-01-02")))
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, append(body, '\n'))
}

// endYourSessionForm ends one of the person's sessions; ending this one signs them out.
func (s *Server) endYourSessionForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if err := s.Svc.EndYourSession(c.Request().Context(), id); err != nil {
		return err
	}
	if sess := api.CurrentSession(c); sess != nil && sess.ID == id {
		return c.Redirect(http.StatusSeeOther, "/")
	}
	return c.Redirect(http.StatusSeeOther, "/your-data?done=session-ended#sessions")
}

func (s *Server) correctYourNameForm(c echo.Context) error {
	form := ui.Form{Values: map[string]string{"name": c.FormValue("name")}}
	_, err := s.Svc.CorrectYourName(c.Request().Context(), form.Values["name"])
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/your-data?done=name")
	}
	if form.Problems = api.ProblemsOf(err); form.Problems == nil {
		return err
	}
	return s.renderYourData(c, http.StatusUnprocessableEntity, form)
}

func (s *Server) askForCorrectionForm(c echo.Context) error {
	form := ui.Form{Values: map[string]string{"what": c.FormValue("what")}}
	_, err := s.Svc.AskForCorrection(c.Request().Context(), form.Values["what"])
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/your-data?done=asked#corrections")
	}
	if form.Problems = api.ProblemsOf(err); form.Problems == nil {
		return err
	}
	return s.renderYourData(c, http.StatusUnprocessableEntity, form)
}

// answerCorrectionForm is the programme's answer, given on the person's record. Each request's
// fields are named by its number (answer-3, corrected-3), so that several on one page stay apart.
func (s *Server) answerCorrectionForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	r, err := s.Svc.Correction(ctx, id)
	if err != nil {
		return err
	}
	answer, corrected := fmt.Sprintf("answer-%d", id), fmt.Sprintf("corrected-%d", id)
	form := ui.Form{Values: map[string]string{answer: c.FormValue(answer), corrected: c.FormValue(corrected)}}
	var ps domain.Problems
	if v := form.Values[corrected]; v != "yes" && v != "no" {
		ps.Add(corrected, "Say whether you corrected it")
	}
	if len(ps) == 0 {
		_, err := s.Svc.AnswerCorrection(ctx, service.AnswerCorrection{ID: id, Corrected: form.Values[corrected] == "yes", Answer: form.Values[answer]})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/people/%d?done=answered#corrections", r.PersonID))
		}
		if ps = api.ProblemsOf(err); ps == nil {
			return err
		}
		for i := range ps { // the service names the field; the page names this request's
			ps[i].Field += fmt.Sprintf("-%d", id)
		}
	}
	form.Problems = ps
	p, err := s.Svc.Person(ctx, r.PersonID)
	if err != nil {
		return err
	}
	return s.renderPersonAnswering(c, http.StatusUnprocessableEntity, p, personFormOf(p), form)
}

// assistForm starts acting for the person, with the consent they gave: the helper's session is
// theirs from the next page.
func (s *Server) assistForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	form := ui.Form{Values: map[string]string{"how": c.FormValue("how"), "consent": c.FormValue("consent")}}
	sessionID := 0
	if sess := api.CurrentSession(c); sess != nil {
		sessionID = sess.ID
	}
	_, err = s.Svc.StartAssisting(ctx, service.StartAssisting{SessionID: sessionID, PersonID: id, How: domain.ConsentHow(form.Values["how"]), Consent: form.Values["consent"]})
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/work")
	}
	if form.Problems = api.ProblemsOf(err); form.Problems == nil {
		return err
	}
	p, err := s.Svc.Person(ctx, id)
	if err != nil {
		return err
	}
	return s.renderPersonAnswering(c, http.StatusUnprocessableEntity, p, personFormOf(p), form)
}

// stopAssistingForm stops acting for someone: the helper is themselves again, back on the
// person's record.
func (s *Server) stopAssistingForm(c echo.Context) error {
	sess := api.CurrentSession(c)
	a := api.CurrentAssistance(c)
	if sess == nil || a == nil {
		return c.Redirect(http.StatusSeeOther, "/work")
	}
	if err := s.Svc.StopAssisting(c.Request().Context(), sess.ID); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/people/%d?done=assisted", a.PersonID))
}
