package web

import (
	"net/http"
	"strconv"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// The challenge-level gate and the outcome, on the challenge's page, and the lessons register.
// challengeRefused shows the challenge page again with the service's words beside the field.

// challengeRefused shows the challenge page again with the service's words beside the field.
func (s *Server) challengeRefused(c echo.Context, err error, form ui.Form, field string) error {
	ps, err := fieldProblems(err, field, "")
	if err != nil {
		return err
	}
	form.Problems = ps
	return s.renderChallengePage(c, http.StatusUnprocessableEntity, form)
}

func (s *Server) challengeGateForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if err := c.Request().ParseForm(); err != nil {
		return api.BadRequest("the form could not be read")
	}
	f := ui.Form{Values: map[string]string{"decision": c.FormValue("decision"), "rationale": c.FormValue("rationale")},
		Multi: map[string][]string{"criteria": c.Request().PostForm["criteria"]}}
	for _, k := range lessonFields {
		f.Values[k] = c.FormValue(k)
	}
	_, err = s.Svc.DecideChallengeGate(c.Request().Context(), service.ChallengeGate{ChallengeID: id, Decision: f.Values["decision"],
		Criteria: f.Multi["criteria"], Rationale: f.Values["rationale"], Lesson: lessonOf(f.Values)})
	if err != nil {
		return s.challengeRefused(c, err, f, "decision")
	}
	return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(id)+"?decided=gate")
}

func (s *Server) outcomeForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	f := ui.Form{Values: map[string]string{"outcome": c.FormValue("outcome"), "route": c.FormValue("route")}}
	for _, k := range lessonFields {
		f.Values[k] = c.FormValue(k)
	}
	err = s.Svc.CompleteChallenge(c.Request().Context(), service.CompleteChallenge{ID: id, Outcome: f.Values["outcome"], Route: f.Values["route"], Lesson: lessonOf(f.Values)})
	if err != nil {
		return s.challengeRefused(c, err, f, "outcome")
	}
	return c.Redirect(http.StatusSeeOther, "/challenges/"+strconv.Itoa(id)+"?decided=outcome")
}

func (s *Server) lessonsPage(c echo.Context) error {
	f, err := api.LessonFilter(c)
	if err != nil {
		return err
	}
	views, err := s.Lessons(c, f)
	if err != nil {
		return err
	}
	form := ui.Form{Values: map[string]string{"words": f.Words, "field": f.Field, "kind": f.Kind}}
	return s.render(c, http.StatusOK, "lessons", "Lessons learnt", "lessons", struct {
		Lessons []api.LessonView
		Form    ui.Form
		Fields  []string
		Kinds   []string
	}{views, form, stringsOfFields(), domain.LessonKind("").Values()})
}

func stringsOfFields() []string {
	out := make([]string, len(domain.Fields))
	for i, f := range domain.Fields {
		out[i] = string(f)
	}
	return out
}
