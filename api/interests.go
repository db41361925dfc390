package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
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

func interestView(d *ent.Interest) InterestView {
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
	rows, err := s.svc.ListInterests(c.Request().Context(), service.Page{After: after, Limit: limit}, assessor)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, limit, func(d *ent.Interest) int { return d.ID }, interestView))
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
	d, err := s.svc.DeclareInterest(c.Request().Context(), service.DeclareInterest(req))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, interestView(d))
}

func (s *Server) withdrawInterest(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, err := s.svc.WithdrawInterest(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, interestView(d))
}

// interestsForm is the declaration form's values and its problems, kept when it is refused.
type interestsForm struct {
	OrganisationID int
	Kind           string
	Description    string
	Problems       domain.Problems
	ErrorFor       map[string]string
}

type interestKindOption struct{ Value, Label string }

// interestsPage shows the signed-in assessor's declarations and the form to declare another.
func (s *Server) interestsPage(c echo.Context) error {
	return s.renderInterests(c, http.StatusOK, interestsForm{})
}

func (s *Server) renderInterests(c echo.Context, status int, form interestsForm) error {
	ctx := c.Request().Context()
	rows, err := s.svc.MyInterests(ctx)
	if err != nil {
		return err
	}
	orgs, err := s.svc.Suppliers(ctx)
	if err != nil {
		return err
	}
	data := struct {
		Standing, Withdrawn []InterestView
		Organisations       []*ent.Organisation
		Kinds               []interestKindOption
		Form                interestsForm
		Declared, Ended     string
		Declaration         service.Declaration
		Renewed             bool
	}{Organisations: orgs, Form: form, Renewed: c.QueryParam("done") == "renewed"}
	if data.Declaration, err = s.svc.YourDeclaration(ctx); err != nil {
		return err
	}
	for _, k := range domain.InterestKinds {
		data.Kinds = append(data.Kinds, interestKindOption{string(k), k.Label()})
	}
	for _, r := range rows {
		view := interestView(r)
		if r.WithdrawnAt == nil {
			data.Standing = append(data.Standing, view)
		} else {
			data.Withdrawn = append(data.Withdrawn, view)
		}
		// After a declaration or a withdrawal the page says what happened (post, redirect, get).
		if strconv.Itoa(r.ID) == c.QueryParam("declared") && r.WithdrawnAt == nil {
			data.Declared = view.OrganisationName
		}
		if strconv.Itoa(r.ID) == c.QueryParam("withdrawn") && r.WithdrawnAt != nil {
			data.Ended = view.OrganisationName
		}
	}
	title := "Your declared interests"
	if len(form.Problems) > 0 {
		title = "Error: " + title
	}
	return s.render(c, status, "interests", title, "interests", data)
}

// declareInterestForm takes the page's form. A refused declaration shows the form again with
// what to fix beside each field and everything typed kept.
func (s *Server) declareInterestForm(c echo.Context) error {
	form := interestsForm{Kind: c.FormValue("kind"), Description: c.FormValue("description")}
	form.OrganisationID, _ = strconv.Atoi(c.FormValue("organisation_id"))
	decl := domain.InterestDeclaration{OrganisationID: form.OrganisationID, Kind: domain.InterestKind(form.Kind), Description: form.Description}
	form.Problems = decl.Problems()
	if len(form.Problems) == 0 {
		d, err := s.svc.DeclareInterest(c.Request().Context(), service.DeclareInterest{OrganisationID: form.OrganisationID, Kind: form.Kind, Description: form.Description})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/interests?declared="+strconv.Itoa(d.ID))
		}
		// Refused by a rule the form cannot check itself (a repeat, an unknown organisation).
		if !errors.As(err, &form.Problems) {
			return err
		}
	}
	form.ErrorFor = map[string]string{}
	for _, p := range form.Problems {
		form.ErrorFor[p.Field] = p.Message
	}
	return s.renderInterests(c, http.StatusUnprocessableEntity, form)
}

func (s *Server) withdrawInterestForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.svc.WithdrawInterest(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/interests?withdrawn="+strconv.Itoa(id))
}
