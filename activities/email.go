package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/email"
	"github.com/catalyst-sbri/catalyst/ent"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/records"
)

// EmailAttempts is how often a send is tried before it is given up and shown to the
// programme team: with the mail workflow's backoff, about a day.
const EmailAttempts int32 = 10

// mailName is the system identity the sender acts as.
const mailName = "mail"

// WaitingInput asks for what is waiting to be sent (emails, webhook deliveries), leaving out
// those already in flight.
type WaitingInput struct {
	Skip  []int
	Limit int
}

// WaitingResult lists what to send, oldest first.
type WaitingResult struct{ IDs []int }

// WaitingEmails lists the emails waiting to be sent: pending, or cut off mid-send.
func (a *Activities) WaitingEmails(ctx context.Context, in WaitingInput) (WaitingResult, error) {
	ctx = authz.AsSystem(ctx, mailName)
	if in.Limit <= 0 {
		in.Limit = 50
	}
	q := a.DB.Email.Query().Where(entemail.StateIn(entemail.StatePending, entemail.StateSending)).
		Order(ent.Asc(entemail.FieldID)).Limit(in.Limit)
	if len(in.Skip) > 0 {
		q.Where(entemail.IDNotIn(in.Skip...))
	}
	ids, err := q.IDs(ctx)
	return WaitingResult{IDs: ids}, err
}

// SendEmailInput names the email to send.
type SendEmailInput struct{ EmailID int }

// SendEmail sends one email at most once, however often it runs. The email is claimed
// (sending) in one transaction before the send and marked sent in another after it; a run that
// finds it sent does nothing, and one that finds it still sending (a crash between the two)
// asks the provider by the email's reference before sending again. SMTP cannot be asked, so
// such an email is shown to the programme team as failed rather than risk a second copy. A
// permanent refusal is recorded as failed at once; a transient one is retried by the workflow
// with backoff, and given up after EmailAttempts.
func (a *Activities) SendEmail(ctx context.Context, in SendEmailInput) error {
	if a.Mail == nil {
		return errors.New("no email provider is configured")
	}
	ctx = authz.AsSystem(ctx, mailName)
	e, err := a.DB.Email.Get(ctx, in.EmailID)
	if err != nil {
		return err
	}
	ref := records.EmailReference(e)
	switch e.State {
	case entemail.StateSent, entemail.StateFailed:
		return nil
	case entemail.StateSending:
		id, found, err := a.Mail.Lookup(ctx, ref)
		switch {
		case errors.Is(err, email.ErrCannotTell):
			return a.emailFailed(ctx, e.ID, "A send was cut off before its result was recorded, and the mail server cannot say whether it went. Check with the recipient before sending it again.")
		case err != nil:
			return err
		case found:
			return a.DB.Email.UpdateOneID(e.ID).SetState(entemail.StateSent).SetProviderID(id).SetSentAt(time.Now().UTC()).ClearUnsubscribeToken().Exec(ctx)
		}
	}
	m, err := a.emailMessage(ctx, e)
	if err != nil {
		return err
	}
	claimed, err := a.DB.Email.Update().Where(entemail.ID(e.ID), entemail.StateIn(entemail.StatePending, entemail.StateSending)).
		SetState(entemail.StateSending).AddAttempts(1).Save(ctx)
	if err != nil || claimed == 0 {
		return err
	}
	id, sendErr := a.Mail.Send(ctx, m)
	again, err := recordSend(ctx, a.DB.Email, e, id, sendErr)
	if err != nil {
		return err
	}
	if again {
		return sendErr
	}
	return nil
}

// recordSend records how a send of e went: sent, failed for good (a permanent refusal, or the
// last of EmailAttempts), or waiting to be tried again (again).
func recordSend(ctx context.Context, emails *ent.EmailClient, e *ent.Email, providerID string, sendErr error) (again bool, err error) {
	up := emails.UpdateOneID(e.ID)
	switch {
	case sendErr == nil:
		up.SetState(entemail.StateSent).SetProviderID(providerID).SetSentAt(time.Now().UTC()).SetLastError("").ClearUnsubscribeToken()
	case email.IsPermanent(sendErr):
		up.SetState(entemail.StateFailed).SetLastError(sendErr.Error())
	case e.Attempts+1 >= int(EmailAttempts): // counted in the records: a batch's try and each retry's
		up.SetState(entemail.StateFailed).SetLastError(fmt.Sprintf("Given up after %d attempts: %v", EmailAttempts, sendErr))
	default:
		up.SetState(entemail.StatePending).SetLastError(sendErr.Error())
		again = true
	}
	return again, up.Exec(ctx)
}

// SendBatchInput names a batch of emails or webhook deliveries to send.
type SendBatchInput struct{ IDs []int }

// SendBatchResult names those of a batch whose send failed for now: the workflow tries each
// again on its own, with backoff.
type SendBatchResult struct{ Again []int }

// sendAtOnce is how many of a batch are sent at once.
const sendAtOnce = 8

// SendEmails sends a batch of emails, at most once each as SendEmail does, sendAtOnce at a time:
// each group claimed in one transaction, sent at once, and recorded in another. After a
// deadline's rush a page is a hundred receipts: an activity (and its workflow task) and two
// transactions for each kept the last of a thousand waiting for seconds, and took the database's
// one writer from the submits still arriving. An email that is not simply waiting (cut off
// mid-send) or whose send failed for now is left to SendEmail, on its own, with backoff.
func (a *Activities) SendEmails(ctx context.Context, in SendBatchInput) (SendBatchResult, error) {
	if a.Mail == nil {
		return SendBatchResult{Again: in.IDs}, nil
	}
	ctx = authz.AsSystem(ctx, mailName)
	var out SendBatchResult
	for group := range slices.Chunk(in.IDs, sendAtOnce) {
		again, err := a.sendEmailGroup(ctx, group)
		if err != nil {
			again = group // each on its own: SendEmail finds where it got to
		}
		out.Again = append(out.Again, again...)
	}
	return out, nil
}

func (a *Activities) sendEmailGroup(ctx context.Context, group []int) (again []int, err error) {
	es, err := a.DB.Email.Query().Where(entemail.IDIn(group...)).Order(ent.Asc(entemail.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	var waiting []*ent.Email
	var msgs []email.Message
	for _, e := range es {
		if e.State != entemail.StatePending {
			if e.State == entemail.StateSending {
				again = append(again, e.ID)
			}
			continue
		}
		m, err := a.emailMessage(ctx, e)
		if err != nil {
			return nil, err
		}
		waiting, msgs = append(waiting, e), append(msgs, m)
	}
	if len(waiting) == 0 {
		return again, nil
	}
	ids := make([]int, len(waiting))
	for i, e := range waiting {
		ids[i] = e.ID
	}
	var claimed []int
	err = a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		q := tx.Email.Query().Where(entemail.IDIn(ids...), entemail.StateEQ(entemail.StatePending))
		if tx.RowLocks() {
			q.ForUpdate()
		}
		if claimed, err = q.IDs(ctx); err != nil || len(claimed) == 0 {
			return err
		}
		return tx.Email.Update().Where(entemail.IDIn(claimed...)).SetState(entemail.StateSending).AddAttempts(1).Exec(ctx)
	})
	if err != nil {
		return nil, err
	}
	type sent struct {
		id  string
		err error
	}
	results := make([]sent, len(waiting))
	var wg sync.WaitGroup
	for i, e := range waiting {
		if slices.Contains(claimed, e.ID) {
			wg.Go(func() { results[i].id, results[i].err = a.Mail.Send(ctx, msgs[i]) })
		}
	}
	wg.Wait()
	err = a.DB.WithTx(ctx, func(tx *ent.Tx) error {
		for i, e := range waiting {
			if !slices.Contains(claimed, e.ID) {
				continue
			}
			retry, err := recordSend(ctx, tx.Email, e, results[i].id, results[i].err)
			if err != nil {
				return err
			}
			if retry {
				again = append(again, e.ID)
			}
		}
		return nil
	})
	return again, err
}

// sendEach runs send for each ID, sendAtOnce at a time, and lists those that failed, in order.
func sendEach(ctx context.Context, ids []int, send func(id int) error) SendBatchResult {
	failed := make([]bool, len(ids))
	var g errgroup.Group
	g.SetLimit(sendAtOnce)
	for i, id := range ids {
		g.Go(func() error {
			failed[i] = ctx.Err() != nil || send(id) != nil
			return nil
		})
	}
	_ = g.Wait()
	var out SendBatchResult
	for i, id := range ids {
		if failed[i] {
			out.Again = append(out.Again, id)
		}
	}
	return out
}

func (a *Activities) emailFailed(ctx context.Context, id int, why string) error {
	return a.DB.Email.UpdateOneID(id).SetState(entemail.StateFailed).SetLastError(why).Exec(ctx)
}

// emailMessage builds the email from its notice, in the words the notices page shows.
func (a *Activities) emailMessage(ctx context.Context, e *ent.Email) (email.Message, error) {
	m := email.Message{Reference: records.EmailReference(e), To: e.To, Template: e.Template}
	values := map[string]string{}
	var recordType string
	var recordID int
	switch {
	case e.NoticeID != nil:
		n, err := a.DB.Notice.Get(ctx, *e.NoticeID)
		if err != nil {
			return m, err
		}
		p, err := a.DB.Person.Get(ctx, n.RecipientID)
		if err != nil {
			return m, err
		}
		m.Name = p.Name
		for k, v := range n.Values {
			values[k] = v
		}
		recordType, recordID = n.RecordType, n.RecordID
		m.UnsubscribeURL = a.absolute(records.UnsubscribePath(unsubscribeToken(e)))
		m.ChoicesURL = a.absolute(records.EmailChoicesPath)
	case e.AlertNoticeID != nil:
		n, err := a.DB.AlertNotice.Get(ctx, *e.AlertNoticeID)
		if err != nil {
			return m, err
		}
		for k, v := range n.Values {
			values[k] = v
		}
		recordType, recordID = "competition", n.CompetitionID
		// An alert's own stop link is its unsubscribe: the alert is all it signed up for. The
		// link carries this email's token (stored hashed once it is sent).
		values["unsubscribe"] = records.AlertPath(unsubscribeToken(e))
		m.UnsubscribeURL = a.absolute(values["unsubscribe"])
	}
	for k, v := range values {
		if strings.HasPrefix(v, "/") {
			values[k] = a.absolute(v)
		}
	}
	t := domain.NoticeTemplate(e.Template)
	m.Values, m.Subject, m.Body = values, t.Subject(values), t.Text(values)
	if path, label := domain.NoticeLink(recordType, recordID); path != "" {
		m.Link, m.LinkText = a.absolute(path), label
	}
	return m, nil
}

func (a *Activities) absolute(path string) string {
	if path == "" {
		return ""
	}
	return strings.TrimRight(a.BaseURL, "/") + path
}

// unsubscribeToken is the secret part of an email's unsubscribe link, kept until it is sent.
func unsubscribeToken(e *ent.Email) string {
	if e.UnsubscribeToken == nil {
		return ""
	}
	return *e.UnsubscribeToken
}
