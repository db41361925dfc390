package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// RoundView is a funding round with its money (domain.RoundMoney).
type RoundView struct {
	ID             int       `json:"id"`
	Name           string    `json:"name"`
	BudgetPence    int64     `json:"budget_pence"`
	Budget         string    `json:"budget"`
	StartsAt       time.Time `json:"starts_at"`
	EndsAt         time.Time `json:"ends_at"`
	Challenges     int       `json:"challenges"`
	CommittedPence int64     `json:"committed_pence"`
	Committed      string    `json:"committed"`
	PlannedPence   int64     `json:"planned_pence"`
	Planned        string    `json:"planned"`
	LeftPence      int64     `json:"left_pence"`
	Left           string    `json:"left"`
}

func roundView(u service.RoundUse) RoundView {
	r, m := u.Round, u.Money
	return RoundView{ID: r.ID, Name: r.Name, BudgetPence: int64(r.Budget), Budget: r.Budget.String(), StartsAt: r.StartsAt,
		EndsAt: r.EndsAt, Challenges: u.Challenges, CommittedPence: int64(m.Committed), Committed: m.Committed.String(),
		PlannedPence: int64(m.Planned), Planned: m.Planned.String(), LeftPence: int64(m.Left()), Left: m.Left().String()}
}

func (s *Server) listRounds(c echo.Context) error {
	rows, err := s.svc.Rounds(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]RoundView, 0, len(rows))
	for _, r := range rows {
		out = append(out, roundView(r))
	}
	return c.JSON(http.StatusOK, Page[RoundView]{Items: out})
}

// CreateRoundRequest sets up a funding round.
type CreateRoundRequest struct {
	Name        string    `json:"name"`
	BudgetPence int64     `json:"budget_pence"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at"`
}

func (s *Server) createRound(c echo.Context) error {
	var req CreateRoundRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	r, err := s.svc.CreateRound(c.Request().Context(), service.CreateRound(req))
	if err != nil {
		return err
	}
	// A round just made holds nothing: all of its budget is left.
	return c.JSON(http.StatusCreated, roundView(service.RoundUse{Round: r, Money: domain.RoundMoney{Budget: r.Budget}}))
}

// roundsPage lists the rounds with their budgets used, and the form to set up another.
func (s *Server) roundsPage(c echo.Context) error {
	return s.renderRounds(c, http.StatusOK, ui.Form{Values: map[string]string{}})
}

func (s *Server) renderRounds(c echo.Context, status int, form ui.Form) error {
	rounds, err := s.svc.Rounds(c.Request().Context())
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
		r, err := s.svc.CreateRound(c.Request().Context(), in)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/rounds?created="+strconv.Itoa(r.ID))
		}
		if ps = problemsOf(err); ps == nil {
			return err
		}
	}
	form.Problems = ps
	return s.renderRounds(c, http.StatusUnprocessableEntity, form)
}
