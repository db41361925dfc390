package service

import (
	"errors"
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	entemail "github.com/catalyst-sbri/catalyst/ent/email"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
	"github.com/catalyst-sbri/catalyst/records"
)

// Anyone subscribes to fields; a competition opening in one of them writes one notice per
// alert, however often the opening runs; the link stops it without signing in; a phase 2
// competition and one in other fields alert nobody.
func TestAlertsTellOnceAndStopFromTheirLink(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	anon := as(authz.Viewer{})
	transport, health := string(domain.Fields[0]), string(domain.Fields[1])
	if _, err := p.svc.Subscribe(anon, Subscribe{Email: "not an address", Fields: []string{"Astrology"}}); err == nil {
		t.Fatal("a bad address and field were taken")
	} else {
		wantProblems(t, err, "email", "fields")
	}
	a, err := p.svc.Subscribe(anon, Subscribe{Email: " Rosa@Example.ORG ", Fields: []string{transport}})
	if err != nil || a.Email != "rosa@example.org" {
		t.Fatalf("subscribed: %v %v", a, err)
	}
	// Someone else asking for the same address only adds fields.
	if a, err = p.svc.Subscribe(anon, Subscribe{Email: "rosa@example.org", Fields: []string{health}}); err != nil || len(a.Fields) != 2 {
		t.Fatalf("added a field: %v %v", a, err)
	}
	// A signed-in person's own address is the default.
	if mine, err := p.svc.Subscribe(as(p.supplier), Subscribe{Fields: []string{health}}); err != nil || mine.Email != p.supplier.Email {
		t.Fatalf("the signed-in default: %v %v", mine, err)
	}

	ch := selected(t, p)
	open := func(phase int, fields []string, eligible []int) *ent.Competition {
		// Each competition of its own challenge: one per challenge and phase.
		owner := p.db.Challenge.Create().SetTitle(ch.Title).SetPublicBody("Anytown").SetProblem("P").SetStage(domain.ChallengeSelected).
			SetOwnerID(p.ownerID).SaveX(fx)
		c := p.db.Competition.Create().SetChallengeID(owner.ID).SetPhase(phase).SetStatus(domain.CompetitionOpen).
			SetClosesAt(ch.CreatedAt.AddDate(0, 1, 0)).SetPot(domain.Pounds(100_000)).SetMaxContract(domain.Pounds(50_000)).
			SetScheme(domain.DefaultScheme()).SetFields(fields).SetEligibleOrganisations(eligible).SaveX(fx)
		for range 2 { // a retry of the opening's activity writes nothing twice
			if err := p.db.WithTx(fx, func(tx *ent.Tx) error { return records.AlertOpened(fx, tx, c) }); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	opened := open(1, []string{transport}, nil)
	open(2, []string{transport}, []int{p.acme.ID})
	open(1, []string{string(domain.Fields[2])}, nil)
	notices := p.db.AlertNotice.Query().AllX(fx)
	if len(notices) != 1 || notices[0].CompetitionID != opened.ID || notices[0].AlertID != a.ID {
		t.Fatalf("notices: %+v; want one, to rosa, for competition %d", notices, opened.ID)
	}
	text := AlertText(notices[0])
	if !strings.Contains(text, "Missed bins") || strings.Contains(text, a.Token) {
		t.Errorf("the notice reads %q", text)
	}
	// Its email carries a token of its own, kept until it is sent and stored as a hash for good.
	mail := p.db.Email.Query().Where(entemail.AlertNoticeID(notices[0].ID)).OnlyX(fx)
	if mail.UnsubscribeToken == nil || mail.UnsubscribeHash == nil || *mail.UnsubscribeHash != authz.HashSecret(*mail.UnsubscribeToken) {
		t.Fatalf("the alert's email: token %v, hash %v", mail.UnsubscribeToken, mail.UnsubscribeHash)
	}
	link := *mail.UnsubscribeToken
	p.db.Email.UpdateOne(mail).ClearUnsubscribeToken().ExecX(fx) // as the sender does once it is sent

	// The email's link stops it, twice as well as once, and so does a link of an alert sent
	// before each email had its own; a made-up link is not found.
	if _, err := p.svc.Unsubscribe(anon, "made-up"); !errors.As(err, new(*Refusal)) {
		t.Errorf("a made-up link: %v", err)
	}
	for _, token := range []string{link, link, a.Token} {
		if stopped, err := p.svc.Unsubscribe(anon, token); err != nil || stopped.ID != a.ID || stopped.UnsubscribedAt == nil {
			t.Fatalf("unsubscribed: %v %v", stopped, err)
		}
	}
	open(1, []string{transport, health}, nil)
	if n := p.db.AlertNotice.Query().CountX(fx); n != 2 { // only the signed-in supplier's, for health
		t.Errorf("after rosa stopped: %d notices, want 2", n)
	}
}
