package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// roundsPage lists the rounds with their budgets used, and the form to set up another.
func (s *Server) roundsPage(c echo.Context) error {
	return s.renderRounds(c, http.StatusOK, ui.Form{Values: map[string]string{}})
}

func (s *Server) renderRounds(c echo.Context, status int, form ui.Form) error {
	rounds, err := s.Svc.Rounds(c.Request().Context())
	if err != nil {
		return err
	}
	data := struct {
		Rounds  []service.RoundUse
		Form    ui.Form
		Created string
	}{Rounds: rounds, Form: form}
	if created := c.QueryParam("created"); created != "" {
		for _, r := range rounds {
			if strconv.Itoa(r.Round.ID) == created {
				data.Created = r.Round.Name
			}
		}
	}
	return s.render(c, status, "rounds", form.Title("Funding rounds"), "rounds", data)
}

// createRoundForm sets up a round from the page's form.
func (s *Server) createRoundForm(c echo.Context) error {
	form := ui.Form{Values: map[string]string{}}
	for _, name := range []string{"name", "budget_pence", "starts_at-day", "starts_at-month", "starts_at-year", "ends_at-day", "ends_at-month", "ends_at-year"} {
		form.Values[name] = c.FormValue(name)
	}
	in := service.CreateRound{Name: form.Values["name"]}
	var ps domain.Problems
	if m, err := domain.ParseMoney(form.Values["budget_pence"]); err != nil {
		ps = append(ps, domain.ProblemWith("budget_pence", err))
	} else {
		in.BudgetPence = int64(m)
	}
	for name, to := range map[string]*time.Time{"starts_at": &in.StartsAt, "ends_at": &in.EndsAt} {
		t, err := domain.ParseDate(form.Values[name+"-day"], form.Values[name+"-month"], form.Values[name+"-year"])
		if err != nil {
			ps = append(ps, domain.ProblemWith(name, err))
			continue
		}
		*to = t
	}
	if len(ps) == 0 {
		r, err := s.Svc.CreateRound(c.Request().Context(), in)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/rounds?created="+strconv.Itoa(r.ID))
		}
		if ps = api.ProblemsOf(err); ps == nil {
			return err
		}
	}
	form.Problems = ps
	return s.renderRounds(c, http.StatusUnprocessableEntity, form)
}
