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

// Bid is one organisation's proposal in one competition.
type Bid struct{ ent.Schema }

// Mixin of Bid.
func (Bid) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Bid.
func (Bid) Fields() []ent.Field {
	return []ent.Field{
		field.Int("competition_id"),
		field.Int("organisation_id"),
		// Empty until the supplier names it: a draft is started before anything is written.
		field.String("title").Default("").MaxLen(4 * domain.BidTitle.Max), // domain counts characters; Ent counts bytes
		field.Text("summary").Optional(),
		field.JSON("fields", []string{}).Optional(),
		// Answers to the scored questions, by question key.
		field.JSON("answers", map[string]string{}).Optional(),
		// Price asked, VAT inclusive: the net price with VAT at the bid's rate.
		field.Int64("amount").GoType(domain.Money(0)).Default(0),
		field.Int64("net_price").GoType(domain.Money(0)).Default(0),
		field.Int("vat_rate").GoType(domain.VATRate(0)).Default(int(domain.StandardVAT)),
		field.Bool("price_given").Default(false),
		field.JSON("milestones", []domain.Milestone{}).Optional(),
		// Answers to the pass or fail questions, by question key: true is yes.
		field.JSON("declarations", map[string]bool{}).Optional(),
		// Each task's last save, by task key, for the edit conflict check.
		field.JSON("task_saves", map[string]domain.TaskSave{}).Optional(),
		field.Enum("status").GoType(domain.BidStatus("")).Default(string(domain.BidDraft)),
		// Server receipt time, stamped in the transaction that seals the bid.
		field.Time("submitted_at").Optional().Nillable(),
		field.String("receipt").Optional().Nillable().Unique(),
		// SHA-256 over the sealed content and its documents' hashes.
		field.String("content_hash").Optional(),
		field.Float("score").Optional().Nillable(),
		field.Text("outcome_reason").Optional(),
		// When the supplier last confirmed its submitted bid after an amendment.
		field.Time("confirmed_at").Optional().Nillable(),
		// What the automatic eligibility checks found at the close, and the programme's reason
		// for its decision on them; the supplier reads the reason.
		field.JSON("eligibility_flags", []string{}).Optional(),
		field.Text("eligibility_note").Optional(),
		// A shortlisted bid's interview: its slot, then the panel's score in percent and why;
		// the supplier reads the score only with the outcome.
		field.Time("interview_at").Optional().Nillable(),
		field.Text("interview_place").Optional(),
		field.Float("interview_score").Optional().Nillable(),
		field.Text("interview_note").Optional(),
	}
}

// Edges of Bid.
func (Bid) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("competition", Competition.Type).Ref("bids").Field("competition_id").Unique().Required(),
		edge.From("organisation", Organisation.Type).Ref("bids").Field("organisation_id").Unique().Required(),
		edge.To("documents", Document.Type),
		edge.To("assessments", Assessment.Type),
		edge.To("assignments", Assignment.Type),
		edge.To("contract", Contract.Type).Unique(),
	}
}

// Indexes of Bid: one bid per organisation per competition.
func (Bid) Indexes() []ent.Index {
	return []ent.Index{index.Fields("competition_id", "organisation_id").Unique()}
}

// Policy of Bid: see ent/rule for who may read and change what.
func (Bid) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterBids(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.SupplierBids(), rule.ProgrammeEligibility(), privacy.AlwaysDenyRule()},
	}
}
