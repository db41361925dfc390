package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// AuditHead is the one row that holds the end of the audit chain. Only the log's sequencer
// takes it, so two sequencers chain one after another and never fork; writers never touch it.
type AuditHead struct{ ent.Schema }

// Fields of AuditHead.
func (AuditHead) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("seq"),
		field.String("hash"),
	}
}

// Policy of AuditHead: see ent/rule for who may read and change what.
func (AuditHead) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
