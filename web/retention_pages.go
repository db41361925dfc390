package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/api"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// The retention schedule's page: each kind's period, what the next run would delete (a dry
// run), the legal holds, and the last runs.

type retentionPage struct {
	Retention api.RetentionView
	Due       service.RetentionReport
	Form      ui.Form
	Done      string
}

func (s *Server) renderRetention(c echo.Context, status int, form ui.Form) error {
	ctx := c.Request().Context()
	r, err := s.Retention(ctx)
	if err != nil {
		return err
	}
	due, err := s.Svc.RetentionDryRun(ctx)
	if err != nil {
		return err
	}
	for _, p := range r.Periods {
		if _, typed := form.Values["months-"+p.Kind]; !typed {
			form.Values["months-"+p.Kind] = strconv.Itoa(p.Months)
		}
	}
	return s.render(c, status, "retention", form.Title("Retention schedule"), "audit", retentionPage{Retention: r, Due: due, Form: form, Done: c.QueryParam("done")})
}

func (s *Server) retentionPage(c echo.Context) error {
	return s.renderRetention(c, http.StatusOK, ui.Form{Values: map[string]string{}})
}

// retentionPeriodsForm saves the schedule: every period, or, if one is wrong, none, each
// problem named at its own period.
func (s *Server) retentionPeriodsForm(c echo.Context) error {
	ctx := c.Request().Context()
	form := ui.Form{Values: map[string]string{}}
	periods := map[domain.RetentionKind]int{}
	var typo domain.Problems
	for _, r := range domain.RetentionRules {
		name := "months-" + string(r.Kind)
		form.Values[name] = strings.TrimSpace(c.FormValue(name))
		months, err := strconv.Atoi(form.Values[name])
		if err != nil {
			typo.Add(name, "Enter %s's period as a whole number of months, like 36", strings.ToLower(r.Label))
			continue
		}
		periods[r.Kind] = months
	}
	// With a period mistyped nothing is saved; the rest are still checked, so every problem is
	// named at once.
	err := domain.CheckRetentionPeriods(periods).Err()
	if len(typo) == 0 {
		if err = s.Svc.SetRetentionPeriods(ctx, periods); err == nil {
			return c.Redirect(http.StatusSeeOther, "/retention?done=periods")
		}
	}
	ps := api.ProblemsOf(err)
	if err != nil && ps == nil {
		return err
	}
	for _, p := range ps { // the rule names the kind; the page its field
		p.Field = "months-" + p.Field
		typo = append(typo, p)
	}
	form.Problems = typo
	return s.renderRetention(c, http.StatusUnprocessableEntity, form)
}

func (s *Server) placeHoldForm(c echo.Context) error {
	form := ui.Form{Values: map[string]string{"kind": c.FormValue("kind"), "record_id": strings.TrimSpace(c.FormValue("record_id")), "reason": c.FormValue("reason")}}
	var ps domain.Problems
	id, err := strconv.Atoi(form.Values["record_id"])
	if err != nil || id < 1 {
		ps.Add("record_id", "Enter the competition's or the bid's number, like 12")
	}
	if len(ps) == 0 {
		_, err := s.Svc.PlaceHold(c.Request().Context(), service.PlaceHold{Kind: domain.HoldKind(form.Values["kind"]), RecordID: id, Reason: form.Values["reason"]})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/retention?done=held#holds")
		}
		if ps = api.ProblemsOf(err); ps == nil {
			return err
		}
	}
	form.Problems = ps
	return s.renderRetention(c, http.StatusUnprocessableEntity, form)
}

func (s *Server) releaseHoldForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("reason-%d", id)
	form := ui.Form{Values: map[string]string{name: c.FormValue(name)}}
	_, err = s.Svc.ReleaseHold(c.Request().Context(), id, form.Values[name])
	if err == nil {
		return c.Redirect(http.StatusSeeOther, "/retention?done=released#holds")
	}
	if form.Problems = api.ProblemsOf(err); form.Problems == nil {
		return err
	}
	for i := range form.Problems { // the service names the field; the page names this hold's
		form.Problems[i].Field = name
	}
	return s.renderRetention(c, http.StatusUnprocessableEntity, form)
}
