package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// CorrectionRequest is a person's request that the programme correct what Catalyst holds about
// them and they cannot correct themselves (their email address, their roles, a record the
// programme keeps); another member of the programme answers it, saying what they did.
type CorrectionRequest struct{ ent.Schema }

// Mixin of CorrectionRequest.
func (CorrectionRequest) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of CorrectionRequest.
func (CorrectionRequest) Fields() []ent.Field {
	return []ent.Field{
		field.Int("person_id").Immutable(),
		// What is wrong, and what it should say, in the person's words.
		field.Text("what").NotEmpty().MaxLen(4 * domain.CorrectionWhat.Max).Immutable(),
		field.Enum("status").GoType(domain.CorrectionStatus("")).Default(string(domain.CorrectionOpen)),
		field.String("answered_by").Optional(),
		field.Time("answered_at").Optional().Nillable(),
		// What the programme did, or why it corrected nothing.
		field.Text("answer").Optional(),
	}
}

// Edges of CorrectionRequest.
func (CorrectionRequest) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("person", Person.Type).Ref("corrections").Field("person_id").Unique().Required().Immutable(),
	}
}

// Policy of CorrectionRequest: the person who asked and the programme read it; the service
// writes it as the your-data identity after its own checks.
func (CorrectionRequest) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterCorrectionRequests(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
