package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/assessment"
	"github.com/catalyst-sbri/catalyst/ent/assignment"
	"github.com/catalyst-sbri/catalyst/ent/bid"
)

// AssignmentView is one bid given to one assessor, with why.
type AssignmentView struct {
	ID             int    `json:"id"`
	CompetitionID  int    `json:"competition_id"`
	BidID          int    `json:"bid_id"`
	AssessorID     int    `json:"assessor_id"`
	Status         string `json:"status"`
	Explanation    string `json:"explanation,omitempty"`
	DeclinedReason string `json:"declined_reason,omitempty"`
}

func assignmentView(a *ent.Assignment) AssignmentView {
	return AssignmentView{ID: a.ID, CompetitionID: a.CompetitionID, BidID: a.BidID, AssessorID: a.AssessorID,
		Status: string(a.Status), Explanation: a.Explanation, DeclinedReason: a.DeclinedReason}
}

// listAssignments lists the assignments the viewer may see: an assessor their own.
func (s *Server) listAssignments(c echo.Context) error {
	after, limit, err := pageArgs(c)
	if err != nil {
		return err
	}
	q := s.DB.Assignment.Query().Where(assignment.IDGT(after)).Order(ent.Asc(assignment.FieldID)).Limit(limit + 1)
	comp, err := queryID(c, "competition_id")
	if err != nil {
		return err
	}
	if comp != 0 {
		q.Where(assignment.CompetitionID(comp))
	}
	rows, err := q.All(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, limit, func(a *ent.Assignment) int { return a.ID }, assignmentView))
}

// DeclineRequest declares a conflict of interest on an assignment.
type DeclineRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) declineAssignment(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if _, err := s.DB.Assignment.Get(ctx, id); err != nil {
		return err
	}
	var req DeclineRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	var out *ent.Assignment
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		out, err = activities.DeclineAssignment(ctx, tx, id, req.Reason, actor(c, ""))
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, assignmentView(out))
}

// releaseFeedback lets suppliers read their assessments' scores and comments. It is recorded
// once; releasing again changes nothing.
func (s *Server) releaseFeedback(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error { return activities.ReleaseFeedback(ctx, tx, id, actor(c, "")) })
	if err != nil {
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
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	b, err := s.DB.Bid.Query().Where(bid.ID(id)).WithCompetition().Only(ctx)
	if err != nil {
		return err
	}
	if !feedbackVisible(ctx, b.Edges.Competition) {
		return conflict("feedback-not-released", "feedback on this bid has not been released yet; you will be told when it is")
	}
	rows, err := s.DB.Assessment.Query().Where(assessment.BidID(b.ID)).Order(ent.Asc(assessment.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	// Scores from an assessor with a conflict did not count in the decision, so they are not
	// feedback either; the supplier learns nothing but their absence.
	conflicted, err := activities.Conflicts(ctx, s.DB.Assignment, assignment.BidID(b.ID))
	if err != nil {
		return err
	}
	out := FeedbackView{BidID: b.ID, Score: b.Score, OutcomeReason: b.OutcomeReason, Assessments: []FeedbackSection{}}
	for _, a := range rows {
		if _, ok := conflicted[domain.Pair{BidID: a.BidID, AssessorID: a.AssessorID}]; ok {
			continue
		}
		out.Assessments = append(out.Assessments, FeedbackSection{Label: "Assessor " + strconv.Itoa(len(out.Assessments)+1),
			Scores: a.Scores, PassFail: a.PassFail, InScope: a.InScope, Fund: a.Fund, Percent: a.Percent})
	}
	return c.JSON(http.StatusOK, out)
}

// feedbackVisible: the programme and owners read feedback as soon as it exists; a supplier
// only once it is released.
func feedbackVisible(ctx context.Context, comp *ent.Competition) bool {
	v, _ := authz.FromContext(ctx)
	if v.Has(authz.Admin) || v.Has(authz.ChallengeOwner) {
		return true
	}
	return comp != nil && comp.FeedbackReleasedAt != nil
}

// bidViewFor shows bids of comp, withholding feedback the viewer may not read yet.
func bidViewFor(ctx context.Context, comp *ent.Competition) func(*ent.Bid) BidView {
	if feedbackVisible(ctx, comp) {
		return bidView
	}
	return func(b *ent.Bid) BidView { return withheldFeedback(bidView(b)) }
}
