package service

import (
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/round"
	"github.com/catalyst-sbri/catalyst/records"
)

// CreateRound is a funding round as the programme team sets it up.
type CreateRound struct {
	Name             string
	BudgetPence      int64
	StartsAt, EndsAt time.Time
}

// CreateRound records a round.
func (s *Service) CreateRound(ctx context.Context, in CreateRound) (*ent.Round, error) {
	r := domain.Round{Name: in.Name, Budget: domain.Money(in.BudgetPence), StartsAt: in.StartsAt, EndsAt: in.EndsAt}
	if err := r.Problems().Err(); err != nil {
		return nil, err
	}
	name, _ := domain.RoundName.Clean(in.Name)
	var out *ent.Round
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		var err error
		out, err = tx.Round.Create().SetName(name).SetBudget(r.Budget).SetStartsAt(in.StartsAt.UTC()).SetEndsAt(in.EndsAt.UTC()).Save(ctx)
		if err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "round.created", "round", out.ID, nil,
			map[string]any{"name": name, "budget": r.Budget, "starts_at": out.StartsAt, "ends_at": out.EndsAt})
	})
	return out, err
}

// RoundUse is a round with its money, as domain.RoundMoney counts it.
type RoundUse struct {
	Round      *ent.Round
	Challenges int
	Money      domain.RoundMoney
}

// Rounds lists the rounds, newest first, each with its money.
func (s *Service) Rounds(ctx context.Context) ([]RoundUse, error) {
	rows, err := s.DB.Round.Query().WithChallenges().Order(ent.Desc(round.FieldStartsAt), ent.Desc(round.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]RoundUse, 0, len(rows))
	for _, r := range rows {
		m, err := roundMoney(ctx, s.DB, r, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, RoundUse{Round: r, Challenges: len(r.Edges.Challenges), Money: m})
	}
	return out, nil
}
