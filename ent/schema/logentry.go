package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// LogEntry is one entry of the public transparency log (package translog), at its index: an
// audit event's commitment or a bid's receipt. Public by nature, and never changed.
type LogEntry struct{ ent.Schema }

// Fields of LogEntry.
func (LogEntry) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("id").Immutable(), // the entry's index in the log, from 0
		field.Bytes("data").Immutable(),
		// The audit event the entry commits to, or whose bid receipt it is: how the sequencer
		// knows where it is in the trail.
		field.Int64("audit_seq").Immutable(),
		field.Time("integrated_at").Immutable(),
	}
}

// Indexes of LogEntry.
func (LogEntry) Indexes() []ent.Index {
	return []ent.Index{index.Fields("audit_seq")}
}

// Policy of LogEntry: anyone reads it; only the sequencer writes it.
func (LogEntry) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowAnyone()},
		Mutation: privacy.MutationPolicy{rule.DenyChange(), rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}

// LogHash is one of the log's Merkle tree hashes, at its stored-hash index (tlog.StoredHashIndex).
type LogHash struct{ ent.Schema }

// Fields of LogHash.
func (LogHash) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("id").Immutable(),
		field.Bytes("hash").Immutable(),
	}
}

// Policy of LogHash: anyone reads it; only the sequencer writes it.
func (LogHash) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowAnyone()},
		Mutation: privacy.MutationPolicy{rule.DenyChange(), rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}

// LogCheckpoint is a signed checkpoint of the log, by its tree size: each consistent with the
// ones before, which the verify command checks.
type LogCheckpoint struct{ ent.Schema }

// Fields of LogCheckpoint.
func (LogCheckpoint) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("id").Immutable(), // the tree's size
		field.Bytes("root").Immutable(),
		field.Text("note").Immutable(), // the signed note, as served
		field.Time("created_at").Immutable(),
	}
}

// Policy of LogCheckpoint: anyone reads it; only the sequencer writes it.
func (LogCheckpoint) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowAnyone()},
		Mutation: privacy.MutationPolicy{rule.DenyChange(), rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}

// LogCosignature is a witness's cosignature of one of the log's checkpoints (c2sp.org/tlog-
// cosignature), as the signature line the witness answered with: served after the log's own.
type LogCosignature struct{ ent.Schema }

// Fields of LogCosignature.
func (LogCosignature) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("checkpoint_size").Immutable(),
		field.String("witness").NotEmpty().Immutable(), // the witness's key name
		field.Text("signature").NotEmpty().Immutable(), // its signature line, "— name base64\n"
		field.Time("created_at").Immutable(),
	}
}

// Indexes of LogCosignature: one a witness a checkpoint.
func (LogCosignature) Indexes() []ent.Index {
	return []ent.Index{index.Fields("checkpoint_size", "witness").Unique()}
}

// Policy of LogCosignature: anyone reads it; only the log's witnessing writes it.
func (LogCosignature) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowAnyone()},
		Mutation: privacy.MutationPolicy{rule.DenyChange(), rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
