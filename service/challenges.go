package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/person"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// ListChallenges lists the challenges the viewer may see, in ID order, optionally in one stage.
// It returns up to Limit+1, so the caller knows whether there is a next page.
func (s *Service) ListChallenges(ctx context.Context, page Page, stage string) ([]*ent.Challenge, error) {
	q := s.DB.Challenge.Query().Where(challenge.IDGT(page.After)).Order(ent.Asc(challenge.FieldID)).Offset(page.Offset).Limit(page.Limit + 1)
	if stage != "" {
		st := domain.ChallengeStage(stage)
		if !st.Valid() {
			return nil, domain.Problems{{Field: "stage", Message: fmt.Sprintf("Stage %q is not one of %v", stage, st.Values())}}
		}
		q.Where(challenge.StageEQ(st))
	}
	return q.All(ctx)
}

// CountChallenges is how many challenges the viewer may see.
func (s *Service) CountChallenges(ctx context.Context) (int, error) {
	return s.DB.Challenge.Query().Count(ctx)
}

// Challenge is one challenge with its competitions, their bids the viewer may see and their
// contracts with gate decisions.
func (s *Service) Challenge(ctx context.Context, id int) (*ent.Challenge, error) {
	return s.DB.Challenge.Query().Where(challenge.ID(id)).
		WithCompetitions(func(q *ent.CompetitionQuery) {
			q.Order(ent.Asc(competition.FieldPhase)).
				WithBids(func(b *ent.BidQuery) { b.Order(ent.Asc(bid.FieldID)).WithOrganisation() }).
				WithContracts(func(k *ent.ContractQuery) {
					k.Order(ent.Asc(contract.FieldID)).WithOrganisation().WithGateDecision()
				})
		}).Only(ctx)
}

// ChallengeAnswers are the intake's answers as typed. In an edit, an answer not given stays as
// it is; at creation, it is empty. Budgets are pence.
type ChallengeAnswers struct {
	Texts                                map[string]string // by the question's field (domain.IntakeQuestions)
	Fields                               *[]string
	BudgetPhase1Pence, BudgetPhase2Pence *int64
}

// clean checks every answer given with its one rule and names every problem. A draft is
// created with at least its title, public body and problem.
func (a *ChallengeAnswers) clean(creating bool) domain.Problems {
	var ps domain.Problems
	texts := map[string]string{}
	for _, q := range domain.IntakeQuestions {
		switch {
		case q.IsText():
			if v, given := a.Texts[q.Field]; given || creating {
				texts[q.Field] = q.CleanAll(v, &ps)
			}
		case q.Kind == domain.AnswerFields && a.Fields != nil:
			domain.CheckFields(*a.Fields, &ps)
		case q.Kind == domain.AnswerMoney:
			if p := a.pence(q.Field); p != nil {
				domain.CheckBudget(q.Field, domain.Money(*p), &ps)
			}
		}
	}
	for f := range a.Texts {
		if _, asked := texts[f]; !asked && !slices.ContainsFunc(domain.IntakeQuestions, func(q domain.IntakeQuestion) bool { return q.Field == f }) {
			ps.Add(f, "the intake asks no question %q", f)
		}
	}
	a.Texts = texts
	return ps
}

// pence is the amount a money question (its field) was given, if any.
func (a ChallengeAnswers) pence(field string) *int64 {
	if field == "budget_phase2_pence" {
		return a.BudgetPhase2Pence
	}
	return a.BudgetPhase1Pence
}

// CheckChallengeAnswers names every problem with the answers, without saving anything: a form
// with problems of its own (money typed wrongly) still shows all of them at once.
func CheckChallengeAnswers(a ChallengeAnswers, creating bool) domain.Problems {
	return a.clean(creating)
}

// empty reports whether no answer is given.
func (a ChallengeAnswers) empty() bool {
	return len(a.Texts) == 0 && a.Fields == nil && a.BudgetPhase1Pence == nil && a.BudgetPhase2Pence == nil
}

// apply sets the answers given on a challenge's mutation. Each text answer is stored under its
// question's field, so a new question needs no line here.
func (a ChallengeAnswers) apply(m *ent.ChallengeMutation) error {
	for f, v := range a.Texts {
		if err := m.SetField(f, v); err != nil {
			return fmt.Errorf("the challenge has no place for the answer %q: %w", f, err)
		}
	}
	if a.Fields != nil {
		m.SetFields(*a.Fields)
	}
	if a.BudgetPhase1Pence != nil {
		m.SetBudgetPhase1(domain.Money(*a.BudgetPhase1Pence))
	}
	if a.BudgetPhase2Pence != nil {
		m.SetBudgetPhase2(domain.Money(*a.BudgetPhase2Pence))
	}
	return nil
}

// CreateChallenge is a challenge owner's draft, or one the programme team writes for an owner.
type CreateChallenge struct {
	ChallengeAnswers
	// OwnerID is the owner; 0 means the signed-in challenge owner.
	OwnerID int
}

// CreateChallenge records a draft challenge. It may be saved incomplete and finished later.
func (s *Service) CreateChallenge(ctx context.Context, in CreateChallenge) (*ent.Challenge, error) {
	if ps := in.clean(true); len(ps) > 0 {
		return nil, ps
	}
	v, _ := authz.FromContext(ctx)
	if in.OwnerID == 0 && v.Has(authz.ChallengeOwner) {
		in.OwnerID = v.PersonID
	}
	if in.OwnerID != v.PersonID && !v.Has(authz.ProgrammeOfficer) {
		return nil, forbidden("a challenge owner creates challenges they own; leave owner_id out")
	}
	var out *ent.Challenge
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		create := tx.Challenge.Create()
		if err := in.apply(create.Mutation()); err != nil {
			return err
		}
		if in.OwnerID != 0 {
			owner, err := tx.Person.Query().Where(person.ID(in.OwnerID)).WithOrganisation().Only(authz.AsSystem(ctx, "owner-check"))
			if ent.IsNotFound(err) {
				return domain.Problems{{Field: "owner_id", Message: fmt.Sprintf("There is no person %d", in.OwnerID)}}
			}
			if err != nil {
				return err
			}
			org := owner.Edges.Organisation
			if err := domain.CanOwnChallenge(slices.Contains(owner.Roles, string(authz.ChallengeOwner)), org != nil && org.PublicBody); err != nil {
				return domain.Problems{{Field: "owner_id", Message: fmt.Sprintf("%s cannot own a challenge: a challenge's owner must be a challenge owner in a public body", owner.Name)}}
			}
			create.SetOwnerID(in.OwnerID)
		}
		ch, err := create.Save(ctx)
		if err != nil {
			return err
		}
		out = ch
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "challenge.created", "challenge", ch.ID, nil, Intake(ch))
	})
	return out, err
}

// Intake is a challenge's answers as the domain judges them: the one place a text answer is read
// from where it is stored.
func Intake(ch *ent.Challenge) domain.ChallengeIntake {
	return domain.ChallengeIntake{Fields: ch.Fields, BudgetPhase1: ch.BudgetPhase1, BudgetPhase2: ch.BudgetPhase2, Texts: map[string]string{
		"title": ch.Title, "public_body": ch.PublicBody, "problem": ch.Problem, "who_has_it": ch.WhoHasIt, "evidence": ch.Evidence,
		"user_need": ch.UserNeed, "commitment": ch.Commitment, "sponsor_name": ch.SponsorName, "sponsor_role": ch.SponsorRole,
	}}
}

// MissingAnswers names what a challenge still needs before it can be submitted.
func MissingAnswers(ch *ent.Challenge) domain.Problems { return Intake(ch).Missing() }

// changeChallenge finds a challenge the viewer may change: its owner, or the programme team.
func (s *Service) changeChallenge(ctx context.Context, id int) (*ent.Challenge, error) {
	ch, err := s.DB.Challenge.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	v, _ := authz.FromContext(ctx)
	if v.Has(authz.ProgrammeOfficer) {
		return ch, nil
	}
	owns, err := s.ownsChallenge(ctx, v, id)
	if err != nil {
		return nil, err
	}
	if !owns {
		return nil, forbidden("only the challenge's owner or the programme team can change it")
	}
	return ch, nil
}

// MayChangeChallenge says whether the viewer may change the challenge (its owner, or the
// programme team), so that an adapter can ask before it judges anything else of the request:
// someone out of scope learns nothing from how their request is judged.
func (s *Service) MayChangeChallenge(ctx context.Context, id int) error {
	_, err := s.changeChallenge(ctx, id)
	return err
}

// EditChallenge changes a challenge's answers. Answers left nil stay as they are.
type EditChallenge struct {
	ID int
	// Version is the version the edit was made on; 0 means whatever is current (If-Match: *).
	Version int
	ChallengeAnswers
}

// ErrStale refuses an edit made on a version someone else has since changed.
func staleEdit(ch *ent.Challenge) error {
	return &Refusal{Kind: Stale, Code: "stale-edit", Title: "Someone else changed this challenge",
		Detail: fmt.Sprintf("your edit was made on an older version; read the challenge again (now version %d), reapply your change, and send it again", ch.Version)}
}

// EditChallenge changes a challenge's description while it may still be edited. Several
// people share a challenge, so an edit names the version it was made on, and an edit of a
// version someone has since changed is refused, never silently merged.
func (s *Service) EditChallenge(ctx context.Context, in EditChallenge) (*ent.Challenge, error) {
	ch, err := s.changeChallenge(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if in.Version != 0 && in.Version != ch.Version {
		return nil, staleEdit(ch)
	}
	if err := ch.Stage.Edit(); err != nil {
		return nil, err
	}
	ps := in.clean(false)
	if in.empty() {
		ps.Add("body", "say what to change: send at least one answer, such as title or problem")
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	var out *ent.Challenge
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		// The version in the WHERE makes a concurrent edit lose cleanly: it updates nothing.
		u := tx.Challenge.Update().Where(challenge.ID(ch.ID), challenge.Version(ch.Version)).AddVersion(1)
		if err := in.apply(u.Mutation()); err != nil {
			return err
		}
		n, err := u.Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return staleEdit(ch)
		}
		if out, err = tx.Challenge.Get(ctx, ch.ID); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "challenge.edited", "challenge", ch.ID, Intake(ch), Intake(out))
	})
	return out, err
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

// SubmitChallenge sends a draft to the programme team, starting its lifecycle.
func (s *Service) SubmitChallenge(ctx context.Context, id int) error {
	ch, err := s.changeChallenge(ctx, id)
	if err != nil {
		return err
	}
	if _, err := ch.Stage.Submit(); err != nil && !s.Lifecycle.Sent(ctx, workflows.ChallengeWorkflowID(id), workflows.UpdateSubmitChallenge) {
		return err
	}
	if err := MissingAnswers(ch).Err(); err != nil {
		return err
	}
	_, err = s.Lifecycle.SubmitChallenge(ctx, id, workflows.SubmitChallengeRequest{Actor: authz.ActorOf(ctx, "")})
	return err
}

// SelectChallenge selects a submitted challenge, or rejects it with a reason its owner reads.
type SelectChallenge struct {
	ID     int
	Select *bool
	// RoundID is the round a selected challenge joins.
	RoundID int
	Reason  string
}

// SelectChallenge records the programme team's choice. A command the challenge's stage
// forbids is refused with the stage first; then what to fix in the request.
func (s *Service) SelectChallenge(ctx context.Context, in SelectChallenge) error {
	ch, err := s.changeChallenge(ctx, in.ID)
	if err != nil {
		return err
	}
	if in.Select != nil {
		step := domain.ChallengeStage.Reject
		if *in.Select {
			step = domain.ChallengeStage.Select
		}
		if err := refuseIfNotRunning(ch.Stage, step); err != nil &&
			!s.Lifecycle.Sent(ctx, workflows.ChallengeWorkflowID(in.ID), workflows.UpdateSelectChallenge) {
			return err
		}
	}
	var ps domain.Problems
	if in.Select == nil {
		ps.Add("select", "say whether the challenge is selected: \"select\": true or false")
	}
	in.Reason = domain.SelectionReason.CleanAll(in.Reason, &ps)
	if in.Select != nil && !*in.Select {
		in.RoundID = 0
		if in.Reason == "" {
			ps.Add("reason", "give a reason for not selecting the challenge: the challenge owner will read it")
		}
	}
	if in.Select != nil && *in.Select {
		if err := s.checkScreened(ctx, in.ID); err != nil {
			return err
		}
		if in.RoundID == 0 {
			ps.Add("round_id", "choose the round to select the challenge into")
		} else if _, err := s.DB.Round.Get(ctx, in.RoundID); ent.IsNotFound(err) {
			ps.Add("round_id", "there is no round %d", in.RoundID)
		} else if err != nil {
			return err
		}
	}
	if err := ps.Err(); err != nil {
		return err
	}
	_, err = s.Lifecycle.SelectChallenge(ctx, in.ID, workflows.SelectChallengeRequest{Select: *in.Select, RoundID: in.RoundID,
		Actor: authz.ActorOf(ctx, in.Reason)})
	return err
}

// OpenCompetition is a competition's whole setup in one request: the answers to each of the
// setup's tasks, as the task list takes them, with the same defaults (the challenge's fields,
// the phase's caps, the default assessment settings).
type OpenCompetition struct {
	ChallengeID  int
	Details      CompetitionDetails // nil Fields: the challenge's
	Dates        CompetitionDates
	Money        CompetitionMoney // zeros: the phase's defaults
	MaxContracts *int
	Questions    []domain.Question
	Assessment   CompetitionAssessment // zeros: the defaults; AssessorsPerBid 0: the default
	Threshold    *float64
}

// OpenCompetition sets up the challenge's next competition and opens it (or schedules it), by
// the same path and the same rule as the task list: nothing is written unless the whole setup
// would open. A draft already begun for the phase is filled in with what the request says.
func (s *Service) OpenCompetition(ctx context.Context, in OpenCompetition) (*ent.Competition, error) {
	if s.Lifecycle.Sent(ctx, workflows.ChallengeWorkflowID(in.ChallengeID), workflows.UpdateOpenCompetition) {
		// A keyed retry whose first attempt reached the workflow: it answers with its first outcome.
		c, err := s.DB.Competition.Query().Where(competition.ChallengeID(in.ChallengeID)).
			Order(ent.Desc(competition.FieldPhase)).First(ctx)
		if err != nil {
			return nil, err
		}
		return s.LaunchCompetition(ctx, c.ID)
	}
	ch, err := s.Challenge(ctx, in.ChallengeID)
	if err != nil {
		return nil, err
	}
	phase, err := s.maySetUpCompetition(ctx, ch)
	if err != nil {
		return nil, err
	}
	edit, err := s.checkWholeSetup(ctx, ch, phase, in)
	if err != nil {
		return nil, err
	}
	draft, err := s.StartCompetitionSetup(ctx, in.ChallengeID)
	if err != nil {
		return nil, err
	}
	edit.ID = draft.ID
	if _, err := s.EditCompetition(ctx, edit); err != nil {
		return nil, err
	}
	return s.LaunchCompetition(ctx, draft.ID)
}

// checkWholeSetup fills in the defaults and applies the rule the task list applies before a
// competition opens (domain.CompetitionSetup.CheckOpen), with each task's own checks.
func (s *Service) checkWholeSetup(ctx context.Context, ch *ent.Challenge, phase int, in OpenCompetition) (EditCompetition, error) {
	var ps domain.Problems
	details := in.Details
	if details.Fields == nil {
		details.Fields = ch.Fields
	}
	details.Summary = domain.CompetitionSummary.CleanAll(details.Summary, &ps)
	details.Scope = domain.CompetitionScope.CleanAll(details.Scope, &ps)
	domain.CheckFields(details.Fields, &ps)
	dates := in.Dates
	dates.BriefingDetails = domain.BriefingDetails.CleanAll(dates.BriefingDetails, &ps)
	caps := domain.DefaultCaps(phase)
	if in.Money.PotPence != 0 {
		caps.Pot = domain.Money(in.Money.PotPence)
	}
	if in.Money.MaxContractPence != 0 {
		caps.MaxContract = domain.Money(in.Money.MaxContractPence)
	}
	if in.MaxContracts != nil {
		caps.MaxContracts = *in.MaxContracts
	}
	questions := slices.Clone(in.Questions)
	ps = append(ps, CheckQuestions(questions)...)
	a := in.Assessment
	if a.AssessorsPerBid == 0 {
		a.AssessorsPerBid = domain.DefaultAssessorsPerBid
	}
	if a.AssessmentDays == 0 {
		a.AssessmentDays = domain.DefaultAssessmentDays
	}
	if a.ModerationBand == 0 {
		a.ModerationBand = domain.DefaultModeration
	}
	if a.ReminderDays == nil {
		days := domain.DefaultReminderDays
		a.ReminderDays = &days
	}
	if a.Selection == "" {
		a.Selection = domain.TopDown
	}
	a.Threshold = domain.DefaultScheme().Threshold
	if in.Threshold != nil {
		a.Threshold = *in.Threshold
	}
	setup := domain.CompetitionSetup{
		Phase: phase, Summary: details.Summary, Scope: details.Scope, Fields: details.Fields,
		OpensAt: dates.OpensAt, ClosesAt: dates.ClosesAt, ClarificationClosesAt: dates.ClarificationClosesAt,
		BriefingAt: dates.BriefingAt, BriefingDetails: dates.BriefingDetails, Caps: caps,
		Scheme: domain.Scheme{Criteria: questions, Threshold: a.Threshold, MinAssessors: a.AssessorsPerBid,
			TieBreaker: a.TieBreaker, InterviewWeight: a.InterviewWeight},
		AssessorsPerBid: a.AssessorsPerBid, AssessmentDays: a.AssessmentDays, ReminderDays: *a.ReminderDays,
		ModerationBand: a.ModerationBand, Selection: a.Selection,
	}
	var left domain.Money
	var roundName string
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		left, roundName, err = roundLeft(ctx, tx, &ent.Competition{Edges: ent.CompetitionEdges{Challenge: ch}})
		return err
	})
	if err != nil {
		return EditCompetition{}, err
	}
	if err := setup.CheckOpen(time.Now(), s.shortestOpen(), left, roundName); err != nil {
		var more domain.Problems
		if !errors.As(err, &more) {
			return EditCompetition{}, err
		}
		for _, p := range more {
			if ps.For(p.Field) == "" {
				ps = append(ps, p)
			}
		}
	}
	if err := ps.Err(); err != nil {
		return EditCompetition{}, err
	}
	money := CompetitionMoney{PotPence: int64(caps.Pot), MaxContractPence: int64(caps.MaxContract), MaxContracts: caps.MaxContracts}
	return EditCompetition{Details: &details, Dates: &dates, Money: &money, Questions: &questions, Assessment: &a}, nil
}
