package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"

	"github.com/catalyst-sbri/catalyst/domain"
)

// Challenge is a public body's problem, from submission to its programme outcome.
type Challenge struct{ ent.Schema }

// Mixin of Challenge.
func (Challenge) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Challenge.
func (Challenge) Fields() []ent.Field {
	return []ent.Field{
		field.String("title").NotEmpty().MaxLen(4 * domain.ChallengeTitle.Max), // domain counts characters; Ent counts bytes
		field.String("public_body").NotEmpty().MaxLen(4 * domain.ChallengePublicBody.Max),
		field.Text("problem").NotEmpty(),
		field.Text("user_need").Optional(),
		// The intake the programme screens: who has the problem and the evidence for it, the
		// fields it is in, what the body can put in, how it will buy or adopt what works, and
		// who sponsors it. A draft may leave them empty; submission needs them.
		field.Text("who_has_it").Optional(),
		field.Text("evidence").Optional(),
		field.Strings("fields").Optional(),
		field.Int64("budget_phase1").GoType(domain.Money(0)).Default(0),
		field.Int64("budget_phase2").GoType(domain.Money(0)).Default(0),
		field.Text("commitment").Optional(),
		field.String("sponsor_name").Optional().MaxLen(4 * domain.SponsorName.Max),
		field.String("sponsor_role").Optional().MaxLen(4 * domain.SponsorRole.Max),
		field.Enum("stage").GoType(domain.ChallengeStage("")).Default(string(domain.ChallengeDraft)),
		field.Text("stage_reason").Optional(),
		field.Enum("outcome").GoType(domain.ProgrammeOutcome("")).Optional().Nillable(),
		field.Text("lessons").Optional(),
		// A follow-on procurement's route, such as an open procedure or a framework.
		field.Text("outcome_route").Optional(),
		// The challenge-level gate after phase 1: go or no-go, the criteria met, and why.
		field.Enum("gate_go").GoType(domain.ChallengeGo("")).Optional().Nillable(),
		field.JSON("gate_criteria", map[string]bool{}).Optional(),
		field.Text("gate_rationale").Optional(),
		field.String("gate_decided_by").Optional(),
		field.Time("gate_decided_at").Optional().Nillable(),
		field.Int("round_id").Optional().Nillable(),
		// Counts edits, for ETag and If-Match: a stale edit is refused, not merged.
		field.Int("version").Default(1),
	}
}

// Edges of Challenge.
func (Challenge) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("documents", Document.Type),
		edge.From("owner", Person.Type).Ref("owned_challenges").Unique(),
		// Colleagues the owner named to act for them on the challenge's contracts: accepting
		// deliverables, the midpoint review and the gate's recommendation.
		edge.To("delegates", Person.Type),
		edge.To("competitions", Competition.Type),
		edge.To("lesson_register", Lesson.Type),
		// The round the programme selected the challenge into.
		edge.From("round", Round.Type).Ref("challenges").Field("round_id").Unique(),
	}
}

// Policy of Challenge: see ent/rule for who may read and change what.
func (Challenge) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterChallenges(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeOfficer), rule.OwnerChallenges(), privacy.AlwaysDenyRule()},
	}
}
