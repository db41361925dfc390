package web

import (
	"net/http"
	"strconv"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ui"
)

// screeningCriteriaPage lists the programme's criteria, with the form to add one.
func (s *Server) screeningCriteriaPage(c echo.Context) error {
	return s.renderScreeningCriteria(c, http.StatusOK, ui.Form{Values: map[string]string{}})
}

func (s *Server) renderScreeningCriteria(c echo.Context, status int, form ui.Form) error {
	rows, err := s.Svc.ScreeningCriteria(c.Request().Context(), true)
	if err != nil {
		return err
	}
	return s.render(c, status, "screening_criteria", form.Title("Screening criteria"), "rounds", struct {
		Criteria []*ent.ScreeningCriterion
		Form     ui.Form
	}{rows, form})
}

func (s *Server) addScreeningCriterionForm(c echo.Context) error {
	form := ui.Form{Values: map[string]string{"text": c.FormValue("text")}}
	if _, err := s.Svc.AddScreeningCriterion(c.Request().Context(), form.Values["text"]); err != nil {
		if form.Problems = api.ProblemsOf(err); form.Problems == nil {
			return err
		}
		return s.renderScreeningCriteria(c, http.StatusUnprocessableEntity, form)
	}
	return c.Redirect(http.StatusSeeOther, "/screening-criteria")
}

func (s *Server) retireScreeningCriterionForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.RetireScreeningCriterion(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/screening-criteria?retired="+strconv.Itoa(id))
}
