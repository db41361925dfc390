package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"

	"github.com/catalyst-sbri/catalyst/domain"
)

// Milestone is one payment of a contract: what is delivered, how its success is judged, when it
// is due, its amount (VAT inclusive), and where its deliverable and payment are.
type Milestone struct{ ent.Schema }

// Mixin of Milestone.
func (Milestone) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Milestone.
func (Milestone) Fields() []ent.Field {
	return []ent.Field{
		field.Int("contract_id"),
		field.Int("number").Positive(),
		field.Text("deliverable").NotEmpty(),
		field.Text("success_criteria").Optional(),
		// The month of the contract it falls due in; the day follows from the start date.
		field.Int("month").Positive(),
		field.Int64("amount").GoType(domain.Money(0)),
		field.Enum("status").GoType(domain.MilestoneStatus("")).Default(string(domain.MilestonePlanned)),
		// The supplier's note with its deliverable, and when it was submitted.
		field.Text("note").Optional(),
		field.Time("submitted_at").Optional().Nillable(),
		// The owner's reason for asking for changes, or note on accepting.
		field.Text("review_note").Optional(),
		field.String("reviewed_by").Optional(),
		field.Time("accepted_at").Optional().Nillable(),
		// PaymentTermDays after acceptance.
		field.Time("payment_due").Optional().Nillable(),
		field.Time("paid_at").Optional().Nillable(),
		// When the programme was told the payment is overdue.
		field.Time("overdue_flagged_at").Optional().Nillable(),
		field.String("paid_by").Optional(),
	}
}

// Edges of Milestone.
func (Milestone) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("contract", Contract.Type).Ref("milestones").Field("contract_id").Unique().Required(),
		edge.To("documents", Document.Type),
	}
}

// Indexes of Milestone.
func (Milestone) Indexes() []ent.Index {
	return []ent.Index{index.Fields("contract_id", "number").Unique()}
}

// Policy of Milestone: read with its contract; written by the service as a system identity
// after its own checks of who may do what.
func (Milestone) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterMilestones(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
