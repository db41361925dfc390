package service

import (
	"errors"
	"slices"
	"strings"
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

	sheet, err := p.svc.Panel(as(p.officer), comp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sheet.Rows) != 2 || sheet.Rows[0].Bid.ID != strong.ID || sheet.Rows[1].Bid.ID != weak.ID {
		t.Fatalf("the ranking leaves out the ineligible bid and puts the strong one first: %+v", sheet.Rows)
	}
	if got := sheet.Rows[0].Result.Percent; got < 66.6 || got > 66.7 {
		t.Errorf("the strong bid's mean is %.2f, want 66.67", got)
	}
	// The conflicted score stays on the sheet, out of the mean, saying why.
	if sheet.Rows[1].Result.Percent != 55 || sheet.Rows[1].Result.Excluded != 1 {
		t.Errorf("the conflicted score counted: %.2f%%, %d excluded", sheet.Rows[1].Result.Percent, sheet.Rows[1].Result.Excluded)
	}
	for _, a := range sheet.Rows[1].Assessments {
		if a.AssessorID == assessors[2] && (a.Excluded == nil || !strings.Contains(a.Excluded.Reason, "Former employer")) {
			t.Errorf("the conflicted score's exclusion: %+v", a.Excluded)
		}
	}
	f := sheet.Rows[0].Flag
	if f == nil || !f.Wide || !slices.ContainsFunc(f.Outliers, func(o domain.Outlier) bool { return o.AssessorID == assessors[2] && o.Distance == -55 }) {
		t.Fatalf("the outlier flag: %+v", f)
	}
	if sheet.Assessors[assessors[2]] != "chen" {
		t.Errorf("assessor names: %v", sheet.Assessors)
	}
}

// Excluding a score with a reason takes it out of the mean and can change the rank at once; its
// comments stay in the feedback; it can be included again; nothing is moderated after the
// decision.
func TestExcludingAScoreChangesTheRankAndKeepsItsComments(t *testing.T) {
	p := newPeople(t)
	fx := testdb.Fixture()
	comp := openCompetition(t, p)
	p.db.Competition.UpdateOne(comp).SetStatus(domain.CompetitionAssessment).SetScheme(domain.DefaultScheme()).ExecX(fx)
	binsight := p.db.Organisation.Create().SetName("Binsight").SaveX(fx)
	first := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID), comp.Scheme, domain.Pounds(40_000)).SetStatus(domain.BidSubmitted).SaveX(fx)
	second := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(binsight.ID), comp.Scheme, domain.Pounds(40_000)).SetStatus(domain.BidSubmitted).SaveX(fx)
	var ids []int
	for i, name := range []string{"amara", "ben"} {
		a := p.db.Person.Create().SetName(name).SetEmail(name + "@panel.example").SetRoles([]string{"assessor"}).SetOrganisationID(p.council.ID).SaveX(fx)
		for _, s := range []struct {
			bid, score int
		}{{first.ID, []int{9, 1}[i]}, {second.ID, 6}} {
			scores := map[string]domain.CriterionScore{}
			for _, q := range domain.DefaultScheme().Criteria {
				scores[q.Key] = domain.CriterionScore{Score: s.score, Comment: name + " says so"}
			}
			x := p.db.Assessment.Create().SetBidID(s.bid).SetAssessorID(a.ID).SetScores(scores).SetInScope(true).SetFund(true).SetPercent(float64(s.score * 10)).SaveX(fx)
			if s.bid == first.ID {
				ids = append(ids, x.ID)
			}
		}
	}
	rank := func() []int {
		sheet, err := p.svc.Panel(as(p.officer), comp.ID)
		if err != nil {
			t.Fatal(err)
		}
		return []int{sheet.Rows[0].Bid.ID, sheet.Rows[1].Bid.ID}
	}
	if got := rank(); got[0] != second.ID { // 60% beats the first bid's (90+10)/2 = 50%
		t.Fatalf("before moderation: %v", got)
	}
	if _, err := p.svc.ExcludeScore(as(p.officer), ids[1], " "); err == nil {
		t.Error("an exclusion without a reason")
	}
	if _, err := p.svc.ExcludeScore(as(p.officer), ids[1], "Scored another bid's answers by mistake"); err != nil {
		t.Fatal(err)
	}
	if got := rank(); got[0] != first.ID {
		t.Errorf("after excluding the 10%%: %v, want the first bid first at 90%%", got)
	}
	f, err := p.svc.Feedback(as(p.officer), first.ID)
	if err != nil || len(f.Assessments) != 2 {
		t.Errorf("the excluded score's comments left the feedback: %v %v", f.Assessments, err)
	}
	if _, err := p.svc.IncludeScore(as(p.officer), ids[1]); err != nil {
		t.Fatal(err)
	}
	if got := rank(); got[0] != second.ID {
		t.Errorf("included again: %v", got)
	}
	p.db.Competition.UpdateOne(comp).SetStatus(domain.CompetitionDecided).ExecX(fx)
	if _, err := p.svc.ExcludeScore(as(p.officer), ids[1], "Too late"); !errors.Is(err, domain.ErrInvalidTransition) {
		t.Errorf("moderating after the decision: %v", err)
	}
}
