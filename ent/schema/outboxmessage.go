package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// OutboxMessage is a signal for a workflow, written in the same transaction as the fact it
// reports, and relayed to Temporal afterwards, so the fact is never lost while Temporal is down.
type OutboxMessage struct{ ent.Schema }

// Mixin of OutboxMessage.
func (OutboxMessage) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of OutboxMessage.
func (OutboxMessage) Fields() []ent.Field {
	return []ent.Field{
		field.String("workflow_id").NotEmpty(),
		field.String("signal").NotEmpty(),
		field.Bytes("payload"),
		field.Time("sent_at").Optional().Nillable(),
		field.Int("attempts").Default(0),
		field.Text("last_error").Optional(),
	}
}

// Indexes of OutboxMessage.
func (OutboxMessage) Indexes() []ent.Index {
	return []ent.Index{index.Fields("sent_at")}
}

// Policy of OutboxMessage: see ent/rule for who may read and change what.
func (OutboxMessage) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
