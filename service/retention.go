package service

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/auditevent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/competition"
	"github.com/catalyst-sbri/catalyst/ent/legalhold"
	"github.com/catalyst-sbri/catalyst/ent/retentionperiod"
	"github.com/catalyst-sbri/catalyst/records"
)

// The retention schedule as the programme sets it: each kind's period, the legal holds that stop
// a deletion, what the next run would delete (a dry run), and what past runs did. The runs
// themselves are the worker's (records.Retention, each night from a Temporal schedule);
// the dry run is the same code with nothing written.

// retentionSetName is the identity the programme's changes to the schedule are written as.
const retentionSetName = "retention-schedule"

// RetentionReport is what a run deleted, or a dry run would, and what holds kept; RetentionItem
// one document of it. They are the worker's, named here for the adapters.
type (
	RetentionReport = records.RetentionReport
	RetentionItem   = records.RetentionItem
)

// RetentionPeriod is one kind of record's period as it stands.
type RetentionPeriod struct {
	Rule   domain.RetentionRule
	Months int
	SetBy  string // empty while it is the default
	SetAt  time.Time
}

// RetentionSchedule is every kind's period, in the schedule's order.
func (s *Service) RetentionSchedule(ctx context.Context) ([]RetentionPeriod, error) {
	rows, err := s.DB.RetentionPeriod.Query().All(ctx) // the privacy rule leaves it to the programme
	if err != nil {
		return nil, err
	}
	out := make([]RetentionPeriod, len(domain.RetentionRules))
	for i, r := range domain.RetentionRules {
		out[i] = RetentionPeriod{Rule: r, Months: r.DefaultMonths}
		for _, row := range rows {
			if row.Kind == string(r.Kind) {
				out[i].Months, out[i].SetBy, out[i].SetAt = row.Months, row.SetBy, row.UpdatedAt
			}
		}
	}
	return out, nil
}

// SetRetentionPeriod sets how long one kind of record is kept.
func (s *Service) SetRetentionPeriod(ctx context.Context, kind domain.RetentionKind, months int) error {
	err := s.SetRetentionPeriods(ctx, map[domain.RetentionKind]int{kind: months})
	var ps domain.Problems
	if errors.As(err, &ps) {
		for i := range ps {
			if ps[i].Field == string(kind) {
				ps[i].Field = "months"
			}
		}
		return ps
	}
	return err
}

// SetRetentionPeriods sets how long each kind given is kept: all of them or, if any is wrong,
// none (a problem names its kind as its field). Each change is audited with the period before;
// a period unchanged is left alone.
func (s *Service) SetRetentionPeriods(ctx context.Context, periods map[domain.RetentionKind]int) error {
	v, _ := authz.FromContext(ctx)
	if err := maySetRetention(v); err != nil {
		return err
	}
	if err := domain.CheckRetentionPeriods(periods).Err(); err != nil {
		return err
	}
	before, err := records.RetentionPeriods(ctx, s.DB)
	if err != nil {
		return err
	}
	sys := authz.AsSystem(ctx, retentionSetName)
	return s.DB.WithTx(sys, func(tx *ent.Tx) error {
		for _, kind := range slices.Sorted(maps.Keys(periods)) {
			months := periods[kind]
			if months == before[kind] {
				continue
			}
			err := tx.RetentionPeriod.Create().SetKind(string(kind)).SetMonths(months).SetSetBy(v.Name()).
				OnConflictColumns(retentionperiod.FieldKind).UpdateMonths().UpdateSetBy().UpdateUpdatedAt().Exec(sys)
			if err != nil {
				return err
			}
			if err := records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "retention.period_set", "retention", 0,
				map[string]any{"kind": kind, "months": before[kind]}, map[string]any{"kind": kind, "months": months}); err != nil {
				return err
			}
		}
		return nil
	})
}

// RetentionDryRun is what a run now would delete, and what holds keep; nothing is written.
func (s *Service) RetentionDryRun(ctx context.Context) (records.RetentionReport, error) {
	v, _ := authz.FromContext(ctx)
	if !v.InProgrammeTeam() {
		return records.RetentionReport{}, forbidden("only the programme team reads what the retention schedule would delete")
	}
	return records.Retention(ctx, s.DB, nil, records.RetentionInput{At: time.Now().UTC(), DryRun: true})
}

// RetentionRuns are the schedule's last runs, newest first, as the audit trail records them.
func (s *Service) RetentionRuns(ctx context.Context, limit int) ([]*ent.AuditEvent, error) {
	return s.DB.AuditEvent.Query().Where(auditevent.Action("retention.run")).Order(ent.Desc(auditevent.FieldID)).Limit(limit).All(ctx)
}

// LegalHolds lists every hold, the ones in force first, newest first.
func (s *Service) LegalHolds(ctx context.Context) ([]*ent.LegalHold, error) {
	rows, err := s.DB.LegalHold.Query().Order(ent.Desc(legalhold.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	var out []*ent.LegalHold
	for _, h := range rows {
		if h.ReleasedAt == nil {
			out = append(out, h)
		}
	}
	for _, h := range rows {
		if h.ReleasedAt != nil {
			out = append(out, h)
		}
	}
	return out, nil
}

// PlaceHold asks for a legal hold on a competition or a bid.
type PlaceHold struct {
	Kind     domain.HoldKind
	RecordID int
	Reason   string
}

// PlaceHold stops the retention schedule deleting anything of the record's until released.
func (s *Service) PlaceHold(ctx context.Context, in PlaceHold) (*ent.LegalHold, error) {
	v, _ := authz.FromContext(ctx)
	if err := mayPlaceHold(v); err != nil {
		return nil, err
	}
	var ps domain.Problems
	in.Reason = domain.HoldReason.CleanAll(in.Reason, &ps)
	sys := authz.AsSystem(ctx, retentionSetName)
	var exists bool
	var err error
	switch in.Kind {
	case domain.HoldCompetition:
		exists, err = s.DB.Competition.Query().Where(competition.ID(in.RecordID)).Exist(sys)
	case domain.HoldBid:
		exists, err = s.DB.Bid.Query().Where(bid.ID(in.RecordID)).Exist(sys)
	default:
		ps.Add("kind", "Choose whether the hold is on a competition or on a bid")
	}
	if err != nil {
		return nil, err
	}
	if in.Kind.Valid() && !exists {
		ps.Add("record_id", "There is no %s %d: check its number", in.Kind, in.RecordID)
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	var out *ent.LegalHold
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if out, err = tx.LegalHold.Create().SetKind(in.Kind).SetRecordID(in.RecordID).SetReason(in.Reason).SetPlacedBy(v.Name()).Save(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, in.Reason), "legal_hold.placed", string(in.Kind), in.RecordID, nil,
			map[string]any{"legal_hold": out.ID})
	})
	return out, err
}

// maySetRetention is the rule SetRetentionPeriods applies: the schedule is a setting, an admin's.
func maySetRetention(v authz.Viewer) error {
	if !v.Has(authz.Admin) {
		return forbidden("only an admin sets the retention schedule")
	}
	return nil
}

// mayPlaceHold is the rule PlaceHold applies: anyone in the programme team may stop a deletion.
func mayPlaceHold(v authz.Viewer) error {
	if !v.InProgrammeTeam() {
		return forbidden("only the programme team places a legal hold")
	}
	return nil
}

// RetentionActions are what the viewer may do to the schedule now: set its periods, and place a
// legal hold.
func RetentionActions(ctx context.Context) Actions {
	v, _ := authz.FromContext(ctx)
	var as Actions
	as.add("set-periods", "Save the schedule", maySetRetention(v))
	as.add("place-hold", "Place the hold", mayPlaceHold(v))
	return as
}

// HoldActions are what the viewer may do to a hold now: release it, while it is in force.
func HoldActions(ctx context.Context, h *ent.LegalHold) Actions {
	v, _ := authz.FromContext(ctx)
	if !v.InProgrammeTeam() {
		return nil
	}
	var as Actions
	as.add("release", "Release the hold", domain.CheckHoldRelease(h.ReleasedAt))
	return as
}

// ReleaseHold ends a hold, with why; what it kept is then deleted when its period has passed.
func (s *Service) ReleaseHold(ctx context.Context, id int, reason string) (*ent.LegalHold, error) {
	v, _ := authz.FromContext(ctx)
	h, err := s.DB.LegalHold.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := domain.CheckHoldRelease(h.ReleasedAt); err != nil {
		return nil, err
	}
	var ps domain.Problems
	reason = domain.HoldReason.CleanAll(reason, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	sys := authz.AsSystem(ctx, retentionSetName)
	var out *ent.LegalHold
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		n, err := tx.LegalHold.Update().Where(legalhold.ID(id), legalhold.ReleasedAtIsNil()).
			SetReleasedAt(time.Now().UTC()).SetReleasedBy(v.Name()).SetReleaseReason(reason).Save(sys)
		if err != nil {
			return err
		}
		if n == 0 { // released by someone else meanwhile
			h, _ := tx.LegalHold.Get(sys, id)
			return domain.CheckHoldRelease(h.ReleasedAt)
		}
		if out, err = tx.LegalHold.Get(sys, id); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, reason), "legal_hold.released", string(h.Kind), h.RecordID,
			map[string]any{"legal_hold": id}, nil)
	})
	return out, err
}

// documentGone refuses a document whose bytes the retention schedule deleted.
func documentGone(d *ent.Document) error {
	if d.DeletedAt == nil {
		return nil
	}
	rule, _ := domain.RetentionRuleOf(domain.RetentionKind(d.DeletedUnder))
	return &Refusal{Kind: Gone, Code: "document-deleted", Title: "Document deleted",
		Detail: fmt.Sprintf("%s was deleted on %s under the retention schedule (%s); its SHA-256 was %s",
			d.Filename, d.DeletedAt.In(domain.London).Format("2 January 2006"), rule.Label, d.Sha256)}
}
