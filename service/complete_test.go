package service

import (
	"strings"
	"testing"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// Completing a challenge whose phase 2 contracts the gate has not all decided is refused naming
// each one by its supplier, and where to decide it.
func TestCompletingNamesTheContractsTheGateHasStillToDecide(t *testing.T) {
	p := newPeople(t)
	ch := selected(t, p)
	fx := testdb.Fixture()
	p.db.Challenge.UpdateOne(ch).SetStage(domain.ChallengePhase2Contracts).ExecX(fx)
	comp := p.db.Competition.Create().SetChallengeID(ch.ID).SetPhase(2).SetStatus(domain.CompetitionDecided).
		SetPot(domain.Pounds(1_000_000)).SetMaxContract(domain.Pounds(500_000)).SetScheme(domain.DefaultScheme()).SaveX(fx)
	b := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID), comp.Scheme, domain.Pounds(400_000)).SaveX(fx)
	p.db.Contract.Create().SetCompetitionID(comp.ID).SetBidID(b.ID).SetOrganisationID(p.acme.ID).SetPhase(2).
		SetValue(domain.Pounds(400_000)).SetStatus(domain.ContractReported).ExecX(fx)
	err := p.svc.CompleteChallenge(as(p.officer), CompleteChallenge{ID: ch.ID, Outcome: "adopted",
		Lesson: domain.Lesson{WhatWorked: "a", WhatFailed: "b", Why: "c"}})
	want := "Acme's phase 2 contract (end-of-phase report received: decide it at the gate on that contract's page)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("completing with a contract undecided: %v; want %q", err, want)
	}
}
