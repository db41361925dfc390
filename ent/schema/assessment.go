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

// Assessment is one assessor's scores, comments and votes on one bid.
type Assessment struct{ ent.Schema }

// Mixin of Assessment.
func (Assessment) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Assessment.
func (Assessment) Fields() []ent.Field {
	return []ent.Field{
		field.Int("bid_id"),
		field.Int("assessor_id"),
		field.JSON("scores", map[string]domain.CriterionScore{}),
		field.JSON("pass_fail", map[string]domain.PassFailAnswer{}).Optional(),
		field.Bool("in_scope"),
		field.Bool("fund"),
		field.Float("percent"),
		// Set by moderation with its reason: the score leaves the mean, its comments stay.
		field.JSON("exclusion", &domain.Exclusion{}).Optional(),
		// Set when the programme sends it back to its assessor with a note; cleared when they
		// submit again. Until then it is out of the mean and the decision waits for it.
		field.JSON("returned", &domain.Return{}).Optional(),
	}
}

// Edges of Assessment.
func (Assessment) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("bid", Bid.Type).Ref("assessments").Field("bid_id").Unique().Required(),
		edge.From("assessor", Person.Type).Ref("assessments").Field("assessor_id").Unique().Required(),
	}
}

// Indexes of Assessment: one per assessor per bid, so a repeated write replaces, not duplicates.
func (Assessment) Indexes() []ent.Index {
	return []ent.Index{index.Fields("bid_id", "assessor_id").Unique()}
}

// Policy of Assessment: see ent/rule for who may read and change what.
func (Assessment) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterAssessments(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
