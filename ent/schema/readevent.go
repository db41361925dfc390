package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/ent/privacy"
	"github.com/catalyst-sbri/catalyst/ent/rule"
)

// ReadEvent records that someone read a bid, a bid's document or scores, or a person's details:
// who, what, when, why (the page or API route) and the request. It is written before the record
// is given, and never changed or deleted.
type ReadEvent struct{ ent.Schema }

// Fields of ReadEvent.
func (ReadEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").Immutable(),
		field.String("reader").NotEmpty().Immutable(), // the person's email
		field.Int("reader_id").Immutable(),
		field.String("record_type").NotEmpty().Immutable(), // bid, document, scores, person, people
		field.Int("record_id").Immutable(),
		// Whose record it is (the bid's supplier), so they can see who read it. A plain number:
		// nothing done to an organisation may touch the log.
		field.Int("organisation_id").Optional().Nillable().Immutable(),
		// The bid it is about (a bid, its document, its scores), so its supplier sees who read it.
		field.Int("bid_id").Optional().Nillable().Immutable(),
		field.String("route").Immutable(), // "GET /bids/:id": the page or API route it was read by
		field.String("request_id").Optional().Immutable(),
	}
}

// Indexes of ReadEvent.
func (ReadEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("record_type", "record_id"), index.Fields("reader_id"), index.Fields("organisation_id", "bid_id")}
}

// Policy of ReadEvent: the programme reads the log; the service shows a supplier who read its
// bids as its own named identity; nobody changes it.
func (ReadEvent) Policy() ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule.AllowSystem(), rule.AllowRole(authz.ProgrammeTeam...), privacy.AlwaysDenyRule()},
		Mutation: privacy.MutationPolicy{rule.DenyChange(), rule.AllowSystem(), privacy.AlwaysDenyRule()},
	}
}
