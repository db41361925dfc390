package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"

	"github.com/catalyst-sbri/catalyst/domain"
)

// Competition is one phase's open call for bids on a challenge.
type Competition struct{ ent.Schema }

// Mixin of Competition.
func (Competition) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Competition.
func (Competition) Fields() []ent.Field {
	return []ent.Field{
		field.Int("challenge_id"),
		field.Int("phase").Range(1, 2),
		field.Enum("status").GoType(domain.CompetitionStatus("")).Default(string(domain.CompetitionOpen)),
		// When it opened; zero while it is being set up or scheduled.
		field.Time("opened_at").Optional(),
		// The deadline is an instant (UTC), checked against the server's receipt time; zero
		// until the setup gives one.
		field.Time("closes_at").Optional(),
		// When a scheduled competition opens by itself; zero: when the programme opens it.
		field.Time("opens_at").Optional(),
		field.Text("summary").Default(""),
		field.Text("scope").Default(""),
		field.Strings("fields").Optional(),
		// The last time a supplier may ask a clarification question.
		field.Time("clarification_closes_at").Optional(),
		field.Time("briefing_at").Optional(),
		field.Text("briefing_details").Default(""),
		// Later deadlines given to single suppliers, with their reasons (never shown to others).
		field.JSON("extensions", []domain.Extension{}).Optional(),
		// Working days assessors have from assignment; the moderation band in percentage points.
		field.Int("assessment_days").Default(domain.DefaultAssessmentDays),
		field.Int("moderation_band").Default(domain.DefaultModeration),
		// Working days before an assessor's due date that they are reminded; 0: only when overdue.
		field.Int("reminder_days").Default(domain.DefaultReminderDays),
		// When the programme last amended the questions while open: bids submitted before it
		// must be confirmed again.
		field.Time("amended_at").Optional(),
		field.Enum("selection").GoType(domain.SelectionMethod("")).Default(string(domain.TopDown)),
		field.Int64("pot").GoType(domain.Money(0)).Default(0),
		field.Int64("max_contract").GoType(domain.Money(0)).Default(0),
		field.Int("max_contracts").Default(0),
		field.JSON("scheme", domain.Scheme{}),
		// Phase 2 is open only to the organisations the phase 1 gate continued.
		field.Ints("eligible_organisations").Optional(),
		// The programme's proposed funding decision and its approvals: waiting while the
		// competition is in assessment, then the record of who proposed and who approved it.
		field.JSON("funding_proposal", &domain.FundingProposal{}).Optional(),
		// When the programme released feedback to suppliers; until then they see none.
		field.Time("feedback_released_at").Optional().Nillable(),
		// When the panel's decision was recorded: the programme's turnaround counts from the
		// close to here.
		field.Time("decided_at").Optional().Nillable(),
		// How many assessors each bid gets when the competition closes.
		field.Int("assessors_per_bid").Default(3),
		// Assessors see their bids only once the programme has reviewed the proposal and
		// released it; due dates count from then.
		field.Time("assignments_released_at").Optional().Nillable(),
		// The bids the last assignment run could not give enough assessors, with why.
		field.JSON("assignment_shortfalls", []domain.Shortfall{}).Optional(),
		// The most bids each assessor takes in this competition, by person; unset: a fair share.
		field.JSON("assessor_capacity", map[int]int{}).Optional(),
		// Its assessments are written straight to the records by the service, and its workflow
		// reads them there at the decision (from versionAssessedInRecords on); false on
		// competitions opened before, whose workflows count them as updates.
		field.Bool("assessments_in_records").Default(false),
		// The public log's signed checkpoint that holds the competition's close, and so every
		// bid received by its deadline; recorded by the log's sequencer, empty until then.
		field.Text("closing_checkpoint").Default(""),
	}
}

// Edges of Competition.
func (Competition) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("challenge", Challenge.Type).Ref("competitions").Field("challenge_id").Unique().Required(),
		edge.To("bids", Bid.Type),
		edge.To("contracts", Contract.Type),
	}
}

// Indexes of Competition.
func (Competition) Indexes() []ent.Index {
	return []ent.Index{index.Fields("challenge_id", "phase").Unique()}
}

// Policy of Competition: see ent/rule for who may read and change what.
func (Competition) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.FilterCompetitions(), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeOfficer), privacy.AlwaysDenyRule()},
	}
}
