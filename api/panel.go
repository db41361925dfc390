package api

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// The panel sheet: a competition's eligible bids ranked by mean weighted score, each assessor's
// scores, the moderation flags and the normalised scores beside the raw ones; as a page, as JSON
// and as CSV.

// PanelRowView is one bid on the panel sheet.
type PanelRowView struct {
	Rank       int      `json:"rank"`
	BidID      int      `json:"bid_id"`
	Title      string   `json:"title"`
	Supplier   string   `json:"supplier"`
	Percent    float64  `json:"percent"`
	Normalised *float64 `json:"normalised,omitempty"`
	// With an interview stage: the written mean and the interview score that Percent combines.
	WrittenPercent   *float64             `json:"written_percent,omitempty"`
	InterviewPercent *float64             `json:"interview_percent,omitempty"`
	InScopeVotes     int                  `json:"in_scope_votes"`
	FundVotes        int                  `json:"fund_votes"`
	Fundable         bool                 `json:"fundable"`
	Reason           string               `json:"reason"`
	AmountPence      int64                `json:"amount_pence"`
	Flags            []string             `json:"flags"`
	AssessorScores   []PanelAssessorScore `json:"assessors"`
}

// PanelAssessorScore is one assessor's scores of one bid.
type PanelAssessorScore struct {
	AssessmentID int            `json:"assessment_id"`
	Excluded     string         `json:"excluded,omitempty"`  // why it is out of the mean
	SentBack     string         `json:"sent_back,omitempty"` // the programme's note, while it is back with its assessor
	AssessorID   int            `json:"assessor_id"`
	Name         string         `json:"name"`
	Percent      float64        `json:"percent"`
	Scores       map[string]int `json:"scores"`
	InScope      bool           `json:"in_scope"`
	Fund         bool           `json:"fund"`
	// Actions is what the viewer may do to these scores now (the programme moderates them).
	Actions ActionList `json:"actions,omitempty"`
}

// PanelView is the panel sheet.
type PanelView struct {
	CompetitionID int     `json:"competition_id"`
	Threshold     float64 `json:"threshold"`
	// InterviewWeight is the interview's share of the final score in percent; 0: no interviews.
	InterviewWeight int            `json:"interview_weight,omitempty"`
	Rows            []PanelRowView `json:"rows"`
	// Proposal is the programme's proposed decision while it waits for approval, and then the
	// record of who proposed and who approved it.
	Proposal *DecisionProposalView `json:"proposal,omitempty"`
}

// DecisionProposalView is a proposed funding decision and its approvals.
type DecisionProposalView struct {
	Funded     []int                  `json:"funded"`
	Portfolio  bool                   `json:"portfolio"`
	TotalPence int64                  `json:"total_pence"`
	Total      string                 `json:"total"`
	ProposedBy string                 `json:"proposed_by"`
	ProposedAt time.Time              `json:"proposed_at"`
	Approved   bool                   `json:"approved"`
	Waiting    string                 `json:"waiting"`
	Approvals  []DecisionApprovalView `json:"approvals"`
}

// DecisionApprovalView is one approval of a proposed decision.
type DecisionApprovalView struct {
	By         string    `json:"by"`
	LimitPence int64     `json:"limit_pence"`
	Reason     string    `json:"reason,omitempty"`
	At         time.Time `json:"at"`
}

func decisionProposalView(p *domain.FundingProposal) *DecisionProposalView {
	if p == nil {
		return nil
	}
	v := &DecisionProposalView{Funded: p.Funded, Portfolio: len(p.Chosen) > 0, TotalPence: int64(p.Total), Total: p.Total.String(),
		ProposedBy: p.ProposedBy, ProposedAt: p.ProposedAt, Approved: p.Approved(), Waiting: p.Waiting(), Approvals: []DecisionApprovalView{}}
	if v.Funded == nil {
		v.Funded = []int{}
	}
	for _, a := range p.Approvals {
		v.Approvals = append(v.Approvals, DecisionApprovalView{By: a.By, LimitPence: int64(a.Limit), Reason: a.Reason, At: a.At})
	}
	return v
}

// PanelViewOf is the panel sheet as the viewer may see it.
func PanelViewOf(ctx context.Context, p service.PanelSheet) PanelView {
	v := PanelView{CompetitionID: p.Competition.ID, Threshold: p.Competition.Scheme.Threshold, Rows: []PanelRowView{},
		InterviewWeight: p.Competition.Scheme.InterviewWeight, Proposal: decisionProposalView(p.Competition.FundingProposal)}
	for _, r := range p.Rows {
		row := PanelRowView{Rank: r.Rank, BidID: r.Bid.ID, Title: r.Bid.Title, Percent: r.Result.Percent,
			InScopeVotes: r.Result.InScopeVotes, FundVotes: r.Result.FundVotes, Fundable: r.Result.Fundable, Reason: r.Result.Reason,
			AmountPence: int64(r.Bid.Amount), Flags: []string{}, AssessorScores: []PanelAssessorScore{}}
		if o := r.Bid.Edges.Organisation; o != nil {
			row.Supplier = o.Name
		}
		if r.Normalised != nil {
			n := r.Normalised.Normalised
			row.Normalised = &n
		}
		if v.InterviewWeight > 0 {
			written := r.Result.Written
			row.WrittenPercent, row.InterviewPercent = &written, r.Result.Interview
		}
		if f := r.Flag; f != nil {
			if f.Wide {
				row.Flags = append(row.Flags, fmt.Sprintf("The assessors' scores spread %.1f points, wider than the %d-point band", f.Spread, p.Competition.ModerationBand))
			}
			for _, o := range f.Outliers {
				dir := "above"
				if o.Distance < 0 {
					dir, o.Distance = "below", -o.Distance
				}
				row.Flags = append(row.Flags, fmt.Sprintf("%s gave %.1f%%, %.1f points %s the others' mean of %.1f%%", p.Assessors[o.AssessorID], o.Percent, o.Distance, dir, o.OthersMean))
			}
		}
		for _, a := range r.Assessments {
			sc := PanelAssessorScore{AssessmentID: r.IDs[a.AssessorID], AssessorID: a.AssessorID, Name: p.Assessors[a.AssessorID],
				Percent: r.Percents[a.AssessorID], Scores: map[string]int{}, InScope: a.InScope, Fund: a.Fund,
				Actions: actionViews(service.ScoreActions(ctx, r.Bid, r.Moderation[a.AssessorID]))}
			if a.Excluded != nil {
				sc.Excluded = a.Excluded.Reason
			}
			if back := r.Returned[a.AssessorID]; back != nil {
				sc.SentBack = back.Note
				if *a.Excluded == *service.SentBack(back) {
					sc.Excluded = "" // out of the mean only while it is sent back, not excluded
				}
			}
			for k, s := range a.Scores {
				sc.Scores[k] = s.Score
			}
			row.AssessorScores = append(row.AssessorScores, sc)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

// Panel reads the panel sheet of the competition the path names.
func (s *Server) Panel(c echo.Context) (service.PanelSheet, error) {
	id, err := PathID(c)
	if err != nil {
		return service.PanelSheet{}, err
	}
	return s.Svc.Panel(c.Request().Context(), id)
}

func (s *Server) getPanel(c echo.Context) error {
	p, err := s.Panel(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, PanelViewOf(c.Request().Context(), p))
}

// ExclusionRequest takes a score out of its bid's mean, with the reason.
type ExclusionRequest struct {
	Reason string `json:"reason"`
}

// ExclusionView is an assessment's place in its bid's mean.
type ExclusionView struct {
	AssessmentID int    `json:"assessment_id"`
	BidID        int    `json:"bid_id"`
	Excluded     bool   `json:"excluded"`
	Reason       string `json:"reason,omitempty"`
	By           string `json:"by,omitempty"`
	SentBack     string `json:"sent_back,omitempty"`
}

func exclusionView(a *ent.Assessment) ExclusionView {
	v := ExclusionView{AssessmentID: a.ID, BidID: a.BidID, Excluded: a.Exclusion != nil}
	if a.Exclusion != nil {
		v.Reason, v.By = a.Exclusion.Reason, a.Exclusion.By
	}
	if a.Returned != nil {
		v.SentBack = a.Returned.Note
	}
	return v
}

// ReturnRequest sends an assessment back to its assessor, with what to look at again.
type ReturnRequest struct {
	Note string `json:"note"`
}

func (s *Server) sendBack(c echo.Context) error {
	var req ReturnRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	a, err := s.Svc.SendBack(c.Request().Context(), id, req.Note)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, exclusionView(a))
}

func (s *Server) excludeScore(c echo.Context) error {
	var req ExclusionRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	a, err := s.Svc.ExcludeScore(c.Request().Context(), id, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, exclusionView(a))
}

func (s *Server) includeScore(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	a, err := s.Svc.IncludeScore(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, exclusionView(a))
}
