package service

import (
	"slices"
	"testing"

	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// The panel sheet ranks the eligible bids by their mean weighted score, flags a score far from
// the others' with how far, and leaves out an assessor who declined a bid for a conflict.
func TestThePanelSheetRanksAndFlags(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	comp := openCompetition(t, p)
	p.db.Competition.UpdateOne(comp).SetStatus(domain.CompetitionAssessment).SetModerationBand(20).SetScheme(domain.DefaultScheme()).ExecX(fx)
	var assessors []int
	for _, name := range []string{"amara", "ben", "chen"} {
		assessors = append(assessors, p.db.Person.Create().SetName(name).SetEmail(name+"@panel.example").SetRoles([]string{"assessor"}).
			SetOrganisationID(p.council.ID).SaveX(fx).ID)
	}
	binsight := p.db.Organisation.Create().SetName("Binsight").SaveX(fx)
	civic := p.db.Organisation.Create().SetName("CivicSense").SaveX(fx)
	strong := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID), comp.Scheme, domain.Pounds(40_000)).SetStatus(domain.BidSubmitted).SaveX(fx)
	weak := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(binsight.ID), comp.Scheme, domain.Pounds(40_000)).SetStatus(domain.BidSubmitted).SaveX(fx)
	testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(civic.ID), comp.Scheme, domain.Pounds(40_000)).SetStatus(domain.BidIneligible).ExecX(fx)
	score := func(bidID, assessor, n int) {
		scores := map[string]domain.CriterionScore{}
		for _, q := range domain.DefaultScheme().Criteria {
			scores[q.Key] = domain.CriterionScore{Score: n, Comment: "Because"}
		}
		p.db.Assessment.Create().SetBidID(bidID).SetAssessorID(assessor).SetScores(scores).SetInScope(true).SetFund(n >= 7).SetPercent(float64(n * 10)).ExecX(fx)
	}
	score(strong.ID, assessors[0], 9)
	score(strong.ID, assessors[1], 8)
	score(strong.ID, assessors[2], 3) // far below the others
	score(weak.ID, assessors[0], 5)
	score(weak.ID, assessors[1], 6)
	score(weak.ID, assessors[2], 2) // declared a conflict: does not count
	p.db.Assignment.Create().SetCompetitionID(comp.ID).SetBidID(weak.ID).SetAssessorID(assessors[2]).SetStatus("declined").SetDeclinedReason("Former employer").ExecX(fx)

	sheet, err := p.svc.Panel(as(p.admin), comp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sheet.Rows) != 2 || sheet.Rows[0].Bid.ID != strong.ID || sheet.Rows[1].Bid.ID != weak.ID {
		t.Fatalf("the ranking leaves out the ineligible bid and puts the strong one first: %+v", sheet.Rows)
	}
	if got := sheet.Rows[0].Result.Percent; got < 66.6 || got > 66.7 {
		t.Errorf("the strong bid's mean is %.2f, want 66.67", got)
	}
	if len(sheet.Rows[1].Assessments) != 2 || sheet.Rows[1].Result.Percent != 55 {
		t.Errorf("the conflicted score counted: %d assessments, %.2f%%", len(sheet.Rows[1].Assessments), sheet.Rows[1].Result.Percent)
	}
	f := sheet.Rows[0].Flag
	if f == nil || !f.Wide || !slices.ContainsFunc(f.Outliers, func(o domain.Outlier) bool { return o.AssessorID == assessors[2] && o.Distance == -55 }) {
		t.Fatalf("the outlier flag: %+v", f)
	}
	if sheet.Rows[1].Flag != nil {
		t.Errorf("the weak bid's two close scores were flagged: %+v", sheet.Rows[1].Flag)
	}
	if sheet.Assessors[assessors[2]] != "chen" {
		t.Errorf("assessor names: %v", sheet.Assessors)
	}
}
