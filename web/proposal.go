package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/catalyst-sbri/catalyst/api"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

func (s *Server) proposalPage(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	return s.renderProposal(c, http.StatusOK, id, ui.Form{Values: map[string]string{}}, c.QueryParam("done"))
}

func (s *Server) renderProposal(c echo.Context, status, id int, form ui.Form, done string) error {
	p, err := s.Svc.AssignmentProposal(c.Request().Context(), id)
	if err != nil {
		return err
	}
	counts := map[int]int{}
	for _, a := range p.Assignments {
		if a.Status == "assigned" {
			counts[a.BidID]++
		}
	}
	var choices []ui.Option
	for _, m := range p.Pool {
		if !m.Lapsed {
			choices = append(choices, ui.Option{Value: strconv.Itoa(m.Person.ID), Label: fmt.Sprintf("%s (%d bids)", m.Person.Name, m.Load)})
		}
	}
	for _, m := range p.Pool {
		k := "capacity-" + strconv.Itoa(m.Person.ID)
		if _, typed := form.Values[k]; !typed && m.Capacity != nil {
			form.Values[k] = strconv.Itoa(*m.Capacity)
		}
	}
	return s.render(c, status, "proposal", form.Title("Assignment: "+p.Competition.Edges.Challenge.Title), "challenges", struct {
		Proposal service.Proposal
		View     api.ProposalView
		Title    string
		Form     ui.Form
		Done     string
		Open     bool // the proposal may still be changed as a whole: re-run, capacities, release
		Choices  []ui.Option
	}{Proposal: p, View: api.ProposalViewOf(p), Title: p.Competition.Edges.Challenge.Title, Form: form, Done: done,
		Open:    p.Competition.Status == domain.CompetitionAssessment && !p.Released(),
		Choices: choices})
}

// proposalRefused shows the proposal page again with a refusal as the form's problems.
func (s *Server) proposalRefused(c echo.Context, id int, err error, values map[string]string, field string) error {
	var ps domain.Problems
	if !errors.As(err, &ps) {
		p, ok := api.ToProblem(err)
		if !ok || p.Status >= 500 {
			return err
		}
		ps = domain.Problems{{Field: field, Message: p.Detail}}
	}
	for i := range ps {
		if field != "" && !strings.HasPrefix(ps[i].Field, field) {
			ps[i].Field = field
		}
	}
	return s.renderProposal(c, http.StatusUnprocessableEntity, id, ui.Form{Values: values, Problems: ps}, "")
}

func (s *Server) releaseAssignmentsForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.ReleaseAssignments(c.Request().Context(), id); err != nil {
		return s.proposalRefused(c, id, err, map[string]string{}, "release")
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/assignments?done=released", id))
}

func (s *Server) rerunAssignmentForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.RerunAssignment(c.Request().Context(), id); err != nil {
		return s.proposalRefused(c, id, err, map[string]string{}, "rerun")
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/assignments?done=rerun", id))
}

func (s *Server) capacityForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	assessor, err := strconv.Atoi(c.FormValue("assessor_id"))
	if err != nil {
		return api.BadRequest("the form does not say which assessor it is for")
	}
	field := "capacity-" + strconv.Itoa(assessor)
	typed := strings.TrimSpace(c.FormValue(field))
	n, err := strconv.Atoi(typed)
	if err != nil {
		err = domain.Problems{{Field: field, Message: "Enter the most bids they take as a whole number, such as 5"}}
	} else {
		err = s.Svc.SetCapacity(c.Request().Context(), id, assessor, n)
	}
	if err != nil {
		return s.proposalRefused(c, id, err, map[string]string{field: typed}, field)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/assignments?done=capacity#pool", id))
}

func (s *Server) swapForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	comp, err := strconv.Atoi(c.FormValue("competition_id"))
	if err != nil {
		return api.BadRequest("the form does not say which competition it is from")
	}
	// Each assignment's fields are named after it, so the page's IDs stay unique.
	suffix := "-" + strconv.Itoa(id)
	values := map[string]string{"assessor_id" + suffix: c.FormValue("assessor_id" + suffix), "reason" + suffix: c.FormValue("reason" + suffix)}
	who, _ := strconv.Atoi(values["assessor_id"+suffix])
	_, err = s.Svc.SwapAssessor(c.Request().Context(), service.Swap{AssignmentID: id, AssessorID: who, Reason: values["reason"+suffix]})
	if err != nil {
		var ps domain.Problems
		if errors.As(err, &ps) {
			for i := range ps {
				ps[i].Field += suffix
			}
			err = ps
		}
		return s.proposalRefused(c, comp, err, values, "assessor_id"+suffix)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/assignments?done=swapped", comp))
}

func (s *Server) renewDeclarationForm(c echo.Context) error {
	if _, err := s.Svc.RenewDeclaration(c.Request().Context()); err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, "/interests?done=renewed")
}
