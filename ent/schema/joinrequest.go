package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// JoinRequest is a supplier person's request to join an organisation at their email domain;
// a member approves or declines it.
type JoinRequest struct{ ent.Schema }

// Mixin of JoinRequest.
func (JoinRequest) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of JoinRequest.
func (JoinRequest) Fields() []ent.Field {
	return []ent.Field{
		field.Int("person_id").Immutable(),
		field.Int("organisation_id").Immutable(),
		field.Enum("status").Values("pending", "approved", "declined").Default("pending"),
		field.String("decided_by").Optional(),
	}
}

// Edges of JoinRequest.
func (JoinRequest) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("person", Person.Type).Field("person_id").Unique().Required().Immutable(),
		edge.To("organisation", Organisation.Type).Field("organisation_id").Unique().Required().Immutable(),
	}
}

// Policy of JoinRequest: the person who asked and the organisation's members read it; the
// service writes it as the registration identity after its own checks.
func (JoinRequest) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterJoinRequests(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
