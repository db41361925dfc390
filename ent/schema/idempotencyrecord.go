package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// IdempotencyRecord remembers the first answer to a POST sent with an Idempotency-Key, so a
// retry with the same key and body gets the same answer and changes nothing.
type IdempotencyRecord struct{ ent.Schema }

// Fields of IdempotencyRecord.
func (IdempotencyRecord) Fields() []ent.Field {
	return []ent.Field{
		// Who sent it: keys are scoped to their sender.
		field.String("principal").NotEmpty().Immutable(),
		field.String("key").NotEmpty().MaxLen(255).Immutable(),
		field.String("method").Immutable(),
		field.String("path").Immutable(),
		field.String("body_hash").Immutable(),
		// 0 while the first request is still being answered; 503 when it was refused busy, and
		// none with the key has been answered since.
		field.Int("status").Default(0),
		// When the first request with the key arrived, kept when it was refused busy: a retry
		// with the key and the same body is received as of then (service.SubmitBid).
		field.Time("arrived_at").Optional().Nillable().Immutable(),
		field.String("content_type").Optional(),
		field.Bytes("body").Optional(),
		field.Time("created_at").Immutable(),
	}
}

// Indexes of IdempotencyRecord.
func (IdempotencyRecord) Indexes() []ent.Index {
	return []ent.Index{index.Fields("principal", "key").Unique(), index.Fields("created_at")}
}

// Policy of IdempotencyRecord: see ent/rule for who may read and change what.
func (IdempotencyRecord) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
