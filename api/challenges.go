package api

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// cursor pagination: the cursor is the last ID seen, opaque to clients.
func pageArgs(c echo.Context) (after, limit int, err error) {
	limit = 50
	if v := c.QueryParam("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 200 {
			return 0, 0, badRequest("limit must be a whole number from 1 to 200")
		}
	}
	if v := c.QueryParam("cursor"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		if err == nil {
			after, err = strconv.Atoi(string(b))
		}
		if err != nil || after < 0 {
			return 0, 0, badRequest("the cursor is not one this API gave out; start again without it")
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
	q := s.DB.Challenge.Query().Where(challenge.IDGT(after)).Order(ent.Asc(challenge.FieldID)).Limit(limit + 1)
	if st := c.QueryParam("stage"); st != "" {
		if !domain.ChallengeStage(st).Valid() {
			return badRequest("stage %q is not one of %s", st, strings.Join(domain.ChallengeStage("").Values(), ", "))
		}
		q.Where(challenge.StageEQ(domain.ChallengeStage(st)))
	}
	rows, err := q.All(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, pageOf(rows, limit, func(ch *ent.Challenge) int { return ch.ID }, challengeView))
}

// CreateChallengeRequest is a challenge owner's draft.
type CreateChallengeRequest struct {
	Title      string `json:"title"`
	PublicBody string `json:"public_body"`
	Problem    string `json:"problem"`
	UserNeed   string `json:"user_need"`
	OwnerID    int    `json:"owner_id"`
}

func (s *Server) createChallenge(c echo.Context) error {
	var req CreateChallengeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	var ps domain.Problems
	req.Title = domain.ChallengeTitle.CleanAll(req.Title, &ps)
	req.PublicBody = domain.ChallengePublicBody.CleanAll(req.PublicBody, &ps)
	req.Problem = domain.ChallengeProblem.CleanAll(req.Problem, &ps)
	req.UserNeed = domain.ChallengeUserNeed.CleanAll(req.UserNeed, &ps)
	if err := ps.Err(); err != nil {
		return err
	}
	ctx := c.Request().Context()
	v, _ := currentViewer(c)
	ownerID := req.OwnerID
	if ownerID == 0 && v.Has(authz.ChallengeOwner) {
		ownerID = v.PersonID
	}
	if ownerID != v.PersonID && !v.Has(authz.Admin) {
		return forbidden("a challenge owner creates challenges they own; leave owner_id out")
	}
	var out *ent.Challenge
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		create := tx.Challenge.Create().SetTitle(req.Title).SetPublicBody(req.PublicBody).
			SetProblem(req.Problem).SetUserNeed(req.UserNeed)
		if ownerID != 0 {
			owner, err := tx.Person.Query().Where(person.ID(ownerID)).WithOrganisation().Only(authz.AsSystem(ctx, "owner-check"))
			if ent.IsNotFound(err) {
				return domain.Problems{{Field: "owner_id", Message: fmt.Sprintf("There is no person %d", ownerID)}}
			}
			if err != nil {
				return err
			}
			org := owner.Edges.Organisation
			if err := domain.CanOwnChallenge(slices.Contains(owner.Roles, string(authz.ChallengeOwner)), org != nil && org.PublicBody); err != nil {
				return domain.Problems{{Field: "owner_id", Message: fmt.Sprintf("%s cannot own a challenge: a challenge's owner must be a challenge owner in a public body", owner.Name)}}
			}
			create.SetOwnerID(ownerID)
		}
		ch, err := create.Save(ctx)
		if err != nil {
			return err
		}
		out = ch
		return activities.Audit(ctx, tx, actor(c, ""), "challenge.created", "challenge", ch.ID, nil, challengeView(ch))
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, challengeView(out))
}

func (s *Server) loadChallenge(ctx context.Context, id int) (ChallengeView, error) {
	ch, err := s.DB.Challenge.Query().Where(challenge.ID(id)).
		WithCompetitions(func(q *ent.CompetitionQuery) {
			q.Order(ent.Asc(competition.FieldPhase)).
				WithBids(func(b *ent.BidQuery) { b.WithOrganisation() }).
				WithContracts(func(k *ent.ContractQuery) {
					k.Order(ent.Asc(contract.FieldID)).WithOrganisation().WithGateDecision()
				})
		}).Only(ctx)
	if err != nil {
		return ChallengeView{}, err
	}
	v := challengeView(ch)
	for _, comp := range ch.Edges.Competitions {
		cv := competitionView(comp)
		for _, b := range comp.Edges.Bids {
			if b.Status == domain.BidDraft {
				continue
			}
			cv.SubmittedBids++
			if !sealed(comp) {
				cv.Bids = append(cv.Bids, bidViewFor(ctx, comp)(b))
			}
		}
		for _, k := range comp.Edges.Contracts {
			cv.Contracts = append(cv.Contracts, contractView(k))
		}
		v.Competitions = append(v.Competitions, cv)
	}
	return v, nil
}

func (s *Server) getChallenge(c echo.Context) error {
	id, err := pathID(c)
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

// EditChallengeRequest changes a challenge's description. Fields left out stay as they are.
type EditChallengeRequest struct {
	Title      *string `json:"title"`
	PublicBody *string `json:"public_body"`
	Problem    *string `json:"problem"`
	UserNeed   *string `json:"user_need"`
}

// editChallenge changes a challenge's description while it is a draft or awaiting selection.
// Several people share a challenge, so the edit must name the version it was made on (If-Match
// with the ETag from GET); an edit of a version someone else has since changed is refused
// with 412, never silently merged.
func (s *Server) editChallenge(c echo.Context) error {
	id, err := s.pathRecord(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	ch, err := s.DB.Challenge.Get(ctx, id)
	if err != nil {
		return err
	}
	var req EditChallengeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	match := c.Request().Header.Get("If-Match")
	if match == "" {
		return newProblem(http.StatusPreconditionRequired, "precondition-required", "Say which version you changed",
			"send If-Match with the ETag from GET /api/v1/challenges/"+strconv.Itoa(id))
	}
	if match != challengeETag(ch.ID, ch.Version) && match != "*" {
		return staleEdit(ch)
	}
	if ch.Stage != domain.ChallengeDraft && ch.Stage != domain.ChallengeSubmitted {
		return conflict("challenge-published", "a challenge can be edited only before it is selected; it is %s", ch.Stage.Label())
	}
	var ps domain.Problems
	edit := func(f domain.Text, v *string) {
		if v != nil {
			*v = f.CleanAll(*v, &ps)
		}
	}
	edit(domain.ChallengeTitle, req.Title)
	edit(domain.ChallengePublicBody, req.PublicBody)
	edit(domain.ChallengeProblem, req.Problem)
	edit(domain.ChallengeUserNeed, req.UserNeed)
	if req.Title == nil && req.PublicBody == nil && req.Problem == nil && req.UserNeed == nil {
		ps.Add("body", "say what to change: send at least one of title, public_body, problem and user_need")
	}
	if err := ps.Err(); err != nil {
		return err
	}
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		// The version in the WHERE makes a concurrent edit lose cleanly: it updates nothing.
		u := tx.Challenge.Update().Where(challenge.ID(ch.ID), challenge.Version(ch.Version)).AddVersion(1)
		if req.Title != nil {
			u.SetTitle(*req.Title)
		}
		if req.PublicBody != nil {
			u.SetPublicBody(*req.PublicBody)
		}
		if req.Problem != nil {
			u.SetProblem(*req.Problem)
		}
		if req.UserNeed != nil {
			u.SetUserNeed(*req.UserNeed)
		}
		n, err := u.Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return staleEdit(ch)
		}
		after, err := tx.Challenge.Get(ctx, ch.ID)
		if err != nil {
			return err
		}
		return activities.Audit(ctx, tx, actor(c, ""), "challenge.edited", "challenge", ch.ID, challengeView(ch), challengeView(after))
	})
	if err != nil {
		return err
	}
	return s.getChallenge(c)
}

func staleEdit(ch *ent.Challenge) error {
	return newProblem(http.StatusPreconditionFailed, "stale-edit", "Someone else changed this challenge",
		fmt.Sprintf("your edit was made on an older version; GET the challenge again (now %s), reapply your change, and send it with the new ETag",
			challengeETag(ch.ID, ch.Version)))
}

func (s *Server) challengeStage(ctx context.Context, id int) (domain.ChallengeStage, error) {
	ch, err := s.DB.Challenge.Get(ctx, id)
	if err != nil {
		return "", err
	}
	return ch.Stage, nil
}

// refuseIfNotRunning judges a command for a challenge whose lifecycle is not under way (a
// draft, whose workflow starts when it is submitted, or a finished challenge) by the stage in
// the database, so the answer names the stage at once; otherwise the workflow judges it.
func refuseIfNotRunning(stage domain.ChallengeStage, step func(domain.ChallengeStage) (domain.ChallengeStage, error)) error {
	if stage.UnderWay() {
		return nil
	}
	_, err := step(stage)
	return err
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
	id, err := s.pathRecord(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	stage, err := s.challengeStage(ctx, id)
	if err != nil {
		return err
	}
	if _, err := stage.Submit(); err != nil {
		return err
	}
	var out workflows.StageResponse
	if err := s.startChallenge(ctx, id, workflows.SubmitChallengeRequest{Actor: actor(c, "")}, &out); err != nil {
		return err
	}
	return s.respondChallenge(c, id)
}

// SelectionRequest selects or rejects a submitted challenge.
type SelectionRequest struct {
	Select *bool  `json:"select"`
	Reason string `json:"reason"`
}

func (s *Server) selectChallenge(c echo.Context) error {
	var req SelectionRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	var ps domain.Problems
	if req.Select == nil {
		ps.Add("select", "say whether the challenge is selected: \"select\": true or false")
	}
	req.Reason = domain.SelectionReason.CleanAll(req.Reason, &ps)
	if req.Select != nil && !*req.Select && req.Reason == "" {
		ps.Add("reason", "give a reason for not selecting the challenge: the challenge owner will read it")
	}
	if err := ps.Err(); err != nil {
		return err
	}
	step := domain.ChallengeStage.Reject
	if *req.Select {
		step = domain.ChallengeStage.Select
	}
	stage, err := s.challengeStage(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if err := refuseIfNotRunning(stage, step); err != nil {
		return err
	}
	var out workflows.StageResponse
	err = s.update(c.Request().Context(), workflows.ChallengeWorkflowID(id), workflows.UpdateSelectChallenge,
		workflows.SelectChallengeRequest{Select: *req.Select, Actor: actor(c, req.Reason)}, &out)
	if err != nil {
		return err
	}
	return s.respondChallenge(c, id)
}

// OpenCompetitionRequest configures the current phase's competition. Amounts are pence, VAT
// inclusive; omitted caps and scheme take the GovTech Catalyst defaults for the phase.
type OpenCompetitionRequest struct {
	ClosesAt         time.Time          `json:"closes_at"`
	PotPence         int64              `json:"pot_pence"`
	MaxContractPence int64              `json:"max_contract_pence"`
	MaxContracts     *int               `json:"max_contracts"`
	Criteria         []domain.Criterion `json:"criteria"`
	Threshold        *float64           `json:"threshold"`
	MinAssessors     *int               `json:"min_assessors"`
	TieBreaker       string             `json:"tie_breaker"`
}

func (s *Server) openCompetition(c echo.Context) error {
	var req OpenCompetitionRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	stage, err := s.challengeStage(ctx, id)
	if err != nil {
		return err
	}
	phase := 1
	if stage == domain.ChallengePhase1Contracts {
		phase = 2
	}
	openPhase := func(s domain.ChallengeStage) (domain.ChallengeStage, error) { return s.OpenCompetition(phase) }
	if err := refuseIfNotRunning(stage, openPhase); err != nil {
		return err
	}
	caps := domain.DefaultCaps(phase)
	if req.PotPence != 0 {
		caps.Pot = domain.Money(req.PotPence)
	}
	if req.MaxContractPence != 0 {
		caps.MaxContract = domain.Money(req.MaxContractPence)
	}
	if req.MaxContracts != nil {
		caps.MaxContracts = *req.MaxContracts
	}
	scheme := domain.DefaultScheme()
	if len(req.Criteria) > 0 {
		scheme.Criteria = req.Criteria
	}
	if req.Threshold != nil {
		scheme.Threshold = *req.Threshold
	}
	if req.MinAssessors != nil {
		scheme.MinAssessors = *req.MinAssessors
	}
	scheme.TieBreaker = req.TieBreaker
	var ps domain.Problems
	for _, check := range []error{domain.CheckDeadline(req.ClosesAt, time.Now()), caps.Validate(), scheme.Validate()} {
		var more domain.Problems
		if errors.As(check, &more) {
			ps = append(ps, more...)
		}
	}
	if err := ps.Err(); err != nil {
		return err
	}
	var out workflows.OpenCompetitionResponse
	err = s.update(ctx, workflows.ChallengeWorkflowID(id), workflows.UpdateOpenCompetition, workflows.OpenCompetitionRequest{
		ClosesAt: req.ClosesAt.UTC(), Caps: caps, Scheme: scheme, Actor: actor(c, ""),
	}, &out)
	if err != nil {
		return err
	}
	comp, err := s.DB.Competition.Get(ctx, out.CompetitionID)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, competitionView(comp))
}

// CompletionRequest records what became of the challenge.
type CompletionRequest struct {
	Outcome string `json:"outcome"`
	Lessons string `json:"lessons"`
}

func (s *Server) completeChallenge(c echo.Context) error {
	var req CompletionRequest
	id, err := s.pathIDAndBody(c, &req)
	if err != nil {
		return err
	}
	var ps domain.Problems
	if !domain.ProgrammeOutcome(req.Outcome).Valid() {
		ps.Add("outcome", "the outcome must be one of %s", strings.Join(domain.ProgrammeOutcome("").Values(), ", "))
	}
	req.Lessons = domain.ChallengeLessons.CleanAll(req.Lessons, &ps)
	if err := ps.Err(); err != nil {
		return err
	}
	stage, err := s.challengeStage(c.Request().Context(), id)
	if err != nil {
		return err
	}
	if err := refuseIfNotRunning(stage, domain.ChallengeStage.Complete); err != nil {
		return err
	}
	var out workflows.StageResponse
	err = s.update(c.Request().Context(), workflows.ChallengeWorkflowID(id), workflows.UpdateCompleteChallenge,
		workflows.CompleteChallengeRequest{Outcome: domain.ProgrammeOutcome(req.Outcome), Lessons: req.Lessons, Actor: actor(c, "")}, &out)
	if err != nil {
		return err
	}
	return s.respondChallenge(c, id)
}
