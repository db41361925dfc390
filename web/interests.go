package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

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
	rows, err := s.Svc.MyInterests(ctx)
	if err != nil {
		return err
	}
	orgs, err := s.Svc.Suppliers(ctx)
	if err != nil {
		return err
	}
	data := struct {
		Standing, Withdrawn []api.InterestView
		Organisations       []*ent.Organisation
		Kinds               []interestKindOption
		Form                interestsForm
		Declared, Ended     string
		Declaration         service.Declaration
		Renewed             bool
		Assessor            bool // an assessor renews their declaration each year
	}{Organisations: orgs, Form: form, Renewed: c.QueryParam("done") == "renewed"}
	v, _ := authz.FromContext(ctx)
	data.Assessor = v.Has(authz.Assessor)
	if data.Declaration, err = s.Svc.YourDeclaration(ctx); err != nil {
		return err
	}
	for _, k := range domain.InterestKinds {
		data.Kinds = append(data.Kinds, interestKindOption{string(k), k.Label()})
	}
	for _, r := range rows {
		view := api.InterestViewOf(r)
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
		d, err := s.Svc.DeclareInterest(c.Request().Context(), service.DeclareInterest{OrganisationID: form.OrganisationID, Kind: form.Kind, Description: form.Description})
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
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.WithdrawInterest(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/interests?withdrawn="+strconv.Itoa(id))
}
