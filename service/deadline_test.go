package service

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/bid"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// TestTheDeadlinesEdge sends 1,000 submissions spread evenly over the second either side of a
// competition's deadline, from 1,000 suppliers at once (32 at a time reaching the service, as the
// API admits them, each received as it arrived), on the real database. Judged by the
// server's receipt time: none is accepted at or after the deadline, none that arrived and was
// answered before it is refused, none that arrived after it is accepted, and every bid
// acknowledged is sealed exactly once.
func TestTheDeadlinesEdge(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 suppliers")
	}
	const n = 1000
	p := newPeople(t)
	comp := openCompetition(t, p)
	fx := testdb.Fixture()
	type supplier struct {
		ctx   context.Context
		bidID int
	}
	suppliers := make([]supplier, n)
	for i := range suppliers {
		org := p.db.Organisation.Create().SetName(fmt.Sprintf("Supplier %04d", i)).SetEmailDomain(fmt.Sprintf("s%04d.example", i)).SaveX(fx)
		person := p.db.Person.Create().SetName(fmt.Sprintf("Supplier %04d", i)).SetEmail(fmt.Sprintf("bid@s%04d.example", i)).
			SetRoles([]string{string(authz.Supplier)}).SetOrganisationID(org.ID).SaveX(fx)
		b := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(org.ID), comp.Scheme, domain.Pounds(40_000)).SaveX(fx)
		v := authz.Viewer{PersonID: person.ID, Email: person.Email, Roles: []authz.Role{authz.Supplier}, OrganisationID: org.ID}
		suppliers[i] = supplier{ctx: as(v), bidID: b.ID}
	}
	deadline := time.Now().Add(3 * time.Second).Truncate(time.Millisecond)
	p.db.Competition.UpdateOneID(comp.ID).SetClosesAt(deadline).ExecX(fx)

	type result struct {
		sent, answered time.Time
		bid            *ent.Bid
		err            error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	// At most 32 at once reach the service, as the API admits them (api.DefaultSubmitSlots); the
	// rest wait their turn, as they would for a slot.
	slots := make(chan struct{}, 32)
	for i := range suppliers {
		at := deadline.Add(-time.Second + time.Duration(i)*2*time.Second/n)
		wg.Go(func() {
			time.Sleep(time.Until(at))
			r := result{sent: time.Now()}
			ctx := WithArrival(suppliers[i].ctx, r.sent)
			slots <- struct{}{}
			r.bid, r.err = p.svc.SubmitBid(ctx, suppliers[i].bidID)
			<-slots
			r.answered = time.Now()
			results[i] = r
		})
	}
	wg.Wait()

	var accepted, refused, straddled, tooSlow int
	for i, r := range results {
		switch {
		case errors.Is(r.err, ErrSubmitTooSlow):
			// A machine too busy to seal it within its limit turns it away unsealed, saying so,
			// rather than seal it on a receipt time that is not true: an honest answer under load,
			// and the sealed count below shows nothing of it was kept.
			tooSlow++
		case r.err == nil && r.bid.Status == domain.BidSubmitted:
			accepted++
			if !r.bid.SubmittedAt.Before(deadline) {
				t.Errorf("bid %d accepted with a receipt time %s at or after the deadline", i, r.bid.SubmittedAt.Sub(deadline))
			}
			if !r.sent.Before(deadline) {
				t.Errorf("bid %d sent %s after the deadline was accepted", i, r.sent.Sub(deadline))
			}
		case r.err != nil:
			refused++
			var te *domain.TransitionError
			switch {
			case !errors.As(r.err, &te) || te.Kind != domain.ErrCompetitionClosed:
				t.Errorf("bid %d refused for another reason: %v", i, r.err)
			case te.At.Before(deadline):
				t.Errorf("bid %d received %s before the deadline was refused", i, deadline.Sub(te.At))
			case te.At.Before(r.sent) || te.At.After(r.answered):
				t.Errorf("bid %d: its receipt time is outside its request", i)
			}
			if r.sent.Before(deadline) {
				straddled++ // arrived as the deadline passed: its receipt time decided
			}
		default:
			t.Errorf("bid %d: neither accepted nor refused (%v)", i, r.bid.Status)
		}
	}
	sealed := p.db.Bid.Query().Where(bid.CompetitionID(comp.ID), bid.StatusEQ(domain.BidSubmitted)).CountX(fx)
	if sealed != accepted {
		t.Errorf("%d acknowledged, %d sealed", accepted, sealed)
	}
	var latest time.Duration
	for _, r := range results {
		latest = max(latest, r.answered.Sub(r.sent))
	}
	t.Logf("%d accepted, %d refused (%d sent before the deadline and refused as it passed), %d turned away as too slow to seal; slowest answer %s",
		accepted, refused, straddled, tooSlow, latest)
}

// TestTheCloseWaitsForASubmitReceivedInTime: a submit arrives just before the deadline and must
// wait its turn to write (another writer holds the competition past the deadline). The close
// comes due meanwhile; it waits its grace, so the bid is sealed on its receipt time and counted
// in the close, never shut out by the close committing first.
func TestTheCloseWaitsForASubmitReceivedInTime(t *testing.T) {
	p := newPeople(t)
	comp := openCompetition(t, p)
	fx := testdb.Fixture()
	b := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID), comp.Scheme, domain.Pounds(40_000)).SaveX(fx)
	p.db.Challenge.UpdateOneID(comp.ChallengeID).SetStage(domain.ChallengePhase1Open).ExecX(fx)
	deadline := time.Now().Add(300 * time.Millisecond)
	p.db.Competition.UpdateOneID(comp.ID).SetClosesAt(deadline).ExecX(fx)

	// Another writer holds the competition's row from before the deadline until after it.
	blocker, err := p.db.Tx(fx)
	if err != nil {
		t.Fatal(err)
	}
	blocker.Competition.UpdateOneID(comp.ID).SetUpdatedAt(time.Now()).ExecX(fx)
	acts := &activities.Activities{DB: p.db, CloseGrace: time.Second}
	closed := make(chan activities.CloseCompetitionOutput, 1)
	closeErr := make(chan error, 1)
	go func() {
		out, err := acts.CloseCompetition(context.Background(), activities.CloseCompetitionInput{CompetitionID: comp.ID})
		closed <- out
		closeErr <- err
	}()
	submitted := make(chan error, 1)
	time.Sleep(time.Until(deadline.Add(-100 * time.Millisecond)))
	go func() {
		_, err := p.svc.SubmitBid(as(p.supplier), b.ID)
		submitted <- err
	}()
	time.Sleep(time.Until(deadline.Add(300 * time.Millisecond)))
	if err := blocker.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-submitted; err != nil {
		t.Fatalf("a bid received before the deadline was refused: %v", err)
	}
	out := <-closed
	if err := <-closeErr; err != nil {
		t.Fatal(err)
	}
	if len(out.BidIDs) != 1 || out.BidIDs[0] != b.ID {
		t.Fatalf("the close counted bids %v, want the bid received in time", out.BidIDs)
	}
	if sealed := p.db.Bid.GetX(fx, b.ID); !sealed.SubmittedAt.Before(deadline) {
		t.Errorf("sealed at %s after the deadline, want its receipt time before it", sealed.SubmittedAt.Sub(deadline))
	}
}
