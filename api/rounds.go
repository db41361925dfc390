package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
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
	rows, err := s.Svc.Rounds(c.Request().Context())
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
	r, err := s.Svc.CreateRound(c.Request().Context(), service.CreateRound(req))
	if err != nil {
		return err
	}
	// A round just made holds nothing: all of its budget is left.
	return c.JSON(http.StatusCreated, roundView(service.RoundUse{Round: r, Money: domain.RoundMoney{Budget: r.Budget}}))
}
