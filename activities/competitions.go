package activities

import (
	"context"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/records"
)

// OpenScheduledInput opens a scheduled competition at its opening time.
type OpenScheduledInput struct {
	CompetitionID int
}

// OpenScheduledCompetition opens a competition the programme scheduled, at its time. A retry
// finds it open already and does nothing.
func (a *Activities) OpenScheduledCompetition(ctx context.Context, in OpenScheduledInput) error {
	ctx = asSystem(ctx)
	return a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		c, err := tx.Competition.Get(ctx, in.CompetitionID)
		if err != nil {
			return err
		}
		next, err := c.Status.OpenAtTime()
		if err != nil {
			return nil // opened already, or no longer to open
		}
		if c, err = tx.Competition.UpdateOne(c).SetStatus(next).SetOpenedAt(time.Now().UTC()).Save(ctx); err != nil {
			return err
		}
		if err := records.AlertOpened(ctx, tx, c); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.Actor{Reason: "its opening time came"}, "competition.opened", "competition", c.ID,
			map[string]any{"status": domain.CompetitionScheduled}, map[string]any{"status": domain.CompetitionOpen})
	})
}

// ExtendDeadlineInput moves a competition's deadline later, for everyone (OrganisationID 0)
// or for one supplier's organisation.
type ExtendDeadlineInput struct {
	CompetitionID  int
	OrganisationID int
	ClosesAt       time.Time
	Reason         string
	Actor          authz.Actor
}

// ExtendDeadline writes the later deadline with its audit event, and tells the suppliers it
// concerns: everyone with a bid, or the one organisation. Run twice, it writes nothing twice.
func (a *Activities) ExtendDeadline(ctx context.Context, in ExtendDeadlineInput) error {
	ctx = asSystem(ctx)
	return a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		// The competition's row first: a bid being sealed now holds it.
		if err := tx.Competition.UpdateOneID(in.CompetitionID).SetUpdatedAt(time.Now().UTC()).Exec(ctx); err != nil {
			return err
		}
		c, err := tx.Competition.Get(ctx, in.CompetitionID)
		if err != nil {
			return err
		}
		// Databases keep microseconds at most: compare as stored, so a retry is seen.
		in.ClosesAt = in.ClosesAt.UTC().Truncate(time.Microsecond)
		deadlines := domain.Deadlines{ClosesAt: c.ClosesAt, Extension: c.Extensions}
		if deadlines.For(in.OrganisationID).Equal(in.ClosesAt) {
			return nil // a retry: already extended
		}
		before := map[string]any{"closes_at": deadlines.For(in.OrganisationID)}
		after := map[string]any{"closes_at": in.ClosesAt.UTC(), "reason": in.Reason}
		upd := tx.Competition.UpdateOne(c)
		if in.OrganisationID == 0 {
			upd.SetClosesAt(in.ClosesAt.UTC())
		} else {
			after["organisation_id"] = in.OrganisationID
			upd.SetExtensions(append(c.Extensions, domain.Extension{OrganisationID: in.OrganisationID, ClosesAt: in.ClosesAt.UTC(), Reason: in.Reason}))
		}
		if err := upd.Exec(ctx); err != nil {
			return err
		}
		if err := records.Audit(ctx, tx, in.Actor, "competition.deadline_extended", "competition", c.ID, before, after); err != nil {
			return err
		}
		ch, err := tx.Competition.QueryChallenge(c).Only(ctx)
		if err != nil {
			return err
		}
		values := map[string]string{"title": ch.Title, "closes_at": domain.FormatTime(in.ClosesAt), "reason": in.Reason}
		return records.NotifyBidders(ctx, tx, c.ID, in.OrganisationID, domain.NoticeDeadlineExtended, values)
	})
}
