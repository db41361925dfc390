package service

import (
	"context"
	"crypto/rand"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/alert"
	"github.com/catalyst-sbri/catalyst/ent/alertnotice"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/records"
)

// Anyone's alerts of new competitions in their fields, kept by address and written as the alerts
// identity; stopped from the link in each notice. records.AlertOpened writes one AlertNotice
// per alert and competition in the transaction that opens it.

// alertsName is the system identity the service writes alerts as, after its own checks: an
// alert belongs to an address, not to a signed-in person.
const alertsName = "alerts"

// Subscribe asks for a notice whenever a competition opens in any of the fields. The email
// defaults to the signed-in person's.
type Subscribe struct {
	Email  string
	Fields []string
}

// Subscribe records an alert for an address, or adds the fields to the one it has (and starts
// it again if it was stopped). Fields are only ever added here: taking one away, or stopping
// every alert, is done from the link each notice carries, so nobody else's alerts change.
func (s *Service) Subscribe(ctx context.Context, in Subscribe) (*ent.Alert, error) {
	v, _ := authz.FromContext(ctx)
	if strings.TrimSpace(in.Email) == "" {
		in.Email = v.Email
	}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	var ps domain.Problems
	if !domain.ValidEmail(email) {
		ps.Add("email", "Enter an email address in the right format, like name@example.co.uk")
	}
	if len(in.Fields) == 0 {
		ps.Add("fields", "Choose at least one field to hear about")
	}
	domain.CheckFields(in.Fields, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	ctx = authz.AsSystem(ctx, alertsName)
	var out *ent.Alert
	err := s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		a, err := tx.Alert.Query().Where(alert.Email(email)).Only(ctx)
		switch {
		case ent.IsNotFound(err):
			out, err = tx.Alert.Create().SetEmail(email).SetFields(in.Fields).SetToken(rand.Text()).Save(ctx)
		case err == nil:
			fields := slices.Clone(a.Fields)
			for _, f := range in.Fields {
				if !slices.Contains(fields, f) {
					fields = append(fields, f)
				}
			}
			out, err = tx.Alert.UpdateOne(a).SetFields(fields).ClearUnsubscribedAt().Save(ctx)
		}
		if err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "alert.subscribed", "alert", out.ID, nil, map[string]any{"fields": out.Fields})
	})
	return out, err
}

// AlertByToken is the alert an unsubscribe link names: the link of one of its emails (found by
// its token's hash), or of an alert sent before each email carried its own.
func (s *Service) AlertByToken(ctx context.Context, token string) (*ent.Alert, error) {
	sys := authz.AsSystem(ctx, alertsName)
	e, err := s.DB.Email.Query().Where(unsubscribedBy(token), entemail.AlertNoticeIDNotNil()).Only(sys)
	var a *ent.Alert
	switch {
	case err == nil:
		a, err = s.DB.AlertNotice.Query().Where(alertnotice.ID(*e.AlertNoticeID)).QueryAlert().Only(sys)
	case ent.IsNotFound(err):
		a, err = s.DB.Alert.Query().Where(alert.Token(token)).Only(sys)
	}
	if ent.IsNotFound(err) || token == "" {
		return nil, &Refusal{Kind: NotFound, Code: "not-found", Title: "Link not recognised",
			Detail: "this unsubscribe link is not one Catalyst sent: use the link in your latest alert, or subscribe again to change your fields"}
	}
	return a, err
}

// Unsubscribe stops an alert from its link, without signing in. Stopping it twice is the same
// as once.
func (s *Service) Unsubscribe(ctx context.Context, token string) (*ent.Alert, error) {
	a, err := s.AlertByToken(ctx, token)
	if err != nil || a.UnsubscribedAt != nil {
		return a, err
	}
	ctx = authz.AsSystem(ctx, alertsName)
	var out *ent.Alert
	err = s.DB.WithTx(ctx, func(tx *ent.Tx) error {
		if out, err = tx.Alert.UpdateOne(a).SetUnsubscribedAt(time.Now().UTC()).Save(ctx); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.Actor{Who: "unsubscribe link", Reason: "the alert's own link"}, "alert.unsubscribed", "alert", a.ID, nil, nil)
	})
	return out, err
}

// YourAlert is the signed-in person's alert, by their email, with the notices it has sent,
// newest first; nil when they have none.
func (s *Service) YourAlert(ctx context.Context) (*ent.Alert, []*ent.AlertNotice, error) {
	v, _ := authz.FromContext(ctx)
	if v.Email == "" {
		return nil, nil, nil
	}
	ctx = authz.AsSystem(ctx, alertsName)
	a, err := s.DB.Alert.Query().Where(alert.Email(strings.ToLower(v.Email))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	notices, err := s.DB.AlertNotice.Query().Where(alertnotice.AlertID(a.ID)).Order(ent.Desc(alertnotice.FieldID)).Limit(100).All(ctx)
	return a, notices, err
}

// AlertText is an alert notice as its reader reads it.
func AlertText(n *ent.AlertNotice) string {
	values := maps.Clone(n.Values)
	if values["unsubscribe"] == "" { // its emails carry their own link; here, the alerts page
		values["unsubscribe"] = "/alerts"
	}
	return domain.NoticeCompetitionOpened.Text(values)
}
