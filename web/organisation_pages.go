package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// A supplier's organisation: registered on first sign-in, or joined by asking a member; its
// members answer colleagues' requests. Each form calls the same service method as the API.

type organisationPage struct {
	Me        *ent.Person
	Form      ui.Form
	Sizes     []ui.Option
	Legal     []ui.Option
	Regions   []string
	Fields    []string
	Joinable  []*ent.Organisation
	Requests  []*ent.JoinRequest
	Answers   map[int]service.Actions // what the viewer may answer to each request
	Done      string
	Size      string // the organisation's size, legal form and incorporation as read
	LegalForm string
	Incorp    string
	// Correcting shows a member the registration's form filled with the details as they stand.
	Correcting bool
}

func (s *Server) renderOrganisation(c echo.Context, status int, form ui.Form) error {
	ctx := c.Request().Context()
	me, err := s.Svc.Me(ctx)
	if err != nil {
		return err
	}
	p := organisationPage{Me: me, Form: form, Regions: domain.Regions, Done: c.QueryParam("done"),
		Correcting: me.Edges.Organisation != nil && (c.QueryParam("correct") == "1" || len(form.Problems) > 0)}
	for _, f := range domain.Fields {
		p.Fields = append(p.Fields, string(f))
	}
	for _, z := range domain.OrganisationSizes {
		p.Sizes = append(p.Sizes, ui.Option{Value: string(z), Label: z.Label(), Checked: form.Values["size"] == string(z)})
	}
	for _, l := range domain.LegalForms {
		p.Legal = append(p.Legal, ui.Option{Value: string(l), Label: l.Label(), Checked: form.Values["legal_form"] == string(l)})
	}
	if o := me.Edges.Organisation; o != nil {
		p.Size, p.LegalForm = o.Size.Label(), o.LegalForm.Label()
		if !o.IncorporatedOn.IsZero() {
			p.Incorp = o.IncorporatedOn.In(domain.London).Format("2 January 2006")
		}
	} else if p.Joinable, err = s.Svc.JoinableOrganisations(ctx); err != nil {
		return err
	}
	if p.Requests, err = s.Svc.JoinRequests(ctx); err != nil {
		return err
	}
	if p.Answers, err = s.Svc.JoinRequestActions(ctx, p.Requests); err != nil {
		return err
	}
	title := "Your organisation"
	if me.Edges.Organisation == nil {
		title = "Register your organisation"
	}
	return s.render(c, status, "organisation", form.Title(title), "organisation", p)
}

func (s *Server) organisationPage(c echo.Context) error {
	form := ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}
	if c.QueryParam("correct") == "1" {
		me, err := s.Svc.Me(c.Request().Context())
		if err != nil {
			return err
		}
		if o := me.Edges.Organisation; o != nil {
			form.Values = map[string]string{"name": o.Name, "legal_form": string(o.LegalForm), "company_number": o.CompanyNumber,
				"size": string(o.Size), "region": o.Region}
			form.Multi["fields"] = o.Fields
			if b := o.PublicContractBefore; b != nil {
				form.Values["public_contract_before"] = map[bool]string{true: "yes", false: "no"}[*b]
			}
			if !o.IncorporatedOn.IsZero() {
				d := o.IncorporatedOn.In(domain.London)
				form.Values["incorporated_on-day"], form.Values["incorporated_on-month"], form.Values["incorporated_on-year"] =
					strconv.Itoa(d.Day()), strconv.Itoa(int(d.Month())), strconv.Itoa(d.Year())
			}
		}
	}
	return s.renderOrganisation(c, http.StatusOK, form)
}

func (s *Server) registerOrganisationForm(c echo.Context) error {
	f := ui.Form{Values: map[string]string{}, Multi: map[string][]string{}}
	for _, n := range []string{"name", "legal_form", "company_number", "size", "region", "public_contract_before", "incorporated_on-day", "incorporated_on-month", "incorporated_on-year"} {
		f.Values[n] = strings.TrimSpace(c.FormValue(n))
	}
	fields := c.Request().Form["fields"]
	f.Multi["fields"] = fields
	in := domain.SupplierRegistration{Name: f.Values["name"], LegalForm: domain.LegalForm(f.Values["legal_form"]), CompanyNumber: f.Values["company_number"],
		Size: domain.OrganisationSize(f.Values["size"]), Region: f.Values["region"], Fields: fields}
	switch f.Values["public_contract_before"] {
	case "yes", "no":
		before := f.Values["public_contract_before"] == "yes"
		in.PublicContractBefore = &before
	}
	var ps domain.Problems
	if f.Values["incorporated_on-day"]+f.Values["incorporated_on-month"]+f.Values["incorporated_on-year"] != "" {
		t, err := domain.ParseDate(f.Values["incorporated_on-day"], f.Values["incorporated_on-month"], f.Values["incorporated_on-year"])
		if err != nil {
			ps = append(ps, domain.ProblemWith("incorporated_on", err))
		}
		in.IncorporatedOn = t
	}
	if len(ps) == 0 {
		// A member's form corrects the organisation; anyone else's registers one.
		me, err := s.Svc.Me(c.Request().Context())
		if err != nil {
			return err
		}
		done := "registered"
		if me.Edges.Organisation != nil {
			done = "corrected"
			_, err = s.Svc.CorrectOrganisation(c.Request().Context(), in)
		} else {
			_, err = s.Svc.RegisterOrganisation(c.Request().Context(), in)
		}
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/organisation?done="+done)
		}
		if ps = api.ProblemsOf(err); ps == nil {
			return err
		}
	}
	// The page's own problems first; the service names the rest, once each.
	for _, p := range in.Check(time.Now()) {
		if ps.For(p.Field) == "" {
			ps = append(ps, p)
		}
	}
	f.Problems = ps
	return s.renderOrganisation(c, http.StatusUnprocessableEntity, f)
}

func (s *Server) askToJoinForm(c echo.Context) error {
	id, _ := strconv.Atoi(c.FormValue("organisation_id"))
	_, err := s.Svc.AskToJoin(c.Request().Context(), id)
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/organisation?done=asked")
	}
	ps := api.ProblemsOf(err)
	if ps == nil {
		return err
	}
	return s.renderOrganisation(c, http.StatusUnprocessableEntity, ui.Form{Values: map[string]string{}, Multi: map[string][]string{}, Problems: ps})
}

func (s *Server) decideJoinRequestForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.DecideJoinRequest(c.Request().Context(), service.DecideJoinRequest{ID: id, Approve: c.FormValue("decision") == "approve"}); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/organisation?done="+map[bool]string{true: "approved", false: "declined"}[c.FormValue("decision") == "approve"])
}
