package api

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// The competition's setup, opening, extensions and clarification questions: JSON adapters over
// service/competitions.go and service/clarifications.go.

func (s *Server) startCompetitionSetup(c echo.Context) error {
	id, err := s.pathRecord(c)
	if err != nil {
		return err
	}
	comp, err := s.Svc.StartCompetitionSetup(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.competitionSetupView(c, comp))
}

// CompetitionSetupRequest changes any of the setup's tasks; a task left out stays as it is.
type CompetitionSetupRequest struct {
	Details *struct {
		Summary string   `json:"summary"`
		Scope   string   `json:"scope"`
		Fields  []string `json:"fields"`
	} `json:"details"`
	Dates *struct {
		OpensAt               *time.Time `json:"opens_at"`
		ClosesAt              *time.Time `json:"closes_at"`
		ClarificationClosesAt *time.Time `json:"clarification_closes_at"`
		BriefingAt            *time.Time `json:"briefing_at"`
		BriefingDetails       string     `json:"briefing_details"`
	} `json:"dates"`
	Money *struct {
		PotPence         int64 `json:"pot_pence"`
		MaxContractPence int64 `json:"max_contract_pence"`
		MaxContracts     int   `json:"max_contracts"`
	} `json:"money"`
	Questions  *[]domain.Question `json:"questions"`
	Assessment *struct {
		AssessorsPerBid int     `json:"assessors_per_bid"`
		AssessmentDays  int     `json:"assessment_days"`
		ModerationBand  int     `json:"moderation_band"`
		Threshold       float64 `json:"threshold"`
		Selection       string  `json:"selection"`
		ReminderDays    *int    `json:"reminder_days"`
		InterviewWeight int     `json:"interview_weight"`
	} `json:"assessment"`
}

func orZero(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func (s *Server) editCompetitionSetup(c echo.Context) error {
	var req CompetitionSetupRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	in := service.EditCompetition{ID: id, Questions: req.Questions}
	if d := req.Details; d != nil {
		in.Details = &service.CompetitionDetails{Summary: d.Summary, Scope: d.Scope, Fields: d.Fields}
	}
	if d := req.Dates; d != nil {
		in.Dates = &service.CompetitionDates{OpensAt: orZero(d.OpensAt), ClosesAt: orZero(d.ClosesAt),
			ClarificationClosesAt: orZero(d.ClarificationClosesAt), BriefingAt: orZero(d.BriefingAt), BriefingDetails: d.BriefingDetails}
	}
	if m := req.Money; m != nil {
		in.Money = &service.CompetitionMoney{PotPence: m.PotPence, MaxContractPence: m.MaxContractPence, MaxContracts: m.MaxContracts}
	}
	if a := req.Assessment; a != nil {
		in.Assessment = &service.CompetitionAssessment{AssessorsPerBid: a.AssessorsPerBid, AssessmentDays: a.AssessmentDays,
			ModerationBand: a.ModerationBand, Threshold: a.Threshold, Selection: domain.SelectionMethod(a.Selection),
			ReminderDays: a.ReminderDays, InterviewWeight: a.InterviewWeight}
	}
	comp, err := s.Svc.EditCompetition(c.Request().Context(), in)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.competitionSetupView(c, comp))
}

func (s *Server) launchCompetition(c echo.Context) error {
	id, err := s.pathRecord(c)
	if err != nil {
		return err
	}
	comp, err := s.Svc.LaunchCompetition(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.competitionSetupView(c, comp))
}

// ExtensionRequest moves the deadline later for everyone, or for one organisation.
type ExtensionRequest struct {
	ClosesAt       time.Time `json:"closes_at"`
	OrganisationID int       `json:"organisation_id"`
	Reason         string    `json:"reason"`
}

func (s *Server) extendDeadline(c echo.Context) error {
	var req ExtensionRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	comp, err := s.Svc.ExtendDeadline(c.Request().Context(), service.ExtendDeadline{CompetitionID: id,
		OrganisationID: req.OrganisationID, ClosesAt: req.ClosesAt, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.competitionSetupView(c, comp))
}

// competitionSetupView is a competition with, while it is being set up, what it still needs.
func (s *Server) competitionSetupView(c echo.Context, comp *ent.Competition) CompetitionView {
	v := competitionView(comp)
	if comp.Status == domain.CompetitionDraft {
		if err := s.Svc.CompetitionReadiness(c.Request().Context(), comp); err != nil {
			if v.ToOpen = ProblemsOf(err); v.ToOpen == nil {
				v.ToOpen = domain.Problems{{Field: "competition", Message: ReasonOf(err)}}
			}
		}
	}
	return v
}

// ClarificationView is a clarification question and, once published, its answer. Who asked is
// never shown.
type ClarificationView struct {
	ID            int        `json:"id"`
	CompetitionID int        `json:"competition_id"`
	Question      string     `json:"question"`
	Answer        string     `json:"answer,omitempty"`
	AskedAt       time.Time  `json:"asked_at"`
	PublishedAt   *time.Time `json:"published_at,omitempty"`
	Yours         bool       `json:"yours"`
}

// ClarificationViewOf is a clarification question as the API shows it.
func ClarificationViewOf(cl *ent.Clarification, viewerOrg int) ClarificationView {
	v := ClarificationView{ID: cl.ID, CompetitionID: cl.CompetitionID, Question: cl.Question, AskedAt: cl.CreatedAt,
		PublishedAt: cl.PublishedAt, Yours: viewerOrg != 0 && cl.OrganisationID == viewerOrg}
	if cl.PublishedAt != nil {
		v.Answer = cl.Answer
		if !v.Yours {
			v.Question = cl.PublishedQuestion // the asker's own words stay theirs
		}
	}
	return v
}

func (s *Server) listClarifications(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	rows, err := s.Svc.Clarifications(c.Request().Context(), id)
	if err != nil {
		return err
	}
	org := viewerOrg(c)
	out := struct {
		Items []ClarificationView `json:"items"`
	}{Items: []ClarificationView{}}
	for _, r := range rows {
		out.Items = append(out.Items, ClarificationViewOf(r, org))
	}
	return c.JSON(http.StatusOK, out)
}

// ClarificationRequest is a supplier's question.
type ClarificationRequest struct {
	Question string `json:"question"`
}

func (s *Server) askClarification(c echo.Context) error {
	var req ClarificationRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	cl, err := s.Svc.AskClarification(c.Request().Context(), service.AskClarification{CompetitionID: id, Question: req.Question})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ClarificationViewOf(cl, viewerOrg(c)))
}

// PublishClarificationRequest is the answer and the question as it will be published.
type PublishClarificationRequest struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

func (s *Server) publishClarification(c echo.Context) error {
	var req PublishClarificationRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	cl, err := s.Svc.PublishClarification(c.Request().Context(), service.PublishClarification{ID: id, Question: req.Question, Answer: req.Answer})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, ClarificationViewOf(cl, 0))
}

// viewerOrg is the signed-in person's organisation, 0 for none.
func viewerOrg(c echo.Context) int {
	v, _ := CurrentViewer(c)
	return v.OrganisationID
}

// EligibilityView is one submitted bid in the eligibility check: what the automatic checks
// found, and the programme's decision.
type EligibilityView struct {
	BidID            int      `json:"bid_id"`
	OrganisationName string   `json:"organisation_name"`
	Title            string   `json:"title"`
	Status           string   `json:"status"`
	StatusLabel      string   `json:"status_label"`
	Flags            []string `json:"flags"`
	Note             string   `json:"note,omitempty"`
	Documents        int      `json:"documents"`
	// Actions are what the viewer may do to the bid in the check: decide it, or why not.
	Actions ActionList `json:"actions"`
}

// EligibilityViewOf is a bid's eligibility check as the API shows it to the viewer.
func EligibilityViewOf(ctx context.Context, b *ent.Bid) EligibilityView {
	v := EligibilityView{BidID: b.ID, Title: b.Title, Status: string(b.Status), StatusLabel: b.Status.Label(),
		Flags: b.EligibilityFlags, Note: b.EligibilityNote, Documents: len(b.Edges.Documents), Actions: actionViews(service.EligibilityActions(ctx, b))}
	if v.Flags == nil {
		v.Flags = []string{}
	}
	if v.Actions == nil {
		v.Actions = ActionList{}
	}
	if o := b.Edges.Organisation; o != nil {
		v.OrganisationName = o.Name
	}
	return v
}

func (s *Server) getEligibility(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	comp, err := s.Svc.Competition(ctx, id)
	if err != nil {
		return err
	}
	rows, err := s.Svc.EligibilityBids(ctx, id)
	if err != nil {
		return err
	}
	out := struct {
		Status   string                `json:"status"`
		Items    []EligibilityView     `json:"items"`
		ToFinish []domain.FieldProblem `json:"to_finish,omitempty"`
	}{Status: string(comp.Status), Items: []EligibilityView{}}
	for _, b := range rows {
		out.Items = append(out.Items, EligibilityViewOf(ctx, b))
	}
	if err := s.Svc.EligibilityReadiness(ctx, comp); err != nil {
		out.ToFinish = []domain.FieldProblem{{Field: "competition", Message: ReasonOf(err)}}
	}
	return c.JSON(http.StatusOK, out)
}

// EligibilityRequest is the programme's decision on one bid.
type EligibilityRequest struct {
	Eligible *bool  `json:"eligible"`
	Reason   string `json:"reason"`
}

func (s *Server) decideEligibility(c echo.Context) error {
	var req EligibilityRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if req.Eligible == nil {
		return domain.Problems{{Field: "eligible", Message: "Say whether the bid is eligible: true or false"}}
	}
	if _, err := s.Svc.DecideEligibility(c.Request().Context(), service.DecideEligibility{BidID: id, Eligible: *req.Eligible, Reason: req.Reason}); err != nil {
		return err
	}
	b, err := s.Svc.Bid(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, EligibilityViewOf(c.Request().Context(), b))
}

func (s *Server) finishEligibility(c echo.Context) error {
	id, err := s.pathRecord(c)
	if err != nil {
		return err
	}
	comp, err := s.Svc.FinishEligibility(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, competitionView(comp))
}

// AmendmentRequest is the competition's questions as amended, with the reason bidders read.
type AmendmentRequest struct {
	Questions []domain.Question `json:"questions"`
	Reason    string            `json:"reason"`
}

func (s *Server) amendCompetition(c echo.Context) error {
	var req AmendmentRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	comp, err := s.Svc.AmendCompetition(c.Request().Context(), service.AmendCompetition{ID: id, Questions: req.Questions, Reason: req.Reason})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, competitionView(comp))
}

func (s *Server) confirmBid(c echo.Context) error {
	id, err := s.pathRecord(c)
	if err != nil {
		return err
	}
	if _, err := s.Svc.ConfirmBid(c.Request().Context(), id); err != nil {
		return err
	}
	b, err := s.Svc.Bid(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, bidView(b))
}
