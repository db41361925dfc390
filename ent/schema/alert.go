package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// Alert is someone's wish to be told when a competition opens in their fields. Anyone with an
// email address may have one, signed in or not.
type Alert struct{ ent.Schema }

// Mixin of Alert.
func (Alert) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Alert.
func (Alert) Fields() []ent.Field {
	return []ent.Field{
		field.String("email").NotEmpty().Unique(),
		field.JSON("fields", []string{}),
		// The unsubscribe link of alerts sent before each alert email carried its own (the
		// email's token, stored hashed): kept so that those links still work, and never put
		// in a link again.
		field.String("token").NotEmpty().Unique().Immutable().Sensitive(),
		field.Time("unsubscribed_at").Optional().Nillable(),
	}
}

// Edges of Alert.
func (Alert) Edges() []ent.Edge {
	return []ent.Edge{edge.To("notices", AlertNotice.Type)}
}

// Policy of Alert: only the service, as the alerts identity after its own checks, reads and
// writes them; an address is nobody else's business.
func (Alert) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
