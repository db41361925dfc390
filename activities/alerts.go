package activities

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/alert"
	"github.com/catalyst-sbri/catalyst/ent/alertnotice"
)

// AlertPath is where an alert's unsubscribe link points, on Catalyst's own address.
func AlertPath(token string) string { return "/alerts/unsubscribe/" + token }

// AlertOpened writes one notice for each alert whose fields a newly opened competition is in,
// in the transaction that opens it. Written again (a retry), it adds nothing: an alert hears of
// a competition once. A phase 2 competition is open only to the suppliers the gate continued,
// so it alerts nobody.
func AlertOpened(ctx context.Context, tx *ent.Tx, c *ent.Competition) error {
	ctx = asSystem(ctx)
	if c.Phase != 1 || len(c.EligibleOrganisations) > 0 {
		return nil
	}
	ch, err := tx.Challenge.Get(ctx, c.ChallengeID)
	if err != nil {
		return err
	}
	fields := c.Fields
	if len(fields) == 0 {
		fields = ch.Fields
	}
	alerts, err := tx.Alert.Query().Where(alert.UnsubscribedAtIsNil()).Order(ent.Asc(alert.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	for _, a := range alerts {
		shared := domain.AlertFields(a.Fields, fields)
		if len(shared) == 0 {
			continue
		}
		id, err := tx.AlertNotice.Create().SetAlertID(a.ID).SetCompetitionID(c.ID).SetValues(map[string]string{
			"title": ch.Title, "phase": strconv.Itoa(c.Phase), "closes_at": domain.FormatTime(c.ClosesAt),
			"fields": strings.Join(shared, ", "), "link": fmt.Sprintf("/competitions/%d", c.ID), "unsubscribe": AlertPath(a.Token),
		}).OnConflictColumns(alertnotice.FieldAlertID, alertnotice.FieldCompetitionID).DoNothing().ID(ctx)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue // told already, and emailed then
		case err != nil:
			return err
		}
		if err := queueEmail(ctx, tx, a.Email, domain.NoticeCompetitionOpened, nil, &id); err != nil {
			return err
		}
	}
	return nil
}
