package service

import (
	"context"
	"slices"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/ent/predicate"
	"github.com/catalyst-sbri/catalyst/records"
	"github.com/catalyst-sbri/catalyst/workflows"
)

// A person's email choices, kept as the kinds turned off in person.email_off; an email's
// unsubscribe link, which stops its kind without signing in, one-click (RFC 8058) too; the
// programme's list of every email with its state and why it failed, and sending a failed one
// again.

// emailName is the identity a person's own email choices are written as.
const emailName = "email-choices"

// EmailChoice is one kind of notice and whether the person gets it by email.
type EmailChoice struct {
	Kind    domain.NoticeTemplate
	Subject string
	On      bool
}

// EmailChoices are the signed-in person's choices: every kind of notice, on unless turned off,
// and whether all email is off.
func (s *Service) EmailChoices(ctx context.Context) ([]EmailChoice, bool, error) {
	p, err := s.me(ctx)
	if err != nil {
		return nil, false, err
	}
	out := make([]EmailChoice, len(domain.NoticeTemplates))
	for i, t := range domain.NoticeTemplates {
		out[i] = EmailChoice{Kind: t, Subject: t.Subject(nil), On: !slices.Contains(p.EmailOff, string(t))}
	}
	return out, slices.Contains(p.EmailOff, domain.EmailAll), nil
}

// SetEmailChoices turns off the kinds of notice listed (domain.EmailAll for every one) and
// turns on the rest. The notices themselves still come to the notices page.
func (s *Service) SetEmailChoices(ctx context.Context, off []string) error {
	if err := domain.CheckEmailChoices(off); err != nil {
		return err
	}
	p, err := s.me(ctx)
	if err != nil {
		return err
	}
	slices.Sort(off)
	off = slices.Compact(off)
	sys := authz.AsSystem(ctx, emailName)
	return s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if err := tx.Person.UpdateOneID(p.ID).SetEmailOff(off).Exec(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "person.email_choices", "person", p.ID, p.EmailOff, off)
	})
}

// Unsubscription is what an email's unsubscribe link stops.
type Unsubscription struct {
	Kind    domain.NoticeTemplate
	Subject string
	To      string
	Stopped bool // that kind is already off for them
}

// unsubscribedBy finds the email an unsubscribe link's token is of: by its hash, or for an
// email written before tokens were hashed, by the token itself.
func unsubscribedBy(token string) predicate.Email {
	return entemail.Or(entemail.UnsubscribeHash(authz.HashSecret(token)),
		entemail.And(entemail.UnsubscribeHashIsNil(), entemail.UnsubscribeToken(token)))
}

func (s *Service) emailByToken(ctx context.Context, token string) (*ent.Email, *ent.Person, error) {
	sys := authz.AsSystem(ctx, emailName)
	e, err := s.DB.Email.Query().Where(unsubscribedBy(token), entemail.NoticeIDNotNil()).Only(sys)
	if ent.IsNotFound(err) || token == "" {
		return nil, nil, &Refusal{Kind: NotFound, Code: "not-found", Title: "Link not recognised",
			Detail: "this unsubscribe link is not one Catalyst sent: use the link in the email, or sign in and choose your emails on your notices page"}
	}
	if err != nil {
		return nil, nil, err
	}
	n, err := s.DB.Notice.Get(sys, *e.NoticeID)
	if err != nil {
		return nil, nil, err
	}
	p, err := s.DB.Person.Get(sys, n.RecipientID)
	return e, p, err
}

// UnsubscribeLink says what an email's unsubscribe link would stop, without changing anything.
func (s *Service) UnsubscribeLink(ctx context.Context, token string) (Unsubscription, error) {
	e, p, err := s.emailByToken(ctx, token)
	if err != nil {
		return Unsubscription{}, err
	}
	t := domain.NoticeTemplate(e.Template)
	return Unsubscription{Kind: t, Subject: t.Subject(nil), To: p.Email, Stopped: !domain.WantsEmail(p.EmailOff, t)}, nil
}

// UnsubscribeEmail stops emails of the link's kind to its recipient, without signing in
// (RFC 8058's one-click unsubscribe posts here too). Stopping twice is the same as once.
func (s *Service) UnsubscribeEmail(ctx context.Context, token string) (Unsubscription, error) {
	e, p, err := s.emailByToken(ctx, token)
	if err != nil {
		return Unsubscription{}, err
	}
	t := domain.NoticeTemplate(e.Template)
	out := Unsubscription{Kind: t, Subject: t.Subject(nil), To: p.Email, Stopped: true}
	if !domain.WantsEmail(p.EmailOff, t) {
		return out, nil
	}
	off := append(slices.Clone(p.EmailOff), string(t))
	sys := authz.AsSystem(ctx, emailName)
	return out, s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if err := tx.Person.UpdateOneID(p.ID).SetEmailOff(off).Exec(sys); err != nil {
			return err
		}
		return records.Audit(sys, tx, authz.Actor{Who: "unsubscribe link", Reason: "the email's own link"}, "person.email_choices", "person", p.ID, p.EmailOff, off)
	})
}

// EmailFilter narrows the programme's list of emails.
type EmailFilter struct {
	State string // pending, sending, sent, failed; "" for all
	Page
}

// EmailCounts are how many emails are in each state.
type EmailCounts map[string]int

// Emails lists the emails Catalyst wrote, newest first, for the programme team: what was
// sent, what waits, and what failed and why.
func (s *Service) Emails(ctx context.Context, f EmailFilter) ([]*ent.Email, EmailCounts, error) {
	if err := requireProgramme(ctx); err != nil {
		return nil, nil, err
	}
	if f.State != "" && entemail.StateValidator(entemail.State(f.State)) != nil {
		var ps domain.Problems
		ps.Add("state", "Choose pending, sending, sent or failed")
		return nil, nil, ps.Err()
	}
	q := s.DB.Email.Query().Order(ent.Desc(entemail.FieldID)).Offset(f.Offset).Limit(f.Limit + 1)
	if f.State != "" {
		q.Where(entemail.StateEQ(entemail.State(f.State)))
	}
	if f.After != 0 {
		q.Where(entemail.IDLT(f.After))
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, nil, err
	}
	var counts []struct {
		State string `json:"state"`
		Count int    `json:"count"`
	}
	if err := s.DB.Email.Query().GroupBy(entemail.FieldState).Aggregate(ent.Count()).Scan(ctx, &counts); err != nil {
		return nil, nil, err
	}
	out := EmailCounts{}
	for _, c := range counts {
		out[c.State] = c.Count
	}
	return rows, out, nil
}

// SendEmailAgain puts a failed email back in the queue, from its first attempt, once the
// programme team has fixed what stopped it (an address, a template, the provider's key).
func (s *Service) SendEmailAgain(ctx context.Context, id int) (*ent.Email, error) {
	if err := requireProgramme(ctx); err != nil {
		return nil, err
	}
	e, err := s.DB.Email.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, notFound("email", id)
	}
	if err != nil {
		return nil, err
	}
	if e.State != entemail.StateFailed {
		return nil, conflict("not-failed", "this email is %s: only a failed email is sent again", e.State)
	}
	sys := authz.AsSystem(ctx, emailName)
	var out *ent.Email
	err = s.DB.WithTx(sys, func(tx *ent.Tx) error {
		if out, err = tx.Email.UpdateOneID(id).SetState(entemail.StatePending).SetAttempts(0).Save(sys); err != nil {
			return err
		}
		if err := (workflows.Outbox{Tx: tx}).MailWaiting(sys); err != nil {
			return err
		}
		return records.Audit(ctx, tx, authz.ActorOf(ctx, ""), "email.send_again", "email", id, nil, nil)
	})
	return out, err
}

func requireProgramme(ctx context.Context) error {
	if v, _ := authz.FromContext(ctx); !v.InProgrammeTeam() {
		return forbidden("only the programme team sees the emails Catalyst sends")
	}
	return nil
}

// EmailChoicesPath is the page where a person chooses their emails, linked from each email.
const EmailChoicesPath = records.EmailChoicesPath

// EmailReference is the reference an email has at its provider (notice-N or alert-N).
func EmailReference(e *ent.Email) string { return records.EmailReference(e) }
