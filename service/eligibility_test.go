package service

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

func TestTheProgrammeDecidesEligibilityWithReasonsTheSupplierReads(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	ch := selected(t, p)
	comp := p.db.Competition.Create().SetChallengeID(ch.ID).SetPhase(1).SetStatus(domain.CompetitionEligibility).SetOpenedAt(time.Now()).
		SetClosesAt(time.Now().Add(-time.Hour)).SetPot(domain.Pounds(50_000)).SetMaxContract(domain.Pounds(25_000)).SetScheme(domain.DefaultScheme()).SaveX(fx)
	flagged := p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID).SetTitle("Damp sensors").SetAmount(domain.Pounds(20_000)).
		SetStatus(domain.BidSubmitted).SetEligibilityFlags([]string{"It has no documents: the proposal is missing"}).SaveX(fx)

	err := p.svc.EligibilityReadiness(as(p.officer), comp)
	var te *domain.TransitionError
	if !errors.As(err, &te) || te.Reason != "decide the 1 bid the automatic checks flagged first: bid "+strconv.Itoa(flagged.ID)+" from Acme" {
		t.Errorf("readiness with a flagged bid: %v", err)
	}
	if _, err := p.svc.DecideEligibility(as(p.officer), DecideEligibility{BidID: flagged.ID, Eligible: false}); err == nil {
		t.Error("found ineligible without a reason")
	}
	if _, err := p.svc.DecideEligibility(as(p.owner), DecideEligibility{BidID: flagged.ID, Eligible: false, Reason: "No proposal"}); err == nil {
		t.Error("the challenge owner decided eligibility")
	}
	b, err := p.svc.DecideEligibility(as(p.officer), DecideEligibility{BidID: flagged.ID, Eligible: false, Reason: "No proposal was attached"})
	if err != nil || b.Status != domain.BidIneligible {
		t.Fatalf("found ineligible: %v %v", b, err)
	}
	if err := p.svc.EligibilityReadiness(as(p.officer), comp); err != nil {
		t.Errorf("readiness once decided: %v", err)
	}
	b, err = p.svc.DecideEligibility(as(p.officer), DecideEligibility{BidID: flagged.ID, Eligible: true, Reason: "The proposal came by post in time"})
	if err != nil || b.Status != domain.BidSubmitted || b.EligibilityNote != "The proposal came by post in time" {
		t.Fatalf("reinstated: %v %v", b, err)
	}
	var told []string
	for _, n := range p.db.Notice.Query().Where(notice.RecipientID(p.supplierID)).AllX(fx) {
		told = append(told, n.Template)
	}
	if len(told) != 2 || told[0] != string(domain.NoticeBidIneligible) || told[1] != string(domain.NoticeBidReinstated) {
		t.Errorf("the supplier was told %v", told)
	}

	// Once assessment has started, eligibility is fixed.
	p.db.Competition.UpdateOneID(comp.ID).SetStatus(domain.CompetitionAssessment).ExecX(fx)
	if _, err := p.svc.DecideEligibility(as(p.officer), DecideEligibility{BidID: flagged.ID, Eligible: false, Reason: "Changed our mind"}); !errors.As(err, &te) {
		t.Errorf("a decision during assessment: %v", err)
	}
}
