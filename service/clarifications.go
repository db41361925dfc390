package service

import (
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/clarification"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/records"
)

// Clarifications lists a competition's questions the viewer may read: published answers for
// everyone, a supplier's own questions, and every question for the programme; oldest first.
func (s *Service) Clarifications(ctx context.Context, competitionID int) ([]*ent.Clarification, error) {
	if _, err := s.DB.Competition.Get(ctx, competitionID); err != nil {
		return nil, err
	}
	return s.DB.Clarification.Query().Where(clarification.CompetitionID(competitionID)).
		Order(ent.Asc(clarification.FieldID)).All(ctx)
}

// AskClarification is a supplier's question about an open competition.
type AskClarification struct {
	CompetitionID int
	Question      string
}

// AskClarification records a supplier's question, private to the programme, before the last
// day for questions.
func (s *Service) AskClarification(ctx context.Context, in AskClarification) (*ent.Clarification, error) {
	v, _ := authz.FromContext(ctx)
	if !v.Has(authz.Supplier) || v.OrganisationID == 0 {
		return nil, forbidden("only a supplier in an organisation can ask a clarification question")
	}
	var ps domain.Problems
	in.Question = domain.ClarificationText.CleanAll(in.Question, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	var out *ent.Clarification
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		comp, err := tx.Competition.Get(ctx, in.CompetitionID)
		if err != nil {
			return err
		}
		if err := domain.CheckClarification(comp.Status, comp.ClarificationClosesAt, time.Now()); err != nil {
			return err
		}
		out, err = tx.Clarification.Create().SetCompetitionID(comp.ID).SetOrganisationID(v.OrganisationID).
			SetAskedByID(v.PersonID).SetQuestion(in.Question).Save(ctx)
		if err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "clarification.asked", "competition", comp.ID, nil,
			map[string]any{"clarification": out.ID})
	})
	return out, err
}

// PublishClarification is the programme's answer, with the question as it will be published.
type PublishClarification struct {
	ID       int
	Question string // as published: worded so that it names nobody
	Answer   string
}

// PublishClarification publishes the answer to every bidder and on the competition's page.
// Every person of every organisation with a bid in the competition gets a notice.
func (s *Service) PublishClarification(ctx context.Context, in PublishClarification) (*ent.Clarification, error) {
	var ps domain.Problems
	in.Question = domain.ClarificationText.CleanAll(in.Question, &ps)
	in.Answer = domain.ClarificationAnswer.CleanAll(in.Answer, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	var out *ent.Clarification
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		c, err := tx.Clarification.Get(ctx, in.ID)
		if err != nil {
			return err
		}
		if c.PublishedAt != nil {
			return conflict("already-published", "this answer was published at %s; publish a new clarification rather than change one bidders have read", domain.FormatTime(*c.PublishedAt))
		}
		comp, err := tx.Competition.Query().Where(competition.ID(c.CompetitionID)).WithChallenge().Only(ctx)
		if err != nil {
			return err
		}
		if comp.Status != domain.CompetitionOpen && comp.Status != domain.CompetitionScheduled {
			return &domain.TransitionError{Record: "clarification", Action: "publish", From: string(comp.Status), Kind: domain.ErrInvalidTransition,
				Reason: "answers are published while the competition is open, so every bidder can use them; it is " + comp.Status.Label()}
		}
		out, err = tx.Clarification.UpdateOne(c).SetPublishedQuestion(in.Question).SetAnswer(in.Answer).SetPublishedAt(time.Now().UTC()).Save(ctx)
		if err != nil {
			return err
		}
		if err := records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "clarification.published", "competition", comp.ID, nil,
			map[string]any{"clarification": c.ID, "question": in.Question, "answer": in.Answer}); err != nil {
			return err
		}
		values := map[string]string{"title": comp.Edges.Challenge.Title, "question": in.Question, "answer": in.Answer}
		// Every bidder hears, and the asker, bid or not.
		return records.NotifyBidders(ctx, tx, comp.ID, 0, domain.NoticeClarificationPublished, values, c.OrganisationID)
	})
	return out, err
}

// ClarificationCompetition is the competition a clarification the viewer may read belongs to.
func (s *Service) ClarificationCompetition(ctx context.Context, id int) (int, error) {
	c, err := s.DB.Clarification.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	return c.CompetitionID, nil
}
