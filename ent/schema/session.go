package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// Session is one signed-in browser. The cookie holds a random token; only its SHA-256 is stored,
// so a copy of the database cannot be used to sign in. Signing out deletes the row.
type Session struct{ ent.Schema }

// Fields of Session.
func (Session) Fields() []ent.Field {
	return []ent.Field{
		field.String("token_hash").NotEmpty().Unique().Immutable().Sensitive(),
		field.Int("person_id").Immutable(),
		// How the person signed in: "oidc" or "dev".
		field.String("method").NotEmpty().Immutable(),
		// The per-session token every state-changing form must carry.
		field.String("csrf_token").NotEmpty().Immutable().Sensitive(),
		field.Time("created_at").Immutable(),
		field.Time("last_seen_at"),
		// The absolute end of the session, however active it is.
		field.Time("expires_at").Immutable(),
		// The assistance this session acts in: the programme person signed in acts for someone
		// else, with their consent, until they stop.
		field.Int("assistance_id").Optional().Nillable(),
	}
}

// Edges of Session.
func (Session) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("person", Person.Type).Field("person_id").Unique().Required().Immutable(),
	}
}

// Policy of Session: see ent/rule for who may read and change what.
func (Session) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
