package records

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/alert"
	"github.com/catalyst-sbri/catalyst/ent/alertnotice"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/ent/organisation"
	"github.com/catalyst-sbri/catalyst/ent/person"
)

// Notify writes a notice for a person in tx, with its cause.
func Notify(ctx context.Context, tx *ent.Tx, recipientID int, template domain.NoticeTemplate, recordType string, recordID int, values map[string]string) error {
	ctx = authz.AsSystem(ctx, SystemName)
	n, err := tx.Notice.Create().SetRecipientID(recipientID).SetTemplate(string(template)).SetValues(values).
		SetRecordType(recordType).SetRecordID(recordID).Save(ctx)
	if err != nil {
		return err
	}
	return emailNotice(ctx, tx, n)
}

// AlertPath is where an alert email's unsubscribe link points, on Catalyst's own address: the
// email's own token, made part of its body when it is sent.
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
			"fields": strings.Join(shared, ", "), "link": fmt.Sprintf("/competitions/%d", c.ID),
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

// NotifyBidders tells every organisation with a bid in the competition (or only the one named),
// and any others named in also, the same thing: each active supplier person in them gets a
// notice. It reads the sealed bids as the system, and tells nobody who else was told.
func NotifyBidders(ctx context.Context, tx *ent.Tx, competitionID, organisationID int, template domain.NoticeTemplate, values map[string]string, also ...int) error {
	ctx = asSystem(ctx)
	orgs := []int{organisationID}
	if organisationID == 0 {
		var err error
		orgs, err = tx.Bid.Query().Where(bid.CompetitionID(competitionID)).GroupBy(bid.FieldOrganisationID).Ints(ctx)
		if err != nil {
			return err
		}
	}
	for _, o := range also {
		if !slices.Contains(orgs, o) {
			orgs = append(orgs, o)
		}
	}
	return notifySuppliers(ctx, tx, orgs, template, "competition", competitionID, values)
}

// NotifyOrganisation tells each active supplier person of one organisation about a record.
func NotifyOrganisation(ctx context.Context, tx *ent.Tx, organisationID int, template domain.NoticeTemplate, recordType string, recordID int, values map[string]string) error {
	return notifySuppliers(asSystem(ctx), tx, []int{organisationID}, template, recordType, recordID, values)
}

func notifySuppliers(ctx context.Context, tx *ent.Tx, orgs []int, template domain.NoticeTemplate, recordType string, recordID int, values map[string]string) error {
	people, err := tx.Person.Query().
		Where(person.HasOrganisationWith(organisation.IDIn(orgs...)), person.DeactivatedAtIsNil()).
		Order(ent.Asc(person.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	for _, p := range people {
		if !slices.Contains(p.Roles, string(authz.Supplier)) {
			continue
		}
		if err := Notify(ctx, tx, p.ID, template, recordType, recordID, values); err != nil {
			return err
		}
	}
	return nil
}

// NotifyProgramme tells every active member of the programme team.
func NotifyProgramme(ctx context.Context, tx *ent.Tx, template domain.NoticeTemplate, recordType string, recordID int, values map[string]string) error {
	ctx = asSystem(ctx)
	people, err := tx.Person.Query().Where(person.DeactivatedAtIsNil()).Order(ent.Asc(person.FieldID)).All(ctx)
	if err != nil {
		return err
	}
	for _, p := range people {
		if slices.Contains(p.Roles, string(authz.ProgrammeOfficer)) {
			if err := Notify(ctx, tx, p.ID, template, recordType, recordID, values); err != nil {
				return err
			}
		}
	}
	return nil
}

// The mail workflow's contract, here because the records that write emails wake it: the
// workflows package names them again for its own callers.
const (
	// MailWorkflowID is the one workflow that sends every email.
	MailWorkflowID = "mail"
	// SignalMailWaiting reaches it from the outbox when an email is written.
	SignalMailWaiting = "mail_waiting"
)

// UnsubscribePath is the page that stops one kind of email, from the link in each.
func UnsubscribePath(token string) string { return "/email/unsubscribe/" + token }

// EmailChoicesPath is where a signed-in person chooses which notices they get by email.
const EmailChoicesPath = "/notices/email"

// queueEmail writes an email waiting to be sent, and the outbox row that wakes the sender, in
// the transaction of its notice: the notice and its email are written together or not at all.
func queueEmail(ctx context.Context, tx *ent.Tx, to string, template domain.NoticeTemplate, noticeID, alertNoticeID *int) error {
	tok := make([]byte, 16)
	if _, err := rand.Read(tok); err != nil {
		return err
	}
	secret := hex.EncodeToString(tok)
	err := tx.Email.Create().SetTo(to).SetTemplate(string(template)).SetNillableNoticeID(noticeID).
		SetNillableAlertNoticeID(alertNoticeID).SetUnsubscribeToken(secret).SetUnsubscribeHash(authz.HashSecret(secret)).Exec(ctx)
	if err != nil {
		return err
	}
	return MailWaiting(ctx, tx)
}

// MailWaiting writes, in tx, the signal that wakes the mail workflow once tx commits.
func MailWaiting(ctx context.Context, tx *ent.Tx) error {
	return tx.OutboxMessage.Create().SetWorkflowID(MailWorkflowID).SetSignal(SignalMailWaiting).SetPayload([]byte("{}")).Exec(ctx)
}

// emailNotice queues the email of a notice to a person, unless they turned that kind off.
func emailNotice(ctx context.Context, tx *ent.Tx, n *ent.Notice) error {
	p, err := tx.Person.Query().Where(person.ID(n.RecipientID)).Only(ctx)
	if err != nil {
		return err
	}
	if p.DeactivatedAt != nil || !domain.WantsEmail(p.EmailOff, domain.NoticeTemplate(n.Template)) {
		return nil
	}
	return queueEmail(ctx, tx, p.Email, domain.NoticeTemplate(n.Template), &n.ID, nil)
}
