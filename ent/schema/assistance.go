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

// Assistance is someone in the programme team acting for a supplier or challenge owner who
// cannot use the service, with their consent and how it was given, from when it began until it
// ended. The helper's session acts as the person meanwhile.
type Assistance struct{ ent.Schema }

// Mixin of Assistance.
func (Assistance) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Assistance.
func (Assistance) Fields() []ent.Field {
	return []ent.Field{
		field.Int("helper_id").Immutable(),
		field.Int("person_id").Immutable(),
		field.Enum("consent_how").GoType(domain.ConsentHow("")).Immutable(),
		field.Text("consent").NotEmpty().MaxLen(4 * domain.AssistConsent.Max).Immutable(),
		field.Time("ended_at").Optional().Nillable(),
	}
}

// Edges of Assistance.
func (Assistance) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("helper", Person.Type).Field("helper_id").Unique().Required().Immutable(),
		edge.To("person", Person.Type).Field("person_id").Unique().Required().Immutable(),
	}
}

// Policy of Assistance: the programme reads it (the person reads theirs through their data);
// the service writes it after its checks.
func (Assistance) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeTeam...), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
