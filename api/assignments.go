package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// AssignmentView is one bid given to one assessor, with why.
type AssignmentView struct {
	ID             int        `json:"id"`
	CompetitionID  int        `json:"competition_id"`
	BidID          int        `json:"bid_id"`
	AssessorID     int        `json:"assessor_id"`
	Status         string     `json:"status"`
	AcceptedAt     *time.Time `json:"accepted_at,omitempty"`
	Explanation    string     `json:"explanation,omitempty"`
	DeclinedReason string     `json:"declined_reason,omitempty"`
	DeclinedFor    string     `json:"declined_for,omitempty"`
}

func assignmentView(a *ent.Assignment) AssignmentView {
	return AssignmentView{ID: a.ID, CompetitionID: a.CompetitionID, BidID: a.BidID, AssessorID: a.AssessorID,
		Status: string(a.Status), AcceptedAt: a.AcceptedAt, Explanation: a.Explanation, DeclinedReason: a.DeclinedReason, DeclinedFor: string(a.DeclinedFor)}
}

// YourAssignmentView is one of the assessor's own assignments: the bid, where their work on it
// is, when it is due, and what they may do with it now.
type YourAssignmentView struct {
	AssignmentView
	BidTitle string       `json:"bid_title"`
	Progress string       `json:"progress"`
	Due      *time.Time   `json:"due,omitempty"`
	Actions  []ActionView `json:"actions"`
}

// getAssignment is one of the assessor's own assignments with its actions.
func (s *Server) getAssignment(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	y, err := s.Svc.Assessing(c.Request().Context(), id)
	if err != nil {
		return err
	}
	v := YourAssignmentView{AssignmentView: assignmentView(y.Assignment), BidTitle: y.Bid.Title, Progress: y.Status(),
		Actions: actionViews(service.AssignmentActions(y))}
	if !y.Due.IsZero() {
		v.Due = &y.Due
	}
	return c.JSON(http.StatusOK, v)
}

// listAssignments lists the assignments the viewer may see: an assessor their own.
func (s *Server) listAssignments(c echo.Context) error {
	after, limit, err := pageArgs(c)
	if err != nil {
		return err
	}
	comp, err := queryID(c, "competition_id")
	if err != nil {
		return err
	}
	rows, err := s.Svc.ListAssignments(c.Request().Context(), service.Page{After: after, Limit: limit}, comp)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, limit, func(a *ent.Assignment) int { return a.ID }, assignmentView))
}

// DeclineRequest turns an assignment down: for a conflict of interest (the default), which is
// recorded and keeps the assessor off the bid for good, or for lack of capacity.
type DeclineRequest struct {
	For    string `json:"for"`
	Reason string `json:"reason"`
}

// DeclineOf reads why an assignment is declined.
func DeclineOf(kind, reason string) (service.Decline, error) {
	switch kind {
	case "", "conflict":
		return service.Decline{Reason: reason}, nil
	case "capacity":
		return service.Decline{Capacity: true, Reason: reason}, nil
	}
	return service.Decline{}, domain.Problems{{Field: "for", Message: "Say whether you decline for a conflict of interest or for lack of capacity"}}
}

// acceptAssignment confirms the assessor will assess the bid: they have seen its title and
// supplier and have no conflict of interest.
func (s *Server) acceptAssignment(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	out, err := s.Svc.AcceptAssignment(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, assignmentView(out))
}

func (s *Server) declineAssignment(c echo.Context) error {
	var req DeclineRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	why, err := DeclineOf(req.For, req.Reason)
	if err != nil {
		return err
	}
	out, err := s.Svc.DeclineAssignment(c.Request().Context(), id, why)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, assignmentView(out))
}

// SavedDraftView is an assessor's scores saved part way.
type SavedDraftView struct {
	AssignmentID int                    `json:"assignment_id"`
	SavedAt      time.Time              `json:"saved_at"`
	Draft        domain.AssessmentDraft `json:"draft"`
}

func (s *Server) saveDraft(c echo.Context) error {
	var req domain.DraftAnswers
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	a, err := s.Svc.SaveAssessmentDraft(c.Request().Context(), id, req)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, SavedDraftView{AssignmentID: a.ID, SavedAt: *a.DraftSavedAt, Draft: *a.Draft})
}

// releaseFeedback lets suppliers read their assessments' scores and comments. It is recorded
// once; releasing again changes nothing.
func (s *Server) releaseFeedback(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	if err := s.Svc.ReleaseFeedback(c.Request().Context(), id); err != nil {
		return err
	}
	return s.getCompetition(c)
}

// FeedbackView is what a supplier is told about its bid: each assessment's scores, comments
// and votes, numbered, never naming the assessor.
type FeedbackView struct {
	BidID         int               `json:"bid_id"`
	Score         *float64          `json:"score,omitempty"`
	OutcomeReason string            `json:"outcome_reason,omitempty"`
	Assessments   []FeedbackSection `json:"assessments"`
}

// FeedbackSection is one assessor's view, anonymised.
type FeedbackSection struct {
	Label    string                           `json:"label"`
	Scores   map[string]domain.CriterionScore `json:"scores"`
	PassFail map[string]domain.PassFailAnswer `json:"pass_fail,omitempty"`
	InScope  bool                             `json:"in_scope"`
	Fund     bool                             `json:"fund"`
	Percent  float64                          `json:"percent"`
}

func (s *Server) getFeedback(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	f, err := s.Svc.Feedback(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := FeedbackView{BidID: f.Bid.ID, Score: f.Bid.Score, OutcomeReason: f.Bid.OutcomeReason, Assessments: []FeedbackSection{}}
	for i, a := range f.Assessments {
		out.Assessments = append(out.Assessments, FeedbackSection{Label: "Assessor " + strconv.Itoa(i+1),
			Scores: a.Scores, PassFail: a.PassFail, InScope: a.InScope, Fund: a.Fund, Percent: a.Percent})
	}
	return c.JSON(http.StatusOK, out)
}

// bidViewFor shows bids of comp, withholding feedback the viewer may not read yet.
func bidViewFor(ctx context.Context, comp *ent.Competition) func(*ent.Bid) BidView {
	if service.FeedbackVisible(ctx, comp) {
		return bidView
	}
	return func(b *ent.Bid) BidView { return withheldFeedback(bidView(b)) }
}
