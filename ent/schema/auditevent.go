package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// AuditEvent records one state change, written in the same transaction as the change. The
// writer takes no shared row: the event waits, pending (no seq), until the log's sequencer
// gives it its place. Then it joins a hash chain (each event carries the hash of the one
// before, so an edit or deletion shows) and the public log; its place is set once, never moved.
type AuditEvent struct{ ent.Schema }

// Fields of AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		// Its place in the trail, set by the sequencer; nil while pending.
		field.Int64("seq").Optional().Nillable().Unique(),
		field.Time("at").Immutable(),
		field.String("actor").NotEmpty().Immutable(), // person email or "system:<name>"
		field.String("action").NotEmpty().Immutable(),
		field.String("record_type").NotEmpty().Immutable(),
		field.Int("record_id").Immutable(),
		// The challenge the record belongs to, so owners can read their challenges' trail. A
		// plain number, not a foreign key: nothing done to a challenge may ever touch the trail.
		field.Int("challenge_id").Optional().Nillable().Immutable(),
		field.Text("before").Optional().Immutable(),
		field.Text("after").Optional().Immutable(),
		field.Text("reason").Optional().Immutable(),
		field.String("request_id").Optional().Immutable(),
		// The API token the actor acted with, and who issued it; empty for a session's act.
		field.String("token").Optional().Immutable(),
		field.String("prev_hash").Default(""),
		field.String("hash").Default(""),
	}
}

// Indexes of AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("record_type", "record_id"), index.Fields("actor"), index.Fields("challenge_id")}
}

// Policy of AuditEvent: see ent/rule for who may read and change what.
func (AuditEvent) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterAuditEvents(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.OnlySequencing(), rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
