package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// Document is the record of a file kept in the object store; the bytes live there, not here.
type Document struct{ ent.Schema }

// Mixin of Document.
func (Document) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Document.
func (Document) Fields() []ent.Field {
	return []ent.Field{
		// Generated, never the uploader's filename.
		field.String("object_key").NotEmpty().Unique().Immutable(),
		field.String("filename").NotEmpty(),
		field.String("content_type").NotEmpty(),
		field.Int64("size").NonNegative(),
		field.String("sha256").NotEmpty(),
		field.Int("bid_id").Optional().Nillable(),
		// The question a bid's appendix belongs to; empty for a supporting document.
		field.String("question_key").Optional(),
		field.Int("contract_id").Optional().Nillable(),
		// What a contract's document is: "contract" (the programme's) or "report" (the supplier's,
		// with its end-of-phase report).
		field.String("part").Optional(),
		// A deliverable submitted for a contract's milestone.
		field.Int("milestone_id").Optional().Nillable(),
		// Evidence for a challenge's problem, given with its intake.
		field.Int("challenge_id").Optional().Nillable(),
		// When the retention schedule deleted its bytes, and under which kind; its name, size and
		// SHA-256 stay. BytesRemovedAt is set once the object store confirmed the removal, so a
		// run cut short removes them next time.
		field.Time("deleted_at").Optional().Nillable(),
		field.String("deleted_under").Optional(),
		field.Time("bytes_removed_at").Optional().Nillable(),
		// Who uploaded it: the one person who may fetch it while it is being checked.
		field.Int("uploaded_by").Optional().Nillable().Immutable(),
		// The malware scanner's verdict, when it was had, and what it found. Documents kept
		// before there was a scanner are not checked until one runs.
		field.Enum("virus_check").GoType(domain.DocumentCheck("")).Default(string(domain.CheckNone)),
		field.Time("virus_checked_at").Optional().Nillable(),
		field.String("virus_found").Optional(),
	}
}

// Edges of Document.
func (Document) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("bid", Bid.Type).Ref("documents").Field("bid_id").Unique(),
		edge.From("contract", Contract.Type).Ref("documents").Field("contract_id").Unique(),
		edge.From("milestone", Milestone.Type).Ref("documents").Field("milestone_id").Unique(),
		edge.From("challenge", Challenge.Type).Ref("documents").Field("challenge_id").Unique(),
	}
}

// Policy of Document: see ent/rule for who may read and change what.
func (Document) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterDocuments(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.DenyChange(), rule.SupplierDocuments(), rule.ChallengeEvidence(), privacy.AlwaysDenyRule()},
	}
}
