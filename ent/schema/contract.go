package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"

	"github.com/catalyst-sbri/catalyst/domain"
)

// Contract is a phase 1 or phase 2 R&D contract awarded on a funded bid.
type Contract struct{ ent.Schema }

// Mixin of Contract.
func (Contract) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Contract.
func (Contract) Fields() []ent.Field {
	return []ent.Field{
		field.Int("bid_id").Unique(),
		field.Int("competition_id"),
		field.Int("organisation_id"),
		field.Int("phase").Range(1, 2),
		// Contract value, VAT inclusive; never above the phase's per-contract cap.
		field.Int64("value").GoType(domain.Money(0)),
		// The value at award; value falls to the spend so far when the gate stops the contract.
		field.Int64("awarded_value").GoType(domain.Money(0)).Default(0),
		field.Enum("status").GoType(domain.ContractStatus("")).Default(string(domain.ContractActive)),
		field.Int("term_weeks").Default(12),
		// Set when the supplier accepts: the contract runs from then for its term.
		field.Time("starts_on").Optional().Nillable(),
		field.Time("ends_on").Optional().Nillable(),
		field.Time("accepted_at").Optional().Nillable(),
		field.String("accepted_by").Optional(),
		// The midpoint review: when the supplier was asked for a progress update, the update,
		// and the owner's red, amber or green status with a note.
		field.Time("midpoint_asked_at").Optional().Nillable(),
		field.Text("progress_update").Optional(),
		field.Time("progress_at").Optional().Nillable(),
		field.Enum("rag").GoType(domain.RAG("")).Optional().Nillable(),
		field.Text("rag_note").Optional(),
		field.String("rag_by").Optional(),
		// When the supplier was reminded its end-of-phase report is due.
		field.Time("report_reminded_at").Optional().Nillable(),
		field.Text("report_summary").Optional(),
		// The end-of-phase report, section by section (domain.ReportSections).
		field.JSON("report", domain.PhaseReport{}).Optional(),
		field.Time("reported_at").Optional().Nillable(),
	}
}

// Edges of Contract.
func (Contract) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("bid", Bid.Type).Ref("contract").Field("bid_id").Unique().Required(),
		edge.From("competition", Competition.Type).Ref("contracts").Field("competition_id").Unique().Required(),
		edge.From("organisation", Organisation.Type).Ref("contracts").Field("organisation_id").Unique().Required(),
		edge.To("documents", Document.Type),
		edge.To("milestones", Milestone.Type),
		edge.To("show_and_tell", ShowAndTell.Type).Unique(),
		edge.To("gate_decision", GateDecision.Type).Unique(),
	}
}

// Policy of Contract: see ent/rule for who may read and change what.
func (Contract) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterContracts(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
