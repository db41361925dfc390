package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// ScreeningCriterion is one of the programme's tests for a submitted challenge ("the public
// body commits to buy what works"). The list is the programme team's to change; a criterion
// retired stays on the screenings that used it.
type ScreeningCriterion struct{ ent.Schema }

// Mixin of ScreeningCriterion.
func (ScreeningCriterion) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of ScreeningCriterion.
func (ScreeningCriterion) Fields() []ent.Field {
	return []ent.Field{
		field.String("text").NotEmpty().MaxLen(4 * domain.ScreeningCriterionText.Max),
		field.Time("retired_at").Optional().Nillable(),
	}
}

// Policy of ScreeningCriterion: the programme team's own.
func (ScreeningCriterion) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeOfficer), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeOfficer), privacy.AlwaysDenyRule()},
	}
}
