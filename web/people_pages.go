package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// The programme team's people pages: who can sign in, in which roles; add, change, deactivate.

type peopleData struct {
	People        []*ent.Person
	Person        *ent.Person
	Organisations []*ent.Organisation
	Roles, Fields []string
	Form          ui.Form
	Action, Done  string
	Ended         int             // how many sessions were ended, after ending them
	Actions       service.Actions // on Person, or on the list of people
	// Corrections are what Person asked the programme to correct. Answer is the form sent back
	// with its problems: the answer to one of them, or acting for them (the fields differ).
	Corrections []api.CorrectionView
	Answer      ui.Form
	// Assist is whether the viewer may act for the person, and why not; Assisted who has.
	Assist     service.Actions
	Assisted   []*ent.Assistance
	ConsentHow []ui.Option
}

func (s *Server) peopleData(c echo.Context, form ui.Form) (peopleData, error) {
	ctx := c.Request().Context()
	d := peopleData{Form: form, Action: "/people", Actions: service.PeopleActions(ctx)}
	var err error
	if d.Organisations, err = s.Svc.Organisations(ctx); err != nil {
		return d, err
	}
	for _, r := range authz.Roles {
		d.Roles = append(d.Roles, string(r))
	}
	for _, f := range domain.Fields {
		d.Fields = append(d.Fields, string(f))
	}
	return d, nil
}

func (s *Server) peoplePage(c echo.Context) error {
	return s.renderPeople(c, http.StatusOK, ui.Form{Values: map[string]string{}, Multi: map[string][]string{}})
}

func (s *Server) renderPeople(c echo.Context, status int, form ui.Form) error {
	d, err := s.peopleData(c, form)
	if err != nil {
		return err
	}
	if d.People, err = s.Svc.People(c.Request().Context()); err != nil {
		return err
	}
	if id := c.QueryParam("added"); id != "" {
		for _, p := range d.People {
			if strconv.Itoa(p.ID) == id {
				d.Done = p.Name + " can now sign in"
			}
		}
	}
	return s.render(c, status, "people", form.Title("People"), "people", d)
}

// personForm reads the person form as typed.
func personForm(c echo.Context) (ui.Form, service.PersonInput) {
	_ = c.Request().ParseForm()
	form := ui.Form{Values: map[string]string{"name": c.FormValue("name"), "email": c.FormValue("email"),
		"organisation_id": c.FormValue("organisation_id"), "delegated_limit_pence": strings.TrimSpace(c.FormValue("delegated_limit_pence"))},
		Multi: map[string][]string{"roles": c.Request().Form["roles"], "expertise": c.Request().Form["expertise"]}}
	in := service.PersonInput{Name: form.Values["name"], Email: form.Values["email"], Roles: form.Multi["roles"], Expertise: form.Multi["expertise"]}
	in.OrganisationID, _ = strconv.Atoi(form.Values["organisation_id"])
	if typed := form.Values["delegated_limit_pence"]; typed != "" {
		m, err := domain.ParseMoney(typed)
		if err != nil {
			form.Problems = domain.Problems{domain.ProblemWith("delegated_limit_pence", err)}
		}
		in.DelegatedLimit = m
	}
	return form, in
}

func (s *Server) addPersonForm(c echo.Context) error {
	form, in := personForm(c)
	if len(form.Problems) > 0 { // money typed wrongly: nothing is saved
		return s.renderPeople(c, http.StatusUnprocessableEntity, form)
	}
	p, err := s.Svc.AddPerson(c.Request().Context(), in)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/people?added="+strconv.Itoa(p.ID))
	}
	if form.Problems = api.ProblemsOf(err); form.Problems == nil {
		return err
	}
	return s.renderPeople(c, http.StatusUnprocessableEntity, form)
}

func (s *Server) personPage(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	p, err := s.Svc.Person(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return s.renderPerson(c, http.StatusOK, p, personFormOf(p))
}

// personFormOf is the form of a person's record as it stands.
func personFormOf(p *ent.Person) ui.Form {
	form := ui.Form{Values: map[string]string{"delegated_limit_pence": ui.MoneyValue(p.DelegatedLimit)}, Multi: map[string][]string{"roles": p.Roles, "expertise": p.Expertise}}
	if p.Edges.Organisation != nil {
		form.Values["organisation_id"] = strconv.Itoa(p.Edges.Organisation.ID)
	}
	return form
}

func (s *Server) renderPerson(c echo.Context, status int, p *ent.Person, form ui.Form) error {
	return s.renderPersonAnswering(c, status, p, form, ui.Form{Values: map[string]string{}})
}

func (s *Server) renderPersonAnswering(c echo.Context, status int, p *ent.Person, form, answer ui.Form) error {
	ctx := c.Request().Context()
	d, err := s.peopleData(c, form)
	if err != nil {
		return err
	}
	d.Person, d.Action, d.Actions, d.Answer, d.Done = p, "/people/"+strconv.Itoa(p.ID), service.PersonActions(ctx, p), answer, c.QueryParam("done")
	d.Ended, _ = strconv.Atoi(c.QueryParam("ended"))
	rs, err := s.Svc.CorrectionsOf(ctx, p.ID)
	if err != nil {
		return err
	}
	d.Assist = service.AssistActions(ctx, p)
	if d.Assisted, err = s.Svc.AssistancesOf(ctx, p.ID); err != nil {
		return err
	}
	for _, h := range domain.ConsentHows {
		d.ConsentHow = append(d.ConsentHow, ui.Option{Value: string(h), Label: domain.UpperFirst(h.Label()), Checked: answer.Values["how"] == string(h)})
	}
	for _, r := range rs {
		d.Corrections = append(d.Corrections, api.CorrectionViewOf(ctx, r))
	}
	title := form.Title(p.Name)
	if len(answer.Problems) > 0 {
		title = answer.Title(p.Name)
	}
	return s.render(c, status, "person", title, "people", d)
}

func (s *Server) changePersonForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	p, err := s.Svc.Person(ctx, id)
	if err != nil {
		return err
	}
	form, in := personForm(c)
	if len(form.Problems) > 0 { // money typed wrongly: nothing is saved
		return s.renderPerson(c, http.StatusUnprocessableEntity, p, form)
	}
	if _, err := s.Svc.ChangePerson(ctx, id, in); err != nil {
		if form.Problems = api.ProblemsOf(err); form.Problems == nil {
			return err
		}
		return s.renderPerson(c, http.StatusUnprocessableEntity, p, form)
	}
	return c.Redirect(http.StatusSeeOther, "/people?changed="+strconv.Itoa(id))
}

func (s *Server) endSessionsForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	n, err := s.Svc.EndSessionsOf(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/people/%d?done=sessions-ended&ended=%d", id, n))
}

func (s *Server) deactivatePersonForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.DeactivatePerson(c.Request().Context(), id); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/people/"+strconv.Itoa(id))
}
