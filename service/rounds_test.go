package service

import (
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/challenge"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// A round's money is counted one way: the rounds page and API show what the check before a
// competition opens applies. The round (£300,000) has one phase 1 competition open (£250,000)
// and two challenges planning £250,000 and £1,000,000 each.
func TestARoundsMoneyIsCountedOneWay(t *testing.T) {
	p := newPeople(t)
	ch := selected(t, p)
	fx := testdb.Fixture()
	p.db.Challenge.Update().Where(challenge.RoundID(*ch.RoundID)).
		SetBudgetPhase1(domain.Pounds(250_000)).SetBudgetPhase2(domain.Pounds(1_000_000)).ExecX(fx)
	rounds, err := p.svc.Rounds(as(p.officer))
	if err != nil || len(rounds) != 1 {
		t.Fatalf("rounds: %v %v", rounds, err)
	}
	m := rounds[0].Money
	want := domain.RoundMoney{Budget: domain.Pounds(300_000), Committed: domain.Pounds(250_000),
		Planned: domain.Pounds(1_000_000) + domain.Pounds(1_250_000)}
	if m != want || m.Left() != domain.Pounds(50_000) || m.Over() || !m.PlansExceedLeft() {
		t.Errorf("the round's money: %+v left %s; want %+v, £50,000.00 left, plans beyond it", m, m.Left(), want)
	}

	// The check before opening finds the same £50,000 left.
	c := p.db.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetStatus(domain.CompetitionDraft).
		SetPot(domain.Pounds(100_000)).SetMaxContract(domain.Pounds(50_000)).SetScheme(domain.DefaultScheme()).SaveX(fx)
	err = p.svc.CompetitionReadiness(as(p.officer), c)
	if err == nil || !strings.Contains(err.Error(), "has left of its budget ("+m.Left().String()+")") {
		t.Errorf("opening a £100,000 pot: %v; want the round's %s left named", err, m.Left())
	}

	// Once it opens, its pot is committed and its plan no longer counted; a finished challenge
	// plans nothing more.
	p.db.Competition.UpdateOne(c).SetStatus(domain.CompetitionOpen).ExecX(fx)
	p.db.Challenge.Update().Where(challenge.RoundID(*ch.RoundID), challenge.IDNEQ(ch.ID)).SetStage(domain.ChallengeClosed).ExecX(fx)
	rounds, err = p.svc.Rounds(as(p.officer))
	if err != nil {
		t.Fatal(err)
	}
	want = domain.RoundMoney{Budget: domain.Pounds(300_000), Committed: domain.Pounds(350_000), Planned: domain.Pounds(1_000_000)}
	if m := rounds[0].Money; m != want || !m.Over() || m.Left() != 0 {
		t.Errorf("after opening: %+v; want %+v, over, nothing left", m, want)
	}
}
