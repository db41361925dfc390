package api

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/service"
)

// cursor pagination: the cursor is the last ID seen, opaque to clients.
func pageArgs(c echo.Context) (after, limit int, err error) {
	limit = 50
	if v := c.QueryParam("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 200 {
			return 0, 0, BadRequest("limit must be a whole number from 1 to 200")
		}
	}
	if v := c.QueryParam("cursor"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err == nil {
			after, err = strconv.Atoi(string(b))
		}
		if err != nil || after < 0 {
			return 0, 0, BadRequest("the cursor is not one this API gave out; start again without it")
		}
	}
	return after, limit, nil
}

func nextCursor(lastID int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(lastID)))
}

// pageOf turns up to limit+1 rows (queried past the cursor, in ID order) into a page of views,
// with the cursor for the next page when there is one.
func pageOf[R any, V any](rows []R, limit int, id func(R) int, view func(R) V) Page[V] {
	page := Page[V]{Items: make([]V, 0, min(len(rows), limit))}
	for i, r := range rows {
		if i == limit {
			page.Next = nextCursor(id(rows[i-1]))
			break
		}
		page.Items = append(page.Items, view(r))
	}
	return page
}

func (s *Server) listChallenges(c echo.Context) error {
	after, limit, err := pageArgs(c)
	if err != nil {
		return err
	}
	rows, err := s.Svc.ListChallenges(c.Request().Context(), service.Page{After: after, Limit: limit}, c.QueryParam("stage"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, limit, func(ch *ent.Challenge) int { return ch.ID }, ChallengeViewOf))
}

// ChallengeAnswers are the intake's answers (domain.IntakeQuestions). In an edit, a field left
// out stays as it is.
type ChallengeAnswers struct {
	Title             *string   `json:"title"`
	PublicBody        *string   `json:"public_body"`
	Problem           *string   `json:"problem"`
	WhoHasIt          *string   `json:"who_has_it"`
	Evidence          *string   `json:"evidence"`
	UserNeed          *string   `json:"user_need"`
	Fields            *[]string `json:"fields"`
	BudgetPhase1Pence *int64    `json:"budget_phase1_pence"`
	BudgetPhase2Pence *int64    `json:"budget_phase2_pence"`
	Commitment        *string   `json:"commitment"`
	SponsorName       *string   `json:"sponsor_name"`
	SponsorRole       *string   `json:"sponsor_role"`
}

// answers are the request's answers as the service takes them.
func (a ChallengeAnswers) answers() service.ChallengeAnswers {
	texts := map[string]string{}
	for f, v := range map[string]*string{"title": a.Title, "public_body": a.PublicBody, "problem": a.Problem, "who_has_it": a.WhoHasIt,
		"evidence": a.Evidence, "user_need": a.UserNeed, "commitment": a.Commitment, "sponsor_name": a.SponsorName, "sponsor_role": a.SponsorRole} {
		if v != nil {
			texts[f] = *v
		}
	}
	return service.ChallengeAnswers{Texts: texts, Fields: a.Fields, BudgetPhase1Pence: a.BudgetPhase1Pence, BudgetPhase2Pence: a.BudgetPhase2Pence}
}

// CreateChallengeRequest is a challenge owner's draft: a title, public body and problem at
// least; the rest may follow in later edits.
type CreateChallengeRequest struct {
	ChallengeAnswers
	OwnerID int `json:"owner_id"`
}

func (s *Server) createChallenge(c echo.Context) error {
	var req CreateChallengeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ch, err := s.Svc.CreateChallenge(c.Request().Context(), service.CreateChallenge{
		ChallengeAnswers: req.answers(), OwnerID: req.OwnerID})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, ChallengeViewOf(ch))
}

// loadChallenge is a challenge as the viewer may see it: bids only once their competition is
// no longer sealed, feedback only once the viewer may read it.
func (s *Server) loadChallenge(ctx context.Context, id int) (ChallengeView, error) {
	ch, err := s.Svc.Challenge(ctx, id)
	if err != nil {
		return ChallengeView{}, err
	}
	v := ChallengeViewFor(ctx, ch)
	if v.Delegates, err = s.Delegates(ctx, ch.ID); err != nil {
		return v, err
	}
	actions, err := s.Svc.ChallengeActions(ctx, ch)
	if err != nil {
		return v, err
	}
	v.Actions = actionViews(actions)
	if actions.Allows("delegates") {
		candidates, err := s.Svc.DelegateCandidates(ctx, ch.ID)
		if err != nil {
			return v, err
		}
		for _, p := range candidates {
			v.DelegateCandidates = append(v.DelegateCandidates, DelegateView{PersonID: p.ID, Name: p.Name})
		}
	}
	return v, nil
}

// Delegates are the challenge's delegates, as far as the viewer may know them.
func (s *Server) Delegates(ctx context.Context, id int) ([]DelegateView, error) {
	delegates, err := s.Svc.Delegates(ctx, id)
	var out []DelegateView
	for _, p := range delegates {
		out = append(out, DelegateView{PersonID: p.ID, Name: p.Name})
	}
	return out, err
}

// DelegateView is a colleague the challenge's owner named to act for them on its contracts.
type DelegateView struct {
	PersonID int    `json:"person_id"`
	Name     string `json:"name"`
}

// DelegateRequest names or removes a delegate.
type DelegateRequest struct {
	PersonID int `json:"person_id"`
}

// nameDelegate lets a colleague act for the owner on the challenge's contracts.
func (s *Server) nameDelegate(c echo.Context) error {
	return s.changeDelegate(c, s.Svc.NameDelegate)
}

// removeDelegate ends a colleague's acting for the owner.
func (s *Server) removeDelegate(c echo.Context) error {
	return s.changeDelegate(c, s.Svc.RemoveDelegate)
}

func (s *Server) changeDelegate(c echo.Context, change func(context.Context, service.Delegate) (*ent.Person, error)) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if err := s.Svc.MayManageDelegates(ctx, id); err != nil {
		return err
	}
	var req DelegateRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if _, err := change(ctx, service.Delegate{ChallengeID: id, PersonID: req.PersonID}); err != nil {
		return err
	}
	v, err := s.loadChallenge(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

// ChallengeView is a challenge with where it is in the lifecycle.
type ChallengeView struct {
	ID           int      `json:"id"`
	Title        string   `json:"title"`
	PublicBody   string   `json:"public_body"`
	Problem      string   `json:"problem"`
	UserNeed     string   `json:"user_need,omitempty"`
	WhoHasIt     string   `json:"who_has_it,omitempty"`
	Evidence     string   `json:"evidence,omitempty"`
	Fields       []string `json:"fields"`
	BudgetPhase1 int64    `json:"budget_phase1_pence"`
	BudgetPhase2 int64    `json:"budget_phase2_pence"`
	Commitment   string   `json:"commitment,omitempty"`
	SponsorName  string   `json:"sponsor_name,omitempty"`
	SponsorRole  string   `json:"sponsor_role,omitempty"`
	// Missing lists what the challenge still needs before it can be submitted.
	Missing      []domain.FieldProblem `json:"missing,omitempty"`
	Stage        string                `json:"stage"`
	StageLabel   string                `json:"stage_label"`
	StageReason  string                `json:"stage_reason,omitempty"`
	Outcome      string                `json:"outcome,omitempty"`
	Lessons      string                `json:"lessons,omitempty"`
	OutcomeLabel string                `json:"outcome_label,omitempty"`
	OutcomeRoute string                `json:"outcome_route,omitempty"`
	Gate         *ChallengeGateView    `json:"gate,omitempty"`
	Version      int                   `json:"version"`
	CreatedAt    time.Time             `json:"created_at"`
	UpdatedAt    time.Time             `json:"updated_at"`
	Competitions []CompetitionView     `json:"competitions,omitempty"`
	// Delegates are the colleagues the owner named to act for them on the challenge's
	// contracts, shown to the owner, the delegates and the programme officer.
	Delegates []DelegateView `json:"delegates,omitempty"`
	// DelegateCandidates are the colleagues the owner may name now (to the owner only).
	DelegateCandidates []DelegateView `json:"delegate_candidates,omitempty"`
	// Actions is what the viewer may do to the challenge now, and what not yet and why.
	Actions []ActionView `json:"actions,omitempty"`
}

// ChallengeViewOf is a challenge as the API shows it.
func ChallengeViewOf(ch *ent.Challenge) ChallengeView {
	v := ChallengeView{
		ID: ch.ID, Title: ch.Title, PublicBody: ch.PublicBody, Problem: ch.Problem, UserNeed: ch.UserNeed,
		Stage: string(ch.Stage), StageLabel: ch.Stage.Label(), StageReason: ch.StageReason, Lessons: ch.Lessons,
		CreatedAt: ch.CreatedAt, UpdatedAt: ch.UpdatedAt, Version: ch.Version,
		WhoHasIt: ch.WhoHasIt, Evidence: ch.Evidence, Fields: ch.Fields, BudgetPhase1: int64(ch.BudgetPhase1),
		BudgetPhase2: int64(ch.BudgetPhase2), Commitment: ch.Commitment, SponsorName: ch.SponsorName, SponsorRole: ch.SponsorRole,
	}
	if v.Fields == nil {
		v.Fields = []string{}
	}
	if ch.Stage == domain.ChallengeDraft {
		v.Missing = service.MissingAnswers(ch)
	}
	if ch.Outcome != nil {
		v.Outcome, v.OutcomeLabel = string(*ch.Outcome), ch.Outcome.Label()
	}
	v.OutcomeRoute = ch.OutcomeRoute
	if g := ch.GateGo; g != nil {
		v.Gate = &ChallengeGateView{Decision: string(*g), Label: g.Label(), Criteria: []string{}, Rationale: ch.GateRationale, DecidedBy: ch.GateDecidedBy, DecidedAt: ch.GateDecidedAt}
		for _, c := range domain.GateCriteria {
			if ch.GateCriteria[c.Key] {
				v.Gate.Criteria = append(v.Gate.Criteria, c.Key)
			}
		}
	}
	return v
}

// ChallengeViewFor is a challenge with its competitions as the viewer may see them.
func ChallengeViewFor(ctx context.Context, ch *ent.Challenge) ChallengeView {
	v := ChallengeViewOf(ch)
	for _, comp := range ch.Edges.Competitions {
		cv := competitionView(comp)
		received := 0
		for _, b := range comp.Edges.Bids {
			if b.Status == domain.BidDraft {
				continue
			}
			received++
			if !sealed(comp) {
				cv.Bids = append(cv.Bids, bidViewFor(ctx, comp)(b))
			}
		}
		if !sealed(comp) {
			cv.SubmittedBids = &received
		}
		for _, k := range comp.Edges.Contracts {
			cv.Contracts = append(cv.Contracts, contractView(k))
		}
		v.Competitions = append(v.Competitions, cv)
	}
	return v
}

func (s *Server) getChallenge(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	v, err := s.loadChallenge(c.Request().Context(), id)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", challengeETag(v.ID, v.Version))
	return c.JSON(http.StatusOK, v)
}

// challengeETag names one version of a challenge for If-Match.
func challengeETag(id, version int) string { return fmt.Sprintf(`"challenge-%d-v%d"`, id, version) }

// editChallenge changes a challenge's description while it is a draft or awaiting selection.
// The edit must name the version it was made on (If-Match with the ETag from GET); an edit of
// a version someone else has since changed is refused with 412, never silently merged.
func (s *Server) editChallenge(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	if err := s.Svc.MayChangeChallenge(c.Request().Context(), id); err != nil {
		return err
	}
	match := c.Request().Header.Get("If-Match")
	if match == "" {
		return NewProblem(http.StatusPreconditionRequired, "precondition-required", "Say which version you changed",
			"send If-Match with the ETag from GET /api/v1/challenges/"+strconv.Itoa(id))
	}
	version := 0
	if match != "*" {
		var etagID int
		if n, _ := fmt.Sscanf(match, `"challenge-%d-v%d"`, &etagID, &version); n != 2 || etagID != id || version < 1 {
			version = -1 // names no version of this challenge: stale
		}
	}
	var req ChallengeAnswers
	if err := bind(c, &req); err != nil {
		return err
	}
	if _, err := s.Svc.EditChallenge(c.Request().Context(), service.EditChallenge{ID: id, Version: version,
		ChallengeAnswers: req.answers()}); err != nil {
		return err
	}
	return s.getChallenge(c)
}

// respondChallenge answers a command with the challenge as it now is.
func (s *Server) respondChallenge(c echo.Context, id int) error {
	v, err := s.loadChallenge(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) submitChallenge(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	if err := s.Svc.SubmitChallenge(c.Request().Context(), id); err != nil {
		return err
	}
	return s.respondChallenge(c, id)
}

// SelectionRequest selects or rejects a submitted challenge.
type SelectionRequest struct {
	Select  *bool  `json:"select"`
	RoundID int    `json:"round_id"`
	Reason  string `json:"reason"`
}

func (s *Server) selectChallenge(c echo.Context) error {
	var req SelectionRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if err := s.Svc.SelectChallenge(c.Request().Context(), service.SelectChallenge{ID: id, Select: req.Select, RoundID: req.RoundID, Reason: req.Reason}); err != nil {
		return err
	}
	return s.respondChallenge(c, id)
}

// OpenCompetitionRequest configures the current phase's competition. Amounts are pence, VAT
// inclusive; omitted caps and scheme take the GovTech Catalyst defaults for the phase.
type OpenCompetitionRequest struct {
	Summary               string            `json:"summary"`
	Scope                 string            `json:"scope"`
	Fields                []string          `json:"fields"`
	OpensAt               time.Time         `json:"opens_at"`
	ClosesAt              time.Time         `json:"closes_at"`
	ClarificationClosesAt time.Time         `json:"clarification_closes_at"`
	BriefingAt            time.Time         `json:"briefing_at"`
	BriefingDetails       string            `json:"briefing_details"`
	PotPence              int64             `json:"pot_pence"`
	MaxContractPence      int64             `json:"max_contract_pence"`
	MaxContracts          *int              `json:"max_contracts"`
	Questions             []domain.Question `json:"questions"`
	Threshold             *float64          `json:"threshold"`
	AssessorsPerBid       int               `json:"assessors_per_bid"`
	AssessmentDays        int               `json:"assessment_days"`
	ReminderDays          *int              `json:"reminder_days"`
	ModerationBand        int               `json:"moderation_band"`
	Selection             string            `json:"selection"`
	TieBreaker            string            `json:"tie_breaker"`
	InterviewWeight       int               `json:"interview_weight"`
}

func (s *Server) openCompetition(c echo.Context) error {
	var req OpenCompetitionRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	comp, err := s.Svc.OpenCompetition(c.Request().Context(), service.OpenCompetition{ChallengeID: id,
		Details: service.CompetitionDetails{Summary: req.Summary, Scope: req.Scope, Fields: req.Fields},
		Dates: service.CompetitionDates{OpensAt: req.OpensAt, ClosesAt: req.ClosesAt, ClarificationClosesAt: req.ClarificationClosesAt,
			BriefingAt: req.BriefingAt, BriefingDetails: req.BriefingDetails},
		Money:        service.CompetitionMoney{PotPence: req.PotPence, MaxContractPence: req.MaxContractPence},
		MaxContracts: req.MaxContracts, Questions: req.Questions, Threshold: req.Threshold,
		Assessment: service.CompetitionAssessment{AssessorsPerBid: req.AssessorsPerBid, AssessmentDays: req.AssessmentDays,
			ReminderDays: req.ReminderDays, ModerationBand: req.ModerationBand, Selection: domain.SelectionMethod(req.Selection),
			TieBreaker: req.TieBreaker, InterviewWeight: req.InterviewWeight}})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, competitionView(comp))
}

// CompletionRequest records what became of the challenge.
type CompletionRequest struct {
	Outcome string        `json:"outcome"`
	Route   string        `json:"route"`
	Lessons string        `json:"lessons"`
	Lesson  domain.Lesson `json:"lesson"`
}

func (s *Server) completeChallenge(c echo.Context) error {
	var req CompletionRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	if err := s.Svc.CompleteChallenge(c.Request().Context(), service.CompleteChallenge{ID: id, Outcome: req.Outcome, Route: req.Route, Lessons: req.Lessons, Lesson: req.Lesson}); err != nil {
		return err
	}
	return s.respondChallenge(c, id)
}

func (s *Server) uploadEvidence(c echo.Context) error {
	id, err := PathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	// Refuse at once what the upload's transaction would refuse, before it is streamed.
	if err := s.Svc.MayAddEvidence(ctx, id); err != nil {
		return err
	}
	part, err := s.filePart(c)
	if err != nil {
		return err
	}
	doc, err := s.Svc.UploadEvidence(ctx, service.UploadEvidence{ChallengeID: id, Filename: SentFilename(part.Header, part.FileName()), Content: part})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, documentView(doc))
}

func (s *Server) listEvidence(c echo.Context) error {
	id, err := s.pathRecord(c)
	if err != nil {
		return err
	}
	docs, err := s.Svc.Evidence(c.Request().Context(), id)
	if err != nil {
		return err
	}
	out := make([]DocumentView, 0, len(docs))
	for _, d := range docs {
		out = append(out, documentView(d))
	}
	return c.JSON(http.StatusOK, Page[DocumentView]{Items: out})
}
