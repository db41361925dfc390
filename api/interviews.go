package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
	"github.com/catalyst-sbri/catalyst/ui"
)

// The interview stage, as JSON and as the programme's page: the shortlist, a slot per supplier
// and the interview panel's scores.

// InterviewsView is a competition's shortlist for interview.
type InterviewsView struct {
	CompetitionID   int             `json:"competition_id"`
	InterviewWeight int             `json:"interview_weight"`
	Threshold       float64         `json:"threshold"`
	Shortlist       []InterviewView `json:"shortlist"`
	// Waiting names the shortlisted bids whose interview is not scored: the decision waits.
	Waiting []string `json:"waiting"`
}

// InterviewView is one shortlisted bid's interview.
type InterviewView struct {
	BidID          int        `json:"bid_id"`
	Title          string     `json:"title"`
	Supplier       string     `json:"supplier"`
	WrittenPercent float64    `json:"written_percent,omitempty"`
	At             *time.Time `json:"at,omitempty"`
	Place          string     `json:"place,omitempty"`
	Percent        *float64   `json:"percent,omitempty"`
	Note           string     `json:"note,omitempty"`
	// CombinedPercent is the final score, once the interview is scored.
	CombinedPercent *float64 `json:"combined_percent,omitempty"`
}

func interviewsView(iv service.Interviews) InterviewsView {
	v := InterviewsView{CompetitionID: iv.Competition.ID, InterviewWeight: iv.Competition.Scheme.InterviewWeight,
		Threshold: iv.Competition.Scheme.Threshold, Shortlist: []InterviewView{}, Waiting: iv.Waiting()}
	if v.Waiting == nil {
		v.Waiting = []string{}
	}
	for _, r := range iv.Shortlist {
		x := interviewView(r.Bid)
		x.WrittenPercent = r.Result.Written
		if r.Result.Interview != nil {
			combined := r.Result.Percent
			x.CombinedPercent = &combined
		}
		v.Shortlist = append(v.Shortlist, x)
	}
	return v
}

func interviewView(b *ent.Bid) InterviewView {
	v := InterviewView{BidID: b.ID, Title: b.Title, At: b.InterviewAt, Place: b.InterviewPlace, Percent: b.InterviewScore, Note: b.InterviewNote}
	if o := b.Edges.Organisation; o != nil {
		v.Supplier = o.Name
	}
	return v
}

// InterviewSlotRequest is when and where a shortlisted supplier is interviewed.
type InterviewSlotRequest struct {
	At    time.Time `json:"at"`
	Place string    `json:"place"`
}

// InterviewScoreRequest is the interview panel's score, in percent, and why.
type InterviewScoreRequest struct {
	Percent float64 `json:"percent"`
	Note    string  `json:"note"`
}

func (s *Server) getInterviews(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	iv, err := s.svc.Interviews(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, interviewsView(iv))
}

func (s *Server) scheduleInterview(c echo.Context) error {
	var req InterviewSlotRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	b, err := s.svc.ScheduleInterview(c.Request().Context(), service.InterviewSlot{BidID: id, At: req.At, Place: req.Place})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, interviewView(b))
}

func (s *Server) scoreInterview(c echo.Context) error {
	var req InterviewScoreRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	b, err := s.svc.RecordInterviewScore(c.Request().Context(), service.InterviewScore{BidID: id, Percent: req.Percent, Note: req.Note})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, interviewView(b))
}

func (s *Server) interviewsPage(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return s.renderInterviews(c, http.StatusOK, id, ui.Form{Values: map[string]string{}}, c.QueryParam("done"))
}

func (s *Server) renderInterviews(c echo.Context, status, id int, form ui.Form, done string) error {
	iv, err := s.svc.Interviews(c.Request().Context(), id)
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
		View       InterviewsView
		Form       ui.Form
		Done       string
		Open       bool
	}{Interviews: iv, View: interviewsView(iv), Form: form, Done: done,
		Open: domain.CheckInterviews(comp.Status, comp.Scheme.InterviewWeight) == nil})
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
	p, ok := toProblem(err)
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
		return badRequest("the form does not say which competition it is from")
	}
	ps, err := fieldProblems(err, field, "-"+strconv.Itoa(bidID))
	if err != nil {
		return err
	}
	return s.renderInterviews(c, http.StatusUnprocessableEntity, comp, ui.Form{Values: values, Problems: ps}, "")
}

func (s *Server) interviewSlotForm(c echo.Context) error {
	id, err := pathID(c)
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
		_, err = s.svc.ScheduleInterview(c.Request().Context(), service.InterviewSlot{BidID: id, At: at, Place: f.Values["place"+suffix]})
	}
	if err != nil {
		return s.interviewRefused(c, id, err, f.Values, "at")
	}
	return s.backToInterviews(c, "scheduled")
}

func (s *Server) interviewScoreForm(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	suffix := "-" + strconv.Itoa(id)
	values := map[string]string{"percent" + suffix: strings.TrimSpace(c.FormValue("percent" + suffix)), "note" + suffix: c.FormValue("note" + suffix)}
	pct, perr := strconv.ParseFloat(strings.TrimSuffix(values["percent"+suffix], "%"), 64)
	if perr != nil {
		err = domain.Problems{{Field: "percent", Message: "Enter the interview score as a percentage from 0 to 100, like 75"}}
	} else {
		_, err = s.svc.RecordInterviewScore(c.Request().Context(), service.InterviewScore{BidID: id, Percent: pct, Note: values["note"+suffix]})
	}
	if err != nil {
		return s.interviewRefused(c, id, err, values, "percent")
	}
	return s.backToInterviews(c, "scored")
}

func (s *Server) backToInterviews(c echo.Context, done string) error {
	comp, err := strconv.Atoi(c.FormValue("competition_id"))
	if err != nil {
		return badRequest("the form does not say which competition it is from")
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/competitions/%d/interviews?done=%s", comp, done))
}
