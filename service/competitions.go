package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// The programme team sets a competition up over several sittings, task by task, then opens it
// or schedules it; once open, its deadline can be extended.

// DeadlineFor is the deadline that applies to one organisation's bid in a competition.
func DeadlineFor(comp *ent.Competition, organisationID int) time.Time {
	return deadlines(comp).For(organisationID)
}

func deadlines(comp *ent.Competition) domain.Deadlines {
	return domain.Deadlines{ClosesAt: comp.ClosesAt, Extension: comp.Extensions}
}

// SetupOf is a competition's setup as the domain checks it.
func SetupOf(c *ent.Competition) domain.CompetitionSetup {
	return domain.CompetitionSetup{
		Phase: c.Phase, Summary: c.Summary, Scope: c.Scope, Fields: c.Fields,
		OpensAt: c.OpensAt, ClosesAt: c.ClosesAt, ClarificationClosesAt: c.ClarificationClosesAt,
		BriefingAt: c.BriefingAt, BriefingDetails: c.BriefingDetails,
		Caps:   domain.PhaseCaps{Pot: c.Pot, MaxContract: c.MaxContract, MaxContracts: c.MaxContracts},
		Scheme: c.Scheme, AssessorsPerBid: c.AssessorsPerBid, AssessmentDays: c.AssessmentDays, ReminderDays: c.ReminderDays,
		ModerationBand: c.ModerationBand, Selection: c.Selection,
	}
}

// phaseToOpen is the phase whose competition a challenge at stage may open next.
func phaseToOpen(stage domain.ChallengeStage) int {
	if stage == domain.ChallengePhase1Contracts {
		return 2
	}
	return 1
}

// StartCompetitionSetup begins setting up the competition a challenge may open next, or
// returns the one already being set up.
func (s *Service) StartCompetitionSetup(ctx context.Context, challengeID int) (*ent.Competition, error) {
	ch, err := s.Challenge(ctx, challengeID)
	if err != nil {
		return nil, err
	}
	phase, err := s.maySetUpCompetition(ctx, ch)
	if err != nil {
		return nil, err
	}
	var out *ent.Competition
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		existing, err := tx.Competition.Query().Where(competition.ChallengeID(ch.ID), competition.Phase(phase)).Only(ctx)
		if err == nil {
			out = existing
			return nil
		}
		if !ent.IsNotFound(err) {
			return err
		}
		scheme := domain.DefaultScheme()
		scheme.Criteria = nil // the programme writes the questions
		out, err = tx.Competition.Create().SetChallengeID(ch.ID).SetPhase(phase).SetStatus(domain.CompetitionDraft).
			SetScheme(scheme).SetFields(ch.Fields).SetMaxContracts(domain.DefaultCaps(phase).MaxContracts).Save(ctx)
		if err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "competition.setup_started", "competition", out.ID, nil,
			map[string]any{"challenge": ch.ID, "phase": phase})
	})
	return out, err
}

// CompetitionDetails is the setup's first task: what the competition is about.
type CompetitionDetails struct {
	Summary, Scope string
	Fields         []string
}

// CompetitionDates are when it opens (zero: when the programme says), closes, stops taking
// clarification questions, and holds its briefing.
type CompetitionDates struct {
	OpensAt, ClosesAt, ClarificationClosesAt, BriefingAt time.Time
	BriefingDetails                                      string
}

// CompetitionMoney is the pot, the most one contract may be worth, and how many contracts.
type CompetitionMoney struct {
	PotPence, MaxContractPence int64
	MaxContracts               int
}

// CompetitionAssessment is how the bids are assessed and selected.
type CompetitionAssessment struct {
	AssessorsPerBid, AssessmentDays, ModerationBand int
	Threshold                                       float64
	Selection                                       domain.SelectionMethod
	// ReminderDays is how many working days before the due date assessors are reminded; nil
	// keeps what is set (2 at first).
	ReminderDays *int
	// InterviewWeight is the interview's share of the final score in percent; 0: no interview.
	InterviewWeight int
	// TieBreaker is the key of the question whose score breaks a tie; "": none.
	TieBreaker string
}

// EditCompetition changes any of a competition's setup tasks; nil leaves a task as it is.
type EditCompetition struct {
	ID         int
	Details    *CompetitionDetails
	Dates      *CompetitionDates
	Money      *CompetitionMoney
	Questions  *[]domain.Question
	Assessment *CompetitionAssessment
}

// CheckQuestions checks each question as the builder saves it, naming fields questions[i].x.
func CheckQuestions(qs []domain.Question) domain.Problems {
	var ps domain.Problems
	if len(qs) > domain.MaxCriteria {
		ps.Add("questions", "A competition has at most %d questions", domain.MaxCriteria)
	}
	seen := map[string]bool{}
	for i := range qs {
		at := fmt.Sprintf("questions[%d].", i)
		if qs[i].Key == "" {
			qs[i].Key = domain.Scheme{Criteria: qs}.NextQuestionKey()
		}
		if seen[qs[i].Key] {
			ps.Add(at+"key", "Question %d's key %q is used twice", i+1, qs[i].Key)
		}
		seen[qs[i].Key] = true
		for _, p := range domain.CheckQuestion(&qs[i]) {
			p.Field = at + p.Field
			ps = append(ps, p)
		}
	}
	return ps
}

// EditCompetition saves the tasks given, each checked on its own; the whole setup is checked
// when the competition opens.
func (s *Service) EditCompetition(ctx context.Context, in EditCompetition) (*ent.Competition, error) {
	var out *ent.Competition
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		c, err := tx.Competition.Query().Where(competition.ID(in.ID)).WithChallenge().Only(ctx)
		if err != nil {
			return err
		}
		if err := c.Status.CheckSetUp(); err != nil {
			return err
		}
		setup := SetupOf(c)
		var ps domain.Problems
		upd := tx.Competition.UpdateOne(c)
		if d := in.Details; d != nil {
			d.Summary = domain.CompetitionSummary.CleanAll(d.Summary, &ps)
			d.Scope = domain.CompetitionScope.CleanAll(d.Scope, &ps)
			domain.CheckFields(d.Fields, &ps)
			upd.SetSummary(d.Summary).SetScope(d.Scope).SetFields(d.Fields)
		}
		if d := in.Dates; d != nil {
			d.BriefingDetails = domain.BriefingDetails.CleanAll(d.BriefingDetails, &ps)
			setup.OpensAt, setup.ClosesAt, setup.ClarificationClosesAt, setup.BriefingAt = d.OpensAt, d.ClosesAt, d.ClarificationClosesAt, d.BriefingAt
			ps = append(ps, setup.CheckDates(time.Now(), s.shortestOpen())...)
			upd.SetOpensAt(d.OpensAt.UTC()).SetClosesAt(d.ClosesAt.UTC()).SetClarificationClosesAt(d.ClarificationClosesAt.UTC()).
				SetBriefingAt(d.BriefingAt.UTC()).SetBriefingDetails(d.BriefingDetails)
		}
		if m := in.Money; m != nil {
			setup.Caps = domain.PhaseCaps{Pot: domain.Money(m.PotPence), MaxContract: domain.Money(m.MaxContractPence), MaxContracts: m.MaxContracts}
			left, name, err := roundLeft(ctx, tx, c)
			if err != nil {
				return err
			}
			ps = append(ps, setup.CheckMoney(left, name)...)
			upd.SetPot(setup.Caps.Pot).SetMaxContract(setup.Caps.MaxContract).SetMaxContracts(setup.Caps.MaxContracts)
		}
		if q := in.Questions; q != nil {
			ps = append(ps, CheckQuestions(*q)...)
			setup.Scheme.Criteria = *q
			if !slices.ContainsFunc(*q, func(c domain.Criterion) bool { return c.Key == setup.Scheme.TieBreaker }) {
				setup.Scheme.TieBreaker = ""
			}
		}
		if a := in.Assessment; a != nil {
			setup.AssessorsPerBid, setup.AssessmentDays, setup.ModerationBand = a.AssessorsPerBid, a.AssessmentDays, a.ModerationBand
			setup.Scheme.Threshold, setup.Selection = a.Threshold, a.Selection
			setup.Scheme.InterviewWeight, setup.Scheme.TieBreaker = a.InterviewWeight, a.TieBreaker
			if a.ReminderDays != nil {
				setup.ReminderDays = *a.ReminderDays
			}
			ps = append(ps, setup.CheckAssessment()...)
			if a.AssessorsPerBid == 0 {
				ps.Add("assessors_per_bid", "Choose from %d to %d assessors a bid", domain.MinAssessorsPerBid, domain.MaxAssessorsPerBid)
			}
			if a.Selection == "" {
				ps.Add("selection", "Choose top down or portfolio")
			}
			setup.Scheme.MinAssessors = a.AssessorsPerBid
			upd.SetAssessorsPerBid(a.AssessorsPerBid).SetAssessmentDays(a.AssessmentDays).SetModerationBand(a.ModerationBand).
				SetReminderDays(setup.ReminderDays)
			if a.Selection.Valid() {
				upd.SetSelection(a.Selection)
			}
		}
		if err := ps.Err(); err != nil {
			return err
		}
		upd.SetScheme(setup.Scheme)
		if out, err = upd.Save(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "competition.setup_changed", "competition", c.ID, setup, SetupOf(out))
	})
	return out, err
}

// roundLeft is what the challenge's round has left for this competition's pot: its budget less
// what the round's other competitions committed. A challenge in no round gives -1.
func roundLeft(ctx context.Context, tx *ent.Tx, c *ent.Competition) (domain.Money, string, error) {
	ch := c.Edges.Challenge
	if ch == nil || ch.RoundID == nil || *ch.RoundID == 0 {
		return -1, "", nil
	}
	r, err := tx.Round.Get(ctx, *ch.RoundID)
	if err != nil {
		return 0, "", err
	}
	m, err := roundMoney(ctx, tx.Client(), r, c.ID)
	if err != nil {
		return 0, "", err
	}
	return m.Left(), r.Name, nil
}

// roundMoney counts the round's challenges and their opened competitions by domain.RoundMoney,
// leaving out one competition (0 for none): the one about to open.
func roundMoney(ctx context.Context, db *ent.Client, r *ent.Round, except int) (domain.RoundMoney, error) {
	chs, err := db.Challenge.Query().Where(challenge.RoundID(r.ID)).WithCompetitions(func(q *ent.CompetitionQuery) {
		q.Where(competition.IDNEQ(except), competition.StatusNEQ(domain.CompetitionDraft))
	}).All(ctx)
	if err != nil {
		return domain.RoundMoney{}, err
	}
	m := domain.RoundMoney{Budget: r.Budget}
	for _, ch := range chs {
		c := domain.ChallengeMoney{Stage: ch.Stage, Plan: [2]domain.Money{ch.BudgetPhase1, ch.BudgetPhase2}}
		for _, comp := range ch.Edges.Competitions {
			if p := comp.Phase - 1; p == 0 || p == 1 {
				c.Opened[p] += comp.Pot
				c.HasOpened[p] = true
			}
		}
		m.Add(c)
	}
	return m, nil
}

// CompetitionReadiness says whether a competition being set up may open now, and if not, why.
func (s *Service) CompetitionReadiness(ctx context.Context, c *ent.Competition) error {
	if c.Status != domain.CompetitionDraft {
		return &domain.TransitionError{Record: "competition", Action: "open", From: string(c.Status), Kind: domain.ErrInvalidTransition,
			Reason: "it is " + c.Status.Label()}
	}
	var left domain.Money
	var name string
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		withChallenge, err := tx.Competition.Query().Where(competition.ID(c.ID)).WithChallenge().Only(ctx)
		if err != nil {
			return err
		}
		left, name, err = roundLeft(ctx, tx, withChallenge)
		return err
	})
	if err != nil {
		return err
	}
	return SetupOf(c).CheckOpen(time.Now(), s.shortestOpen(), left, name)
}

// LaunchCompetition opens a competition that is set up, or schedules it to open at its
// opening time; its challenge's workflow takes it from there.
func (s *Service) LaunchCompetition(ctx context.Context, id int) (*ent.Competition, error) {
	c, err := s.DB.Competition.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.CompetitionReadiness(ctx, c); err != nil && !s.Lifecycle.Sent(ctx, workflows.ChallengeWorkflowID(c.ChallengeID), workflows.UpdateOpenCompetition) {
		return nil, err
	}
	setup := SetupOf(c)
	setup.Scheme.MinAssessors = c.AssessorsPerBid
	out, err := s.Lifecycle.OpenCompetition(ctx, c.ChallengeID, workflows.OpenCompetitionRequest{
		ClosesAt: c.ClosesAt.UTC(), Caps: setup.Caps, Scheme: setup.Scheme, OpensAt: c.OpensAt.UTC(),
		Actor: authz.ActorOf(ctx, ""),
	})
	if err != nil {
		return nil, err
	}
	return s.DB.Competition.Get(ctx, out.CompetitionID)
}

// ExtendDeadline is a later deadline for every bidder (OrganisationID 0) or for one.
type ExtendDeadline struct {
	CompetitionID  int
	OrganisationID int
	ClosesAt       time.Time
	Reason         string
}

// ExtendDeadline moves the deadline later with a reason; the competition's workflow re-arms
// its close, and the suppliers concerned are told.
func (s *Service) ExtendDeadline(ctx context.Context, in ExtendDeadline) (*ent.Competition, error) {
	c, err := s.DB.Competition.Get(ctx, in.CompetitionID)
	if err != nil {
		return nil, err
	}
	var ps domain.Problems
	in.Reason = domain.ExtensionReason.CleanAll(in.Reason, &ps)
	if in.OrganisationID != 0 {
		org, err := s.DB.Organisation.Get(ctx, in.OrganisationID)
		switch {
		case ent.IsNotFound(err):
			ps.Add("organisation_id", "There is no organisation %d", in.OrganisationID)
		case err != nil:
			return nil, err
		case org.PublicBody:
			ps.Add("organisation_id", "%s is a public body: only suppliers bid", org.Name)
		default:
			// More time for one supplier is a decision about it: not by whoever declared an interest.
			if v, _ := authz.FromContext(ctx); v.InterestIn(org.ID) {
				ps.Add("organisation_id", "You declared an interest in %s: someone else in the team must give it more time", org.Name)
			}
		}
	}
	if err := domain.CheckExtension(c.Status, DeadlineFor(c, in.OrganisationID), in.ClosesAt, time.Now()); err != nil &&
		!s.Lifecycle.Sent(ctx, workflows.CompetitionWorkflowID(c.ID), workflows.UpdateExtendDeadline) {
		if more, ok := err.(domain.Problems); ok {
			ps = append(ps, more...)
		} else {
			return nil, err
		}
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	if _, err := s.Lifecycle.ExtendDeadline(ctx, c.ID, workflows.ExtendDeadlineRequest{
		OrganisationID: in.OrganisationID, ClosesAt: in.ClosesAt.UTC(), Reason: in.Reason, Actor: authz.ActorOf(ctx, in.Reason),
	}); err != nil {
		return nil, err
	}
	return s.DB.Competition.Get(ctx, c.ID)
}

// AmendCompetition changes an open competition's questions (their wording, guidance, word
// limits or appendices), with a reason every bidder reads.
type AmendCompetition struct {
	ID        int
	Questions []domain.Question
	Reason    string
}

// AmendCompetition amends the questions; every bidder is told, and a bid submitted before the
// amendment must be confirmed again before its deadline, or the eligibility check flags it.
func (s *Service) AmendCompetition(ctx context.Context, in AmendCompetition) (*ent.Competition, error) {
	var ps domain.Problems
	in.Reason = domain.AmendmentReason.CleanAll(in.Reason, &ps)
	ps = append(ps, CheckQuestions(in.Questions)...)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	var out *ent.Competition
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		// The competition's row first: a submit or a confirmation now waits for the amendment.
		if err := tx.Competition.UpdateOneID(in.ID).SetUpdatedAt(time.Now().UTC()).Exec(ctx); err != nil {
			return err
		}
		c, err := tx.Competition.Query().Where(competition.ID(in.ID)).WithChallenge().Only(ctx)
		if err != nil {
			return err
		}
		if err := domain.CheckAmendment(c.Status, c.Scheme.Criteria, in.Questions); err != nil {
			return err
		}
		if err := domain.CheckAmendmentTime(c.ClosesAt, time.Now()); err != nil {
			return err
		}
		scheme := c.Scheme
		scheme.Criteria = in.Questions
		if out, err = tx.Competition.UpdateOne(c).SetScheme(scheme).SetAmendedAt(time.Now().UTC()).Save(ctx); err != nil {
			return err
		}
		if err := records.Audit(ctx, tx, authz.ActorOf(ctx, in.Reason), "competition.amended", "competition", c.ID,
			map[string]any{"questions": c.Scheme.Criteria}, map[string]any{"questions": in.Questions, "reason": in.Reason}); err != nil {
			return err
		}
		return records.NotifyBidders(ctx, tx, c.ID, 0, domain.NoticeCompetitionAmended,
			map[string]string{"title": c.Edges.Challenge.Title, "reason": in.Reason})
	})
	return out, err
}
