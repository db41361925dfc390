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

// APIToken lets an API client act as one person in one of their roles. An admin issues it and
// may revoke it; only its SHA-256 is stored, and the secret is shown once.
type APIToken struct{ ent.Schema }

// Fields of APIToken.
func (APIToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxLen(4 * domain.TokenName.Max), // domain counts characters; Ent counts bytes
		field.String("token_hash").NotEmpty().Unique().Immutable().Sensitive(),
		field.Int("person_id").Immutable(),
		field.String("role").NotEmpty().Immutable(),
		field.String("issued_by").NotEmpty().Immutable(),
		field.Time("created_at").Immutable(),
		field.Time("expires_at").Optional().Nillable().Immutable(),
		field.Time("revoked_at").Optional().Nillable(),
		field.Time("last_used_at").Optional().Nillable(),
	}
}

// Edges of APIToken.
func (APIToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("person", Person.Type).Field("person_id").Unique().Required().Immutable(),
	}
}

// Policy of APIToken: see ent/rule for who may read and change what.
func (APIToken) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterAPITokens(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.AllowRole(authz.Admin), privacy.AlwaysDenyRule()},
	}
}
