package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// Notice is something a person must be told, written in the same transaction as its cause.
// Email goes out from these rows later; until then a person reads them on their notices page.
type Notice struct{ ent.Schema }

// Mixin of Notice.
func (Notice) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Notice.
func (Notice) Fields() []ent.Field {
	return []ent.Field{
		field.Int("recipient_id").Immutable(),
		// Template names the kind of notice (challenge_rejected…); Values fill it in.
		field.String("template").NotEmpty().Immutable(),
		// Values are erased (emptied) by the retention schedule; the kind and when stay.
		field.JSON("values", map[string]string{}),
		// The record the notice is about, so it can link to it.
		field.String("record_type").Optional().Immutable(),
		field.Int("record_id").Optional().Immutable(),
		field.Time("read_at").Optional().Nillable(),
		// When the retention schedule erased its words.
		field.Time("erased_at").Optional().Nillable(),
	}
}

// Edges of Notice.
func (Notice) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("recipient", Person.Type).Field("recipient_id").Unique().Required().Immutable(),
	}
}

// Indexes of Notice: read by recipient, newest first.
func (Notice) Indexes() []ent.Index {
	return []ent.Index{index.Fields("recipient_id", "created_at")}
}

// Policy of Notice: a person reads their own; the programme team reads all, to answer
// questions about what was sent. Only the system writes them.
func (Notice) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterNotices(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
