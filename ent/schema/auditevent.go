package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
)

// AuditEvent records one state change, written in the same transaction as the change.
type AuditEvent struct{ ent.Schema }

// Fields of AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").Immutable(),
		field.String("actor").NotEmpty().Immutable(), // person email or a named system identity
		field.String("action").NotEmpty().Immutable(),
		field.String("record_type").NotEmpty().Immutable(),
		field.Int("record_id").Immutable(),
		field.Text("before").Optional().Immutable(),
		field.Text("after").Optional().Immutable(),
		field.Text("reason").Optional().Immutable(),
		field.String("request_id").Optional().Immutable(),
	}
}

// Indexes of AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("record_type", "record_id")}
}
