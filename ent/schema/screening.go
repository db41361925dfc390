package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// Screening is the programme team's judgement of one challenge against one screening
// criterion: met or not, with a note.
type Screening struct{ ent.Schema }

// Mixin of Screening.
func (Screening) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Screening.
func (Screening) Fields() []ent.Field {
	return []ent.Field{
		field.Int("challenge_id").Immutable(),
		field.Int("criterion_id").Immutable(),
		field.Bool("met"),
		field.Text("note").Optional().MaxLen(4 * domain.ScreeningNote.Max),
		field.String("screened_by").NotEmpty(),
	}
}

// Indexes of Screening: one judgement per challenge per criterion; a second replaces it.
func (Screening) Indexes() []ent.Index {
	return []ent.Index{index.Fields("challenge_id", "criterion_id").Unique()}
}

// Policy of Screening: the programme team's own working.
func (Screening) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeOfficer), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeOfficer), privacy.AlwaysDenyRule()},
	}
}
