package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// InterestView is an interest an assessor declared in a supplier.
type InterestView struct {
	ID               int        `json:"id"`
	AssessorID       int        `json:"assessor_id"`
	OrganisationID   int        `json:"organisation_id"`
	OrganisationName string     `json:"organisation_name,omitempty"`
	Kind             string     `json:"kind"`
	KindLabel        string     `json:"kind_label"`
	Description      string     `json:"description"`
	DeclaredAt       time.Time  `json:"declared_at"`
	WithdrawnAt      *time.Time `json:"withdrawn_at,omitempty"`
}

// InterestViewOf is a declared interest as the API shows it.
func InterestViewOf(d *ent.Interest) InterestView {
	v := InterestView{ID: d.ID, AssessorID: d.AssessorID, OrganisationID: d.OrganisationID, Kind: string(d.Kind),
		KindLabel: d.Kind.Label(), Description: d.Description, DeclaredAt: d.CreatedAt, WithdrawnAt: d.WithdrawnAt}
	if d.Edges.Organisation != nil {
		v.OrganisationName = d.Edges.Organisation.Name
	}
	return v
}

// listInterests lists the declarations the viewer may see: an assessor their own, the programme
// everyone's. Withdrawn ones are listed too, marked.
func (s *Server) listInterests(c echo.Context) error {
	after, limit, err := pageArgs(c)
	if err != nil {
		return err
	}
	assessor, err := queryID(c, "assessor_id")
	if err != nil {
		return err
	}
	rows, err := s.Svc.ListInterests(c.Request().Context(), service.Page{After: after, Limit: limit}, assessor)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, limit, func(d *ent.Interest) int { return d.ID }, InterestViewOf))
}

// DeclareInterestRequest declares the signed-in assessor's interest in a supplier.
type DeclareInterestRequest struct {
	OrganisationID int    `json:"organisation_id"`
	Kind           string `json:"kind"`
	Description    string `json:"description"`
}

func (s *Server) declareInterest(c echo.Context) error {
	var req DeclareInterestRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	d, err := s.Svc.DeclareInterest(c.Request().Context(), service.DeclareInterest(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, InterestViewOf(d))
}

func (s *Server) withdrawInterest(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	d, err := s.Svc.WithdrawInterest(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, InterestViewOf(d))
}
