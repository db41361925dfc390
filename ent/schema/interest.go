package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// Interest is an assessor's declared interest in a supplier organisation. While it stands the
// assessor is never given that organisation's bids. Withdrawing keeps the record, for the trail.
type Interest struct{ ent.Schema }

// Mixin of Interest.
func (Interest) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Interest.
func (Interest) Fields() []ent.Field {
	return []ent.Field{
		field.Int("assessor_id").Immutable(),
		field.Int("organisation_id").Immutable(),
		field.Enum("kind").GoType(domain.InterestKind("")).Immutable(),
		// The limit is in characters (domain checks it); Ent counts bytes, up to four a character.
		field.Text("description").NotEmpty().MaxLen(4 * domain.MaxInterestDescription).Immutable(),
		field.Time("withdrawn_at").Optional().Nillable(),
	}
}

// Edges of Interest.
func (Interest) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("assessor", Person.Type).Ref("interests").Field("assessor_id").Unique().Required().Immutable(),
		edge.To("organisation", Organisation.Type).Field("organisation_id").Unique().Required().Immutable(),
	}
}

// Indexes of Interest: looked up by assessor when assigning.
func (Interest) Indexes() []ent.Index {
	return []ent.Index{index.Fields("assessor_id", "organisation_id")}
}

// Policy of Interest: see ent/rule for who may read and change what. Changes go through the
// declare and withdraw commands, which run as the system after checking whose interest it is.
func (Interest) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterInterests(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
