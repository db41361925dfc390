package ent

import (
	"context"

	"entgo.io/ent"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/contract"
	"github.com/catalyst-sbri/catalyst/ent/milestone"
)

// The lifecycle guard: every change of a challenge's stage, or of a competition's, bid's,
// contract's or milestone's status, must be a move of that record's lifecycle in domain
// (domain.Lifecycles), which is also what the lifecycle pages draw. A write that makes any other
// change is refused, whichever package makes it, so the drawing cannot leave out a move the
// code makes.

type sceneKey struct{}

// SettingTheScene marks ctx as a test's building of a world in a given state: its writes put
// records straight into the states a test needs, without the moves between. Only
// internal/testdb calls it (TestOnlyTestFixturesSetTheScene holds every other file to that).
func SettingTheScene(ctx context.Context) context.Context {
	return context.WithValue(ctx, sceneKey{}, true)
}

func guardLifecycles(c *Client) {
	c.Challenge.Use(guard(domain.ChallengeLifecycle, func(ctx context.Context, m *ChallengeMutation) (string, []string, error) {
		to, set := m.Stage()
		if !set {
			return "", nil, nil
		}
		olds, err := oldStates(ctx, m.Op(), m.OldStage, m.IDs, func(ctx context.Context, ids []int) ([]string, error) {
			return m.Client().Challenge.Query().Where(challenge.IDIn(ids...)).Select(challenge.FieldStage).Strings(ctx)
		})
		return string(to), olds, err
	}))
	c.Competition.Use(guard(domain.CompetitionLifecycle, func(ctx context.Context, m *CompetitionMutation) (string, []string, error) {
		to, set := m.Status()
		if !set {
			return "", nil, nil
		}
		olds, err := oldStates(ctx, m.Op(), m.OldStatus, m.IDs, func(ctx context.Context, ids []int) ([]string, error) {
			return m.Client().Competition.Query().Where(competition.IDIn(ids...)).Select(competition.FieldStatus).Strings(ctx)
		})
		return string(to), olds, err
	}))
	c.Bid.Use(guard(domain.BidLifecycle, func(ctx context.Context, m *BidMutation) (string, []string, error) {
		to, set := m.Status()
		if !set {
			return "", nil, nil
		}
		olds, err := oldStates(ctx, m.Op(), m.OldStatus, m.IDs, func(ctx context.Context, ids []int) ([]string, error) {
			return m.Client().Bid.Query().Where(bid.IDIn(ids...)).Select(bid.FieldStatus).Strings(ctx)
		})
		return string(to), olds, err
	}))
	c.Contract.Use(guard(domain.ContractLifecycle, func(ctx context.Context, m *ContractMutation) (string, []string, error) {
		to, set := m.Status()
		if !set {
			return "", nil, nil
		}
		olds, err := oldStates(ctx, m.Op(), m.OldStatus, m.IDs, func(ctx context.Context, ids []int) ([]string, error) {
			return m.Client().Contract.Query().Where(contract.IDIn(ids...)).Select(contract.FieldStatus).Strings(ctx)
		})
		return string(to), olds, err
	}))
	c.Milestone.Use(guard(domain.MilestoneLifecycle, func(ctx context.Context, m *MilestoneMutation) (string, []string, error) {
		to, set := m.Status()
		if !set {
			return "", nil, nil
		}
		olds, err := oldStates(ctx, m.Op(), m.OldStatus, m.IDs, func(ctx context.Context, ids []int) ([]string, error) {
			return m.Client().Milestone.Query().Where(milestone.IDIn(ids...)).Select(milestone.FieldStatus).Strings(ctx)
		})
		return string(to), olds, err
	}))
}

// guard refuses a mutation whose new state no move of l reaches from an old one. change says the
// new state and the old ones ("" new state: the mutation leaves the state alone).
func guard[M Mutation](l domain.Lifecycle, change func(context.Context, M) (string, []string, error)) Hook {
	return func(next Mutator) Mutator {
		return MutateFunc(func(ctx context.Context, mu Mutation) (Value, error) {
			m, ok := mu.(M)
			if !ok || ctx.Value(sceneKey{}) != nil {
				return next.Mutate(ctx, mu)
			}
			// Reading the old states is the guard's, not the writer's, so it is not subject to
			// the writer's read rules.
			to, olds, err := change(authz.AsSystem(ctx, "lifecycle-guard"), m)
			if err != nil {
				return nil, err
			}
			for _, old := range olds {
				if old == to {
					continue // a write that leaves the state as it was is no move
				}
				if err := l.CheckMove(old, to); err != nil {
					return nil, err
				}
			}
			return next.Mutate(ctx, mu)
		})
	}
}

// oldStates are the states a mutation changes: none yet for a create, the record's for one
// record, each matching record's for many.
func oldStates[S ~string](ctx context.Context, op ent.Op, one func(context.Context) (S, error), ids func(context.Context) ([]int, error),
	many func(context.Context, []int) ([]string, error)) ([]string, error) {
	switch {
	case op.Is(ent.OpCreate):
		return []string{domain.Created}, nil
	case op.Is(ent.OpUpdateOne):
		s, err := one(ctx)
		return []string{string(s)}, err
	case op.Is(ent.OpUpdate):
		matched, err := ids(ctx)
		if err != nil || len(matched) == 0 {
			return nil, err
		}
		return many(ctx, matched)
	}
	return nil, nil
}
