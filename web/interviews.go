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

func (s *Server) interviewsPage(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	return s.renderInterviews(c, http.StatusOK, id, ui.Form{Values: map[string]string{}}, c.QueryParam("done"))
}

func (s *Server) renderInterviews(c echo.Context, status, id int, form ui.Form, done string) error {
	iv, err := s.Svc.Interviews(c.Request().Context(), id)
	if err != nil {
		return err
	}
	for _, r := range iv.Shortlist { // each row's fields start as they are saved
		suffix := "-" + strconv.Itoa(r.Bid.ID)
		if _, typed := form.Values["place"+suffix]; !typed {
			form.Values["place"+suffix] = r.Bid.InterviewPlace
			if r.Bid.InterviewAt != nil {
				ui.DateTimeValues(form.Values, "at"+suffix, *r.Bid.InterviewAt)
			}
		}
		if _, typed := form.Values["percent"+suffix]; !typed && r.Bid.InterviewScore != nil {
			form.Values["percent"+suffix] = strconv.FormatFloat(*r.Bid.InterviewScore, 'f', -1, 64)
			form.Values["note"+suffix] = r.Bid.InterviewNote
		}
	}
	comp := iv.Competition
	return s.render(c, status, "interviews", form.Title("Interviews: "+comp.Edges.Challenge.Title), "challenges", struct {
		Interviews service.Interviews
		View       api.InterviewsView
		Form       ui.Form
		Done       string
	}{Interviews: iv, View: api.InterviewsViewOf(iv), Form: form, Done: done})
}

// fieldProblems is a refusal as a form shows it: the problems of each field, with the suffix
// that keeps a row's fields apart, or the refusal's words beside the field named. An error
// that is no refusal comes back as it is.
func fieldProblems(err error, field, suffix string) (domain.Problems, error) {
	var ps domain.Problems
	if errors.As(err, &ps) {
		for i := range ps {
			ps[i].Field += suffix
		}
		return ps, nil
	}
	p, ok := api.ToProblem(err)
	if !ok || p.Status >= 500 {
		return nil, err
	}
	return domain.Problems{{Field: field + suffix, Message: p.Detail}}, nil
}

// interviewRefused shows the interviews page again with the service's words beside the row's
// fields, which are named after the bid so the page's IDs stay unique.
func (s *Server) interviewRefused(c echo.Context, bidID int, err error, values map[string]string, field string) error {
	comp, cerr := strconv.Atoi(c.FormValue("competition_id"))
	if cerr != nil {
		return api.BadRequest("the form does not say which competition it is from")
	}
	ps, err := fieldProblems(err, field, "-"+strconv.Itoa(bidID))
	if err != nil {
		return err
	}
	return s.renderInterviews(c, http.StatusUnprocessableEntity, comp, ui.Form{Values: values, Problems: ps}, "")
}

func (s *Server) interviewSlotForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	suffix := "-" + strconv.Itoa(id)
	f := ui.Form{Values: map[string]string{}}
	var ps domain.Problems
	at := formDateTime(c, f, &ps, "at"+suffix)
	f.Values["place"+suffix] = c.FormValue("place" + suffix)
	if len(ps) > 0 {
		ps[0].Field = "at"                                            // interviewRefused names it after the row
		domain.InterviewPlace.CleanAll(f.Values["place"+suffix], &ps) // every problem at once
		err = ps
	} else {
		_, err = s.Svc.ScheduleInterview(c.Request().Context(), service.InterviewSlot{BidID: id, At: at, Place: f.Values["place"+suffix]})
	}
	if err != nil {
		return s.interviewRefused(c, id, err, f.Values, "at")
	}
	return s.backToInterviews(c, "scheduled")
}

func (s *Server) interviewScoreForm(c echo.Context) error {
	id, err := api.PathID(c)
	if err != nil {
		return err
	}
	suffix := "-" + strconv.Itoa(id)
	values := map[string]string{"percent" + suffix: strings.TrimSpace(c.FormValue("percent" + suffix)), "note" + suffix: c.FormValue("note" + suffix)}
	pct, perr := strconv.ParseFloat(strings.TrimSuffix(values["percent"+suffix], "%"), 64)
	if perr != nil {
		err = domain.Problems{{Field: "percent", Message: "Enter the interview score as a percentage from 0 to 100, like 75"}}
	} else {
		_, err = s.Svc.RecordInterviewScore(c.Request().Context(), service.InterviewScore{BidID: id, Percent: pct, Note: values["note"+suffix]})
	}
	if err != nil {
		return s.interviewRefused(c, id, err, values, "percent")
	}
	return s.backToInterviews(c, "scored")
}

func (s *Server) backToInterviews(c echo.Context, done string) error {
	comp, err := strconv.Atoi(c.FormValue("competition_id"))
	if err != nil {
		return api.BadRequest("the form does not say which competition it is from")
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/interviews?done=%s", comp, done))
}
