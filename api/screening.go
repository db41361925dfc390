package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
)

// ScreeningCriterionView is one of the programme's screening criteria.
type ScreeningCriterionView struct {
	ID        int        `json:"id"`
	Text      string     `json:"text"`
	RetiredAt *time.Time `json:"retired_at,omitempty"`
}

func screeningCriterionView(c *ent.ScreeningCriterion) ScreeningCriterionView {
	return ScreeningCriterionView{ID: c.ID, Text: c.Text, RetiredAt: c.RetiredAt}
}

func (s *Server) listScreeningCriteria(c echo.Context) error {
	rows, err := s.Svc.ScreeningCriteria(c.Request().Context(), true)
	if err != nil {
		return err
	}
	out := make([]ScreeningCriterionView, 0, len(rows))
	for _, r := range rows {
		out = append(out, screeningCriterionView(r))
	}
	return c.JSON(http.StatusOK, Page[ScreeningCriterionView]{Items: out})
}

// ScreeningCriterionRequest adds a screening criterion.
type ScreeningCriterionRequest struct {
	Text string `json:"text"`
}

func (s *Server) addScreeningCriterion(c echo.Context) error {
	var req ScreeningCriterionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	out, err := s.Svc.AddScreeningCriterion(c.Request().Context(), req.Text)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, screeningCriterionView(out))
}

func (s *Server) retireScreeningCriterion(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	out, err := s.Svc.RetireScreeningCriterion(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, screeningCriterionView(out))
}

// ScreeningRequest is the programme's judgement of a challenge against its criteria.
type ScreeningRequest struct {
	Results []struct {
		CriterionID int    `json:"criterion_id"`
		Met         *bool  `json:"met"`
		Note        string `json:"note"`
	} `json:"results"`
}

// ScreeningView is a challenge's judgement against one criterion.
type ScreeningView struct {
	CriterionID int       `json:"criterion_id"`
	Met         bool      `json:"met"`
	Note        string    `json:"note,omitempty"`
	ScreenedBy  string    `json:"screened_by"`
	ScreenedAt  time.Time `json:"screened_at"`
}

func (s *Server) screenChallenge(c echo.Context) error {
	var req ScreeningRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	results := make([]domain.ScreeningResult, len(req.Results))
	for i, r := range req.Results {
		results[i] = domain.ScreeningResult{CriterionID: r.CriterionID, Met: r.Met, Note: r.Note}
	}
	if err := s.Svc.ScreenChallenge(c.Request().Context(), id, results); err != nil {
		return err
	}
	return s.getScreening(c)
}

func (s *Server) getScreening(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	done, err := s.Svc.Screenings(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := []ScreeningView{}
	for _, d := range done {
		out = append(out, ScreeningView{CriterionID: d.CriterionID, Met: d.Met, Note: d.Note, ScreenedBy: d.ScreenedBy, ScreenedAt: d.UpdatedAt})
	}
	sortScreenings(out)
	return c.JSON(http.StatusOK, Page[ScreeningView]{Items: out})
}

func sortScreenings(v []ScreeningView) {
	for i := 1; i < len(v); i++ {
		for j := i; j > 0 && v[j].CriterionID < v[j-1].CriterionID; j-- {
			v[j], v[j-1] = v[j-1], v[j]
		}
	}
}
