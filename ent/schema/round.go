package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// Round is a funding round of the programme: the challenges selected into it share its budget.
type Round struct{ ent.Schema }

// Mixin of Round.
func (Round) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Round.
func (Round) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(4 * domain.RoundName.Max), // domain counts characters; Ent counts bytes
		// The programme's money for the round's challenges, VAT inclusive.
		field.Int64("budget").GoType(domain.Money(0)),
		field.Time("starts_at"),
		field.Time("ends_at"),
	}
}

// Edges of Round.
func (Round) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("challenges", Challenge.Type),
	}
}

// Policy of Round: the programme team's own planning; nobody else reads or changes it.
func (Round) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeOfficer), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeOfficer), privacy.AlwaysDenyRule()},
	}
}
