package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
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
	// Actions are what the viewer may do with this interview now: schedule-interview and
	// score-interview, each allowed or with its reason.
	Actions ActionList `json:"actions,omitempty"`
}

// InterviewsViewOf is a competition's interview stage as the API shows it.
func InterviewsViewOf(iv service.Interviews) InterviewsView {
	v := InterviewsView{CompetitionID: iv.Competition.ID, InterviewWeight: iv.Competition.Scheme.InterviewWeight,
		Threshold: iv.Competition.Scheme.Threshold, Shortlist: []InterviewView{}, Waiting: iv.Waiting()}
	if v.Waiting == nil {
		v.Waiting = []string{}
	}
	for _, r := range iv.Shortlist {
		x := interviewView(r.Bid)
		x.WrittenPercent = r.Result.Written
		x.Actions = actionViews(iv.Actions[r.Bid.ID])
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
	id, err := PathID(c)
	if err != nil {
		return err
	}
	iv, err := s.Svc.Interviews(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, InterviewsViewOf(iv))
}

func (s *Server) scheduleInterview(c echo.Context) error {
	var req InterviewSlotRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	b, err := s.Svc.ScheduleInterview(c.Request().Context(), service.InterviewSlot{BidID: id, At: req.At, Place: req.Place})
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
	b, err := s.Svc.RecordInterviewScore(c.Request().Context(), service.InterviewScore{BidID: id, Percent: req.Percent, Note: req.Note})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, interviewView(b))
}
