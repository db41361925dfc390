package service

import (
	"context"
	"errors"
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

// shortlisted gives the assessing fixture's competition an interview stage and three bids
// scored in writing 80% (Acme), 90% (Binsight) and 50% (Weak): the first two are shortlisted.
func shortlisted(t *testing.T, x *assessing) (comp *ent.Competition, acme, binsight, weak *ent.Bid) {
	t.Helper()
	fx := testdb.Fixture()
	scheme := domain.DefaultScheme()
	scheme.MinAssessors, scheme.InterviewWeight = 1, 40
	comp = x.db.Competition.UpdateOne(x.comp).SetScheme(scheme).SaveX(fx)
	second := func(name string) *ent.Bid {
		org := x.db.Organisation.Create().SetName(name).SaveX(fx)
		b := testdb.Written(x.db.Bid.Create().SetCompetitionID(comp.ID).SetOrganisationID(org.ID), scheme, domain.Pounds(40_000)).
			SetStatus(domain.BidSubmitted).SetTitle(name + " bid").SaveX(fx)
		x.db.Assignment.Create().SetCompetitionID(comp.ID).SetBidID(b.ID).SetAssessorID(x.assessor.PersonID).SaveX(fx)
		return b
	}
	acme, binsight, weak = x.bid, second("Binsight"), second("Weak")
	acts := &activities.Activities{DB: x.db}
	for b, score := range map[int]int{acme.ID: 8, binsight.ID: 9, weak.ID: 5} { // 80%, 90% and 50% in writing
		if _, err := acts.RecordAssessment(fx, activities.RecordAssessmentInput{CompetitionID: comp.ID, BidID: b,
			AssessorID: x.assessor.PersonID, Assessment: full(score), Actor: authz.Actor{Who: x.assessor.Email}}); err != nil {
			t.Fatal(err)
		}
	}
	return comp, acme, binsight, weak
}

// The interview stage: the written score shortlists, each shortlisted supplier gets a slot and
// is told, the decision waits for every interview score, and the interview reorders the ranking
// by its weight; the supplier reads its interview score only with its outcome.
func TestInterviewsShortlistScheduleAndReorderTheRanking(t *testing.T) {
	x := newAssessing(t)
	fx := testdb.Fixture()
	comp, acme, binsight, weak := shortlisted(t, x)
	admin := as(x.officer)
	iv, err := x.svc.Interviews(admin, comp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(iv.Shortlist) != 2 || iv.Shortlist[0].Bid.ID != binsight.ID || iv.Shortlist[1].Bid.ID != acme.ID {
		t.Fatalf("shortlist = %v, want Binsight then Acme", iv.Shortlist)
	}
	if _, err := x.svc.ScheduleInterview(admin, InterviewSlot{BidID: weak.ID, At: time.Now().Add(48 * time.Hour), Place: "Room 1"}); err == nil ||
		!strings.Contains(err.Error(), "not shortlisted") {
		t.Errorf("a bid below the threshold got an interview: %v", err)
	}
	if _, err := x.svc.RecordInterviewScore(admin, InterviewScore{BidID: acme.ID, Percent: 95, Note: "Strong demo"}); err == nil ||
		!strings.Contains(err.Error(), "schedule it first") {
		t.Errorf("an interview without a slot was scored: %v", err)
	}
	var ps domain.Problems
	if _, err := x.svc.ScheduleInterview(admin, InterviewSlot{BidID: acme.ID, At: time.Now().Add(-time.Hour)}); !errors.As(err, &ps) ||
		len(ps) != 2 || ps[0].Message != "The interview must be in the future" || !strings.HasPrefix(ps[1].Message, "Enter where the interview is held") {
		t.Errorf("a slot in the past with no place: %v", err)
	}
	at := time.Now().Add(72 * time.Hour).Truncate(time.Minute)
	for _, b := range []*ent.Bid{acme, binsight} {
		if _, err := x.svc.ScheduleInterview(as(x.supplier), InterviewSlot{BidID: b.ID, At: at, Place: "Room 1"}); err == nil {
			t.Error("a supplier scheduled an interview")
		}
		if _, err := x.svc.ScheduleInterview(admin, InterviewSlot{BidID: b.ID, At: at, Place: "Room 1, Anytown Council offices"}); err != nil {
			t.Fatal(err)
		}
	}
	told := x.db.Notice.Query().Where(notice.Template(string(domain.NoticeInterviewScheduled)), notice.RecipientID(x.supplier.PersonID)).AllX(fx)
	if len(told) != 1 || told[0].Values["place"] != "Room 1, Anytown Council offices" {
		t.Errorf("Acme's supplier was told %+v", told)
	}
	_, err = x.svc.ProposeDecision(admin, Decision{CompetitionID: comp.ID})
	if !errors.Is(err, domain.ErrEvidenceMissing) || !strings.Contains(err.Error(), "Acme") || !strings.Contains(err.Error(), "Binsight bid (Binsight)") {
		t.Errorf("decision before the interviews = %v", err)
	}
	if _, err := x.svc.RecordInterviewScore(admin, InterviewScore{BidID: acme.ID, Percent: 101, Note: " "}); !errors.As(err, &ps) || len(ps) != 2 {
		t.Errorf("a score of 101 with no reasons: %v", err)
	}
	for id, pct := range map[int]float64{acme.ID: 95, binsight.ID: 50} {
		if _, err := x.svc.RecordInterviewScore(admin, InterviewScore{BidID: id, Percent: pct, Note: "The panel's view"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.svc.interviewsHeld(admin, comp); err != nil {
		t.Errorf("every interview is scored, yet: %v", err)
	}
	// 80 × 0.6 + 95 × 0.4 = 86 beats 90 × 0.6 + 50 × 0.4 = 74.
	sheet, err := x.svc.Panel(admin, comp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sheet.Rows[0].Bid.ID != acme.ID || sheet.Rows[0].Result.Percent != 86 || sheet.Rows[1].Result.Percent != 74 {
		t.Errorf("ranking = %d at %.2f%%, %d at %.2f%%; want Acme at 86%% then Binsight at 74%%",
			sheet.Rows[0].Bid.ID, sheet.Rows[0].Result.Percent, sheet.Rows[1].Bid.ID, sheet.Rows[1].Result.Percent)
	}
	mine, err := x.svc.Bid(as(x.supplier), acme.ID)
	if err != nil {
		t.Fatal(err)
	}
	if mine.InterviewAt == nil || !mine.InterviewAt.Equal(at) || mine.InterviewScore != nil || mine.InterviewNote != "" {
		t.Errorf("before the release the supplier reads slot %v, score %v %q", mine.InterviewAt, mine.InterviewScore, mine.InterviewNote)
	}
	// The decision the workflow's activity makes counts the interview the same way.
	x.db.Challenge.UpdateOneID(comp.ChallengeID).SetStage(domain.ChallengePhase1Assessment).ExecX(fx)
	if _, err := (&activities.Activities{DB: x.db}).DecideCompetition(fx, activities.DecideCompetitionInput{CompetitionID: comp.ID, Actor: authz.Actor{Who: x.officer.Email}}); err != nil {
		t.Fatal(err)
	}
	won := x.db.Bid.GetX(fx, acme.ID)
	if won.Status != domain.BidFunded || *won.Score != 86 || !strings.Contains(won.OutcomeReason, "95.00% at interview") {
		t.Errorf("Acme: %s at %v, %q", won.Status, *won.Score, won.OutcomeReason)
	}
	if _, err := x.svc.ScheduleInterview(admin, InterviewSlot{BidID: acme.ID, At: at, Place: "Room 2"}); err == nil {
		t.Error("an interview was moved after the decision")
	}
}

// TestAnInterviewsActionsAndCommandsAgree: the programme officer schedules an interview, a panel
// member scores it and is refused the slot, nobody who declared an interest in the supplier does
// either, and the model and the commands say the same.
func TestAnInterviewsActionsAndCommandsAgree(t *testing.T) {
	x := newAssessing(t)
	fx := testdb.Fixture()
	comp, acme, _, _ := shortlisted(t, x)
	member := x.db.Person.Create().SetName("Mo").SetEmail("mo@example.org").SetRoles([]string{string(authz.PanelMember)}).SaveX(fx)
	panel := as(authz.Viewer{PersonID: member.ID, Email: member.Email, Roles: []authz.Role{authz.PanelMember}})
	officer := as(x.officer)
	interested := x.officer
	interested.Interests = []int{acme.OrganisationID}
	actionsOf := func(ctx context.Context) Actions {
		t.Helper()
		iv, err := x.svc.Interviews(ctx, comp.ID)
		if err != nil {
			t.Fatal(err)
		}
		return iv.Actions[acme.ID]
	}
	slot := InterviewSlot{BidID: acme.ID, At: time.Now().Add(72 * time.Hour), Place: "Room 1"}
	score := InterviewScore{BidID: acme.ID, Percent: 70, Note: "Clear answers"}

	acts := actionsOf(panel)
	if _, ok := acts.Find("schedule-interview"); ok {
		t.Error("a panel member is offered scheduling")
	}
	_, err := x.svc.RecordInterviewScore(panel, score)
	agree(t, "a panel member scoring before the slot", acts, "score-interview", err)
	if _, err := x.svc.ScheduleInterview(panel, slot); err == nil {
		t.Error("a panel member scheduled an interview")
	}

	acts = actionsOf(as(interested))
	_, err = x.svc.ScheduleInterview(as(interested), slot)
	agree(t, "the officer with an interest scheduling", acts, "schedule-interview", err)
	if !strings.Contains(err.Error(), "you declared an interest in") {
		t.Errorf("the refusal does not say why: %v", err)
	}

	acts = actionsOf(officer)
	_, err = x.svc.ScheduleInterview(officer, slot)
	agree(t, "the officer scheduling", acts, "schedule-interview", err)

	acts = actionsOf(as(interested))
	_, err = x.svc.RecordInterviewScore(as(interested), score)
	agree(t, "the officer with an interest scoring", acts, "score-interview", err)
	acts = actionsOf(panel)
	_, err = x.svc.RecordInterviewScore(panel, score)
	agree(t, "a panel member scoring", acts, "score-interview", err)
	if b := x.db.Bid.GetX(fx, acme.ID); b.InterviewScore == nil || *b.InterviewScore != 70 {
		t.Errorf("the panel member's score was not kept: %v", b.InterviewScore)
	}
}
