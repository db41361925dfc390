package service

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/catalyst-sbri/catalyst/activities"
	"github.com/catalyst-sbri/catalyst/authz"
	"github.com/catalyst-sbri/catalyst/domain"
	"github.com/catalyst-sbri/catalyst/ent"
	"github.com/catalyst-sbri/catalyst/ent/notice"
	"github.com/catalyst-sbri/catalyst/internal/testdb"
)

// assessing is a competition in assessment with one bid given to one assessor.
type assessing struct {
	*people
	comp     *ent.Competition
	bid      *ent.Bid
	assessor authz.Viewer
	assigned *ent.Assignment
}

func newAssessing(t *testing.T) *assessing {
	t.Helper()
	p := newPeople(t)
	fx := testdb.Fixture()
	comp := openCompetition(t, p)
	comp = p.db.Competition.UpdateOne(comp).SetStatus(domain.CompetitionAssessment).SetScheme(domain.DefaultScheme()).SetAssignmentsReleasedAt(time.Now()).SaveX(fx)
	b := testdb.Written(p.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(p.acme.ID), comp.Scheme, domain.Pounds(40_000)).
		SetStatus(domain.BidSubmitted).SaveX(fx)
	x := p.db.Person.Create().SetName("Amara").SetEmail("amara@panel.example").SetRoles([]string{"assessor"}).SetOrganisationID(p.council.ID).SaveX(fx)
	a := p.db.Assignment.Create().SetCompetitionID(comp.ID).SetBidID(b.ID).SetAssessorID(x.ID).SaveX(fx)
	return &assessing{people: p, comp: comp, bid: b, assigned: a,
		assessor: authz.Viewer{PersonID: x.ID, Email: x.Email, Roles: []authz.Role{authz.Assessor}}}
}

func full(score int) domain.Assessment {
	a := domain.Assessment{Scores: map[string]domain.CriterionScore{}, InScope: true, Fund: true}
	for _, q := range domain.DefaultScheme().Criteria {
		a.Scores[q.Key] = domain.CriterionScore{Score: score, Comment: "Because of " + q.Title}
	}
	return a
}

// An assessor scores over two sittings: the draft keeps what they entered, counts for nothing,
// and is done with once they submit.
func TestAnAssessorSavesADraftAndFinishesLater(t *testing.T) {
	x := newAssessing(t)
	yes, seven, twelve := true, 7, 12
	draft := domain.DraftAnswers{Scores: map[string]domain.DraftEntry{"innovation": {Score: &seven, Comment: "New to councils"}}, InScope: &yes}
	for _, bad := range []domain.DraftAnswers{
		{Scores: map[string]domain.DraftEntry{"innovation": {Score: &twelve}}},
		{Scores: map[string]domain.DraftEntry{"value": {Comment: "Pricey, but no score yet"}}},
	} {
		if _, err := x.svc.SaveAssessmentDraft(as(x.assessor), x.assigned.ID, bad); !errors.As(err, new(domain.Problems)) {
			t.Errorf("a draft with %+v: %v", bad.Scores, err)
		}
	}
	if _, err := x.svc.SaveAssessmentDraft(as(x.supplier), x.assigned.ID, draft); err == nil {
		t.Error("a supplier saved a draft of someone else's scores")
	}
	if _, err := x.svc.SaveAssessmentDraft(as(x.assessor), x.assigned.ID, draft); err != nil {
		t.Fatal(err)
	}
	y, err := x.svc.Assessing(as(x.assessor), x.assigned.ID)
	if err != nil {
		t.Fatal(err)
	}
	if y.Status() != "In progress" || y.Assignment.Draft.Scores["innovation"].Comment != "New to councils" || y.Mine != nil {
		t.Errorf("after the first sitting: %s %+v %v", y.Status(), y.Assignment.Draft, y.Mine)
	}
	if sheet, _ := x.svc.Panel(as(x.officer), x.comp.ID); len(sheet.Rows[0].Assessments) != 0 {
		t.Error("a draft reached the panel sheet")
	}

	// The second sitting ends in a submission, through the activity the workflow runs.
	acts := &activities.Activities{DB: x.db}
	if _, err := acts.RecordAssessment(testdb.Fixture(), activities.RecordAssessmentInput{CompetitionID: x.comp.ID, BidID: x.bid.ID,
		AssessorID: x.assessor.PersonID, Assessment: full(7), Actor: authz.Actor{Who: x.assessor.Email}}); err != nil {
		t.Fatal(err)
	}
	y, _ = x.svc.Assessing(as(x.assessor), x.assigned.ID)
	if y.Status() != "Scored" || y.Assignment.Draft != nil || y.Assignment.DraftSavedAt != nil {
		t.Errorf("after submitting: %s, draft %+v", y.Status(), y.Assignment.Draft)
	}
}

// The programme sends a score back with a note: the assessor is told, the score leaves the mean,
// the decision waits for it, and submitting again answers it.
func TestAScoreSentBackWaitsForItsAssessor(t *testing.T) {
	x := newAssessing(t)
	fx := testdb.Fixture()
	mine := x.db.Assessment.Create().SetBidID(x.bid.ID).SetAssessorID(x.assessor.PersonID).SetScores(full(2).Scores).
		SetInScope(true).SetFund(false).SetPercent(20).SaveX(fx)
	if _, err := x.svc.SendBack(as(x.officer), mine.ID, "  "); !errors.As(err, new(domain.Problems)) {
		t.Errorf("sent back without a note: %v", err)
	}
	if _, err := x.svc.SendBack(as(x.officer), mine.ID, "The value score reads as if for another bid."); err != nil {
		t.Fatal(err)
	}
	n := x.db.Notice.Query().Where(notice.RecipientID(x.assessor.PersonID)).OnlyX(fx)
	if text := domain.NoticeTemplate(n.Template).Text(n.Values); !strings.Contains(text, "The value score reads as if for another bid.") {
		t.Errorf("the assessor was told %q", text)
	}
	y, _ := x.svc.Assessing(as(x.assessor), x.assigned.ID)
	if y.Status() != "Sent back" {
		t.Errorf("the assessor's list says %q", y.Status())
	}
	sheet, err := x.svc.Panel(as(x.officer), x.comp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r := sheet.Rows[0]; r.Result.Percent != 0 || r.Returned[x.assessor.PersonID] == nil || r.Assessments[0].Excluded == nil {
		t.Errorf("the sheet counts a score sent back: %+v", r.Result)
	}
	_, err = x.svc.ProposeDecision(as(x.officer), Decision{CompetitionID: x.comp.ID})
	if !errors.Is(err, domain.ErrEvidenceMissing) || !strings.Contains(err.Error(), "Amara's scores of") {
		t.Errorf("deciding while a score is sent back: %v", err)
	}

	acts := &activities.Activities{DB: x.db}
	if _, err := acts.RecordAssessment(fx, activities.RecordAssessmentInput{CompetitionID: x.comp.ID, BidID: x.bid.ID,
		AssessorID: x.assessor.PersonID, Assessment: full(6), Actor: authz.Actor{Who: x.assessor.Email}}); err != nil {
		t.Fatal(err)
	}
	if a := x.db.Assessment.GetX(fx, mine.ID); a.Returned != nil || a.Percent != 60 {
		t.Errorf("submitted again: returned %v, %v%%", a.Returned, a.Percent)
	}
}

// TestAssessmentsInTheRecordsTakeNoWorkflow: in a competition opened from
// versionAssessedInRecords on, an assessment is written by the service itself, under the same
// rules (assessment only, the assessor's own assigned bid, the scores checked), with no call to
// the workflow (this service has none); the decision's activity counts them in the records.
func TestAssessmentsInTheRecordsTakeNoWorkflow(t *testing.T) {
	x := newAssessing(t)
	fx := testdb.Fixture()
	x.db.Competition.UpdateOne(x.comp).SetAssessmentsInRecords(true).ExecX(fx)
	yes := true
	record := func(score int) (float64, error) {
		a := full(score)
		return x.svc.RecordAssessment(as(x.assessor), RecordAssessment{CompetitionID: x.comp.ID, BidID: x.bid.ID,
			Scores: a.Scores, InScope: &yes, Fund: &yes})
	}
	percent, err := record(8)
	if err != nil || percent != 80 {
		t.Fatalf("recorded %v%%, %v; want 80%% with no workflow", percent, err)
	}
	if _, err := record(9); err != nil {
		t.Fatalf("a re-score: %v", err)
	}
	if a := x.db.Assessment.Query().OnlyX(fx); a.Percent != 90 {
		t.Errorf("the re-score left %v%%, want it to replace the first", a.Percent)
	}
	// Three assessors are the scheme's minimum: the decision refuses with one, naming the bid.
	acts := &activities.Activities{DB: x.db}
	_, err = acts.DecideCompetition(fx, activities.DecideCompetitionInput{CompetitionID: x.comp.ID})
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%q from ", x.bid.Title)) || !strings.Contains(err.Error(), "has 1 of its 3 assessments") {
		t.Errorf("a decision with one assessment of three: %v", err)
	}
	// Once decided, no more assessments: the rule the workflow applied, applied here.
	x.db.Competition.UpdateOne(x.comp).SetStatus(domain.CompetitionDecided).ExecX(fx)
	if _, err := record(5); err == nil || !strings.Contains(err.Error(), "assessment starts after the deadline") {
		t.Errorf("an assessment after the decision: %v", err)
	}
	if a := x.db.Assessment.Query().OnlyX(fx); a.Percent != 90 {
		t.Errorf("a refused assessment changed the record to %v%%", a.Percent)
	}
}
