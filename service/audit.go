package service

import (
	"context"

	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/predicate"
)

// AuditFilter narrows the trail: by record (type and number), by person, by challenge. Zero
// values do not filter.
type AuditFilter struct {
	RecordType  string
	RecordID    int
	Actor       string
	ChallengeID int
}

func (f AuditFilter) predicates() []predicate.AuditEvent {
	var ps []predicate.AuditEvent
	if f.RecordType != "" {
		ps = append(ps, auditevent.RecordType(f.RecordType))
	}
	if f.RecordID != 0 {
		ps = append(ps, auditevent.RecordID(f.RecordID))
	}
	if f.Actor != "" {
		ps = append(ps, auditevent.ActorEqualFold(f.Actor))
	}
	if f.ChallengeID != 0 {
		ps = append(ps, auditevent.ChallengeID(f.ChallengeID))
	}
	return ps
}

// AuditEvents pages through the trail the viewer may read, oldest first (as written, so an
// event shows at once, before the sequencer places it), after an event's id, up to Limit+1.
func (s *Service) AuditEvents(ctx context.Context, f AuditFilter, page Page) ([]*ent.AuditEvent, error) {
	return s.DB.AuditEvent.Query().Where(f.predicates()...).Where(auditevent.IDGT(page.After)).
		Order(ent.Asc(auditevent.FieldID)).Limit(page.Limit + 1).All(ctx)
}

// LatestAuditEvents is the newest of the trail the viewer may read, newest first.
func (s *Service) LatestAuditEvents(ctx context.Context, f AuditFilter, limit int) ([]*ent.AuditEvent, error) {
	return s.DB.AuditEvent.Query().Where(f.predicates()...).Order(ent.Desc(auditevent.FieldID)).Limit(limit).All(ctx)
}

// AuditRecordTypes are the kinds of record the viewer's trail holds, for its filter: taken from
// the trail itself, so a new kind of record is offered as soon as it is audited.
func (s *Service) AuditRecordTypes(ctx context.Context) ([]string, error) {
	return s.DB.AuditEvent.Query().Unique(true).Order(ent.Asc(auditevent.FieldRecordType)).
		Select(auditevent.FieldRecordType).Strings(ctx)
}

// CountAuditEvents is how many events of the viewer's trail the filter matches.
func (s *Service) CountAuditEvents(ctx context.Context, f AuditFilter) (int, error) {
	return s.DB.AuditEvent.Query().Where(f.predicates()...).Count(ctx)
}
