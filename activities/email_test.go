package activities

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/email"
	"github.com/catalyst-sbri/catalyst/ent"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/records"
)

// sinkSender is the real SMTP sender posting to a real SMTP server started for the test.
func sinkSender(t *testing.T) (*email.Sink, email.Sender) {
	t.Helper()
	sink, err := email.StartSink(t.TempDir(), "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	s, err := email.ParseSMTP("smtp://"+sink.Addr()+"?tls=none", "catalyst@programme.example")
	if err != nil {
		t.Fatal(err)
	}
	return sink, s
}

// writeNotice writes a notice the way every cause does, and returns its email.
func writeNotice(t *testing.T, db *ent.Client, to *ent.Person, tmpl domain.NoticeTemplate, values map[string]string) *ent.Email {
	t.Helper()
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	var out *ent.Email
	err := db.WithTx(ctx, func(tx *ent.Tx) error {
		if err := records.Notify(ctx, tx, to.ID, tmpl, "contract", 7, values); err != nil {
			return err
		}
		var err error
		out, err = tx.Email.Query().Order(ent.Desc(entemail.FieldID)).First(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// An email is sent once however often its activity runs, in the notice's words, with links to
// its page and to stop that kind of email.
func TestSendEmailTwiceSendsOnce(t *testing.T) {
	db := testdb.Open(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	dana := db.Person.Create().SetName("Dana Evans").SetEmail("dana@acme.example").SetRoles([]string{"supplier"}).SaveX(ctx)
	sink, sender := sinkSender(t)
	acts := &Activities{DB: db, Mail: sender, BaseURL: "https://catalyst.example"}
	e := writeNotice(t, db, dana, domain.NoticePaymentMade, map[string]string{"amount": "£1,000", "milestone": "1", "title": "Potholes"})
	if e.State != entemail.StatePending || e.To != "dana@acme.example" {
		t.Fatalf("the notice's email is %+v", e)
	}
	for range 2 {
		if err := acts.SendEmail(ctx, SendEmailInput{EmailID: e.ID}); err != nil {
			t.Fatal(err)
		}
	}
	ms, _ := sink.Messages()
	if len(ms) != 1 {
		t.Fatalf("%d messages sent, want 1", len(ms))
	}
	m := ms[0]
	if m.Subject != "A milestone was paid: Potholes" || m.Reference != fmt.Sprintf("notice-%d", *e.NoticeID) {
		t.Errorf("sent %q with reference %q", m.Subject, m.Reference)
	}
	for _, want := range []string{"The programme team has paid £1,000 for milestone 1", "See the contract: https://catalyst.example/contracts/7",
		"Stop these emails: https://catalyst.example/email/unsubscribe/"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the email lacks %q:\n%s", want, m.Text)
		}
	}
	got := db.Email.GetX(ctx, e.ID)
	if got.State != entemail.StateSent || got.Attempts != 1 || got.SentAt == nil || got.ProviderID == "" {
		t.Errorf("after sending: %+v", got)
	}
	// Once sent, the link's token is kept only as its hash: the one in the email matches it.
	_, link, _ := strings.Cut(m.Text, "/email/unsubscribe/")
	link = strings.Fields(link)[0]
	if got.UnsubscribeToken != nil || got.UnsubscribeHash == nil || *got.UnsubscribeHash != authz.HashSecret(link) {
		t.Errorf("after sending: token %v, hash %v, the link's %q", got.UnsubscribeToken, got.UnsubscribeHash, link)
	}
}

// A person who turned a kind of notice off still gets the notice, but no email.
func TestNoEmailForAKindTurnedOff(t *testing.T) {
	db := testdb.Open(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	dana := db.Person.Create().SetName("Dana").SetEmail("dana@acme.example").SetRoles([]string{"supplier"}).
		SetEmailOff([]string{string(domain.NoticePaymentMade)}).SaveX(ctx)
	before := db.Email.Query().CountX(ctx)
	err := db.WithTx(ctx, func(tx *ent.Tx) error {
		if err := records.Notify(ctx, tx, dana.ID, domain.NoticePaymentMade, "contract", 7, nil); err != nil {
			return err
		}
		return records.Notify(ctx, tx, dana.ID, domain.NoticeGateDecided, "contract", 7, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := db.Notice.Query().CountX(ctx); n != 2 {
		t.Errorf("%d notices, want both", n)
	}
	if n := db.Email.Query().CountX(ctx) - before; n != 1 {
		t.Errorf("%d emails written, want only the kind left on", n)
	}
}

// scripted is a provider whose answers the test sets, to reach the failures a real one gives
// rarely: a permanent refusal, a transient one, and a reference it has already seen.
type scripted struct {
	mu     sync.Mutex
	err    error
	refuse map[string]error // by address
	sent   map[string]bool
	sends  int
}

func (s *scripted) Send(_ context.Context, m email.Message) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return "", s.err
	}
	if err := s.refuse[m.To]; err != nil {
		return "", err
	}
	s.sends++
	if s.sent == nil {
		s.sent = map[string]bool{}
	}
	s.sent[m.Reference] = true
	return "id-" + m.Reference, nil
}

func (s *scripted) Lookup(_ context.Context, ref string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return "id-" + ref, s.sent[ref], nil
}

func TestSendEmailFailures(t *testing.T) {
	db := testdb.Open(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	dana := db.Person.Create().SetName("Dana").SetEmail("dana@acme.example").SetRoles([]string{"supplier"}).SaveX(ctx)
	p := &scripted{}
	acts := &Activities{DB: db, Mail: p, BaseURL: "https://catalyst.example"}

	t.Run("a permanent refusal is failed at once, with why", func(t *testing.T) {
		e := writeNotice(t, db, dana, domain.NoticeGateDecided, nil)
		p.err = email.Permanent(errors.New("GOV.UK records.Notify answered 400; BadRequestError: Not a valid email address"))
		if err := acts.SendEmail(ctx, SendEmailInput{EmailID: e.ID}); err != nil {
			t.Fatalf("a permanent failure returned %v: the workflow would retry it", err)
		}
		got := db.Email.GetX(ctx, e.ID)
		if got.State != entemail.StateFailed || !strings.Contains(got.LastError, "Not a valid email address") {
			t.Errorf("%+v", got)
		}
	})
	t.Run("a transient one waits to be retried", func(t *testing.T) {
		e := writeNotice(t, db, dana, domain.NoticeGateDecided, nil)
		p.err = errors.New("GOV.UK records.Notify answered 500")
		if err := acts.SendEmail(ctx, SendEmailInput{EmailID: e.ID}); err == nil {
			t.Fatal("a transient failure returned no error: the workflow would not retry it")
		}
		if got := db.Email.GetX(ctx, e.ID); got.State != entemail.StatePending || got.Attempts != 1 {
			t.Errorf("%+v", got)
		}
		p.err = nil
		if err := acts.SendEmail(ctx, SendEmailInput{EmailID: e.ID}); err != nil {
			t.Fatal(err)
		}
		if got := db.Email.GetX(ctx, e.ID); got.State != entemail.StateSent || got.Attempts != 2 || got.LastError != "" {
			t.Errorf("%+v", got)
		}
	})
	t.Run("cut off mid-send, the provider is asked before sending again", func(t *testing.T) {
		e := writeNotice(t, db, dana, domain.NoticeGateDecided, nil)
		if err := acts.SendEmail(ctx, SendEmailInput{EmailID: e.ID}); err != nil {
			t.Fatal(err)
		}
		// As if the process died after Notify took it and before the result was written.
		db.Email.UpdateOneID(e.ID).SetState(entemail.StateSending).ExecX(ctx)
		sends := p.sends
		if err := acts.SendEmail(ctx, SendEmailInput{EmailID: e.ID}); err != nil {
			t.Fatal(err)
		}
		if p.sends != sends {
			t.Error("sent again although the provider had it")
		}
		if got := db.Email.GetX(ctx, e.ID); got.State != entemail.StateSent {
			t.Errorf("%+v", got)
		}
	})
	t.Run("cut off mid-send over SMTP, it is shown rather than risk a second copy", func(t *testing.T) {
		sink, sender := sinkSender(t)
		smtpActs := &Activities{DB: db, Mail: sender, BaseURL: "https://catalyst.example"}
		e := writeNotice(t, db, dana, domain.NoticeGateDecided, nil)
		db.Email.UpdateOneID(e.ID).SetState(entemail.StateSending).ExecX(ctx)
		if err := smtpActs.SendEmail(ctx, SendEmailInput{EmailID: e.ID}); err != nil {
			t.Fatal(err)
		}
		if ms, _ := sink.Messages(); len(ms) != 0 {
			t.Errorf("%d sent", len(ms))
		}
		if got := db.Email.GetX(ctx, e.ID); got.State != entemail.StateFailed || !strings.Contains(got.LastError, "cut off") {
			t.Errorf("%+v", got)
		}
	})
	t.Run("an SMTP server that is not there is retried", func(t *testing.T) {
		ln, _ := net.Listen("tcp", "127.0.0.1:0")
		addr := ln.Addr().String()
		ln.Close()
		sender, _ := email.ParseSMTP("smtp://"+addr+"?tls=none", "catalyst@programme.example")
		down := &Activities{DB: db, Mail: sender, BaseURL: "https://catalyst.example"}
		e := writeNotice(t, db, dana, domain.NoticeGateDecided, nil)
		if err := down.SendEmail(ctx, SendEmailInput{EmailID: e.ID}); err == nil {
			t.Fatal("no error to retry")
		}
		if got := db.Email.GetX(ctx, e.ID); got.State != entemail.StatePending || got.LastError == "" {
			t.Errorf("%+v", got)
		}
	})
}

// A batch after a rush: each waiting email sent once, a refusal recorded as SendEmail records
// it, and what failed for now or was cut off mid-send left for SendEmail on its own; sending
// the batch again (its activity retried) sends nothing twice.
func TestSendEmailsSendsABatchOnceEach(t *testing.T) {
	db := testdb.Open(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	person := func(addr string) *ent.Person {
		return db.Person.Create().SetName(addr).SetEmail(addr).SetRoles([]string{"supplier"}).SaveX(ctx)
	}
	p := &scripted{refuse: map[string]error{
		"bounce@acme.example": email.Permanent(errors.New("GOV.UK records.Notify answered 400; BadRequestError: Not a valid email address")),
		"later@acme.example":  errors.New("GOV.UK records.Notify answered 500"),
	}}
	acts := &Activities{DB: db, Mail: p, BaseURL: "https://catalyst.example"}
	var page, good []int
	for i := range 17 { // more than two groups of sendAtOnce
		e := writeNotice(t, db, person(fmt.Sprintf("s%d@acme.example", i)), domain.NoticeBidReceived, map[string]string{"title": "Potholes"})
		page, good = append(page, e.ID), append(good, e.ID)
	}
	bounce := writeNotice(t, db, person("bounce@acme.example"), domain.NoticeBidReceived, nil)
	later := writeNotice(t, db, person("later@acme.example"), domain.NoticeBidReceived, nil)
	cutOff := writeNotice(t, db, person("cut@acme.example"), domain.NoticeBidReceived, nil)
	db.Email.UpdateOneID(cutOff.ID).SetState(entemail.StateSending).ExecX(ctx)
	page = append(page, bounce.ID, later.ID, cutOff.ID)

	for run := 1; run <= 2; run++ {
		out, err := acts.SendEmails(ctx, SendBatchInput{IDs: page})
		if err != nil {
			t.Fatal(err)
		}
		if want := []int{later.ID, cutOff.ID}; !slices.Equal(slices.Sorted(slices.Values(out.Again)), want) {
			t.Errorf("run %d: left to send on their own %v, want %v (the one refused for now, the one cut off)", run, out.Again, want)
		}
		if p.sends != len(good) {
			t.Errorf("run %d: %d sent, want each of the %d once", run, p.sends, len(good))
		}
		if n := db.Email.Query().Where(entemail.IDIn(good...), entemail.StateEQ(entemail.StateSent), entemail.SentAtNotNil()).CountX(ctx); n != len(good) {
			t.Errorf("run %d: %d recorded sent, want %d", run, n, len(good))
		}
		if got := db.Email.GetX(ctx, bounce.ID); got.State != entemail.StateFailed || !strings.Contains(got.LastError, "Not a valid email address") {
			t.Errorf("run %d: the refused one: %s %q", run, got.State, got.LastError)
		}
		if got := db.Email.GetX(ctx, later.ID); got.State != entemail.StatePending || got.Attempts != run {
			t.Errorf("run %d: the one failed for now: %s after %d attempts", run, got.State, got.Attempts)
		}
		if got := db.Email.GetX(ctx, cutOff.ID); got.State != entemail.StateSending {
			t.Errorf("run %d: the one cut off was touched: %s", run, got.State)
		}
	}
}

// WaitingEmails lists what is to send, leaving out what is in flight.
func TestWaitingEmails(t *testing.T) {
	db := testdb.Open(t)
	ctx := authz.AsSystem(testdb.Fixture(), "test")
	dana := db.Person.Create().SetName("Dana").SetEmail("dana@acme.example").SetRoles([]string{"supplier"}).SaveX(ctx)
	a := writeNotice(t, db, dana, domain.NoticeGateDecided, nil)
	b := writeNotice(t, db, dana, domain.NoticePaymentMade, nil)
	c := writeNotice(t, db, dana, domain.NoticeReportDue, nil)
	db.Email.UpdateOneID(c.ID).SetState(entemail.StateSent).ExecX(ctx)
	acts := &Activities{DB: db}
	out, err := acts.WaitingEmails(ctx, WaitingInput{Skip: []int{a.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.IDs) != 1 || out.IDs[0] != b.ID {
		t.Errorf("waiting %v, want [%d]", out.IDs, b.ID)
	}
}
