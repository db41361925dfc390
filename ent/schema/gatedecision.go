package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"

	"github.com/catalyst-sbri/catalyst/domain"
)

// GateDecision is a stage gate's continue, stop or complete for one contract, with the rationale
// the supplier can read.
type GateDecision struct{ ent.Schema }

// Mixin of GateDecision.
func (GateDecision) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of GateDecision.
func (GateDecision) Fields() []ent.Field {
	return []ent.Field{
		field.Int("contract_id").Unique(),
		field.Enum("outcome").GoType(domain.GateOutcome("")),
		field.Text("rationale").NotEmpty(),
		field.String("decided_by").NotEmpty(),
	}
}

// Edges of GateDecision.
func (GateDecision) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("contract", Contract.Type).Ref("gate_decision").Field("contract_id").Unique().Required(),
	}
}

// Policy of GateDecision: see ent/rule for who may read and change what.
func (GateDecision) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterGateDecisions(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
