package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// Assignment gives one assessor one bid to score. An assessor sees a bid only through an
// assignment that stands; declaring a conflict declines it, and the bid is hidden from them.
type Assignment struct{ ent.Schema }

// Mixin of Assignment.
func (Assignment) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Assignment.
func (Assignment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("competition_id").Immutable(),
		field.Int("bid_id").Immutable(),
		field.Int("assessor_id").Immutable(),
		field.Enum("status").Values("assigned", "declined").Default("assigned"),
		// Why this assessor was chosen, from the assignment rules.
		field.Text("explanation").Optional(),
		// The conflict the assessor declared when declining, or why they had no room for it.
		field.Text("declined_reason").Optional(),
		// Why it was declined: a conflict of interest (the assessor's scores of the bid never
		// count), no capacity (nothing is excluded), or the programme swapped the assessor for
		// another (nothing is excluded). Empty on rows from before the choice.
		field.Enum("declined_for").Values("conflict", "capacity", "swapped").Optional(),
		// When the assessor confirmed they will assess the bid, having seen its title and
		// supplier and found no conflict of interest; scoring it confirms it too. Nil while
		// they have not answered (or after they declined).
		field.Time("accepted_at").Optional().Nillable(),
		// The assessor's scoring saved part way, cleared when they submit it.
		field.JSON("draft", &domain.AssessmentDraft{}).Optional(),
		field.Time("draft_saved_at").Optional().Nillable(),
		// When the assessor was reminded that it falls due soon, and told it is overdue: each
		// is sent once.
		field.Time("reminded_at").Optional().Nillable(),
		field.Time("overdue_at").Optional().Nillable(),
	}
}

// Edges of Assignment.
func (Assignment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("bid", Bid.Type).Ref("assignments").Field("bid_id").Unique().Required().Immutable(),
		edge.From("assessor", Person.Type).Ref("assignments").Field("assessor_id").Unique().Required().Immutable(),
	}
}

// Indexes of Assignment: one per assessor per bid; and an assessor's own, which every read an
// assessor makes is scoped by (ent/rule), found without reading every assignment.
func (Assignment) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("bid_id", "assessor_id").Unique(),
		index.Fields("assessor_id", "competition_id"),
	}
}

// Policy of Assignment: see ent/rule for who may read and change what.
func (Assignment) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterAssignments(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.AssessorAssignments(), privacy.AlwaysDenyRule()},
	}
}
