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

// The assessor's pages: their assessments, and a bid read beside its scoring form. Each form
// calls the same service method as the API.

func (s *Server) yourAssessmentsPage(c echo.Context) error {
	rows, err := s.Svc.YourAssessments(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "assessments", "Your assessments", "assessments", struct {
		Rows []service.YourAssessment
		Done string
	}{Rows: rows, Done: c.QueryParam("done")})
}

// scoringData is the scoring page: the bid as the assessor reads it, and their form.
type scoringData struct {
	service.YourAssessment
	Title    string
	Supplier string
	Done     string
	Form     ui.Form
	Decline  ui.Form
	Actions  service.Actions
}

func (s *Server) scoring(c echo.Context) (scoringData, error) {
	id, err := api.PathID(c)
	if err != nil {
		return scoringData{}, err
	}
	y, err := s.Svc.Assessing(c.Request().Context(), id)
	if err != nil {
		return scoringData{}, err
	}
	d := scoringData{YourAssessment: y, Title: y.Bid.Edges.Competition.Edges.Challenge.Title, Actions: service.AssignmentActions(y), Done: c.QueryParam("done"),
		Form: ui.Form{Values: map[string]string{}}, Decline: ui.Form{Values: map[string]string{"for": "conflict"}}}
	if o := y.Bid.Edges.Organisation; o != nil {
		d.Supplier = o.Name
	}
	// A draft is the latest word: saved part way, or changes to submitted scores not yet sent.
	switch m := y.Mine; {
	case y.Assignment.Draft != nil:
		draftValues(d.Form.Values, *y.Assignment.Draft)
	case m != nil:
		draftValues(d.Form.Values, domain.AssessmentDraft{Scores: m.Scores, PassFail: m.PassFail, InScope: &m.InScope, Fund: &m.Fund})
	}
	return d, nil
}

// draftValues fills the scoring form from scores, saved part way or submitted.
func draftValues(values map[string]string, d domain.AssessmentDraft) {
	for k, sc := range d.Scores {
		values["scores."+k+".score"], values["scores."+k+".comment"] = strconv.Itoa(sc.Score), sc.Comment
	}
	for k, pf := range d.PassFail {
		values["pass_fail."+k+".pass"], values["pass_fail."+k+".comment"] = map[bool]string{true: "pass", false: "fail"}[pf.Pass], pf.Comment
	}
	if d.InScope != nil {
		values["in_scope"] = yesNo(*d.InScope)
	}
	if d.Fund != nil {
		values["fund"] = yesNo(*d.Fund)
	}
}

func yesNo(b bool) string { return map[bool]string{true: "yes", false: "no"}[b] }

func (s *Server) renderScoring(c echo.Context, status int, d scoringData) error {
	title := d.Bid.Title + ": " + d.Title
	if len(d.Form.Problems) > 0 || len(d.Decline.Problems) > 0 {
		title = "Error: " + title
	}
	return s.render(c, status, "assessment", title, "assessments", d)
}

func (s *Server) scoringPage(c echo.Context) error {
	d, err := s.scoring(c)
	if err != nil {
		return err
	}
	return s.renderScoring(c, http.StatusOK, d)
}

// scoreForm records the assessor's scores: a score and a comment per criterion, pass or fail
// with a comment for the pass/fail ones, and the in-scope and fund votes. "Save and come back
// later" keeps them as a draft instead, checked only for what is wrong.
func (s *Server) scoreForm(c echo.Context) error {
	d, err := s.scoring(c)
	if err != nil {
		return err
	}
	comp := d.Bid.Edges.Competition
	in := domain.DraftAnswers{Scores: map[string]domain.DraftEntry{}, PassFail: map[string]domain.PassFailAnswer{}}
	d.Form = ui.Form{Values: map[string]string{}}
	var ps domain.Problems
	for _, q := range comp.Scheme.Criteria {
		if q.PassFail {
			p := "pass_fail." + q.Key
			pass, comment := c.FormValue(p+".pass"), c.FormValue(p+".comment")
			d.Form.Values[p+".pass"], d.Form.Values[p+".comment"] = pass, comment
			if pass != "" {
				in.PassFail[q.Key] = domain.PassFailAnswer{Pass: pass == "pass", Comment: comment}
			}
			continue
		}
		p := "scores." + q.Key
		score, comment := strings.TrimSpace(c.FormValue(p+".score")), c.FormValue(p+".comment")
		d.Form.Values[p+".score"], d.Form.Values[p+".comment"] = score, comment
		e := domain.DraftEntry{Comment: comment}
		if score != "" {
			n, err := strconv.Atoi(score)
			if err != nil {
				ps.Add(p+".score", "Enter the score for %q as a whole number from 0 to %d", q.Title, q.MaxScore())
				continue
			}
			e.Score = &n
		}
		in.Scores[q.Key] = e
	}
	for _, vote := range []string{"in_scope", "fund"} {
		d.Form.Values[vote] = c.FormValue(vote)
		if v := c.FormValue(vote); v == "yes" || v == "no" {
			b := v == "yes"
			if vote == "in_scope" {
				in.InScope = &b
			} else {
				in.Fund = &b
			}
		}
	}
	// What was given: a score left empty is named missing by the service when submitting.
	given := map[string]domain.CriterionScore{}
	for k, e := range in.Scores {
		if e.Score != nil {
			given[k] = domain.CriterionScore{Score: *e.Score, Comment: e.Comment}
		}
	}
	ctx := c.Request().Context()
	draft := c.FormValue("action") == "draft"
	switch {
	case len(ps) > 0:
		// A score that is not a number stops the form here; name the rest of its problems too.
		var more domain.Problems
		check := comp.Scheme.ValidateAssessment(domain.Assessment{Scores: given, PassFail: in.PassFail})
		if draft {
			_, check = comp.Scheme.Draft(in)
		}
		if errors.As(check, &more) {
			for _, p := range more {
				if !strings.HasPrefix(p.Field, "scores.") || ps.For(p.Field+".score") == "" && ps.For(p.Field) == "" {
					ps = append(ps, p)
				}
			}
		}
	case draft:
		_, err = s.Svc.SaveAssessmentDraft(ctx, d.Assignment.ID, in)
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/assessments?done=draft")
		}
		if !errors.As(err, &ps) {
			return err
		}
	default:
		_, err = s.Svc.RecordAssessment(ctx, service.RecordAssessment{CompetitionID: comp.ID, BidID: d.Bid.ID,
			Scores: given, PassFail: in.PassFail, InScope: in.InScope, Fund: in.Fund})
		if err == nil {
			return c.Redirect(http.StatusSeeOther, "/assessments?done=scored")
		}
		if !errors.As(err, &ps) {
			return err
		}
	}
	d.Form.Problems = scoringProblems(ps)
	return s.renderScoring(c, http.StatusUnprocessableEntity, d)
}

// scoringProblems names the service's problems by the page's fields: a missing pass or fail by
// its radios, a missing score by its box.
func scoringProblems(ps domain.Problems) domain.Problems {
	out := make(domain.Problems, 0, len(ps))
	for _, p := range ps {
		switch {
		case strings.HasPrefix(p.Field, "pass_fail.") && !strings.HasSuffix(p.Field, ".comment"):
			p.Field += ".pass"
		case strings.HasPrefix(p.Field, "scores.") && strings.Count(p.Field, ".") == 1:
			p.Field += ".score"
		}
		out = append(out, p)
	}
	return out
}

// acceptForm confirms the assessor will assess the bid, and shows it to score.
func (s *Server) acceptForm(c echo.Context) error {
	d, err := s.scoring(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.AcceptAssignment(c.Request().Context(), d.Assignment.ID); err != nil {
		var te *domain.TransitionError
		if !errors.As(err, &te) {
			return err
		}
		d.Form.Problems = domain.Problems{domain.ProblemWith("accept", err)}
		return s.renderScoring(c, http.StatusConflict, d)
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/assignments/%d?done=accepted", d.Assignment.ID))
}

// declineForm declines a bid for a conflict of interest: the interest is recorded and the bid
// goes to another assessor.
func (s *Server) declineForm(c echo.Context) error {
	d, err := s.scoring(c)
	if err != nil {
		return err
	}
	reason, kind := c.FormValue("reason"), c.FormValue("for")
	why, err := api.DeclineOf(kind, reason)
	if err == nil {
		_, err = s.Svc.DeclineAssignment(c.Request().Context(), d.Assignment.ID, why)
	}
	var ps domain.Problems
	var te *domain.TransitionError
	switch {
	case err == nil:
		if why.Capacity {
			return c.Redirect(http.StatusSeeOther, "/assessments?done=handed-on")
		}
		return c.Redirect(http.StatusSeeOther, "/assessments?done=declined")
	case errors.As(err, &ps):
	case errors.As(err, &te), errors.Is(err, domain.ErrInvalidInput):
		ps = domain.Problems{domain.ProblemWith("reason", err)}
	default:
		return err
	}
	d.Decline = ui.Form{Values: map[string]string{"reason": reason, "for": kind}, Problems: ps}
	return s.renderScoring(c, http.StatusUnprocessableEntity, d)
}
