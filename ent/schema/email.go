package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// Email is one notice's email: written pending in the same transaction as the notice, then
// sent at most once by activities.SendEmail, which records each step here.
type Email struct{ ent.Schema }

// Mixin of Email.
func (Email) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of Email.
func (Email) Fields() []ent.Field {
	return []ent.Field{
		field.String("to").NotEmpty().Immutable(),
		// Exactly one of the notice to a person or the alert's notice to an address.
		field.Int("notice_id").Optional().Nillable().Unique().Immutable(),
		field.Int("alert_notice_id").Optional().Nillable().Unique().Immutable(),
		field.String("template").NotEmpty().Immutable(),
		// pending, sending (a send started and its result not yet recorded), sent, failed.
		field.Enum("state").Values("pending", "sending", "sent", "failed").Default("pending"),
		field.Int("attempts").Default(0),
		field.Text("last_error").Optional(),
		field.Time("sent_at").Optional().Nillable(),
		// The provider's ID: Notify's notification ID or the SMTP Message-ID.
		field.String("provider_id").Optional(),
		// The unguessable part of the email's unsubscribe link, kept only until the email is
		// sent (its body is made then); the link is found by its hash ever after.
		field.String("unsubscribe_token").Optional().Nillable().Unique().Sensitive(),
		// The SHA-256 of that token; empty for emails written before tokens were hashed, whose
		// links are still found by the token itself.
		field.String("unsubscribe_hash").Optional().Nillable().Unique().Immutable(),
	}
}

// Indexes of Email: the sender reads what is waiting, the programme what failed.
func (Email) Indexes() []ent.Index {
	return []ent.Index{index.Fields("state")}
}

// Policy of Email: the programme team reads them to see what was sent and what failed; only
// the system writes them.
func (Email) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeTeam...), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
